//! Search: the tantivy index built with every site, and the one API that
//! answers queries for the CLI and the server.
//!
//! [`index`] writes the index from the archive model; [`query`] parses the
//! members' query language; [`SearchIndex::search`] runs a request and
//! returns hits with highlighted snippets, facet counts and any spelling
//! corrections it made.
//!
//! How hits rank: every word is looked up stemmed in one field holding all
//! of a page's words (BM25), which decides what matches. What only adds to
//! a match's score, so that what a page is *about* outranks a passing
//! mention: the words in its title ([`schema::TITLE_BOOST`]) and among the
//! topics it is filed under, names and aliases ([`schema::TOPIC_BOOST`]),
//! and each word found in the very form it was typed, unstemmed
//! ([`schema::EXACT_BOOST`]), so that *inspection* puts "the inspection"
//! before "inspecting". The stemmer keeps the endings that make another
//! word (*careful*, *carefully*: [`schema::english_stem`]), so *care* never
//! matches a page that only says *carefully*, as a word or in a phrase.
//! No hit for all the words is no dead end: the hits for any of them are
//! given, with a notice.
//!
//! What is Quorum's own and what is tantivy's: the query language and its
//! forgiving reading ([`query`]), the word pairs and connective triples
//! that make phrases cheap, the stem cache and the per-segment facet table
//! ([`facets`]) are Quorum's; matching, intersection, scoring, top hits
//! (`TopDocs`), passages (`SnippetGenerator`) and the analysis chain are
//! tantivy's. At 100,000 items a query takes p50 2.4-2.5 ms, p99 under 7
//! ms (`cargo bench --bench latency`; README).

pub mod bundle;
pub mod document;
pub mod facets;
pub mod index;
mod passage;
pub mod query;
mod reuse;
pub mod schema;
pub mod unsynced;

use std::collections::BTreeMap;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocAddress, Index, IndexReader, Order, ReloadPolicy, Searcher, TantivyDocument, Term,
};

use facets::{DocTable, FacetCounter, MatchCounts};
pub use index::Meta;
use passage::Passages;
use query::{Expr, QueryError, Scope};
use schema::Fields;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("no search index at {0}")]
    NoIndex(PathBuf),
    #[error("the search index at {0} was written by a different version of Quorum")]
    Outdated(PathBuf),
    #[error("malformed query: {0}")]
    Query(#[from] QueryError),
    #[error("invalid search option: {0}")]
    Option(String),
    #[error("cannot read or write {0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error("the search index is damaged: {0}")]
    Corrupt(String),
    #[error("cannot make the static search bundle: {0}")]
    Bundle(String),
    #[error("search index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error(transparent)]
    Body(#[from] crate::load::body::BodyError),
}

impl SearchError {
    /// As a build reports it: against the file at fault, or the index.
    pub fn diagnostic(self, index_dir: &Path) -> crate::diagnostic::Diagnostic {
        match self {
            SearchError::Body(e) => e.into(),
            e => crate::diagnostic::Diagnostic::error(index_dir, e.to_string()),
        }
    }

    /// Whether the request (not the index) is at fault: a 400, exit 2.
    pub fn is_bad_request(&self) -> bool {
        matches!(self, SearchError::Query(_) | SearchError::Option(_))
    }

    /// What to do about it.
    pub fn hint(&self) -> Option<String> {
        match self {
            SearchError::NoIndex(_) => Some(
                "build the site first: `quorum build` writes the index (in .quorum/search-index/ unless \
                 [search] index_dir says otherwise; an index left in output/search-index/ by an older \
                 Quorum is not read, and the next build removes it)"
                    .into(),
            ),
            SearchError::Query(_) => Some(
                "words must all match; use \"quotes\" for phrases, OR between alternatives, -word to exclude, and title:, topic:, committee:, person: to filter".into(),
            ),
            SearchError::Outdated(_) | SearchError::Corrupt(_) | SearchError::Tantivy(_) => Some("rebuild the site with `quorum build`".into()),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    #[default]
    Relevance,
    Newest,
    Oldest,
}

impl Sort {
    /// As a request names it (`sort=newest`).
    pub fn name(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Newest => "newest",
            Sort::Oldest => "oldest",
        }
    }

    pub const ALL: [Sort; 3] = [Sort::Relevance, Sort::Newest, Sort::Oldest];

    /// From its name.
    pub fn from_name(name: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|s| s.name() == name)
    }

    /// As the search page says it ("newest first").
    pub fn label(self) -> &'static str {
        match self {
            Sort::Relevance => "best match",
            Sort::Newest => "newest first",
            Sort::Oldest => "oldest first",
        }
    }
}

