//! Building the index from the archive model: one document per agenda item,
//! supporting document, meeting and attached file with words (PDF, text,
//! CSV). Only published content is in the model, so exempt (and, without
//! --drafts, draft) text can never be indexed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tantivy::indexer::LogMergePolicy;
use tantivy::schema::{Facet, Field};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{Index, IndexSettings, IndexWriter, Term};

use super::SearchError;
use super::document::{Held, PageDoc};
use super::reuse;
use super::schema::{self, Fields};
use super::unsynced::Unsynced;
use crate::load::body::{Bodies, Body};
use crate::load::text::FileText;
use crate::model::{Archive, AttachmentFile, Id, Item, PageKey};
use crate::reads::{Read, Reader};
use crate::urls;

/// Display names the index needs alongside it (slug -> name), and the
/// topic vocabulary so that `--topic LAC` finds "Looked after children".
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Meta {
    pub committees: BTreeMap<String, String>,
    pub topics: BTreeMap<String, String>,
    /// Slug of any alias or spelling -> canonical topic slug.
    pub topic_aliases: BTreeMap<String, String>,
    pub people: BTreeMap<String, String>,
    /// The `content/` folder, relative to the index's own: passages for
    /// snippets are read from the files the bodies are in, so the index
    /// holds no second copy of every minute.
    #[serde(default)]
    pub content: PathBuf,
}

pub const META_FILE: &str = "quorum-search.json";

/// zstd's level for stored text: higher levels cost build time for little.
const ZSTD_LEVEL: i32 = 9;

/// Writer memory, shared by its threads.
const WRITER_MEMORY: usize = 128 * 1024 * 1024;

impl Meta {
    /// The meta of an index of `a` written into `dir`.
    pub fn new(a: &Archive, dir: &Path) -> Meta {
        let content = std::path::absolute(&a.bodies.content_dir)
            .ok()
            .zip(std::path::absolute(dir).ok())
            .and_then(|(content, dir)| pathdiff::diff_paths(content, dir))
            .unwrap_or_else(|| a.bodies.content_dir.clone());
        let mut meta = Meta {
            content,
            committees: a
                .committees
                .iter()
                .map(|c| (c.slug.clone(), c.title.clone()))
                .collect(),
            topics: a
                .topics
                .iter()
                .map(|t| (t.slug.clone(), t.name.clone()))
                .collect(),
            people: a
                .people
                .iter()
                .map(|p| (p.slug.clone(), p.name.clone()))
                .collect(),
            topic_aliases: BTreeMap::new(),
        };
        for t in &a.topics {
            meta.topic_aliases.insert(t.slug.clone(), t.slug.clone());
            for alias in &t.aliases {
                meta.topic_aliases
                    .insert(urls::slugify(alias), t.slug.clone());
            }
        }
        meta
    }

    /// The meta of the index in `dir`.
    pub fn read(dir: &Path) -> Result<Meta, SearchError> {
        let path = dir.join(META_FILE);
        let text = std::fs::read(&path).map_err(|e| SearchError::Io(path, e))?;
        serde_json::from_slice(&text).map_err(|e| SearchError::Corrupt(e.to_string()))
    }

    /// Where the bodies of the index in `dir` are read from, for passages.
    pub fn bodies(&self, dir: &Path) -> Bodies {
        Bodies {
            content_dir: dir.join(&self.content),
            ..Bodies::default()
        }
    }
}

/// What writing the index did.
#[derive(Debug, Default)]
pub struct Written {
    /// Documents indexed.
    pub count: usize,
    /// What each document read, by URL, when asked for.
    pub reads: Vec<(String, Vec<Read>)>,
}

/// Writes an index of `archive` into `dir` (which must not exist or be
/// empty, but for the build's marker), keeping what each document read
/// when `keep_reads`. When `previous` holds the index the last build left,
/// only what changed is written again (see [`super::reuse`]).
pub fn write(
    archive: &Archive,
    dir: &Path,
    keep_reads: bool,
    previous: Option<&Path>,
) -> Result<Written, SearchError> {
    std::fs::create_dir_all(dir).map_err(|e| SearchError::Io(dir.to_owned(), e))?;
    let keys = all_keys(archive);
    let signature = previous.and_then(reuse::Signature::read);
    let writer = reuse::writer(signature.as_ref());
    let linked = (previous.zip(signature))
        .and_then(|(previous, signed)| reuse::link_previous(previous, signed, dir, writer));
    if let Some(linked) = linked {
        match write_over(archive, dir, &keys, keep_reads, linked, writer) {
            Ok(written) => return Ok(written),
            // Whatever was amiss with the last index, a fresh one is right.
            Err(_) => reuse::clear(dir, &[crate::output::MARKER])?,
        }
    }
    write_fresh(archive, dir, &keys, keep_reads, writer)
}

