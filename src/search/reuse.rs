//! Writing an index over the one the last build left. Its files are
//! linked (not copied) into the new folder, and a segment (one of the
//! parts tantivy writes an index in, some thousands of documents each) all
//! of whose documents are unchanged is kept as it is; a segment that holds
//! a document whose fingerprint changed, or one no longer published, is
//! deleted whole and its documents written again. A segment is never left
//! with deleted documents in it: those would keep a withheld page's words
//! in the term dictionary (where spelling suggestions find them), and
//! merging them away only estimates the statistics that rank hits, so a
//! rebuild would rank otherwise than a fresh build. Kept whole, the index
//! answers every query with the scores a fresh build gives
//! (`tests/index_reuse.rs`).
//!
//! Analysing words is most of an index's cost and half of a build's CPU
//! (`perf`): over an unchanged archive of 10,000 items the index took
//! 4.5 s on its thread and now takes what making and fingerprinting the
//! documents takes (see the README's performance section for the build).
//!
//! Nothing is reused unless everything checks: the fingerprints were
//! written by this very program (another build of Quorum may analyse words
//! otherwise), and they were still there, unchanged, once the files were
//! linked (`quorum serve` removes them before it changes an index, see
//! [`forget`]). Anything else, and the index is written from nothing.

use std::io;
use std::path::Path;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use tantivy::Index;
use tantivy::schema::Field;

use super::SearchError;

/// The file, in an index's folder, that lists its documents' fingerprints.
const FINGERPRINTS: &str = "quorum-fingerprints.json";

/// Each document's fingerprint by URL, and what wrote them.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Fingerprints {
    writer: String,
    /// URL -> fingerprint, in hexadecimal (JSON has no 128-bit numbers).
    documents: FxHashMap<String, String>,
}

impl Fingerprints {
    /// An empty list, signed by this program.
    pub fn new() -> Fingerprints {
        Fingerprints {
            writer: writer(),
            documents: FxHashMap::default(),
        }
    }

    pub fn insert(&mut self, url: &str, fingerprint: u128) {
        self.documents
            .insert(url.to_owned(), format!("{fingerprint:032x}"));
    }

    pub fn write(&self, dir: &Path) -> Result<(), SearchError> {
        let path = dir.join(FINGERPRINTS);
        let json = serde_json::to_vec(self).map_err(|e| SearchError::Corrupt(e.to_string()))?;
        std::fs::write(&path, json).map_err(|e| SearchError::Io(path, e))
    }
}

/// What wrote an index: this program's file, by size and modification
/// time. Empty when it cannot be told, and then nothing is reused.
fn writer() -> String {
    let Some(meta) = std::env::current_exe()
        .ok()
        .and_then(|exe| std::fs::metadata(exe).ok())
    else {
        return String::new();
    };
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    if modified == 0 {
        return String::new();
    }
    format!("{} {modified}", meta.len())
}

/// The last build's index, linked into the new folder.
pub struct Previous {
    pub index: Index,
    dir: std::path::PathBuf,
    /// Its documents' fingerprints, by URL.
    fingerprints: FxHashMap<String, u128>,
}

/// What to do to the last build's index.
#[derive(Debug, Default)]
pub struct Plan {
    /// The URLs whose documents go (every URL of a segment that goes).
    pub delete: Vec<String>,
    /// The URLs whose documents are written (again).
    pub write: FxHashSet<String>,
}