/// One search, as the CLI or the server asks it.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    pub query: String,
    /// Committee slug or name.
    pub committee: Option<String>,
    /// Topic name, alias or slug.
    pub topic: Option<String>,
    /// Person name or slug.
    pub person: Option<String>,
    /// "item", "document" or "meeting".
    pub kind: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub sort: Sort,
    pub limit: usize,
    /// 1-based.
    pub page: usize,
    /// A query that cannot be parsed is an error, not plain words; and no
    /// wider search is made when nothing matches.
    pub strict: bool,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            committee: None,
            topic: None,
            person: None,
            kind: None,
            from: None,
            to: None,
            sort: Sort::Relevance,
            limit: 10,
            page: 1,
            strict: false,
        }
    }
}

pub const MAX_LIMIT: usize = 100;
pub const MAX_PAGE: usize = 1000;
/// A kind of result: its value in requests and the index, and what people
/// call one of it and many.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    pub value: &'static str,
    pub one: &'static str,
    pub many: &'static str,
}

pub const KINDS: &[Kind] = &[
    Kind {
        value: "item",
        one: "Agenda item",
        many: "Agenda items",
    },
    Kind {
        value: "document",
        one: "Supporting document",
        many: "Supporting documents",
    },
    Kind {
        value: "meeting",
        one: "Meeting",
        many: "Meetings",
    },
    Kind {
        value: "attachment",
        one: "Attached file",
        many: "Attached files",
    },
];

fn kind_of(value: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.value == value)
}

/// One result of a kind, as people call it ("Agenda item").
pub fn kind_name(kind: &str) -> &'static str {
    kind_of(kind).map_or("Other", |k| k.one)
}

/// A kind of result as people call it ("Agenda items").
pub fn kind_label(kind: &str) -> &'static str {
    kind_of(kind).map_or("Other", |k| k.many)
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Hit {
    pub title: String,
    pub url: String,
    /// YYYY-MM-DD.
    pub date: String,
    /// As the pages write dates: "7 December 2017".
    pub date_text: String,
    pub committee: String,
    /// "item", "document", "meeting" or "attachment".
    pub kind: String,
    /// The kind as people call one ("Agenda item").
    pub kind_name: &'static str,
    pub topics: Vec<String>,
    pub score: f32,
    /// HTML: the best passage, query terms in `<mark>`, the rest escaped.
    pub snippet: String,
    /// For an attached file: the page of the passage (1-based; the hit's
    /// `url` opens the file at it).
    pub page: Option<u32>,
    /// For an attached file: the agenda item it belongs to.
    pub parent: Option<Parent>,
}

/// The agenda item an attached file belongs to.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Parent {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FacetCount {
    /// The value to filter by (a slug, a year, a kind).
    pub value: String,
    pub name: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct Facets {
    pub committee: Vec<FacetCount>,
    pub topic: Vec<FacetCount>,
    pub year: Vec<FacetCount>,
    pub kind: Vec<FacetCount>,
}

/// A word that matched nothing and the spelling searched instead.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Correction {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SearchResults {
    pub query: String,
    pub total: usize,
    pub page: usize,
    pub limit: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    pub corrections: Vec<Correction>,
    /// How the query was read, when that differs from what was typed (an
    /// unclosed quote read as words, any of the words searched when none
    /// had all): one plain sentence.
    pub notice: Option<String>,
}

/// What a query found: the query, the corrections made to its words, the
/// counts of its matches and the page of hits asked for.
struct Found {
    main: Box<dyn Query>,
    corrections: Vec<Correction>,
    counts: MatchCounts,
    top: Vec<(f32, DocAddress)>,
}

/// `expr` with its words joined by OR instead of AND (its exclusions
/// kept), when it has two or more.
fn any_of(expr: &Expr) -> Option<Expr> {
    let Expr::And(parts) = expr else {
        return None;
    };
    let (excluded, wanted): (Vec<&Expr>, Vec<&Expr>) =
        parts.iter().partition(|p| matches!(p, Expr::Not(_)));
    if wanted.len() < 2 {
        return None;
    }
    let mut any = vec![Expr::Or(wanted.into_iter().cloned().collect())];
    any.extend(excluded.into_iter().cloned());
    Some(Expr::And(any))
}

