//! From the model to the views templates receive: links, summaries and
//! lists, each read through the page's [`Reader`] so that the page records
//! what it showed.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::context::*;
use super::{Contents, FEED_ENTRIES, PageError, RenderedPage, Theme, paged_path};
use crate::load::body::BodyError;
use crate::load::markdown;
use crate::model::*;
use crate::reads::Reader;

/// What every page of a site shares: the archive and the site's settings
/// as templates see them.
pub struct Views<'a> {
    pub archive: &'a Archive,
    pub(super) site: SiteView,
    minutes: SharedMinutes,
}

/// Each item's minutes, rendered once for the two files that show them:
/// the item's page and its JSON twin (which [`super::jobs`] lists one
/// after the other, so the rendering is held only between the two).
///
/// Reading and rendering the minutes twice was 3.6% of a 10,000-item
/// build's CPU time (perf, 2026-12-06); keeping them once saves that
/// minus a copy of the HTML.
struct SharedMinutes {
    /// Per item: the rendering one of its files made, until the other
    /// takes it.
    slots: Vec<std::sync::Mutex<Option<markdown::Rendered>>>,
}

impl SharedMinutes {
    fn new(items: usize) -> SharedMinutes {
        SharedMinutes {
            slots: (0..items).map(|_| Default::default()).collect(),
        }
    }

    /// Item `i`'s minutes: the rendering its other file left, else
    /// `render()`'s, a copy of which is left for the other file. The slot
    /// stays locked while rendering, so the two files never both render.
    fn take_or_render(
        &self,
        i: Id,
        render: impl FnOnce() -> Result<markdown::Rendered, BodyError>,
    ) -> Result<markdown::Rendered, BodyError> {
        let mut slot = self.slots[i]
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(rendered) = slot.take() {
            return Ok(rendered);
        }
        let rendered = render()?;
        *slot = Some(rendered.clone());
        Ok(rendered)
    }
}

impl<'a> Views<'a> {
    pub fn new(archive: &'a Archive) -> Views<'a> {
        let config = &archive.config;
        let prefix = archive.prefix.clone();
        let elsewhere = config.search.elsewhere();
        Views {
            archive,
            minutes: SharedMinutes::new(archive.items.len()),
            site: SiteView {
                title: config.title.clone(),
                base_url: config.base_url.as_ref().map(|b| b.as_str().to_owned()),
                language: config.language.clone(),
                home: format!("{prefix}/"),
                feed: format!("{prefix}/feed.xml"),
                search: match elsewhere {
                    Some(server) => format!("{}/search/", server.as_str()),
                    None => format!("{prefix}/search/"),
                },
                static_search: config.search.bundled() && elsewhere.is_none(),
                search_elsewhere: elsewhere.map_or_else(String::new, |s| s.host().to_owned()),
                prefix,
                extra: serde_json::to_value(&config.extra).unwrap_or_default(),
            },
        }
    }

    /// The search page with a server's answer, for `quorum serve`.
    /// The search page, its form's committees filled in from the archive
    /// and its chosen values from `chosen` (the request's parameters).
    pub fn search_page(
        &self,
        theme: &Theme,
        mut data: SearchPage,
        chosen: &dyn Fn(&str) -> Option<String>,
    ) -> Result<String, tera::Error> {
        let b = PageBuilder::new(self);
        data.form = SearchForm::new(&b.committee_choices(), chosen);
        let title = if data.query.is_empty() {
            "Search".to_owned()
        } else {
            format!("Search: {}", data.query)
        };
        let common = b.common(b.meta(&title, "/search/", "search"), vec![b.home_crumb()]);
        theme.render("search.html", &common, &data)
    }

    /// The themed 404 page, for the server.
    pub fn not_found_page(&self, theme: &Theme) -> Result<String, tera::Error> {
        let b = PageBuilder::new(self);
        let meta = b.meta("Page not found", "/404.html", "404");
        let common = b.common(meta, vec![b.home_crumb()]);
        theme.render("404.html", &common, &SearchPage::default())
    }
}

impl PageBuilder<'_> {
    /// The committees a search may be narrowed to: (slug, name).
    pub(super) fn committee_choices(&self) -> Vec<(String, String)> {
        (self.r.committees().iter())
            .map(|c| (c.slug.clone(), c.title.clone()))
            .collect()
    }
}

