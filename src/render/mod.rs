//! Render stage: every file of the site, from the model, through the theme.
//!
//! Each file is a [`PageJob`]: pages, feeds, the sitemap and the 404 page
//! rendered by templates, and the theme's assets and attachments copied.
//! Jobs run in parallel and hand each file to a sink as it is made, so the
//! whole site never sits in memory at once. Each rendered file carries
//! what it read of the model, which `quorum serve` uses to know what an
//! edit affects.

mod attendance;
mod calendar;
pub mod context;
pub mod opendata;
mod pages;
mod registers;
mod sitemap;
pub mod theme;
mod views;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::load::body::BodyError;
use crate::load::markdown;
use crate::model::*;
use crate::reads::Read;
use crate::urls;
pub use calendar::calendar_path;
pub use opendata::{DataFile, Record};
pub use registers::{action_anchor, decision_anchor};
pub use theme::Theme;
pub use views::Views;

/// Items per page of a paginated list.
pub const PAGE_SIZE: usize = 100;
/// Entries in each feed.
pub const FEED_ENTRIES: usize = 50;
/// Meetings on the home page.
pub const HOME_MEETINGS: usize = 10;

/// One file of the site, ready to be written.
#[derive(Debug)]
pub struct RenderedPage {
    /// Site path, e.g. "/rcc/2017-12-07/" or "/feed.xml".
    pub url: String,
    /// The content file it comes from, if any.
    pub source: Option<String>,
    /// The template that made it ("" for a copied file).
    pub template: &'static str,
    pub contents: Contents,
    /// What it read of the model.
    pub reads: Vec<Read>,
}

/// What a file of the site holds.
#[derive(Debug)]
pub enum Contents {
    /// A page made by a template (HTML or XML).
    Text(String),
    /// A file built into Quorum (the default theme's assets).
    Bytes(&'static [u8]),
    /// A file copied as it is: an asset or an attachment.
    File(PathBuf),
    /// A file made of other files of this build, one after another (and
    /// lines of its own): the open data's bulk files, made of the twins.
    Joined(Vec<Piece>),
}

/// A part of a [`Contents::Joined`] file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// The file this build writes at this site path.
    Output(String),
    Text(String),
}

impl RenderedPage {
    /// The page's text, when a template made it.
    pub fn text(&self) -> Option<&str> {
        match &self.contents {
            Contents::Text(text) => Some(text),
            _ => None,
        }
    }

    /// Whether it is a page a reader visits (its links are checked).
    pub fn is_html(&self) -> bool {
        matches!(self.contents, Contents::Text(_))
            && (self.url.ends_with('/') || self.url.ends_with(".html"))
    }
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
    /// A decisions register (of one committee, or of all): its years.
    Decisions(Option<Id>),
    /// One year of a decisions register, and which page of it.
    DecisionYear(Option<Id>, i32, usize),
    /// The newest decisions, as an Atom feed.
    DecisionsFeed,
    /// Which page of the actions register.
    Actions(usize),
    /// Which page of the register of declarations of interest.
    Declarations(usize),
    /// The meetings of one committee, or of all, as an iCalendar file.
    Calendar(Option<Id>),
    Search,
    NotFound,
    SiteFeed,
    CommitteeFeed(Id),
    TopicFeed(Id),
    /// `sitemap.xml`, when the site has a `base_url`.
    Sitemap,
    /// `robots.txt`, when the site is at its host's root (crawlers read
    /// it nowhere else).
    Robots,
    /// The theme's asset, by its place among the theme's assets.
    Asset(usize),
    /// An attached file, copied.
    Attachment(Id),
    /// The words of an attached file (PDF, text, CSV), as a page beside it.
    AttachmentText(Id),
    /// A record page's JSON twin.
    Twin(Record),
    /// A file of `/data/`.
    Data(DataFile),
}

impl PageJob {
    /// Whether the job's file is made of files other jobs write, so that
    /// it must be written after them.
    pub fn joins_others(self) -> bool {
        matches!(self, PageJob::Data(file) if file.joins_twins())
    }
}