/// An open index, ready to answer queries from many threads.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    /// The reader's current generation, and its segments' facets.
    searcher: Searcher,
    doc_tables: Vec<Arc<DocTable>>,
    fields: Fields,
    meta: Meta,
    dir: PathBuf,
    /// Levenshtein automaton builders for edit distances 1 and 2: making
    /// one precomputes tables, which took longer than the search it served.
    spelling: [levenshtein_automata::LevenshteinAutomatonBuilder; 2],
    /// The private copy the index was opened from, if it was; removed when
    /// the index is dropped.
    _copy: Option<tempfile::TempDir>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("dir", &self.dir)
            .finish()
    }
}

/// The reader's searcher, with each of its segments' facet table.
fn current(reader: &IndexReader) -> Result<(Searcher, Vec<Arc<DocTable>>), SearchError> {
    let searcher = reader.searcher();
    let tables = searcher
        .segment_readers()
        .iter()
        .map(|r| DocTable::build(r, schema::FACETS).map(Arc::new))
        .collect::<tantivy::Result<_>>()?;
    Ok((searcher, tables))
}

impl SearchIndex {
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        SearchIndex::open_from(dir, None)
    }

    /// Opens a private copy of the index in `dir`, for a server that must
    /// outlive whatever happens to `dir`.
    ///
    /// Tantivy maps the index files into memory; when another process
    /// truncates a mapped file in place (a deploy copying over it, a
    /// rsync without --delay-updates), the next read of a page that is gone
    /// kills the server with SIGBUS. A copy in a temporary folder the
    /// server alone knows of cannot be truncated under it, and is removed
    /// when the index is dropped. Reading `dir` without mapping (loading it
    /// into the heap) was the other way: it keeps the same latency too,
    /// but holds the whole index as resident memory (26 MiB at 10,000
    /// items, 257 MiB at 100,000) where mapped pages are a cache the kernel
    /// may drop. The copy keeps the mapped reads, so the search itself is
    /// unchanged (p50 0.63 ms at 10,000 items); it costs the copy when the
    /// server starts: a 26 MiB file took 12 ms here (73 ms cold).
    pub fn open_private_copy(dir: &Path) -> Result<SearchIndex, SearchError> {
        if !dir.join("meta.json").exists() {
            return Err(SearchError::NoIndex(dir.to_owned()));
        }
        let copy = tempfile::Builder::new()
            .prefix("quorum-index-")
            .tempdir()
            .map_err(|e| SearchError::Io(std::env::temp_dir(), e))?;
        let entries = std::fs::read_dir(dir).map_err(|e| SearchError::Io(dir.to_owned(), e))?;
        for entry in entries {
            let entry = entry.map_err(|e| SearchError::Io(dir.to_owned(), e))?;
            // An index is one flat folder of files.
            if entry.file_type().is_ok_and(|t| t.is_file()) {
                std::fs::copy(entry.path(), copy.path().join(entry.file_name()))
                    .map_err(|e| SearchError::Io(entry.path(), e))?;
            }
        }
        SearchIndex::open_from(dir, Some(copy))
    }

    /// Opens the index of `dir`, reading its segments from `copy` if given.
    fn open_from(dir: &Path, copy: Option<tempfile::TempDir>) -> Result<SearchIndex, SearchError> {
        if !dir.join("meta.json").exists() {
            return Err(SearchError::NoIndex(dir.to_owned()));
        }
        let segments = copy.as_ref().map_or(dir, |c| c.path());
        let (mut index, fields) = index::open(segments)?;
        // A query's segments are searched on the cores at once.
        index.set_multithread_executor(crate::cores())?;
        let meta = Meta::read(dir)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let (searcher, doc_tables) = current(&reader)?;
        Ok(SearchIndex {
            index,
            reader,
            searcher,
            doc_tables,
            fields,
            meta,
            dir: dir.to_owned(),
            spelling: [1, 2].map(|distance| {
                levenshtein_automata::LevenshteinAutomatonBuilder::new(distance, true)
            }),
            _copy: copy,
        })
    }

    /// Picks up changes written since the index was opened.
    pub fn reload(&mut self) -> Result<(), SearchError> {
        self.reader.reload()?;
        (self.searcher, self.doc_tables) = current(&self.reader)?;
        self.meta = Meta::read(&self.dir)?;
        Ok(())
    }

    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        if request.limit == 0 || request.limit > MAX_LIMIT {
            return Err(SearchError::Option(format!(
                "limit must be between 1 and {MAX_LIMIT}"
            )));
        }
        if request.page == 0 || request.page > MAX_PAGE {
            return Err(SearchError::Option(format!(
                "page must be between 1 and {MAX_PAGE}"
            )));
        }
        let reading = if request.strict {
            query::Reading {
                expr: query::parse(&request.query)?,
                notice: None,
            }
        } else {
            query::read(&request.query)
        };
        let mut found = self.run(request, &reading.expr)?;
        let mut notice = reading.notice;
        // No hit for all the words is no dead end: the hits for any of
        // them, which rank those that match more of them first.
        if found.counts.total == 0
            && !request.strict
            && let Some(any) = any_of(&reading.expr)
        {
            let wider = self.run(request, &any)?;
            if wider.counts.total > 0 {
                let said = "No results have all of the words: these have some of them, \
                            those with most first.";
                notice = Some(match notice {
                    Some(first) => format!("{first} {said}"),
                    None => said.to_owned(),
                });
                found = wider;
            }
        }
        self.results(request, found, notice)
    }

    /// Compiles `expr` with the request's filters and finds its hits.
    fn run(&self, request: &SearchRequest, expr: &Expr) -> Result<Found, SearchError> {
        let searcher = &self.searcher;
        let mut compiler = Compiler {
            fields: &self.fields,
            searcher,
            stemmed: schema::stemmed_analyzer(),
            plain: schema::plain_analyzer(),
            corrections: Vec::new(),
            scored: request.sort == Sort::Relevance,
            spelling: &self.spelling,
        };
        let main = compiler.compile(expr);
        let corrections = std::mem::take(&mut compiler.corrections);
        let filters = self.filters(request)?;
        // Filters only narrow what matches: one conjunction with the query.
        let mut parts = vec![main.box_clone()];
        parts.extend(filters);
        let full = all_of(parts).unwrap_or_else(|| Box::new(EmptyQuery));
        // One pass over the matches counts them and their facets and keeps
        // the page asked for; the index's executor runs it a segment a
        // thread.
        let counter = FacetCounter {
            tables: &self.doc_tables,
            field: schema::FACETS,
        };
        let offset = (request.page - 1) * request.limit;
        let page = TopDocs::with_limit(request.limit).and_offset(offset);
        let (counts, top) = match request.sort {
            Sort::Relevance => searcher.search(&*full, &(counter, page.order_by_score()))?,
            Sort::Newest | Sort::Oldest => {
                let order = match request.sort {
                    Sort::Oldest => Order::Asc,
                    _ => Order::Desc,
                };
                let by_date = page.order_by_fast_field::<i64>(schema::DATE, order);
                let (counts, top) = searcher.search(&*full, &(counter, by_date))?;
                // Hits in date order have no score to show.
                (counts, top.into_iter().map(|(_, at)| (0.0, at)).collect())
            }
        };
        Ok(Found {
            main,
            corrections,
            counts,
            top,
        })
    }

    /// The page of results `found` gives, with their passages.
    fn results(
        &self,
        request: &SearchRequest,
        found: Found,
        notice: Option<String>,
    ) -> Result<SearchResults, SearchError> {
        let searcher = &self.searcher;
        let passages = Passages::new(
            searcher,
            &*found.main,
            &self.fields,
            self.meta.bodies(&self.dir),
        )?;
        // Finding a passage means analysing each hit's text: in parallel.
        let hits = (found.top.into_par_iter())
            .map(|(score, address)| {
                let doc: TantivyDocument = searcher.doc(address)?;
                Ok(self.hit(&doc, score, &passages))
            })
            .collect::<Result<Vec<Hit>, SearchError>>()?;
        Ok(SearchResults {
            query: request.query.clone(),
            total: found.counts.total,
            page: request.page,
            limit: request.limit,
            hits,
            facets: self.facets(&found.counts),
            corrections: found.corrections,
            notice,
        })
    }

    fn filters(&self, r: &SearchRequest) -> Result<Vec<Box<dyn Query>>, SearchError> {
        let f = &self.fields;
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        let exact = |field: Field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        if let Some(c) = r.committee.as_deref().filter(|s| !s.trim().is_empty()) {
            let slug = crate::urls::slugify(c);
            // A committee may be named by its slug or by its title.
            let slug = match self
                .meta
                .committees
                .iter()
                .find(|(s, title)| **s == slug || crate::urls::slugify(title) == slug)
            {
                Some((s, _)) => s.clone(),
                None => slug,
            };
            out.push(exact(f.committee_slug, &slug));
        }
        if let Some(t) = r.topic.as_deref().filter(|s| !s.trim().is_empty()) {
            let slug = crate::urls::slugify(t);
            let canonical = self.meta.topic_aliases.get(&slug).cloned().unwrap_or(slug);
            out.push(exact(f.topic_slug, &canonical));
        }
        if let Some(p) = r.person.as_deref().filter(|s| !s.trim().is_empty()) {
            out.push(exact(f.person_slug, &crate::urls::slugify(p)));
        }
        if let Some(k) = r.kind.as_deref().filter(|s| !s.trim().is_empty()) {
            if kind_of(k).is_none() {
                let values: Vec<&str> = KINDS.iter().map(|k| k.value).collect();
                return Err(SearchError::Option(format!(
                    "kind must be one of {}",
                    values.join(", ")
                )));
            }
            out.push(exact(f.kind, k));
        }
        if let (Some(from), Some(to)) = (r.from, r.to)
            && from > to
        {
            return Err(SearchError::Option(format!(
                "--from {from} is after --to {to}"
            )));
        }
        if r.from.is_some() || r.to.is_some() {
            let bound = |d: Option<NaiveDate>| match d {
                Some(d) => Bound::Included(Term::from_field_i64(f.date, index::date_number(d))),
                None => Bound::Unbounded,
            };
            out.push(Box::new(RangeQuery::new(bound(r.from), bound(r.to))));
        }
        Ok(out)
    }

    fn hit(&self, doc: &TantivyDocument, score: f32, passages: &Passages) -> Hit {
        let f = &self.fields;
        let text = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let passage = passages.best(doc, f);
        let parent = doc.get_first(f.parent_url).map(|_| Parent {
            title: text(f.parent_title),
            url: text(f.parent_url),
        });
        let mut url = text(f.url);
        if let Some(page) = passage.page {
            // Opens the PDF at the page, in browsers' own viewers (RFC 8118).
            url.push_str(&format!("#page={page}"));
        }
        let (date, kind) = (text(f.date_iso), text(f.kind));
        Hit {
            title: text(f.title),
            url,
            date_text: crate::dates::parse_iso(&date)
                .map(|d| crate::dates::DateView::new(d).long)
                .unwrap_or_default(),
            date,
            committee: text(f.committee_display),
            kind_name: kind_name(&kind),
            kind,
            topics: doc
                .get_all(f.topics_display)
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            score,
            snippet: passage.html,
            page: passage.page,
            parent,
        }
    }

    fn facets(&self, counts: &MatchCounts) -> Facets {
        let collect = |root: &str, names: &dyn Fn(&str) -> String| -> Vec<FacetCount> {
            let mut v: Vec<FacetCount> = counts
                .under(root)
                .map(|(value, count)| FacetCount {
                    name: names(value),
                    value: value.to_owned(),
                    count,
                })
                .collect();
            v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
            v
        };
        let mut year = collect("year", &|y| y.to_owned());
        year.sort_by(|a, b| b.value.cmp(&a.value));
        Facets {
            committee: collect("committee", &|s| {
                self.meta
                    .committees
                    .get(s)
                    .cloned()
                    .unwrap_or_else(|| s.to_owned())
            }),
            topic: collect("topic", &|s| {
                self.meta
                    .topics
                    .get(s)
                    .cloned()
                    .unwrap_or_else(|| s.to_owned())
            }),
            year,
            kind: collect("kind", &|k| kind_label(k).to_owned()),
        }
    }

    /// The index this searches, for tests and tools.
    pub fn index(&self) -> &Index {
        &self.index
    }
}