/// Writes a new index of the documents of `keys` into `dir`.
fn write_fresh(
    archive: &Archive,
    dir: &Path,
    keys: &[DocKey],
    keep_reads: bool,
    writer_id: &reuse::Writer,
) -> Result<Written, SearchError> {
    let index = create(dir)?;
    let fields = schema::fields(&index.schema())?;
    let mut writer = index_writer(&index)?;
    writer.set_merge_policy(Box::new(merge_policy()));
    let mut written = Written::default();
    let mut fingerprints = reuse::Fingerprints::new(writer_id);
    add_all(archive, &fields, keys, &mut writer, |made| {
        fingerprints.insert(&made.url, made.doc.fingerprint());
        written.count += 1;
        if keep_reads {
            written.reads.push((made.url, made.reads));
        }
        made.doc
    })?;
    writer.commit()?;
    writer.wait_merging_threads()?;
    fingerprints.write(dir)?;
    write_meta(archive, dir)?;
    Ok(written)
}

/// Writes the documents of `keys` over the last build's index, `linked`
/// into `dir`: only the segments that changed (see [`super::reuse`]).
fn write_over(
    archive: &Archive,
    dir: &Path,
    keys: &[DocKey],
    keep_reads: bool,
    linked: reuse::Linked,
    writer_id: &reuse::Writer,
) -> Result<Written, SearchError> {
    let previous = linked.opened(open(dir)?.0);
    let fields = schema::fields(&previous.index.schema())?;
    let mut written = Written::default();
    let prints = fingerprint_all(archive, &fields, keys, &mut written, keep_reads)?;
    let plan = previous.plan(fields.url, prints.iter().flatten())?;
    let mut writer = index_writer(&previous.index)?;
    // No merge until the deletions are committed: one begun before would
    // carry the documents being deleted into a segment that keeps them.
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    // Before anything is added: a deletion takes every document of its
    // URL added before it.
    for url in &plan.delete {
        writer.delete_term(Term::from_field_text(fields.url, url));
    }
    let mut fingerprints = reuse::Fingerprints::new(writer_id);
    for (url, print) in prints.iter().flatten() {
        fingerprints.insert(url, *print);
    }
    let again: Vec<DocKey> = (keys.iter().zip(&prints))
        .filter(|(_, print)| {
            print
                .as_ref()
                .is_some_and(|(url, _)| plan.write.contains(url))
        })
        .map(|(&key, _)| key)
        .collect();
    add_all(archive, &fields, &again, &mut writer, |made| {
        fingerprints.insert(&made.url, made.doc.fingerprint());
        made.doc
    })?;
    writer.commit()?;
    // Kept and new segments merge as a fresh build's would.
    writer.set_merge_policy(Box::new(merge_policy()));
    writer.commit()?;
    writer.wait_merging_threads()?;
    reuse::sweep(dir, &[crate::output::MARKER, META_FILE])?;
    fingerprints.write(dir)?;
    write_meta(archive, dir)?;
    Ok(written)
}

fn index_writer(index: &Index) -> Result<IndexWriter<PageDoc>, SearchError> {
    Ok(index.writer_with_num_threads(crate::cores().clamp(1, 4), WRITER_MEMORY)?)
}

/// Makes the documents of `keys` and gives each (None for a key without
/// one) to `each`, in order. They are made in parallel a batch at a time:
/// holding every document of a large archive at once would double the
/// build's memory.
fn each_document(
    archive: &Archive,
    fields: &Fields,
    keys: &[DocKey],
    mut each: impl FnMut(Option<Made>) -> Result<(), SearchError>,
) -> Result<(), SearchError> {
    for batch in keys.chunks(DOCUMENT_BATCH) {
        let docs: Vec<Option<Made>> = batch
            .par_iter()
            .map(|&k| document(archive, fields, k))
            .collect::<Result<_, _>>()?;
        docs.into_iter().try_for_each(&mut each)?;
    }
    Ok(())
}