/// Lists every file of the site.
pub fn jobs(archive: &Archive, theme: &Theme) -> Vec<PageJob> {
    let mut jobs = vec![
        PageJob::Home,
        PageJob::Topics,
        PageJob::People,
        PageJob::Search,
        PageJob::NotFound,
        PageJob::SiteFeed,
        PageJob::Calendar(None),
    ];
    jobs.extend((0..archive.committees.len()).flat_map(|i| {
        let pages = page_count(archive.committees[i].meetings.len());
        (0..pages)
            .map(move |p| PageJob::Committee(i, p))
            .chain([PageJob::CommitteeFeed(i), PageJob::Calendar(Some(i))])
    }));
    jobs.extend((0..archive.meetings.len()).map(PageJob::Meeting));
    // An item's twin right after its page: they share one rendering of
    // the minutes (see `views::SharedMinutes`), held between the two.
    jobs.extend(
        (0..archive.items.len()).flat_map(|i| [PageJob::Item(i), PageJob::Twin(Record::Item(i))]),
    );
    jobs.extend((0..archive.documents.len()).map(PageJob::Document));
    for (i, t) in archive.topics.iter().enumerate() {
        jobs.extend((0..page_count(t.items.len())).map(|p| PageJob::Topic(i, p)));
        jobs.push(PageJob::TopicFeed(i));
    }
    jobs.extend((0..page_count(archive.meetings.len())).map(PageJob::Meetings));
    jobs.extend(decisions_jobs(archive));
    let actions: usize = archive.items.iter().map(|i| i.actions.len()).sum();
    jobs.extend((0..page_count(actions)).map(PageJob::Actions));
    let declarations: usize = archive.items.iter().map(|i| i.declarations.len()).sum();
    jobs.extend((0..page_count(declarations)).map(PageJob::Declarations));
    for (i, p) in archive.people.iter().enumerate() {
        jobs.extend((0..person_pages(p)).map(|page| PageJob::Person(i, page)));
    }
    if archive.config.base_url.is_some() {
        jobs.push(PageJob::Sitemap);
    }
    if archive.prefix.is_empty() {
        jobs.push(PageJob::Robots);
    }
    jobs.extend((0..theme.assets.len()).map(PageJob::Asset));
    jobs.extend((0..archive.attachments.len()).map(PageJob::Attachment));
    jobs.extend(
        (archive.attachments.iter().enumerate())
            .filter(|(_, f)| f.text.is_some())
            .map(|(i, _)| PageJob::AttachmentText(i)),
    );
    jobs.extend(opendata::jobs(archive));
    jobs
}

/// The registers' pages: of all committees, then of each (a committee
/// with none still has its register, saying so), each year paged apart;
/// and the feed.
fn decisions_jobs(archive: &Archive) -> Vec<PageJob> {
    let counts = crate::reads::decision_counts(archive);
    let year_pages = |c: Option<Id>, year: i32, n: usize| {
        (0..page_count(n)).map(move |p| PageJob::DecisionYear(c, year, p))
    };
    let mut jobs = vec![PageJob::Decisions(None), PageJob::DecisionsFeed];
    for (year, n) in crate::reads::years_of(&counts, None) {
        jobs.extend(year_pages(None, year, n));
    }
    jobs.extend((0..archive.committees.len()).map(|c| PageJob::Decisions(Some(c))));
    for (&(c, year), &n) in &counts {
        jobs.extend(year_pages(Some(c), year, n));
    }
    jobs
}

/// The register of `committee` (or of all): `/decisions/<slug>/`.
pub fn decisions_path(archive: &Archive, committee: Option<Id>) -> String {
    match committee {
        Some(c) => format!("/decisions/{}/", archive.committees[c].slug),
        None => "/decisions/".to_owned(),
    }
}