/// Turns the parsed query into tantivy queries, correcting words that
/// match nothing.
struct Compiler<'a> {
    fields: &'a Fields,
    searcher: &'a Searcher,
    stemmed: TextAnalyzer,
    plain: TextAnalyzer,
    corrections: Vec<Correction>,
    /// Whether hits are ranked by score: clauses that only add to a
    /// score are left out when they are not.
    scored: bool,
    spelling: &'a [levenshtein_automata::LevenshteinAutomatonBuilder; 2],
}

impl Compiler<'_> {
    fn scope_fields(&self, scope: Option<Scope>) -> Vec<(Field, f32)> {
        let f = self.fields;
        match scope {
            // A title's words weigh more than the body's: in `text` a long
            // body would dilute them, so the title is also scored alone;
            // so are the topics an item is filed under (their names and
            // aliases), which say what it is about more surely than a
            // passing mention does.
            None if self.scored => vec![
                (f.text, 1.0),
                (f.title, schema::TITLE_BOOST),
                (f.topic, schema::TOPIC_BOOST),
            ],
            None => vec![(f.text, 1.0)],
            Some(Scope::Title) => vec![(f.title, 1.0)],
            Some(Scope::Topic) => vec![(f.topic, 1.0)],
            Some(Scope::Committee) => vec![(f.committee, 1.0)],
            Some(Scope::Person) => vec![(f.person, 1.0)],
        }
    }

    fn compile(&mut self, expr: &Expr) -> Box<dyn Query> {
        match expr {
            Expr::And(parts) if parts.is_empty() => Box::new(AllQuery),
            Expr::And(parts) => self.boolean(parts, Occur::Must),
            Expr::Or(parts) => self.boolean(parts, Occur::Should),
            // A lone exclusion means "everything but".
            Expr::Not(inner) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, Box::new(AllQuery)),
                (Occur::MustNot, self.excluded(inner)),
            ])),
            Expr::Word { .. } | Expr::Phrase { .. } => joined(self.leaf_clauses(expr)),
        }
    }

    fn boolean(&mut self, parts: &[Expr], occur: Occur) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut positive = false;
        for part in parts {
            match part {
                Expr::Not(inner) => clauses.push((Occur::MustNot, self.excluded(inner))),
                // Words that must all match join the conjunction
                // directly, each with the clauses that only add to its
                // score: the search then walks one intersection of the
                // words' postings, instead of one nested query per word.
                Expr::Word { .. } | Expr::Phrase { .. } if occur == Occur::Must => {
                    positive = true;
                    clauses.extend(self.leaf_clauses(part));
                }
                other => {
                    positive = true;
                    clauses.push((occur, self.compile(other)));
                }
            }
        }
        if !positive {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        // What must match is one BooleanQuery of Must clauses, which the
        // clauses that only score or exclude then refine.
        let (required, mut clauses): (Vec<_>, Vec<_>) = clauses
            .into_iter()
            .partition(|(occur, _)| *occur == Occur::Must);
        if let Some(all) = all_of(required.into_iter().map(|(_, q)| q).collect()) {
            clauses.insert(0, (Occur::Must, all));
        }
        joined(clauses)
    }

    /// An excluded part: only whether it matches counts, so it is compiled
    /// without the clauses that would add to a score.
    fn excluded(&mut self, inner: &Expr) -> Box<dyn Query> {
        let scored = std::mem::replace(&mut self.scored, false);
        let query = self.compile(inner);
        self.scored = scored;
        query
    }

    /// The clauses of a word (corrected if it matches nothing) or a
    /// phrase; nothing for any other part.
    fn leaf_clauses(&mut self, expr: &Expr) -> Vec<(Occur, Box<dyn Query>)> {
        match expr {
            Expr::Word { scope, text } => {
                let text = self.correct(*scope, text);
                self.text_clauses(*scope, &text)
            }
            Expr::Phrase { scope, text } => self.text_clauses(*scope, text),
            _ => Vec::new(),
        }
    }

    /// Words (one token) or phrases (several), over the scope's fields: a
    /// clause that must match, then any that only add to its score.
    fn text_clauses(&mut self, scope: Option<Scope>, text: &str) -> Vec<(Occur, Box<dyn Query>)> {
        let tokens = schema::positioned_tokens(&mut self.stemmed, text);
        if tokens.is_empty() {
            return vec![(Occur::Must, Box::new(EmptyQuery))];
        }
        // The first field holds every word searched; the others are parts
        // of it that weigh more, so they add to the score of a match
        // without making one (and are only looked at for matches).
        let mut clauses = Vec::new();
        // A bare word is also looked at as it was typed, unstemmed.
        if let (None, [_]) = (scope, tokens.as_slice()) {
            let typed = schema::tokens(&mut self.plain, text);
            if let [typed] = typed.as_slice() {
                clauses.extend(self.exact_form(typed));
            }
        }
        let fields = self
            .scope_fields(scope)
            .into_iter()
            .enumerate()
            .map(|(i, (field, boost))| {
                let q = if field == self.fields.text && tokens.len() > 1 {
                    self.text_phrase(&tokens)
                } else {
                    words_query(field, &tokens)
                };
                let q: Box<dyn Query> = if boost == 1.0 {
                    q
                } else {
                    Box::new(BoostQuery::new(q, boost))
                };
                (if i == 0 { Occur::Must } else { Occur::Should }, q)
            });
        clauses.splice(0..0, fields);
        clauses
    }

    /// A bare word as it was typed: found unstemmed, it adds to the score,
    /// so that "inspection" ranks a text saying *inspection* above one
    /// that only says *inspecting*.
    fn exact_form(&self, typed: &str) -> Option<(Occur, Box<dyn Query>)> {
        if !self.scored {
            return None;
        }
        let term = Term::from_field_text(self.fields.spelling, typed);
        let exact = TermQuery::new(term, IndexRecordOption::Basic);
        Some((
            Occur::Should,
            Box::new(BoostQuery::new(Box::new(exact), schema::EXACT_BOOST)),
        ))
    }

    /// A phrase of `text`: a connective triple is one term of `text`; any
    /// other is looked up as its word pairs: two words are one term of
    /// `pairs`; more are their pairs at successive positions, which is the
    /// same test as the words at successive positions.
    fn text_phrase(&self, tokens: &[(usize, String)]) -> Box<dyn Query> {
        if let [(a, first), (b, middle), (c, last)] = tokens
            && a + 1 == *b
            && b + 1 == *c
            && schema::is_connective_triple(first, middle, last)
        {
            let mut triple = String::new();
            schema::push_triple(&mut triple, first, middle, last);
            return words_query(self.fields.text, &[(0, triple)]);
        }
        let pairs: Vec<(usize, String)> = tokens
            .windows(2)
            .filter(|w| w[1].0 == w[0].0 + 1)
            .map(|w| {
                let mut pair = String::new();
                schema::push_pair(&mut pair, &w[0].1, &w[1].1);
                (w[0].0, pair)
            })
            .collect();
        // A word in no pair (only when words too long to index stand on
        // both sides of it) is required as a word.
        let mut parts: Vec<Box<dyn Query>> = tokens
            .iter()
            .filter(|(at, _)| !pairs.iter().any(|(p, _)| p == at || p + 1 == *at))
            .map(|word| words_query(self.fields.text, std::slice::from_ref(word)))
            .collect();
        if !pairs.is_empty() {
            parts.push(words_query(self.fields.pairs, &pairs));
        }
        all_of(parts).unwrap_or_else(|| Box::new(EmptyQuery))
    }

    fn doc_freq(&self, scope: Option<Scope>, text: &str, analyzer_stemmed: bool) -> u64 {
        let mut analyzer = if analyzer_stemmed {
            self.stemmed.clone()
        } else {
            self.plain.clone()
        };
        let tokens = schema::tokens(&mut analyzer, text);
        if tokens.is_empty() {
            return 1; // nothing to correct
        }
        self.scope_fields(scope)
            .iter()
            .map(|(field, _)| {
                tokens
                    .iter()
                    .map(|t| alive_doc_freq(self.searcher, &Term::from_field_text(*field, t)))
                    .min()
                    .unwrap_or(0)
            })
            .sum()
    }

    /// A word that matches nothing is swapped for the most common indexed
    /// word within edit distance 1 (2 for words of 8 letters or more).
    fn correct(&mut self, scope: Option<Scope>, word: &str) -> String {
        if self.doc_freq(scope, word, true) > 0 {
            return word.to_owned();
        }
        let plain = schema::tokens(&mut self.plain, word);
        let [token] = plain.as_slice() else {
            return word.to_owned();
        };
        if token.chars().count() < 3 || token.chars().any(|c| c.is_ascii_digit()) {
            return word.to_owned();
        }
        let max_distance = if token.chars().count() >= 8 { 2 } else { 1 };
        // The nearest spelling is at the smallest distance that has one, so
        // the narrower search goes first: walking the vocabulary within
        // distance 2 costs several times as much, and most typos (a letter
        // wrong, missing, extra or swapped) are within 1.
        let nearest = (1..=max_distance).find_map(|d| self.closest_word(token, d));
        match nearest {
            Some(found) if self.doc_freq(scope, &found, true) > 0 => {
                self.corrections.push(Correction {
                    from: word.to_owned(),
                    to: found.clone(),
                });
                found
            }
            _ => word.to_owned(),
        }
    }

    fn closest_word(&self, token: &str, max_distance: u8) -> Option<String> {
        let builder = &self.spelling[usize::from(max_distance.clamp(1, 2) - 1)];
        let automaton = DfaWrapper(builder.build_dfa(token));
        let mut candidates: BTreeMap<String, u64> = BTreeMap::new();
        for segment in self.searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(self.fields.spelling) else {
                continue;
            };
            let Ok(mut stream) = inverted.terms().search(&automaton).into_stream() else {
                continue;
            };
            while stream.advance() {
                let alive = alive_in(segment, &inverted, stream.value());
                if let Ok(word) = std::str::from_utf8(stream.key())
                    && alive > 0
                {
                    *candidates.entry(word.to_owned()).or_default() += alive;
                }
            }
        }
        candidates
            .into_iter()
            .map(|(word, freq)| {
                (
                    strsim::damerau_levenshtein(token, &word),
                    std::cmp::Reverse(freq),
                    word,
                )
            })
            .min()
            .map(|(_, _, word)| word)
    }
}

