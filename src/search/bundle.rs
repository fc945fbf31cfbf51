//! The static search bundle (`[search] static = true`): a Pagefind index
//! of the archive under `/pagefind/`, for a site on a host that cannot run
//! `quorum serve`. The reader's browser downloads the parts of it a query
//! needs and searches them in WebAssembly.
//!
//! Pagefind usually reads a site's HTML pages; here it is given one record
//! per agenda item, supporting document, meeting and readable attached
//! file, made from the model as the tantivy index's documents are, so what
//! is withheld from the pages (exempt business, drafts without
//! `--drafts`) is absent from the bundle by the same rule, and no page is
//! parsed again. Each record carries the filters the search page offers
//! (committee, topic, year, kind) and a date to sort by.
//!
//! Cost (this VM, 2026-12-06): at 1,000 items (1,131 records) 1.4-1.7 s
//! and about 400 MiB; at 10,000 (11,259 records) about 18 s and 2.5 GiB
//! peak, most of it inside Pagefind (its indexing and the gzip of every
//! file: with flate2's default miniz_oxide backend the 1,000-item bundle
//! took 1.9-2.0 s, with zlib-rs, chosen in Cargo.toml, 1.4-1.7 s). It is
//! built on its own thread alongside the pages and the tantivy index.

use std::collections::BTreeMap;
use std::path::Path;

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use super::{SearchError, kind_label};
use crate::dates::DateView;
use crate::model::{Archive, Id};

/// The bundle's folder in the site, and the files of it pages link to.
pub const BUNDLE_DIR: &str = "pagefind";
pub const UI_FILES: [&str; 2] = ["/pagefind/pagefind-ui.js", "/pagefind/pagefind-ui.css"];

/// One record for Pagefind: a page (or file) and what it holds.
struct Record {
    url: String,
    title: String,
    text: String,
    date: chrono::NaiveDate,
    committee: Id,
    topics: Vec<Id>,
    kind: &'static str,
}

/// Writes the bundle of `archive` into `dir` (the site's `pagefind/`);
/// returns how many records it holds.
pub fn write(archive: &Archive, dir: &Path) -> Result<usize, SearchError> {
    let records = records(archive)?;
    let count = records.len();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| SearchError::Io(dir.to_owned(), e))?;
    let files = runtime
        .block_on(bundle(archive, records))
        .map_err(SearchError::Bundle)?;
    for file in files {
        let path = dir.join(&file.filename);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| SearchError::Io(parent.to_owned(), e))?;
        }
        std::fs::write(&path, &file.contents).map_err(|e| SearchError::Io(path, e))?;
    }
    Ok(count)
}

/// Pagefind's files for `records`; its errors, as it words them.
async fn bundle(
    archive: &Archive,
    records: Vec<Record>,
) -> Result<Vec<pagefind::api::SyntheticFile>, String> {
    let options = PagefindServiceConfig::builder()
        .force_language(archive.config.language.clone())
        .build();
    let mut index = PagefindIndex::new(Some(options)).map_err(|e| format!("{e:#}"))?;
    for record in records {
        let (meta, filters, sort) = fields(archive, &record);
        index
            .add_custom_record(
                record.url,
                record.text,
                archive.config.language.clone(),
                Some(meta),
                Some(filters),
                Some(sort),
            )
            .await
            .map_err(|e| format!("{e:#}"))?;
    }
    index.get_files().await.map_err(|e| format!("{e:#}"))
}

type Fields = BTreeMap<String, String>;

/// What Pagefind shows of a record (meta), narrows by (filters) and sorts
/// by.
fn fields(archive: &Archive, r: &Record) -> (Fields, BTreeMap<String, Vec<String>>, Fields) {
    let date = DateView::new(r.date);
    let committee = archive.committees[r.committee].title.clone();
    let meta = BTreeMap::from([
        ("title".to_owned(), r.title.clone()),
        ("date".to_owned(), date.long),
        ("committee".to_owned(), committee.clone()),
    ]);
    let topics = (r.topics.iter())
        .map(|&t| archive.topics[t].name.clone())
        .collect();
    let filters = BTreeMap::from([
        ("committee".to_owned(), vec![committee]),
        ("topic".to_owned(), topics),
        ("year".to_owned(), vec![date.year.to_string()]),
        ("kind".to_owned(), vec![kind_label(r.kind).to_owned()]),
    ]);
    let sort = BTreeMap::from([("date".to_owned(), date.iso)]);
    (meta, filters, sort)
}

/// A record for each published item, document, meeting and readable
/// attached file.
fn records(a: &Archive) -> Result<Vec<Record>, SearchError> {
    let url = |path: &str| format!("{}{path}", a.prefix);
    let mut records = Vec::with_capacity(a.items.len() + a.documents.len() + a.meetings.len());
    for item in &a.items {
        let mut text = a.bodies.text(&item.minutes)?;
        for d in &item.decisions {
            text.push('\n');
            text.push_str(&crate::load::markdown::plain_text(&d.text));
        }
        records.push(Record {
            url: url(&item.url),
            title: item.title.clone(),
            text,
            date: a.meetings[item.meeting].date,
            committee: item.committee,
            topics: item.topics.clone(),
            kind: "item",
        });
    }
    for doc in &a.documents {
        let item = &a.items[doc.item];
        records.push(Record {
            url: url(&doc.url),
            title: doc.title.clone(),
            text: a.bodies.text(&doc.body)?,
            date: doc.date.unwrap_or(a.meetings[item.meeting].date),
            committee: item.committee,
            topics: item.topics.clone(),
            kind: "document",
        });
    }
    for m in &a.meetings {
        let agenda: Vec<&str> = m.items.iter().map(|&i| a.items[i].title.as_str()).collect();
        records.push(Record {
            url: url(&m.url),
            title: super::index::meeting_title(&a.committees[m.committee].title, m.date),
            text: format!("{}\n{}", a.bodies.text(&m.notes)?, agenda.join("\n")),
            date: m.date,
            committee: m.committee,
            topics: Vec::new(),
            kind: "meeting",
        });
    }
    for file in &a.attachments {
        let Some(text) = file.text.as_ref().filter(|t| t.has_words()) else {
            continue;
        };
        let item = &a.items[file.item];
        records.push(Record {
            url: url(&file.url),
            title: file.title.clone(),
            text: text.pages.join("\n"),
            date: a.meetings[item.meeting].date,
            committee: item.committee,
            topics: item.topics.clone(),
            kind: "attachment",
        });
    }
    Ok(records)
}
