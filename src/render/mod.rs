//! Render stage: every page of the site, from the model, through the theme.
//!
//! Pages are rendered in parallel and handed to a sink as they are made, so
//! the whole site never sits in memory at once.

pub mod context;
mod sitemap;
pub mod theme;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
use serde::Serialize;

use crate::body::BodyError;
use crate::diagnostic::Diagnostic;
use crate::markdown;
use crate::model::*;
use crate::urls;
use context::*;
pub use theme::Theme;

/// Items per page of a paginated list.
pub const PAGE_SIZE: usize = 100;
/// Entries in each feed.
pub const FEED_ENTRIES: usize = 50;
/// Meetings on the home page.
pub const HOME_MEETINGS: usize = 10;

/// One rendered file, ready to be written.
#[derive(Debug)]
pub struct RenderedPage {
    /// Site path, e.g. "/rcc/2017-12-07/" or "/feed.xml".
    pub url: String,
    /// The content file it comes from, if any.
    pub source: Option<String>,
    pub template: &'static str,
    pub body: String,
}

/// Every page the site has, before rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PageJob {
    Home,
    /// A committee, and which page of its meetings.
    Committee(Id, usize),
    Meeting(Id),
    Item(Id),
    Document(Id),
    Topics,
    /// A topic, and which page of its timeline (0-based).
    Topic(Id, usize),
    People,
    /// A person, and which page of their lists.
    Person(Id, usize),
    /// Which page of all meetings, newest first.
    Meetings(usize),
    Search,
    NotFound,
    SiteFeed,
    CommitteeFeed(Id),
    TopicFeed(Id),
    /// `sitemap.xml`, when the site has a `base_url`.
    Sitemap,
}

/// Lists every page of the archive.
pub fn jobs(archive: &Archive) -> Vec<PageJob> {
    let mut jobs = vec![
        PageJob::Home,
        PageJob::Topics,
        PageJob::People,
        PageJob::Search,
        PageJob::NotFound,
        PageJob::SiteFeed,
    ];
    jobs.extend((0..archive.committees.len()).flat_map(|i| {
        let pages = page_count(archive.committees[i].meetings.len());
        (0..pages)
            .map(move |p| PageJob::Committee(i, p))
            .chain([PageJob::CommitteeFeed(i)])
    }));
    jobs.extend((0..archive.meetings.len()).map(PageJob::Meeting));
    jobs.extend((0..archive.items.len()).map(PageJob::Item));
    jobs.extend((0..archive.documents.len()).map(PageJob::Document));
    for (i, t) in archive.topics.iter().enumerate() {
        jobs.extend((0..page_count(t.items.len())).map(|p| PageJob::Topic(i, p)));
        jobs.push(PageJob::TopicFeed(i));
    }
    jobs.extend((0..page_count(archive.meetings.len())).map(PageJob::Meetings));
    for (i, p) in archive.people.iter().enumerate() {
        jobs.extend((0..person_pages(p)).map(|page| PageJob::Person(i, page)));
    }
    if archive.config.base_url.is_some() {
        jobs.push(PageJob::Sitemap);
    }
    jobs
}

/// One page's share of a list.
fn chunk<T>(v: &[T], page: usize) -> &[T] {
    let start = (page * PAGE_SIZE).min(v.len());
    &v[start..(start + PAGE_SIZE).min(v.len())]
}

/// A person's lists are paged together: page N shows the Nth share of each.
pub fn person_pages(p: &Person) -> usize {
    [
        p.presented.len(),
        p.chaired.len(),
        p.attended.len(),
        p.apologies.len(),
        p.declarations.len(),
        p.actions.len(),
        p.authored.len(),
    ]
    .into_iter()
    .map(page_count)
    .max()
    .unwrap_or(1)
}

/// Pages a list of `n` entries takes.
pub fn page_count(n: usize) -> usize {
    n.div_ceil(PAGE_SIZE).max(1)
}