/// How many documents hold `term`, not counting deleted ones: tantivy's
/// `doc_freq` counts a deleted document until its segment is merged, and
/// `quorum serve` deletes in place the document of a page just withheld
/// (exempt, or back to draft). A word only such pages hold must never be
/// offered as a correction.
fn alive_doc_freq(searcher: &tantivy::Searcher, term: &Term) -> u64 {
    (searcher.segment_readers().iter())
        .map(|segment| {
            let Ok(inverted) = segment.inverted_index(term.field()) else {
                return 0;
            };
            match inverted.get_term_info(term) {
                Ok(Some(info)) => alive_in(segment, &inverted, &info),
                _ => 0,
            }
        })
        .sum()
}

/// The documents of a segment's word (by its `info`) that are not deleted:
/// counted from its postings only in a segment that has deletions.
fn alive_in(
    segment: &tantivy::SegmentReader,
    inverted: &tantivy::InvertedIndexReader,
    info: &tantivy::postings::TermInfo,
) -> u64 {
    match segment.alive_bitset() {
        None => u64::from(info.doc_freq),
        Some(alive) => inverted
            .read_postings_from_terminfo(info, IndexRecordOption::Basic)
            .map_or(0, |postings| {
                u64::from(postings.doc_freq_given_deletes(alive))
            }),
    }
}