/// One page being made: the shared views and what this page has read.
pub(super) struct PageBuilder<'a> {
    pub(super) site: &'a SiteView,
    pub(super) r: Reader<'a>,
    minutes: &'a SharedMinutes,
}

pub(super) type RenderResult = Result<RenderedPage, PageError>;

impl<'a> PageBuilder<'a> {
    pub(super) fn new(views: &'a Views<'a>) -> PageBuilder<'a> {
        PageBuilder {
            site: &views.site,
            r: Reader::new(views.archive),
            minutes: &views.minutes,
        }
    }

    /// Item `i`'s minutes, rendered (once for its page and its twin).
    pub(super) fn item_minutes(&self, i: Id) -> Result<markdown::Rendered, BodyError> {
        let item = self.r.item(i);
        (self.minutes).take_or_render(i, || self.archive().bodies.render(&item.minutes))
    }

    pub(super) fn archive(&self) -> &'a Archive {
        self.r.archive
    }

    pub(super) fn url(&self, path: &str) -> String {
        format!("{}{}", self.archive().prefix, path)
    }

    /// The address of `path` with the site's origin, when it has one.
    pub(super) fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.archive().config.origin(), self.url(path))
    }

    pub(super) fn meta(&self, title: &str, path: &str, kind: &'static str) -> PageMeta {
        PageMeta {
            title: title.to_owned(),
            url: self.url(path),
            kind,
            description: None,
            feed: None,
            data: None,
            canonical: self
                .archive()
                .config
                .base_url
                .as_ref()
                .map(|_| self.absolute(path)),
            path: path.to_owned(),
        }
    }

    pub(super) fn home_crumb(&self) -> Link {
        Link {
            title: "Home".into(),
            url: self.site.home.clone(),
        }
    }

    pub(super) fn link(&self, title: &str, path: &str) -> Link {
        Link {
            title: title.to_owned(),
            url: self.url(path),
        }
    }

    pub(super) fn person(&self, p: &PersonRole) -> PersonView {
        let person = self.r.person_headline(p.person);
        PersonView {
            name: person.name.to_owned(),
            role: p.role.clone(),
            url: self.url(person.url),
        }
    }

    pub(super) fn people(&self, ps: &[PersonRole]) -> Vec<PersonView> {
        ps.iter().map(|p| self.person(p)).collect()
    }

    pub(super) fn committee_link(&self, c: Id) -> Link {
        let c = self.r.committee_headline(c);
        self.link(c.title, c.url)
    }

    pub(super) fn meeting_title(&self, m: Id) -> String {
        let m = self.r.meeting_headline(m);
        meeting_title(m.date, m.folder, m.label)
    }

    pub(super) fn meeting_link(&self, m: Id) -> Link {
        let url = self.r.meeting_headline(m).url;
        self.link(&self.meeting_title(m), url)
    }

    pub(super) fn item_link(&self, i: Id) -> Link {
        let item = self.r.item_headline(i);
        self.link(item.title, item.url)
    }

    pub(super) fn topic_link(&self, t: Id) -> Link {
        let t = self.r.topic_headline(t);
        self.link(t.name, t.url)
    }

    pub(super) fn item_summary(&self, i: Id) -> ItemSummary {
        let item = self.r.item_headline(i);
        ItemSummary {
            title: item.title.to_owned(),
            url: self.url(item.url),
            number: item.number.to_owned(),
            date: DateView::new(self.r.item_date(i)),
            committee: self.committee_link(item.committee),
            meeting: self.meeting_link(item.meeting),
            purpose: item.purpose.map(str::to_owned),
            topics: item.topics.iter().map(|&t| self.topic_link(t)).collect(),
            draft: item.draft,
        }
    }

    pub(super) fn meeting_summary(&self, m: Id) -> MeetingSummary {
        let meeting = self.r.meeting_headline(m);
        MeetingSummary {
            title: self.meeting_title(m),
            url: self.url(meeting.url),
            date: DateView::new(meeting.date),
            committee: self.committee_link(meeting.committee),
            item_count: self.r.meeting_agenda(m).len(),
            status: status_name(meeting.status),
            upcoming: self.is_upcoming(meeting.date),
        }
    }

    /// Whether a meeting on `date` is still to come at the build date.
    pub(super) fn is_upcoming(&self, date: NaiveDate) -> bool {
        date > self.archive().config.today
    }

    pub(super) fn committee_summary(&self, c: Id) -> CommitteeSummary {
        let committee = self.r.committee_headline(c);
        let meetings = self.r.committee_meetings(c);
        CommitteeSummary {
            title: committee.title.to_owned(),
            short: committee.short.map(str::to_owned),
            url: self.url(committee.url),
            authority: committee.authority.map(str::to_owned),
            meeting_count: meetings.len(),
            latest: (meetings.iter().rev())
                .map(|&m| self.r.meeting_headline(m).date)
                .find(|&date| !self.is_upcoming(date))
                .map(DateView::new),
            next: (meetings.iter())
                .map(|&m| self.r.meeting_headline(m).date)
                .find(|&date| self.is_upcoming(date))
                .map(DateView::new),
        }
    }

    pub(super) fn topic_entry(&self, t: Id) -> TopicEntry {
        let topic = self.r.topic_headline(t);
        TopicEntry {
            name: topic.name.to_owned(),
            url: self.url(topic.url),
            aliases: topic.aliases.to_vec(),
            count: self.r.topic_items(t).len(),
        }
    }

    pub(super) fn person_entry(&self, p: Id) -> PersonEntry {
        let person = self.r.person_headline(p);
        PersonEntry {
            name: person.name.to_owned(),
            url: self.url(person.url),
            roles: person.roles.to_vec(),
        }
    }

    pub(super) fn meetings_by_year(
        &self,
        meetings: impl Iterator<Item = Id>,
    ) -> Vec<Group<MeetingSummary>> {
        let mut by_year: BTreeMap<std::cmp::Reverse<i32>, Vec<(NaiveDate, Id)>> = BTreeMap::new();
        for m in meetings {
            let date = self.r.meeting_headline(m).date;
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

    pub(super) fn items_by_year(&self, items: impl Iterator<Item = Id>) -> Vec<Group<ItemSummary>> {
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

    /// "Finance Committee, 7 December 2017": where an item sits.
    pub(super) fn item_context(&self, i: Id) -> String {
        let item = self.r.item_headline(i);
        let committee = self.r.committee_headline(item.committee).title;
        format!("{committee}, {}", self.meeting_title(item.meeting))
    }

    pub(super) fn reference(&self, key: PageKey) -> RefView {
        match key {
            PageKey::Committee(i) => {
                let c = self.r.committee_headline(i);
                RefView {
                    title: c.title.to_owned(),
                    url: self.url(c.url),
                    kind: "committee",
                    context: c.authority.map(str::to_owned),
                }
            }
            PageKey::Meeting(i) => {
                let m = self.r.meeting_headline(i);
                RefView {
                    title: format!("{} meeting", self.meeting_title(i)),
                    url: self.url(m.url),
                    kind: "meeting",
                    context: Some(self.r.committee_headline(m.committee).title.to_owned()),
                }
            }
            PageKey::Item(i) => RefView {
                title: self.r.item_headline(i).title.to_owned(),
                url: self.url(self.r.item_headline(i).url),
                kind: "agenda item",
                context: Some(self.item_context(i)),
            },
            PageKey::Document(i) => {
                let d = self.r.document_headline(i);
                RefView {
                    title: d.title.to_owned(),
                    url: self.url(d.url),
                    kind: "document",
                    context: Some(format!("supporting {}", self.r.item_headline(d.item).title)),
                }
            }
        }
    }

    pub(super) fn references(&self, keys: &[PageKey]) -> Vec<RefView> {
        keys.iter().map(|&k| self.reference(k)).collect()
    }

    /// Notes that a body's links show the addresses of the pages they
    /// point at.
    pub(super) fn body_links(&self, targets: &[PageKey]) {
        for &key in targets {
            match key {
                PageKey::Committee(c) => {
                    self.r.committee_headline(c);
                }
                PageKey::Meeting(m) => {
                    self.r.meeting_headline(m);
                }
                PageKey::Item(i) => {
                    self.r.item_headline(i);
                }
                PageKey::Document(d) => {
                    self.r.document_headline(d);
                }
            }
        }
    }

    /// The pager of 0-based page `current` of the list at `base`.
    pub(super) fn pager(&self, base: &str, current: usize, total: usize) -> Pager {
        Pager::new(current + 1, total, |n| self.url(&paged_path(base, n - 1)))
    }

    pub(super) fn common(&self, page: PageMeta, breadcrumbs: Vec<Link>) -> tera::Context {
        let mut c = tera::Context::new();
        c.insert("site", self.site);
        c.insert("page", &page);
        c.insert("breadcrumbs", &breadcrumbs);
        c
    }

    pub(super) fn finish<T: Serialize>(
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
            contents: Contents::Text(body),
            reads: Vec::new(),
        })
    }

    /// An Atom feed of the first of `items` (newest first).
    pub(super) fn feed(
        &self,
        theme: &Theme,
        title: &str,
        alternate: &str,
        path: &str,
        items: &[Id],
    ) -> RenderResult {
        let entries = items.iter().take(FEED_ENTRIES);
        let entries = entries.map(|&i| self.feed_entry(i)).collect();
        self.feed_of(theme, title, alternate, path, entries)
    }

    /// An Atom feed of `entries` (newest first), updated when the first was.
    pub(super) fn feed_of(
        &self,
        theme: &Theme,
        title: &str,
        alternate: &str,
        path: &str,
        entries: Vec<FeedEntry>,
    ) -> RenderResult {
        let updated = entries
            .first()
            .map_or_else(|| "1970-01-01T00:00:00Z".to_owned(), |e| e.updated.clone());
        let data = FeedPage {
            title: title.to_owned(),
            self_url: self.absolute(path),
            alternate_url: self.absolute(alternate),
            id: self.absolute(path),
            updated,
            entries,
        };
        let page = self.meta(title, path, "feed");
        self.finish(theme, "feed.xml", page, vec![], None, &data)
    }

    pub(super) fn feed_entry(&self, i: Id) -> FeedEntry {
        let item = self.r.item_headline(i);
        FeedEntry {
            title: item.title.to_owned(),
            url: self.absolute(item.url),
            updated: atom_date(self.r.item_date(i)),
            committee: self.r.committee_headline(item.committee).title.to_owned(),
            summary: item.purpose.map(markdown::plain_text),
            topics: item
                .topics
                .iter()
                .map(|&t| self.r.topic_headline(t).name.to_owned())
                .collect(),
        }
    }
}