/// One year of it: `/decisions/<slug>/2024/`.
pub fn decision_year_path(archive: &Archive, committee: Option<Id>, year: i32) -> String {
    format!("{}{year}/", decisions_path(archive, committee))
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
        p.votes.len(),
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

/// Why a page could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("template {0}: {1}")]
    Template(&'static str, tera::Error),
    #[error(transparent)]
    Body(#[from] BodyError),
}

impl Views<'_> {
    /// Renders one file, noting what it read.
    pub fn render(&self, theme: &Theme, job: PageJob) -> Result<RenderedPage, PageError> {
        let builder = views::PageBuilder::new(self);
        let page = builder.page(theme, job)?;
        Ok(RenderedPage {
            reads: builder.r.into_reads(),
            ..page
        })
    }
}

/// The site path (URL without prefix) a file is written at.
pub fn job_path(archive: &Archive, theme: &Theme, job: PageJob) -> String {
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
        Decisions(c) => decisions_path(archive, c),
        DecisionYear(c, year, p) => paged_path(&decision_year_path(archive, c, year), p),
        DecisionsFeed => "/decisions/feed.xml".into(),
        Calendar(c) => calendar_path(archive, c),
        Actions(p) => paged_path("/actions/", p),
        Declarations(p) => paged_path("/declarations/", p),
        Search => "/search/".into(),
        NotFound => "/404.html".into(),
        SiteFeed => "/feed.xml".into(),
        Sitemap => "/sitemap.xml".into(),
        Robots => "/robots.txt".into(),
        CommitteeFeed(i) => format!("{}feed.xml", archive.committees[i].url),
        TopicFeed(i) => format!("{}feed.xml", archive.topics[i].url),
        Asset(k) => theme
            .assets
            .keys()
            .nth(k)
            .map_or_else(String::new, |rel| format!("/{rel}")),
        Attachment(f) => urls::percent_decode(&archive.attachments[f].url),
        AttachmentText(f) => urls::percent_decode(&text_path(&archive.attachments[f])),
        Twin(record) => opendata::twin_path(opendata::record_page(archive, record).0),
        Data(file) => opendata::data_path(file),
    }
}

/// Every job of `archive`, with its site path.
pub fn page_paths(archive: &Archive, theme: &Theme) -> Vec<(PageJob, String)> {
    jobs(archive, theme)
        .into_par_iter()
        .map(|j| (j, job_path(archive, theme, j)))
        .collect()
}

/// The content file a job's page is made from, or whose name its address
/// carries (a committee's feed and registers), under `content/`. `None`
/// for the site's own pages (lists, topics, people, assets).
pub fn job_source(archive: &Archive, job: PageJob) -> Option<&str> {
    use PageJob::*;
    match job {
        Committee(c, _)
        | CommitteeFeed(c)
        | Calendar(Some(c))
        | Decisions(Some(c))
        | DecisionYear(Some(c), ..) => Some(&archive.committees[c].source),
        Meeting(m) => archive.meetings[m].source.as_deref(),
        Item(i) => Some(&archive.items[i].source),
        Document(d) => Some(&archive.documents[d].source),
        Attachment(f) | AttachmentText(f) => Some(&archive.attachments[f].source),
        Twin(record) => opendata::record_page(archive, record).1,
        Home
        | Topics
        | Topic(..)
        | People
        | Person(..)
        | Meetings(_)
        | Decisions(None)
        | DecisionYear(None, ..)
        | DecisionsFeed
        | Calendar(None)
        | Actions(_)
        | Declarations(_)
        | Search
        | NotFound
        | SiteFeed
        | TopicFeed(_)
        | Sitemap
        | Robots
        | Data(_)
        | Asset(_) => None,
    }
}

/// The address of the page that gives an attached file's words: the
/// file's own, with `.html` added (`report.pdf` -> `report.pdf.html`), so
/// that it sorts and travels beside the file.
pub fn text_path(file: &crate::model::AttachmentFile) -> String {
    format!("{}.html", file.url)
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

/// The output file a site path is written to.
pub fn output_path(url: &str) -> String {
    urls::output_file(url)
}
