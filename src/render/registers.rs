//! The council's registers: lists drawn from every published item rather
//! than pages of one record. Each reads the register's order (which item
//! holds which entry) and the headlines of the entries it shows, so an edit
//! to one decision redoes the pages that show it, and a new decision the
//! pages of its year.

use super::context::*;
use super::views::{PageBuilder, RenderResult};
use super::*;

impl PageBuilder<'_> {
    /// `/decisions/` (or one committee's, `/decisions/<committee>/`): the
    /// register's years, and the latest decisions.
    pub(super) fn decisions_index(&self, theme: &Theme, committee: Option<Id>) -> RenderResult {
        let a = self.archive();
        let years = self.r.decision_years(committee);
        let latest = years.first().map(|&(year, _)| {
            let entries = self.r.decision_year(committee, year);
            Group {
                label: year.to_string(),
                entries: (chunk(&entries, 0).iter())
                    .map(|&(i, k)| self.decision_entry(i, k))
                    .collect(),
            }
        });
        let data = DecisionsPage {
            committee: committee.map(|c| self.committee_link(c)),
            total: years.iter().map(|&(_, n)| n).sum(),
            years: (years.iter())
                .map(|&(year, count)| CountedLink {
                    title: year.to_string(),
                    url: self.url(&decision_year_path(a, committee, year)),
                    count,
                })
                .collect(),
            latest,
            filters: self.decision_filters(committee),
            all_url: self.url(&decisions_path(a, None)),
            feed_url: self.url("/decisions/feed.xml"),
        };
        let title = register_title(&data.committee, None);
        let mut crumbs = vec![self.home_crumb()];
        if committee.is_some() {
            crumbs.push(self.link("Decisions", &decisions_path(a, None)));
        }
        let mut page = self.meta(&title, &decisions_path(a, committee), "decisions");
        page.feed = Some(data.feed_url.clone());
        self.finish(theme, "decisions.html", page, crumbs, None, &data)
    }

    /// One year of a register, `/decisions/[<committee>/]<year>/`, paged.
    pub(super) fn decision_year_page(
        &self,
        theme: &Theme,
        committee: Option<Id>,
        year: i32,
        page_no: usize,
    ) -> RenderResult {
        let a = self.archive();
        let all = self.r.decision_year(committee, year);
        let base = decision_year_path(a, committee, year);
        let committee_link = committee.map(|c| self.committee_link(c));
        let title = register_title(&committee_link, Some(year));
        let data = DecisionYearPage {
            register: self.link(
                &register_title(&committee_link, None),
                &decisions_path(a, committee),
            ),
            committee: committee_link,
            year,
            total: all.len(),
            entries: (chunk(&all, page_no).iter())
                .map(|&(i, k)| self.decision_entry(i, k))
                .collect(),
            feed_url: self.url("/decisions/feed.xml"),
            pager: self.pager(&base, page_no, page_count(all.len())),
        };
        let mut crumbs = vec![self.home_crumb()];
        if committee.is_some() {
            crumbs.push(self.link("Decisions", &decisions_path(a, None)));
        }
        crumbs.push(data.register.clone());
        let path = paged_path(&base, page_no);
        let mut page = self.meta(&paged_title(&title, page_no), &path, "decisions");
        page.feed = Some(data.feed_url.clone());
        self.finish(theme, "decision-year.html", page, crumbs, None, &data)
    }

    /// The register of each committee, with how many decisions it holds.
    fn decision_filters(&self, current: Option<Id>) -> Vec<CommitteeFilter> {
        self.r.committees();
        (self.r.decisions_per_committee().into_iter().enumerate())
            .filter(|&(_, n)| n > 0)
            .map(|(c, count)| {
                let committee = self.r.committee_headline(c);
                CommitteeFilter {
                    title: committee.title.to_owned(),
                    url: self.url(&decisions_path(self.archive(), Some(c))),
                    count,
                    current: current == Some(c),
                }
            })
            .collect()
    }

    fn decision_entry(&self, i: Id, k: usize) -> DecisionEntry {
        let item = self.r.item_headline(i);
        let html = self.archive().bodies.html();
        let decision = item.decisions.get(k);
        let text = decision.map_or("", |d| d.text.as_str());
        DecisionEntry {
            text_html: markdown::render_inline(text, &html),
            url: self.url(&format!("{}#{}", item.url, decision_anchor(k))),
            at: self.agreed_at(i),
            votes: decision.and_then(|d| d.votes).map(VotesView::of),
        }
    }

    /// `/decisions/feed.xml`: the newest decisions, one entry each, as
    /// its item's entry would be, titled and summarised by the decision.
    pub(super) fn decisions_feed(&self, theme: &Theme) -> RenderResult {
        let newest = self.r.decisions_newest_first();
        let entries = (newest.iter().take(FEED_ENTRIES))
            .map(|&(i, k)| {
                let item = self.r.item_headline(i);
                let decision = item.decisions.get(k).map_or("", |d| d.text.as_str());
                let text = markdown::plain_text(decision);
                FeedEntry {
                    title: format!("{}: {text}", item.title),
                    url: self.absolute(&format!("{}#{}", item.url, decision_anchor(k))),
                    summary: Some(text),
                    ..self.feed_entry(i)
                }
            })
            .collect();
        let title = format!("Decisions — {}", self.archive().config.title);
        self.feed_of(theme, &title, "/decisions/", "/decisions/feed.xml", entries)
    }
}