/// Makes the documents of `keys` and adds what `each` takes of them (it
/// notes the rest).
fn add_all(
    archive: &Archive,
    fields: &Fields,
    keys: &[DocKey],
    writer: &mut IndexWriter<PageDoc>,
    mut each: impl FnMut(Made) -> PageDoc,
) -> Result<(), SearchError> {
    each_document(archive, fields, keys, |made| {
        if let Some(made) = made {
            writer.add_document(each(made))?;
        }
        Ok(())
    })
}

/// Each document's URL and fingerprint, in the order of `keys` (None for a
/// key without a document), noting what each read.
fn fingerprint_all(
    archive: &Archive,
    fields: &Fields,
    keys: &[DocKey],
    written: &mut Written,
    keep_reads: bool,
) -> Result<Vec<Option<(String, u128)>>, SearchError> {
    let mut prints = Vec::with_capacity(keys.len());
    each_document(archive, fields, keys, |made| {
        prints.push(made.map(|made| {
            let print = (made.url.clone(), made.doc.fingerprint());
            written.count += 1;
            if keep_reads {
                written.reads.push((made.url, made.reads));
            }
            print
        }));
        Ok(())
    })?;
    Ok(prints)
}

/// A new, empty index in `dir`, with this version's schema and analyzers.
fn create(dir: &Path) -> Result<Index, SearchError> {
    let (schema, _) = schema::build();
    // What is stored (titles, purposes, decisions, display names) is prose:
    // zstd keeps it in about half lz4's bytes, and a 16 KiB block still
    // decompresses in microseconds for each hit.
    let settings = IndexSettings {
        docstore_compression: Compressor::Zstd(ZstdCompressor {
            compression_level: Some(ZSTD_LEVEL),
        }),
        ..IndexSettings::default()
    };
    let index = Index::builder()
        .schema(schema)
        .settings(settings)
        .create_in_dir(dir)?;
    schema::register(&index);
    Ok(index)
}

/// What a search document is of: a page, or an attached file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocKey {
    Page(PageKey),
    Attachment(Id),
}

/// Replaces the documents of `pages` (and removes those of `removed_urls`)
/// in an existing index: the incremental path of `quorum serve`. Returns
/// what each new document read, by URL.
pub fn update(
    archive: &Archive,
    dir: &Path,
    pages: &[DocKey],
    removed_urls: &[String],
) -> Result<Vec<(String, Vec<Read>)>, SearchError> {
    // The folder a full build made and synced; this edit's files need not
    // be (see `unsynced`).
    let (index, fields) = open_with(Index::open(Unsynced::open(dir)?)?, dir)?;
    // Its documents will no longer be the ones a build fingerprinted.
    reuse::forget(dir)?;
    let mut writer: IndexWriter<PageDoc> = index.writer_with_num_threads(1, 50 * 1024 * 1024)?;
    writer.set_merge_policy(Box::new(live_merge_policy()));
    for url in removed_urls {
        writer.delete_term(Term::from_field_text(fields.url, url));
    }
    let mut reads = Vec::new();
    for &page in pages {
        if let Some(made) = document(archive, &fields, page)? {
            writer.delete_term(Term::from_field_text(fields.url, &made.url));
            writer.add_document(made.doc)?;
            reads.push((made.url, made.reads));
        }
    }
    writer.commit()?;
    write_meta(archive, dir)?;
    Ok(reads)
}

/// Every page and file that has a search document, with the document's
/// URL.
pub fn documents(a: &Archive) -> Vec<(DocKey, String)> {
    all_keys(a)
        .into_iter()
        .map(|k| (k, format!("{}{}", a.prefix, url_of(a, k))))
        .collect()
}

fn url_of(a: &Archive, key: DocKey) -> &str {
    match key {
        DocKey::Page(page) => a.page_url(page),
        DocKey::Attachment(f) => &a.attachments[f].url,
    }
}

/// Opens the index in `dir` with its analyzers and fields, refusing one
/// written with another schema: its terms would silently miss some
/// queries (a phrase looked up as a term it does not hold).
pub fn open(dir: &Path) -> Result<(Index, Fields), SearchError> {
    open_with(Index::open_in_dir(dir)?, dir)
}

fn open_with(index: Index, dir: &Path) -> Result<(Index, Fields), SearchError> {
    if !schema::is_current(&index.schema()) {
        return Err(SearchError::Outdated(dir.to_owned()));
    }
    schema::register(&index);
    let fields = schema::fields(&index.schema())?;
    Ok((index, fields))
}