/// The clauses as one query; one clause that must match is that clause
/// alone: a BooleanQuery around it would add a scorer layer, a virtual
/// call, to every match of a query that may match most of the archive.
fn joined(mut clauses: Vec<(Occur, Box<dyn Query>)>) -> Box<dyn Query> {
    if clauses.len() == 1 && clauses[0].0 == Occur::Must {
        return clauses.remove(0).1;
    }
    Box::new(BooleanQuery::new(clauses))
}

/// Documents matching all of `parts` (`None` if there are none): one part
/// alone, or their conjunction.
fn all_of(mut parts: Vec<Box<dyn Query>>) -> Option<Box<dyn Query>> {
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => Some(Box::new(BooleanQuery::new(
            parts.into_iter().map(|p| (Occur::Must, p)).collect(),
        ))),
    }
}

/// A word, or a phrase's words at successive positions, in `field`.
fn words_query(field: Field, tokens: &[(usize, String)]) -> Box<dyn Query> {
    if let [(_, word)] = tokens {
        return Box::new(TermQuery::new(
            Term::from_field_text(field, word),
            IndexRecordOption::WithFreqs,
        ));
    }
    let first = tokens[0].0;
    Box::new(PhraseQuery::new_with_offset(
        tokens
            .iter()
            .map(|(p, t)| (p - first, Term::from_field_text(field, t)))
            .collect(),
    ))
}

struct DfaWrapper(levenshtein_automata::DFA);

impl tantivy_fst::Automaton for DfaWrapper {
    type State = u32;
    fn start(&self) -> u32 {
        self.0.initial_state()
    }
    fn is_match(&self, state: &u32) -> bool {
        matches!(
            self.0.distance(*state),
            levenshtein_automata::Distance::Exact(_)
        )
    }
    fn can_match(&self, state: &u32) -> bool {
        *state != levenshtein_automata::SINK_STATE
    }
    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}