/// "7 December 2017", with the folder's suffix when it has one
/// ("7 December 2017 (extraordinary)").
pub(super) fn meeting_title(date: NaiveDate, folder: &str, label: Option<&str>) -> String {
    let date = DateView::new(date).long;
    match label.or(folder.get(11..)) {
        Some(suffix) if !suffix.is_empty() => format!("{date} ({suffix})"),
        _ => date,
    }
}

/// The status as themes test it: "agenda", "draft", "approved", or ""
/// when the meeting does not say.
pub(super) fn status_name(s: Option<crate::load::schema::MinutesStatus>) -> &'static str {
    use crate::load::schema::MinutesStatus;
    match s {
        Some(MinutesStatus::Agenda) => "agenda",
        Some(MinutesStatus::Approved) => "approved",
        Some(MinutesStatus::Draft) => "draft",
        None => "",
    }
}

fn atom_date(d: NaiveDate) -> String {
    format!("{}T00:00:00Z", d.format("%Y-%m-%d"))
}

/// "PDF, 120 KB" for an attachment link.
pub(super) fn file_info(name: &str, bytes: u64) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn rendered(html: &str) -> markdown::Rendered {
        markdown::Rendered {
            html: html.to_owned(),
            ..Default::default()
        }
    }

    #[test]
    fn minutes_are_rendered_once_for_the_two_files_then_let_go() {
        let shared = SharedMinutes::new(2);
        let renders = Cell::new(0);
        let render = |html: &'static str| {
            || {
                renders.set(renders.get() + 1);
                Ok(rendered(html))
            }
        };
        let page = shared.take_or_render(1, render("a")).unwrap();
        let twin = shared.take_or_render(1, render("b")).unwrap();
        assert_eq!((page.html.as_str(), twin.html.as_str()), ("a", "a"));
        assert_eq!(renders.get(), 1, "the twin took the page's rendering");
        assert!(
            shared.slots[1].lock().unwrap().is_none(),
            "nothing held after"
        );
        // Another item, or the same one in a later rebuild, renders anew.
        assert_eq!(shared.take_or_render(1, render("c")).unwrap().html, "c");
        assert_eq!(renders.get(), 2);
    }

    #[test]
    fn a_failed_rendering_leaves_nothing_for_the_other_file() {
        let shared = SharedMinutes::new(1);
        let failed = shared.take_or_render(0, || {
            Err(BodyError::Changed {
                path: "content/x.md".into(),
            })
        });
        assert!(failed.is_err());
        assert!(shared.slots[0].lock().unwrap().is_none());
    }
}