fn write_meta(archive: &Archive, dir: &Path) -> Result<(), SearchError> {
    let meta = serde_json::to_vec_pretty(&Meta::new(archive, dir))
        .map_err(|e| SearchError::Corrupt(e.to_string()))?;
    std::fs::write(dir.join(META_FILE), meta).map_err(|e| SearchError::Io(dir.to_owned(), e))
}

/// Merging the segments a large build flushes re-encodes every posting
/// after the pages are written: at 100,000 items it was the build's
/// longest single-threaded tail, while a query's pass over a few segments
/// costs no more than over one (they are scanned in parallel). Merges
/// wait until there are many.
fn merge_policy() -> LogMergePolicy {
    let mut policy = LogMergePolicy::default();
    policy.set_min_num_segments(MERGE_AT_SEGMENTS);
    policy
}

const MERGE_AT_SEGMENTS: usize = 16;

/// After a live edit, only the small segments edits make are merged (among
/// themselves). With tantivy's default policy every segment under 10,000
/// documents is of one level, so an edit at 10,000 items set off a merge
/// re-encoding the whole index on the second core while the next edits
/// were made (perf: most of the CPU tantivy used in `benches/latency`), and
/// adding a page took 58-69 ms in the index step, against 22-30 ms for
/// an edit in words.
fn live_merge_policy() -> LogMergePolicy {
    let mut policy = LogMergePolicy::default();
    policy.set_max_docs_before_merge(LIVE_MERGE_MAX_DOCS);
    policy
}

/// Segments above this many documents (a build's) are left as they are
/// while `quorum serve` runs.
const LIVE_MERGE_MAX_DOCS: usize = 1_000;

/// Documents made at once while indexing.
const DOCUMENT_BATCH: usize = 512;

fn all_keys(a: &Archive) -> Vec<DocKey> {
    let page = |key: fn(Id) -> PageKey| move |i| DocKey::Page(key(i));
    (0..a.items.len())
        .map(page(PageKey::Item))
        .chain((0..a.documents.len()).map(page(PageKey::Document)))
        .chain((0..a.meetings.len()).map(page(PageKey::Meeting)))
        .chain(
            (a.attachments.iter().enumerate())
                .filter(|(_, f)| f.text.as_deref().is_some_and(FileText::has_words))
                .map(|(i, _)| DocKey::Attachment(i)),
        )
        .collect()
}

/// A meeting as search results title it (the index's and the static
/// bundle's alike): "Finance Committee meeting, 10 January 2024".
pub(super) fn meeting_title(committee: &str, date: chrono::NaiveDate) -> String {
    format!(
        "{committee} meeting, {}",
        crate::dates::DateView::new(date).long
    )
}

/// The index document of one page or file (committees are not indexed),
/// with what it read of the model. A body is read again from its file.
pub fn document(a: &Archive, f: &Fields, key: DocKey) -> Result<Option<Made>, SearchError> {
    let r = Reader::new(a);
    let mut d = PageDoc::default();
    let key = match key {
        DocKey::Page(key) => key,
        DocKey::Attachment(i) => {
            let file = r.attachment(i);
            let Some(text) = file.text.as_deref().filter(|t| t.has_words()) else {
                return Ok(None);
            };
            let (committee, date, topics) = attachment_fields(&r, f, &mut d, file, text);
            let shared = Shared {
                kind: "attachment",
                url_path: &file.url,
                committee,
                date,
                topics,
            };
            return Ok(Some(shared.add(r, f, d)));
        }
    };
    let (kind, committee, date, topics): (&str, Id, NaiveDate, &[Id]) = match key {
        PageKey::Item(i) => {
            let item = r.item(i);
            item_fields(&r, f, &mut d, item)?;
            (
                "item",
                item.committee,
                r.item_date(i),
                item.topics.as_slice(),
            )
        }
        PageKey::Document(i) => {
            let doc = r.document(i);
            let item = r.item_headline(doc.item);
            add_title(f, &mut d, &doc.title);
            add_body(a, f, &mut d, &doc.body)?;
            if let Some(author) = &doc.author {
                add_person(&r, f, &mut d, author.person);
            }
            let date = doc.date.unwrap_or_else(|| r.item_date(doc.item));
            ("document", item.committee, date, item.topics)
        }
        PageKey::Meeting(i) => {
            let m = r.meeting(i);
            let title = meeting_title(r.committee_headline(m.committee).title, m.date);
            add_title(f, &mut d, title);
            add_body(a, f, &mut d, &m.notes)?;
            for p in m.chair.iter().chain(&m.attendees).chain(&m.apologies) {
                add_person(&r, f, &mut d, p.person);
            }
            ("meeting", m.committee, m.date, &[][..])
        }
        PageKey::Committee(_) => return Ok(None),
    };
    let shared = Shared {
        kind,
        url_path: a.page_url(key),
        committee,
        date,
        topics,
    };
    Ok(Some(shared.add(r, f, d)))
}