impl Previous {
    /// What changes, given this build's documents' URLs and fingerprints:
    /// every segment holding a document that changed or went is deleted,
    /// and its other documents written again with the new ones.
    pub fn plan<'a>(
        &self,
        url_field: Field,
        documents: impl Iterator<Item = &'a (String, u128)>,
    ) -> Result<Plan, SearchError> {
        let now: FxHashMap<&str, u128> = documents.map(|(url, p)| (url.as_str(), *p)).collect();
        let mut plan = Plan::default();
        let mut kept = FxHashSet::default();
        for urls in self.urls_by_segment(url_field)? {
            let changed = |url: &String| now.get(url.as_str()) != self.fingerprints.get(url);
            if urls.iter().any(changed) {
                plan.write.extend(
                    urls.iter()
                        .filter(|u| now.contains_key(u.as_str()))
                        .cloned(),
                );
                plan.delete.extend(urls);
            } else {
                kept.extend(urls);
            }
        }
        // New ones, and any the old index did not hold.
        plan.write.extend(
            (now.keys())
                .filter(|u| !kept.contains(**u))
                .map(|u| (*u).to_owned()),
        );
        Ok(plan)
    }

    /// The URLs of each segment's documents, read from the URL field's
    /// words (a document's URL is one word of it).
    fn urls_by_segment(&self, url_field: Field) -> Result<Vec<Vec<String>>, SearchError> {
        let searcher = self.index.reader()?.searcher();
        let mut segments = Vec::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(url_field)?;
            let mut words =
                (inverted.terms().stream()).map_err(|e| SearchError::Io(self.dir.clone(), e))?;
            let mut urls = Vec::new();
            while words.advance() {
                urls.push(String::from_utf8_lossy(words.key()).into_owned());
            }
            segments.push(urls);
        }
        Ok(segments)
    }
}

/// An index's files linked into a new folder, not opened yet.
pub struct Linked {
    names: Vec<std::ffi::OsString>,
    fingerprints: FxHashMap<String, u128>,
}

impl Linked {
    /// The linked index, opened as `index` in `dir`.
    pub fn opened(self, index: Index, dir: &Path) -> Previous {
        Previous {
            index,
            dir: dir.to_owned(),
            fingerprints: self.fingerprints,
        }
    }

    /// Removes what was linked into `dir`, leaving it as it was.
    pub fn undo(self, dir: &Path) {
        for name in self.names {
            let _ = std::fs::remove_file(dir.join(name));
        }
    }
}

/// Links the index in `previous` into the empty folder `dir`, but for the
/// files named in `written_anew`; None, with `dir` left as it was, when it
/// cannot be reused.
pub fn link_previous(previous: &Path, dir: &Path, written_anew: &[&str]) -> Option<Linked> {
    let read = || std::fs::read(previous.join(FINGERPRINTS)).ok();
    let before = read()?;
    let listed: Fingerprints = serde_json::from_slice(&before).ok()?;
    if listed.writer.is_empty() || listed.writer != writer() {
        return None;
    }
    let fingerprints = (listed.documents.into_iter())
        .map(|(url, hex)| Some((url, u128::from_str_radix(&hex, 16).ok()?)))
        .collect::<Option<FxHashMap<_, _>>>()?;
    let mut linked = Linked {
        names: Vec::new(),
        fingerprints,
    };
    let result = link_files(previous, dir, written_anew, &mut linked.names);
    if result.is_err() || read().as_deref() != Some(&before[..]) {
        linked.undo(dir);
        return None;
    }
    Some(linked)
}

/// Links every file of tantivy's in `from` into `to` (noting each name in
/// `linked`): not its lock files, nor Quorum's own (the build marker, the
/// fingerprints and `written_anew`). tantivy never writes into a file it
/// made: it writes new ones and replaces `meta.json` by renaming, so the
/// old index keeps its files as they were.
fn link_files(
    from: &Path,
    to: &Path,
    written_anew: &[&str],
    linked: &mut Vec<std::ffi::OsString>,
) -> io::Result<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        let text = name.to_string_lossy();
        let ours = text.starts_with(".tantivy-")
            || text == crate::output::MARKER
            || text == FINGERPRINTS
            || written_anew.contains(&text.as_ref());
        // Not followed: a link in an index folder is nobody's we know.
        if ours || !entry.file_type()?.is_file() {
            continue;
        }
        std::fs::hard_link(entry.path(), to.join(&name))?;
        linked.push(name);
    }
    Ok(())
}

/// Makes the index in `dir` one no build reuses: called before an index is
/// changed in place (by `quorum serve`), whose documents then no longer
/// match the fingerprints.
pub fn forget(dir: &Path) -> Result<(), SearchError> {
    let path = dir.join(FINGERPRINTS);
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(SearchError::Io(path, e)),
        _ => Ok(()),
    }
}