/// Renders `jobs` in parallel, passing each page to `sink`. Returns every
/// problem met (template errors, write errors from the sink).
pub fn render<F>(
    archive: &Archive,
    theme: &Theme,
    root: &Path,
    jobs: &[PageJob],
    sink: F,
) -> Vec<Diagnostic>
where
    F: Fn(RenderedPage) -> Result<(), Diagnostic> + Sync,
{
    let views = Views::new(archive);
    let mut errors: Vec<Diagnostic> = jobs
        .par_iter()
        .filter_map(|&job| {
            let page = views.render(theme, job).map_err(|e| match e {
                PageError::Template(template, e) => theme.diagnostic(root, Some(template), &e),
                PageError::Body(e) => e.into(),
            });
            page.and_then(&sink).err()
        })
        .collect();
    // A broken template fails every page alike: report it once.
    errors.sort_by(|a, b| (&a.path, a.line, &a.message).cmp(&(&b.path, b.line, &b.message)));
    errors.dedup_by(|a, b| a.path == b.path && a.line == b.line && a.message == b.message);
    errors
}

/// Builds the views (contexts) of pages from the model.
pub struct Views<'a> {
    pub archive: &'a Archive,
    site: SiteView,
}

/// Why a page could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("template {0}: {1}")]
    Template(&'static str, tera::Error),
    #[error(transparent)]
    Body(#[from] BodyError),
}

type RenderResult = Result<RenderedPage, PageError>;

impl<'a> Views<'a> {
    pub fn new(archive: &'a Archive) -> Views<'a> {
        let config = &archive.config;
        let prefix = archive.prefix.clone();
        Views {
            archive,
            site: SiteView {
                title: config.title.clone(),
                base_url: config.base_url.clone(),
                language: config.language.clone(),
                home: format!("{prefix}/"),
                feed: format!("{prefix}/feed.xml"),
                prefix,
                extra: serde_json::to_value(&config.extra).unwrap_or_default(),
            },
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.archive.prefix, path)
    }

    fn absolute(&self, path: &str) -> String {
        match &self.archive.config.base_url {
            Some(base) => {
                let origin_len = base.find("://").map_or(0, |i| i + 3);
                let origin = match base[origin_len..].find('/') {
                    Some(slash) => &base[..origin_len + slash],
                    None => base.as_str(),
                };
                format!("{origin}{}", self.url(path))
            }
            None => self.url(path),
        }
    }

    fn page(&self, title: &str, path: &str, kind: &'static str) -> PageMeta {
        PageMeta {
            title: title.to_owned(),
            url: self.url(path),
            kind,
            description: None,
            feed: None,
            canonical: self
                .archive
                .config
                .base_url
                .as_ref()
                .map(|_| self.absolute(path)),
            path: path.to_owned(),
        }
    }

    fn home_crumb(&self) -> Link {
        Link {
            title: "Home".into(),
            url: self.site.home.clone(),
        }
    }

    pub fn link(&self, title: &str, path: &str) -> Link {
        Link {
            title: title.to_owned(),
            url: self.url(path),
        }
    }

    fn person(&self, p: &PersonRole) -> PersonView {
        let person = &self.archive.people[p.person];
        PersonView {
            name: person.name.clone(),
            role: p.role.clone(),
            url: self.url(&person.url),
        }
    }

    fn people(&self, ps: &[PersonRole]) -> Vec<PersonView> {
        ps.iter().map(|p| self.person(p)).collect()
    }

    fn committee_link(&self, c: Id) -> Link {
        let c = &self.archive.committees[c];
        self.link(&c.title, &c.url)
    }

    fn meeting_link(&self, m: Id) -> Link {
        let m = &self.archive.meetings[m];
        self.link(&meeting_title(m), &m.url)
    }

    fn topic_link(&self, t: Id) -> Link {
        let t = &self.archive.topics[t];
        self.link(&t.name, &t.url)
    }

    pub fn item_summary(&self, i: Id) -> ItemSummary {
        let item = &self.archive.items[i];
        ItemSummary {
            title: item.title.clone(),
            url: self.url(&item.url),
            number: item.number.clone(),
            date: DateView::new(self.archive.item_date(i)),
            committee: self.committee_link(item.committee),
            meeting: self.meeting_link(item.meeting),
            purpose: item.purpose.clone(),
            topics: item.topics.iter().map(|&t| self.topic_link(t)).collect(),
            draft: item.draft,
        }
    }

    fn meeting_summary(&self, m: Id) -> MeetingSummary {
        let meeting = &self.archive.meetings[m];
        MeetingSummary {
            title: meeting_title(meeting),
            url: self.url(&meeting.url),
            date: DateView::new(meeting.date),
            committee: self.committee_link(meeting.committee),
            item_count: meeting.items.len(),
            status: status_name(meeting.status),
        }
    }

    fn meetings_by_year(&self, meetings: impl Iterator<Item = Id>) -> Vec<Group<MeetingSummary>> {
        let mut by_year: BTreeMap<std::cmp::Reverse<i32>, Vec<(NaiveDate, Id)>> = BTreeMap::new();
        for m in meetings {
            let date = self.archive.meetings[m].date;
            by_year
                .entry(std::cmp::Reverse(date.year()))
                .or_default()
                .push((date, m));
        }
        by_year
            .into_iter()
            .map(|(year, mut ms)| {
                ms.sort_by(|a, b| b.cmp(a));
                Group {
                    label: year.0.to_string(),
                    entries: ms
                        .into_iter()
                        .map(|(_, m)| self.meeting_summary(m))
                        .collect(),
                }
            })
            .collect()
    }

    fn reference(&self, key: PageKey) -> RefView {
        let a = self.archive;
        match key {
            PageKey::Committee(i) => RefView {
                title: a.committees[i].title.clone(),
                url: self.url(&a.committees[i].url),
                kind: "committee",
                context: a.committees[i].authority.clone(),
            },
            PageKey::Meeting(i) => RefView {
                title: format!("{} meeting", meeting_title(&a.meetings[i])),
                url: self.url(&a.meetings[i].url),
                kind: "meeting",
                context: Some(a.committees[a.meetings[i].committee].title.clone()),
            },
            PageKey::Item(i) => RefView {
                title: a.items[i].title.clone(),
                url: self.url(&a.items[i].url),
                kind: "agenda item",
                context: Some(item_context(a, i)),
            },
            PageKey::Document(i) => RefView {
                title: a.documents[i].title.clone(),
                url: self.url(&a.documents[i].url),
                kind: "document",
                context: Some(format!("supporting {}", a.items[a.documents[i].item].title)),
            },
        }
    }

    fn references(&self, keys: &[PageKey]) -> Vec<RefView> {
        keys.iter().map(|&k| self.reference(k)).collect()
    }

    fn common(&self, page: PageMeta, breadcrumbs: Vec<Link>) -> tera::Context {
        let mut c = tera::Context::new();
        c.insert("site", &self.site);
        c.insert("page", &page);
        c.insert("breadcrumbs", &breadcrumbs);
        c
    }

    fn finish<T: Serialize>(
        &self,
        theme: &Theme,
        template: &'static str,
        page: PageMeta,
        breadcrumbs: Vec<Link>,
        source: Option<&str>,
        data: &T,
    ) -> RenderResult {
        let path = page.path.clone();
        let common = self.common(page, breadcrumbs);
        let body = theme
            .render(template, &common, data)
            .map_err(|e| PageError::Template(template, e))?;
        Ok(RenderedPage {
            url: path,
            source: source.map(str::to_owned),
            template,
            body,
        })
    }

    /// Renders one page.
    pub fn render(&self, theme: &Theme, job: PageJob) -> RenderResult {
        let a = self.archive;
        let home = || vec![self.home_crumb()];
        match job {
            PageJob::Home => {
                let mut topics: Vec<CountedLink> = a
                    .topics
                    .iter()
                    .map(|t| CountedLink {
                        title: t.name.clone(),
                        url: self.url(&t.url),
                        count: t.items.len(),
                    })
                    .collect();
                topics.sort_by(|x, y| y.count.cmp(&x.count).then_with(|| x.title.cmp(&y.title)));
                topics.truncate(20);
                let data = HomePage {
                    latest_meetings: a
                        .meetings_newest_first
                        .iter()
                        .take(HOME_MEETINGS)
                        .map(|&m| self.meeting_summary(m))
                        .collect(),
                    committees: (0..a.committees.len())
                        .map(|c| self.committee_summary(c))
                        .collect(),
                    topics,
                    counts: Counts {
                        committees: a.committees.len(),
                        meetings: a.meetings.len(),
                        items: a.items.len(),
                        topics: a.topics.len(),
                        people: a.people.len(),
                    },
                };
                let mut page = self.page(&a.config.title, "/", "home");
                page.feed = Some(self.site.feed.clone());
                self.finish(theme, "index.html", page, vec![], None, &data)
            }
            PageJob::Committee(i, page_no) => {
                let c = &a.committees[i];
                let newest_first: Vec<Id> = c.meetings.iter().rev().copied().collect();
                let data = CommitteePage {
                    committee: CommitteeView {
                        title: c.title.clone(),
                        short: c.short.clone(),
                        authority: c.authority.clone(),
                        url: self.url(&c.url),
                        remit_html: a.bodies.render(&c.remit)?.html,
                        members: self.people(&c.members),
                        extra: c.extra.clone(),
                    },
                    years: self.meetings_by_year(chunk(&newest_first, page_no).iter().copied()),
                    referenced_by: self.references(&c.referenced_by),
                    pager: self.pager(&c.url, page_no, page_count(c.meetings.len())),
                };
                let path = paged_path(&c.url, page_no);
                let mut page = self.page(&paged_title(&c.title, page_no), &path, "committee");
                page.feed = Some(self.url(&format!("{}feed.xml", c.url)));
                page.description = c
                    .authority
                    .as_ref()
                    .map(|auth| format!("Meetings and minutes of the {}, {auth}", c.title));
                self.finish(
                    theme,
                    "committee.html",
                    page,
                    home(),
                    Some(&c.source),
                    &data,
                )
            }
            PageJob::Meeting(i) => {
                let m = &a.meetings[i];
                let title = format!("{} — {}", a.committees[m.committee].title, meeting_title(m));
                let data = MeetingPage {
                    meeting: MeetingView {
                        title: meeting_title(m),
                        url: self.url(&m.url),
                        date: DateView::new(m.date),
                        time: m.time.clone(),
                        venue: m.venue.clone(),
                        chair: m.chair.as_ref().map(|p| self.person(p)),
                        attendees: self.people(&m.attendees),
                        apologies: self.people(&m.apologies),
                        status: status_name(m.status),
                        notes_html: a.bodies.render(&m.notes)?.html,
                        extra: m.extra.clone(),
                    },
                    committee: self.committee_link(m.committee),
                    agenda: m
                        .items
                        .iter()
                        .map(|&it| {
                            let item = &a.items[it];
                            AgendaEntry {
                                number: item.number.clone(),
                                title: item.title.clone(),
                                url: self.url(&item.url),
                                purpose: item.purpose.clone(),
                                presenters: self.people(&item.presenters),
                                decision_count: item.decisions.len(),
                                draft: item.draft,
                            }
                        })
                        .collect(),
                    previous: m.previous.map(|p| self.meeting_link(p)),
                    next: m.next.map(|n| self.meeting_link(n)),
                    referenced_by: self.references(&m.referenced_by),
                };
                let crumbs = vec![self.home_crumb(), self.committee_link(m.committee)];
                let page = self.page(&title, &m.url, "meeting");
                self.finish(
                    theme,
                    "meeting.html",
                    page,
                    crumbs,
                    m.source.as_deref(),
                    &data,
                )
            }
            PageJob::Item(i) => {
                let item = &a.items[i];
                let documents: Vec<DocumentLink> = item
                    .supporting
                    .iter()
                    .map(|s| match *s {
                        Supporting::Document(d) => {
                            let doc = &a.documents[d];
                            DocumentLink {
                                title: doc.title.clone(),
                                url: self.url(&doc.url),
                                kind: doc.kind.clone(),
                                file_info: None,
                                is_attachment: false,
                            }
                        }
                        Supporting::Attachment(f) => {
                            let file = &a.attachments[f];
                            DocumentLink {
                                title: file.title.clone(),
                                url: self.url(&file.url),
                                kind: None,
                                file_info: Some(file_info(&file.name, file.bytes)),
                                is_attachment: true,
                            }
                        }
                    })
                    .collect();
                let data = ItemPage {
                    item: ItemView {
                        title: item.title.clone(),
                        url: self.url(&item.url),
                        number: item.number.clone(),
                        purpose_html: item
                            .purpose
                            .as_ref()
                            .map(|p| markdown::render_inline(p, &a.bodies.html())),
                        presenters: self.people(&item.presenters),
                        topics: item.topics.iter().map(|&t| self.topic_link(t)).collect(),
                        minutes_html: a.bodies.render(&item.minutes)?.html,
                        decisions_html: item
                            .decisions
                            .iter()
                            .map(|d| markdown::render_inline(d, &a.bodies.html()))
                            .collect(),
                        actions: item
                            .actions
                            .iter()
                            .map(|act| ActionView {
                                action: act.action.clone(),
                                owner: act.owner.as_ref().map(|o| self.person(o)),
                                due: act.due.map(DateView::new),
                            })
                            .collect(),
                        declarations: item
                            .declarations
                            .iter()
                            .map(|d| DeclarationView {
                                member: self.person(&d.member),
                                interest: d.interest.clone(),
                            })
                            .collect(),
                        documents,
                        related: item.related.iter().map(|&r| self.item_summary(r)).collect(),
                        referenced_by: self.references(&item.referenced_by),
                        draft: item.draft,
                        extra: item.extra.clone(),
                    },
                    meeting: self.meeting_summary(item.meeting),
                    committee: self.committee_link(item.committee),
                    previous: item
                        .previous
                        .map(|p| self.link(&a.items[p].title, &a.items[p].url)),
                    next: item
                        .next
                        .map(|n| self.link(&a.items[n].title, &a.items[n].url)),
                };
                let crumbs = vec![
                    self.home_crumb(),
                    self.committee_link(item.committee),
                    self.meeting_link(item.meeting),
                ];
                let mut page = self.page(&item.title, &item.url, "item");
                page.description = item.purpose.as_deref().map(markdown::plain_text);
                self.finish(theme, "item.html", page, crumbs, Some(&item.source), &data)
            }
            PageJob::Document(i) => {
                let doc = &a.documents[i];
                let item = &a.items[doc.item];
                let data = DocumentPage {
                    document: DocumentView {
                        title: doc.title.clone(),
                        url: self.url(&doc.url),
                        kind: doc.kind.clone(),
                        date: doc.date.map(DateView::new),
                        author: doc.author.as_ref().map(|p| self.person(p)),
                        body_html: a.bodies.render(&doc.body)?.html,
                        referenced_by: self.references(&doc.referenced_by),
                        extra: doc.extra.clone(),
                    },
                    item: self.link(&item.title, &item.url),
                    meeting: self.meeting_summary(item.meeting),
                    committee: self.committee_link(item.committee),
                };
                let crumbs = vec![
                    self.home_crumb(),
                    self.committee_link(item.committee),
                    self.meeting_link(item.meeting),
                    self.link(&item.title, &item.url),
                ];
                let page = self.page(&doc.title, &doc.url, "document");
                self.finish(
                    theme,
                    "document.html",
                    page,
                    crumbs,
                    Some(&doc.source),
                    &data,
                )
            }
            PageJob::Topics => {
                let data = TopicsPage {
                    topics: (0..a.topics.len()).map(|t| self.topic_entry(t)).collect(),
                };
                self.finish(
                    theme,
                    "topics.html",
                    self.page("Topics", "/topics/", "topics"),
                    home(),
                    None,
                    &data,
                )
            }
            PageJob::Topic(t, p) => {
                let topic = &a.topics[t];
                let base = topic.url.clone();
                let pager = self.pager(&base, p, page_count(topic.items.len()));
                let chunk = topic
                    .items
                    .iter()
                    .copied()
                    .skip(p * PAGE_SIZE)
                    .take(PAGE_SIZE);
                let data = TopicPage {
                    topic: self.topic_entry(t),
                    years: self.items_by_year(chunk),
                    committees: topic
                        .committees
                        .iter()
                        .map(|&(c, count)| {
                            let l = self.committee_link(c);
                            CountedLink {
                                title: l.title,
                                url: l.url,
                                count,
                            }
                        })
                        .collect(),
                    pager,
                };
                let path = paged_path(&base, p);
                let title = if p == 0 {
                    topic.name.clone()
                } else {
                    format!("{} (page {})", topic.name, p + 1)
                };
                let mut page = self.page(&title, &path, "topic");
                page.feed = Some(self.url(&format!("{base}feed.xml")));
                let crumbs = vec![self.home_crumb(), self.link("Topics", "/topics/")];
                self.finish(theme, "topic.html", page, crumbs, None, &data)
            }
            PageJob::People => {
                let data = PeoplePage {
                    people: (0..a.people.len()).map(|p| self.person_entry(p)).collect(),
                };
                self.finish(
                    theme,
                    "people.html",
                    self.page("People", "/people/", "people"),
                    home(),
                    None,
                    &data,
                )
            }
            PageJob::Person(i, page_no) => {
                let p = &a.people[i];
                let first = page_no == 0;
                let data = PersonPage {
                    person: self.person_entry(i),
                    memberships: if first {
                        p.memberships
                            .iter()
                            .map(|&c| self.committee_link(c))
                            .collect()
                    } else {
                        Vec::new()
                    },
                    presented: chunk(&p.presented, page_no)
                        .iter()
                        .map(|&it| self.item_summary(it))
                        .collect(),
                    chaired: chunk(&p.chaired, page_no)
                        .iter()
                        .map(|&m| self.meeting_summary(m))
                        .collect(),
                    attended: chunk(&p.attended, page_no)
                        .iter()
                        .map(|&m| self.meeting_summary(m))
                        .collect(),
                    apologies: chunk(&p.apologies, page_no)
                        .iter()
                        .map(|&m| self.meeting_summary(m))
                        .collect(),
                    declarations: chunk(&p.declarations, page_no)
                        .iter()
                        .map(|&(it, k)| PersonDeclaration {
                            item: self.item_summary(it),
                            interest: a.items[it].declarations[k].interest.clone(),
                        })
                        .collect(),
                    actions: chunk(&p.actions, page_no)
                        .iter()
                        .map(|&(it, k)| PersonAction {
                            item: self.item_summary(it),
                            action: a.items[it].actions[k].action.clone(),
                            due: a.items[it].actions[k].due.map(DateView::new),
                        })
                        .collect(),
                    authored: chunk(&p.authored, page_no)
                        .iter()
                        .map(|&d| self.link(&a.documents[d].title, &a.documents[d].url))
                        .collect(),
                    pager: self.pager(&p.url, page_no, person_pages(p)),
                };
                let crumbs = vec![self.home_crumb(), self.link("People", "/people/")];
                let path = paged_path(&p.url, page_no);
                self.finish(
                    theme,
                    "person.html",
                    self.page(&paged_title(&p.name, page_no), &path, "person"),
                    crumbs,
                    None,
                    &data,
                )
            }
            PageJob::Meetings(page_no) => {
                let all = &a.meetings_newest_first;
                let data = MeetingsPage {
                    years: self.meetings_by_year(chunk(all, page_no).iter().copied()),
                    pager: self.pager("/meetings/", page_no, page_count(all.len())),
                };
                let path = paged_path("/meetings/", page_no);
                self.finish(
                    theme,
                    "meetings.html",
                    self.page(&paged_title("All meetings", page_no), &path, "meetings"),
                    home(),
                    None,
                    &data,
                )
            }
            PageJob::Search => {
                let data = SearchPage::default();
                self.finish(
                    theme,
                    "search.html",
                    self.page("Search", "/search/", "search"),
                    home(),
                    None,
                    &data,
                )
            }
            PageJob::NotFound => {
                let data = SearchPage::default();
                self.finish(
                    theme,
                    "404.html",
                    self.page("Page not found", "/404.html", "404"),
                    home(),
                    None,
                    &data,
                )
            }
            PageJob::Sitemap => Ok(RenderedPage {
                url: "/sitemap.xml".into(),
                source: None,
                template: "sitemap.xml",
                body: sitemap::xml(a, jobs(a).into_iter().map(|j| job_path(a, j))),
            }),
            PageJob::SiteFeed => {
                let mut items: Vec<Id> = (0..a.items.len()).collect();
                a.sort_items_newest_first(&mut items);
                self.feed(theme, &a.config.title, "/", "/feed.xml", &items)
            }
            PageJob::CommitteeFeed(c) => {
                let committee = &a.committees[c];
                let mut items: Vec<Id> = committee
                    .meetings
                    .iter()
                    .flat_map(|&m| a.meetings[m].items.iter().copied())
                    .collect();
                a.sort_items_newest_first(&mut items);
                let title = format!("{} — {}", committee.title, a.config.title);
                self.feed(
                    theme,
                    &title,
                    &committee.url,
                    &format!("{}feed.xml", committee.url),
                    &items,
                )
            }
            PageJob::TopicFeed(t) => {
                let topic = &a.topics[t];
                let title = format!("{} — {}", topic.name, a.config.title);
                self.feed(
                    theme,
                    &title,
                    &topic.url,
                    &format!("{}feed.xml", topic.url),
                    &topic.items,
                )
            }
        }
    }

    /// The search page with a server's answer, for `quorum serve`.
    pub fn search_page(&self, theme: &Theme, data: &SearchPage) -> Result<String, tera::Error> {
        let title = if data.query.is_empty() {
            "Search".to_owned()
        } else {
            format!("Search: {}", data.query)
        };
        let common = self.common(
            self.page(&title, "/search/", "search"),
            vec![self.home_crumb()],
        );
        theme.render("search.html", &common, data)
    }

    /// The themed 404 page, for the server.
    pub fn not_found_page(&self, theme: &Theme) -> Result<String, tera::Error> {
        let common = self.common(
            self.page("Page not found", "/404.html", "404"),
            vec![self.home_crumb()],
        );
        theme.render("404.html", &common, &SearchPage::default())
    }

    fn committee_summary(&self, c: Id) -> CommitteeSummary {
        let committee = &self.archive.committees[c];
        CommitteeSummary {
            title: committee.title.clone(),
            short: committee.short.clone(),
            url: self.url(&committee.url),
            authority: committee.authority.clone(),
            meeting_count: committee.meetings.len(),
            latest: committee
                .meetings
                .last()
                .map(|&m| DateView::new(self.archive.meetings[m].date)),
        }
    }

    fn topic_entry(&self, t: Id) -> TopicEntry {
        let topic = &self.archive.topics[t];
        TopicEntry {
            name: topic.name.clone(),
            url: self.url(&topic.url),
            aliases: topic.aliases.clone(),
            count: topic.items.len(),
        }
    }

    fn person_entry(&self, p: Id) -> PersonEntry {
        let person = &self.archive.people[p];
        PersonEntry {
            name: person.name.clone(),
            url: self.url(&person.url),
            roles: person.roles.clone(),
        }
    }

    fn items_by_year(&self, items: impl Iterator<Item = Id>) -> Vec<Group<ItemSummary>> {
        let mut groups: Vec<Group<ItemSummary>> = Vec::new();
        for i in items {
            let summary = self.item_summary(i);
            let label = summary.date.year.to_string();
            match groups.last_mut() {
                Some(g) if g.label == label => g.entries.push(summary),
                _ => groups.push(Group {
                    label,
                    entries: vec![summary],
                }),
            }
        }
        groups
    }

    /// The pager of 0-based page `current` of the list at `base`.
    fn pager(&self, base: &str, current: usize, total: usize) -> Pager {
        Pager::new(current + 1, total, |n| self.url(&paged_path(base, n - 1)))
    }

    fn feed(
        &self,
        theme: &Theme,
        title: &str,
        alternate: &str,
        path: &str,
        items: &[Id],
    ) -> RenderResult {
        let a = self.archive;
        let entries: Vec<FeedEntry> = items
            .iter()
            .take(FEED_ENTRIES)
            .map(|&i| {
                let item = &a.items[i];
                FeedEntry {
                    title: item.title.clone(),
                    url: self.absolute(&item.url),
                    updated: atom_date(a.item_date(i)),
                    committee: a.committees[item.committee].title.clone(),
                    summary: item.purpose.as_deref().map(markdown::plain_text),
                    topics: item
                        .topics
                        .iter()
                        .map(|&t| a.topics[t].name.clone())
                        .collect(),
                }
            })
            .collect();
        let updated = items.first().map_or_else(
            || "1970-01-01T00:00:00Z".to_owned(),
            |&i| atom_date(a.item_date(i)),
        );
        let data = FeedPage {
            title: title.to_owned(),
            self_url: self.absolute(path),
            alternate_url: self.absolute(alternate),
            id: self.absolute(path),
            updated,
            entries,
        };
        let page = self.page(title, path, "feed");
        self.finish(theme, "feed.xml", page, vec![], None, &data)
    }
}

/// The site path (URL without prefix) a page is written at.
pub fn job_path(archive: &Archive, job: PageJob) -> String {
    use PageJob::*;
    match job {
        Home => "/".into(),
        Committee(i, p) => paged_path(&archive.committees[i].url, p),
        Meeting(i) => archive.meetings[i].url.clone(),
        Item(i) => archive.items[i].url.clone(),
        Document(i) => archive.documents[i].url.clone(),
        Topics => "/topics/".into(),
        Topic(i, p) => paged_path(&archive.topics[i].url, p),
        People => "/people/".into(),
        Person(i, p) => paged_path(&archive.people[i].url, p),
        Meetings(p) => paged_path("/meetings/", p),
        Search => "/search/".into(),
        NotFound => "/404.html".into(),
        SiteFeed => "/feed.xml".into(),
        Sitemap => "/sitemap.xml".into(),
        CommitteeFeed(i) => format!("{}feed.xml", archive.committees[i].url),
        TopicFeed(i) => format!("{}feed.xml", archive.topics[i].url),
    }
}

fn paged_title(title: &str, page: usize) -> String {
    if page == 0 {
        title.to_owned()
    } else {
        format!("{title} (page {})", page + 1)
    }
}

/// "/topics/x/" page 0 -> itself; page 2 (0-based 1) -> "/topics/x/page/2/".
pub fn paged_path(base: &str, page: usize) -> String {
    if page == 0 {
        base.to_owned()
    } else {
        format!("{base}page/{}/", page + 1)
    }
}

fn meeting_title(m: &Meeting) -> String {
    let date = DateView::new(m.date).long;
    match m.folder.get(11..) {
        Some(suffix) if !suffix.is_empty() => format!("{date} ({suffix})"),
        _ => date,
    }
}

fn item_context(a: &Archive, i: Id) -> String {
    let item = &a.items[i];
    format!(
        "{}, {}",
        a.committees[item.committee].title,
        meeting_title(&a.meetings[item.meeting])
    )
}

fn status_name(s: crate::schema::MinutesStatus) -> &'static str {
    match s {
        crate::schema::MinutesStatus::Approved => "approved",
        crate::schema::MinutesStatus::Draft => "draft",
    }
}

fn atom_date(d: NaiveDate) -> String {
    format!("{}T00:00:00Z", d.format("%Y-%m-%d"))
}

/// "PDF, 120 KB" for an attachment link.
fn file_info(name: &str, bytes: u64) -> String {
    let kind = name
        .rsplit_once('.')
        .map_or_else(|| "File".to_owned(), |(_, ext)| ext.to_uppercase());
    let size = if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024).max(1))
    };
    format!("{kind}, {size}")
}

/// The output file a site path is written to.
pub fn output_path(url: &str) -> String {
    urls::output_file(url)
}