/// What every document has: its kind, address, committee, date and
/// topics, as filters and facets.
struct Shared<'a> {
    kind: &'a str,
    /// The address, without the site's path prefix.
    url_path: &'a str,
    committee: Id,
    date: NaiveDate,
    topics: &'a [Id],
}

impl Shared<'_> {
    fn add(self, r: Reader, f: &Fields, mut d: PageDoc) -> Made {
        let Shared {
            kind,
            url_path,
            committee,
            date,
            topics,
        } = self;
        let url = format!("{}{}", r.archive.prefix, url_path);
        d.add_text(f.spelling, url_path);
        d.add_text(f.kind, kind);
        d.add_text(f.url, url.as_str());
        let c = r.committee_headline(committee);
        let names = std::iter::once(c.title).chain(c.short).chain(c.authority);
        add_names(f, &mut d, f.committee, names);
        d.add_text(f.committee_slug, c.slug);
        d.add_text(f.committee_display, c.title);
        d.add_facet(f.facets, &Facet::from_path(["committee", c.slug]));
        for &t in topics {
            let topic = r.topic_headline(t);
            let names = std::iter::once(topic.name).chain(topic.aliases.iter().map(String::as_str));
            add_names(f, &mut d, f.topic, names);
            d.add_text(f.topic_slug, topic.slug);
            d.add_text(f.topics_display, topic.name);
            d.add_facet(f.facets, &Facet::from_path(["topic", topic.slug]));
        }
        d.add_i64(f.date, date_number(date));
        d.add_text(f.date_iso, date.format("%Y-%m-%d").to_string());
        d.add_facet(
            f.facets,
            &Facet::from_path(["year", date.year().to_string().as_str()]),
        );
        d.add_facet(f.facets, &Facet::from_path(["kind", kind]));
        Made {
            doc: d,
            url,
            reads: r.into_reads(),
        }
    }
}

/// What an attached file puts in its document: its title and words, with
/// where each page starts, and its item's title, address and people
/// (searching for a presenter finds the report they presented). Returns
/// the item's committee, date and topics, which the file is filtered by.
fn attachment_fields<'a>(
    r: &Reader<'a>,
    f: &Fields,
    d: &mut PageDoc,
    file: &'a AttachmentFile,
    text: &FileText,
) -> (Id, NaiveDate, &'a [Id]) {
    add_title(f, d, attachment_title(file, text));
    let mut words = String::with_capacity(text.pages.iter().map(|p| p.len() + 2).sum());
    // Pages of a PDF are numbered for its hits; a text file's one page is
    // not a page of anything.
    let paged = crate::load::text::is_paged(&file.name);
    for page in &text.pages {
        if !words.is_empty() {
            words.push_str("\n\n");
        }
        if paged {
            d.add_u64(f.page_starts, words.len() as u64);
        }
        words.push_str(page);
    }
    let words = d.hold(words);
    add_words(f, d, words);
    d.add(f.file_text, words);
    let item = r.item(file.item);
    d.add_text(f.parent_title, item.title.as_str());
    d.add_text(f.parent_url, format!("{}{}", r.archive.prefix, item.url));
    for p in &item.presenters {
        add_person(r, f, d, p.person);
    }
    (item.committee, r.item_date(file.item), &item.topics)
}

/// A file's title in search results: the one the clerk gave in
/// `documents:`, else the one in the file's metadata, else its name.
fn attachment_title(file: &AttachmentFile, text: &FileText) -> String {
    match &text.title {
        Some(title) if file.title == file.name => title.clone(),
        _ => file.title.clone(),
    }
}

/// An index document, with its URL and what it read of the model.
pub struct Made {
    pub doc: PageDoc,
    pub url: String,
    pub reads: Vec<Read>,
}