/// "Decisions", "Decisions of the Finance Committee, 2024"...
fn register_title(committee: &Option<Link>, year: Option<i32>) -> String {
    let register = match committee {
        Some(c) => format!("Decisions of the {}", c.title),
        None => "Decisions".to_owned(),
    };
    match year {
        Some(year) => format!("{register}, {year}"),
        None => register,
    }
}

/// The id of an item's `k`th decision (0-based) on its page: `decision-1`...
pub fn decision_anchor(k: usize) -> String {
    format!("decision-{}", k + 1)
}

/// The id of an item's `k`th action (0-based) on its page: `action-1`...
pub fn action_anchor(k: usize) -> String {
    format!("action-{}", k + 1)
}

impl PageBuilder<'_> {
    /// `/actions/`: every action, the open ones first (overdue marked),
    /// then those done and dropped; paged.
    pub(super) fn actions_page(&self, theme: &Theme, page_no: usize) -> RenderResult {
        use crate::load::schema::ActionStatus;
        let a = self.archive();
        let all = self.r.actions_in_order();
        let status = |&(i, k): &(Id, usize)| &a.items[i].actions[k];
        let count = |s: ActionStatus| all.iter().filter(|e| status(e).status == s).count();
        let mut groups: Vec<Group<ActionEntry>> = Vec::new();
        for &(i, k) in chunk(&all, page_no) {
            let entry = self.action_entry(i, k);
            let label = match entry.action.status {
                "done" => "Done",
                "dropped" => "Dropped",
                _ => "Open",
            };
            match groups.last_mut() {
                Some(group) if group.label == label => group.entries.push(entry),
                _ => groups.push(Group {
                    label: label.to_owned(),
                    entries: vec![entry],
                }),
            }
        }
        let data = ActionsPage {
            open: count(ActionStatus::Open),
            overdue: (all.iter())
                .filter(|e| status(e).is_overdue(a.config.today))
                .count(),
            done: count(ActionStatus::Done),
            dropped: count(ActionStatus::Dropped),
            groups,
            pager: self.pager("/actions/", page_no, page_count(all.len())),
        };
        let path = paged_path("/actions/", page_no);
        let page = self.meta(&paged_title("Actions", page_no), &path, "actions");
        self.finish(
            theme,
            "actions.html",
            page,
            vec![self.home_crumb()],
            None,
            &data,
        )
    }

    /// Where an entry of item `i` was made.
    fn agreed_at(&self, i: Id) -> AgreedAt {
        let item = self.r.item_headline(i);
        AgreedAt {
            item: self.link(item.title, item.url),
            number: item.number.to_owned(),
            meeting: self.meeting_link(item.meeting),
            date: DateView::new(self.r.item_date(i)),
            committee: self.committee_link(item.committee),
            draft: item.draft,
        }
    }

    fn action_entry(&self, i: Id, k: usize) -> ActionEntry {
        let item = self.r.item_headline(i);
        ActionEntry {
            action: self.action(&item.actions[k], k),
            url: self.url(&format!("{}#{}", item.url, action_anchor(k))),
            at: self.agreed_at(i),
        }
    }
}

/// A declaration's kind as shown: "pecuniary" -> "Pecuniary", "other
/// registrable" -> "Other registrable"; free text as written, capitalised.
pub(super) fn kind_label(kind: &str) -> String {
    let mut chars = kind.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

impl PageBuilder<'_> {
    /// `/declarations/`: every declaration of interest, by member, each's
    /// newest first; paged.
    pub(super) fn declarations_page(&self, theme: &Theme, page_no: usize) -> RenderResult {
        let all = self.r.declarations_by_member();
        let mut members: Vec<MemberDeclarations> = Vec::new();
        let mut current = None;
        for &(p, i, k) in chunk(&all, page_no) {
            let entry = self.declaration_entry(i, k);
            match members.last_mut() {
                Some(m) if current == Some(p) => m.entries.push(entry),
                _ => {
                    let person = self.r.person_headline(p);
                    current = Some(p);
                    members.push(MemberDeclarations {
                        member: self.link(person.name, person.url),
                        entries: vec![entry],
                    });
                }
            }
        }
        let data = DeclarationsPage {
            total: all.len(),
            members,
            pager: self.pager("/declarations/", page_no, page_count(all.len())),
        };
        let path = paged_path("/declarations/", page_no);
        let title = paged_title("Declarations of interest", page_no);
        let page = self.meta(&title, &path, "declarations");
        let crumbs = vec![self.home_crumb()];
        self.finish(theme, "declarations.html", page, crumbs, None, &data)
    }

    fn declaration_entry(&self, i: Id, k: usize) -> DeclarationEntry {
        let item = self.r.item_headline(i);
        let d = &item.declarations[k];
        DeclarationEntry {
            interest: d.interest.clone(),
            kind: d.kind.as_deref().map(kind_label),
            at: self.agreed_at(i),
        }
    }
}
