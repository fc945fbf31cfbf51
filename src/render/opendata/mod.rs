//! Open data: every public record as JSON, from the same build as its
//! pages. Each record page (committee, meeting, item, document, topic,
//! person) has a twin, `index.json` beside its `index.html`; `/data/`
//! holds the bulk files (`items.ndjson`, `meetings.ndjson`,
//! `documents.ndjson`, `popolo.json`, `events.json`), a page that explains
//! them, and a JSON Schema for every shape under `/data/schema/`.
//!
//! The files are page jobs like any other, read through the page's reader
//! from the model the pages are made from, so what is withheld from the
//! pages (exempt business, drafts without `--drafts`) is absent here by
//! the same rule, and `quorum serve` keeps them as a fresh build would.

mod bulk;
mod records;
mod schema;
mod standards;
mod twins;

use serde::Serialize;

use super::views::{PageBuilder, RenderResult};
use super::{Contents, PageJob, RenderedPage, Theme};
use crate::model::{Archive, Id};

pub use schema::Shape;

/// A record page, whose twin is a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Record {
    Committee(Id),
    Meeting(Id),
    Item(Id),
    Document(Id),
    Topic(Id),
    Person(Id),
}

/// A file of `/data/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DataFile {
    /// The page that explains the others.
    Index,
    Items,
    Meetings,
    Documents,
    Popolo,
    Events,
    Schema(Shape),
}

impl DataFile {
    /// Whether the file is made of other files of the build (which must
    /// be written first).
    pub fn joins_twins(self) -> bool {
        matches!(
            self,
            DataFile::Items | DataFile::Meetings | DataFile::Documents
        )
    }
}

/// Every twin and data file of `archive`, but the items' twins (listed
/// with their pages).
pub fn jobs(archive: &Archive) -> impl Iterator<Item = PageJob> + '_ {
    let of = |n: usize, record: fn(Id) -> Record| (0..n).map(move |i| PageJob::Twin(record(i)));
    let files = [
        DataFile::Index,
        DataFile::Items,
        DataFile::Meetings,
        DataFile::Documents,
        DataFile::Popolo,
        DataFile::Events,
    ];
    (of(archive.committees.len(), Record::Committee))
        .chain(of(archive.meetings.len(), Record::Meeting))
        .chain(of(archive.documents.len(), Record::Document))
        .chain(of(archive.topics.len(), Record::Topic))
        .chain(of(archive.people.len(), Record::Person))
        .chain(files.into_iter().map(PageJob::Data))
        .chain(
            Shape::ALL
                .iter()
                .map(|&s| PageJob::Data(DataFile::Schema(s))),
        )
}

/// The page whose twin `record` is: its site path and content file.
pub fn record_page(archive: &Archive, record: Record) -> (&str, Option<&str>) {
    match record {
        Record::Committee(c) => {
            let c = &archive.committees[c];
            (&c.url, Some(&c.source))
        }
        Record::Meeting(m) => {
            let m = &archive.meetings[m];
            (&m.url, m.source.as_deref())
        }
        Record::Item(i) => (&archive.items[i].url, Some(&archive.items[i].source)),
        Record::Document(d) => {
            let d = &archive.documents[d];
            (&d.url, Some(&d.source))
        }
        Record::Topic(t) => (&archive.topics[t].url, None),
        Record::Person(p) => (&archive.people[p].url, None),
    }
}

/// The twin of the page at `page_url`: `/a/b/` -> `/a/b/index.json`.
pub fn twin_path(page_url: &str) -> String {
    format!("{page_url}index.json")
}

/// Where a file of `/data/` is.
pub fn data_path(file: DataFile) -> String {
    match file {
        DataFile::Index => "/data/".into(),
        DataFile::Items => "/data/items.ndjson".into(),
        DataFile::Meetings => "/data/meetings.ndjson".into(),
        DataFile::Documents => "/data/documents.ndjson".into(),
        DataFile::Popolo => "/data/popolo.json".into(),
        DataFile::Events => "/data/events.json".into(),
        DataFile::Schema(shape) => schema::path(shape),
    }
}

/// One file of `/data/` as the data page lists it.
#[derive(Debug, Serialize)]
struct DataFileView {
    title: &'static str,
    url: String,
    format: &'static str,
    /// How many records it holds.
    count: usize,
    about: &'static str,
    schema_url: String,
}

/// What the data page shows.
#[derive(Debug, Serialize)]
struct DataPage {
    files: Vec<DataFileView>,
    licence: Option<String>,
    licence_url: Option<String>,
    twins: Vec<TwinKind>,
}

#[derive(Debug, Serialize)]
struct TwinKind {
    kind: &'static str,
    example: Option<String>,
    schema_url: String,
}