/// What an agenda item's own fields put in its document.
fn item_fields(r: &Reader, f: &Fields, d: &mut PageDoc, item: &Item) -> Result<(), SearchError> {
    add_title(f, d, &item.title);
    if let Some(purpose) = item.purpose.as_deref() {
        let p = d.hold(crate::load::markdown::plain_text(purpose));
        add_words(f, d, p);
        d.add(f.purpose, p);
    }
    add_body(r.archive, f, d, &item.minutes)?;
    for decision in &item.decisions {
        let text = d.hold(crate::load::markdown::plain_text(&decision.text));
        add_words(f, d, text);
        d.add(f.decisions, text);
    }
    for action in &item.actions {
        let text = d.hold(action.action.as_str());
        add_words(f, d, text);
        if let Some(o) = &action.owner {
            add_person(r, f, d, o.person);
        }
    }
    for p in &item.presenters {
        add_person(r, f, d, p.person);
    }
    for decl in &item.declarations {
        add_person(r, f, d, decl.member.person);
    }
    Ok(())
}

/// Words searched as themselves and in phrases, and kept unstemmed: for
/// spelling suggestions, and to rank a word found as typed first.
fn add_words(f: &Fields, d: &mut PageDoc, text: Held) {
    d.add(f.text, text);
    d.add(f.pairs, text);
    d.add(f.spelling, text);
}

/// Names searched in their own `field` (`committee:`, `topic:`) and as
/// words.
fn add_names<'n>(f: &Fields, d: &mut PageDoc, field: Field, names: impl Iterator<Item = &'n str>) {
    for name in names {
        let name = d.hold(name);
        d.add(field, name);
        add_words(f, d, name);
    }
}

fn add_title(f: &Fields, d: &mut PageDoc, title: impl Into<String>) {
    let title = d.hold(title);
    d.add(f.title, title);
    add_words(f, d, title);
}

/// A body's words, and where to find them again for a passage.
fn add_body(a: &Archive, f: &Fields, d: &mut PageDoc, body: &Body) -> Result<(), SearchError> {
    let text = d.hold(a.bodies.text(body)?);
    add_words(f, d, text);
    if let Some(source) = &body.source {
        d.add_text(f.body_source, source.as_str());
        d.add_u64(f.body_offset, body.offset as u64);
        d.add_u64(f.body_fingerprint, body.fingerprint);
    }
    Ok(())
}

fn add_person(r: &Reader, f: &Fields, d: &mut PageDoc, person: Id) {
    let p = r.person_headline(person);
    let name = d.hold(p.name);
    d.add(f.person, name);
    add_words(f, d, name);
    d.add_text(f.person_slug, p.slug);
}

/// 2017-12-07 -> 20171207: sortable, and readable in range queries.
pub fn date_number(d: NaiveDate) -> i64 {
    i64::from(d.year()) * 10_000 + i64::from(d.month()) * 100 + i64::from(d.day())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::index::{SegmentId, SegmentMeta};
    use tantivy::indexer::MergePolicy;
    use tantivy::schema::Schema;

    /// Two segments of a 10,000-item build and ten that live edits made.
    fn segments(index: &Index) -> Vec<SegmentMeta> {
        let sizes = [5_708, 5_551, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2];
        (sizes.iter())
            .map(|&n| index.new_segment_meta(SegmentId::generate_random(), n))
            .collect()
    }

    fn merged_sizes(policy: &dyn MergePolicy, segments: &[SegmentMeta]) -> Vec<u32> {
        let mut sizes: Vec<u32> = (policy.compute_merge_candidates(segments).iter())
            .flat_map(|candidate| &candidate.0)
            .filter_map(|id| segments.iter().find(|s| s.id() == *id))
            .map(SegmentMeta::max_doc)
            .collect();
        sizes.sort_unstable();
        sizes
    }

    #[test]
    fn live_edits_merge_their_own_segments_and_leave_the_builds_alone() {
        let index = Index::create_in_ram(Schema::builder().build());
        let segments = segments(&index);
        assert_eq!(
            merged_sizes(&live_merge_policy(), &segments),
            [2, 2, 3, 3, 3, 3, 3, 3, 3, 3]
        );
        // What tantivy's default would do: re-encode the build's segments
        // too, on every few edits.
        let default = merged_sizes(&LogMergePolicy::default(), &segments);
        assert!(default.contains(&5_708), "{default:?}");
    }
}