impl PageBuilder<'_> {
    /// A record page's twin.
    pub(in crate::render) fn twin(&self, record: Record) -> RenderResult {
        let (url, source) = record_page(self.archive(), record);
        Ok(RenderedPage {
            url: twin_path(url),
            source: source.map(str::to_owned),
            template: "",
            contents: Contents::Text(self.twin_json(record)?),
            reads: Vec::new(),
        })
    }

    /// A file of `/data/`.
    pub(in crate::render) fn data_file(&self, theme: &Theme, file: DataFile) -> RenderResult {
        let contents = match file {
            DataFile::Index => return self.data_page(theme),
            DataFile::Items | DataFile::Meetings | DataFile::Documents => self.ndjson(file),
            DataFile::Popolo => Contents::Text(self.popolo()),
            DataFile::Events => self.events(),
            DataFile::Schema(shape) => Contents::Text(schema::json(shape)),
        };
        Ok(RenderedPage {
            url: data_path(file),
            source: None,
            template: "",
            contents,
            reads: Vec::new(),
        })
    }

    fn data_page(&self, theme: &Theme) -> RenderResult {
        let a = self.archive();
        // The documents' and files' count: every one of them is a page.
        self.r.page_list();
        let meetings = self.r.meetings_newest_first();
        let items = self.r.items_newest_first();
        let count = |file| match file {
            DataFile::Items => items.len(),
            DataFile::Meetings | DataFile::Events => meetings.len(),
            DataFile::Documents => a.documents.len() + a.attachments.len(),
            _ => self.r.people().len(),
        };
        let files = (BULK_FILES.iter())
            .map(|&(file, title, format, about, shape)| DataFileView {
                title,
                url: self.url(&data_path(file)),
                format,
                count: count(file),
                about,
                schema_url: self.url(&schema::path(shape)),
            })
            .collect();
        let example = |url: Option<&str>| url.map(|u| self.url(&twin_path(u)));
        let examples = [
            example(self.r.committees().first().map(|c| c.url.as_str())),
            example(meetings.first().map(|&m| self.r.meeting_headline(m).url)),
            example(items.first().map(|&i| self.r.item_headline(i).url)),
            example((!a.documents.is_empty()).then(|| self.r.document_headline(0).url)),
            example(self.r.topics().first().map(|t| t.url.as_str())),
            example(self.r.people().first().map(|p| p.url.as_str())),
        ];
        let twins = (TWIN_KINDS.iter().zip(examples))
            .map(|(&(kind, shape), example)| TwinKind {
                kind,
                example,
                schema_url: self.url(&schema::path(shape)),
            })
            .collect();
        let data = DataPage {
            files,
            licence: a.config.licence.clone(),
            licence_url: a.config.licence_url.clone(),
            twins,
        };
        let page = self.meta("Open data", "/data/", "data");
        self.finish(
            theme,
            "data.html",
            page,
            vec![self.home_crumb()],
            None,
            &data,
        )
    }
}

/// The bulk files as the data page lists them: file, title, format, what
/// it holds, its schema.
const BULK_FILES: &[(DataFile, &str, &str, &str, Shape)] = &[
    (
        DataFile::Items,
        "Agenda items",
        "NDJSON",
        "Every agenda item, newest first, one JSON object a line: what each item's page \
         shows, with its minutes as HTML and as plain text.",
        Shape::Item,
    ),
    (
        DataFile::Meetings,
        "Meetings",
        "NDJSON",
        "Every meeting, newest first: date, time, venue, who attended, its agenda and notes.",
        Shape::Meeting,
    ),
    (
        DataFile::Documents,
        "Documents",
        "NDJSON",
        "Every supporting document (with its text) and attached file (with its address, \
         size and type), by item, newest first.",
        Shape::Document,
    ),
    (
        DataFile::Popolo,
        "People and committees",
        "JSON (Popolo)",
        "People, councils and committees, and who is a member of what, in the shape of \
         the Popolo standard.",
        Shape::Popolo,
    ),
    (
        DataFile::Events,
        "Meetings as events",
        "JSON (Open Civic Data)",
        "Every meeting, oldest first, as an Open Civic Data event: participants, the \
         agenda with its decisions, documents and recordings.",
        Shape::Events,
    ),
];

/// The records with twins, as the data page names them.
const TWIN_KINDS: &[(&str, Shape)] = &[
    ("Committee", Shape::Committee),
    ("Meeting", Shape::Meeting),
    ("Agenda item", Shape::Item),
    ("Document", Shape::Document),
    ("Topic", Shape::Topic),
    ("Person", Shape::Person),
];
