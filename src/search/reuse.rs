//! Writing an index over the one the last build left. tantivy writes an
//! index in segments (some thousands of documents each, never changed once
//! written). The last index's segments are linked (not copied) into the
//! new folder; a segment all of whose documents come out with the
//! fingerprints they had is kept as it is, and a segment that holds a
//! document whose fingerprint changed, or one no longer published, is
//! deleted whole and its documents written again.
//!
//! A segment is never left holding deleted documents: those would keep a
//! withheld page's words in the term dictionary (where spelling
//! suggestions find them), and merging them away only estimates the
//! statistics hits are ranked by. Kept whole, the index answers every
//! query with the hits, counts and scores a fresh build gives
//! (`tests/index_reuse.rs`).
//!
//! Nothing is reused unless everything checks, and otherwise the index is
//! written from nothing: the fingerprints were written by this very
//! program (its bytes' hash: another build of Quorum may analyse words
//! otherwise; see [`Writer`]), were still there, unchanged, once the files were linked
//! (`quorum serve` removes them before it changes an index, see
//! [`forget`]), and every segment holds no deleted document and one URL a
//! document, each URL once in the index.

use std::io;
use std::path::Path;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use tantivy::Index;
use tantivy::schema::Field;

use super::SearchError;

/// The file, in an index's folder, that lists its documents' fingerprints.
const FINGERPRINTS: &str = "quorum-fingerprints.json";

/// tantivy's list of an index's segments.
const TANTIVY_META: &str = "meta.json";

/// Each document's fingerprint by URL, and what wrote them.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Fingerprints {
    /// [`Writer::name`].
    writer: String,
    /// [`Writer::identity`] (older indexes have none).
    #[serde(default)]
    program: String,
    /// URL -> fingerprint, in hexadecimal (JSON has no 128-bit numbers).
    documents: FxHashMap<String, String>,
}

impl Fingerprints {
    /// An empty list, signed by `writer`.
    pub fn new(writer: &Writer) -> Fingerprints {
        Fingerprints {
            writer: writer.name.clone(),
            program: writer.identity.clone(),
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

/// The fingerprints the last build's index was signed with, read once:
/// they name its writer and list its documents, and their bytes tell
/// whether they changed while the index was linked.
pub struct Signature {
    bytes: Vec<u8>,
    listed: Fingerprints,
}

impl Signature {
    /// The signature of the index in `dir`; None without a readable one.
    pub fn read(dir: &Path) -> Option<Signature> {
        let bytes = std::fs::read(dir.join(FINGERPRINTS)).ok()?;
        let listed = serde_json::from_slice(&bytes).ok()?;
        Some(Signature { bytes, listed })
    }
}

/// What writes an index: this program, known by the hash of its bytes.
#[derive(Debug, Default)]
pub struct Writer {
    /// Quorum's version and the BLAKE3 hash of the program's bytes. Empty
    /// when they cannot be read, and then nothing is reused.
    pub name: String,
    /// The program file's identity (device, inode, size, modified and
    /// changed times), written beside the name so that the next build run
    /// from the same, unchanged file takes the name without hashing it
    /// again. Empty off Linux, where ctimes cannot be relied on (see
    /// [`crate::output::keeps_ctime`]), and for a file changed in the last
    /// moments: such a program is hashed every time.
    identity: String,
}

/// This process's writer, decided once: `previous` (the signature of the
/// last build's index, if any) names it when that index was written by
/// this very file.
/// Hashing the release binary's 181 MB made a build of the five-item
/// example archive take 77 ms instead of about 17 ms (`quorum build
/// --timings`), and was 7% of a 1,000-item build's instructions
/// (callgrind).
pub fn writer(previous: Option<&Signature>) -> &'static Writer {
    static WRITER: std::sync::OnceLock<Writer> = std::sync::OnceLock::new();
    WRITER.get_or_init(|| match std::env::current_exe() {
        Ok(program) => Writer::of(&program, previous),
        Err(_) => Writer::default(),
    })
}

impl Writer {
    /// The writer `program` is: the name the signature `previous` gives it
    /// when written by the same file with the same identity (an identity
    /// is only as trusted as that file's own name for its writer, which it
    /// sits beside), else its bytes hashed. Both are read from one open
    /// handle, so a file put in its place meanwhile is not taken for it;
    /// the bytes are streamed (mapped, the binary would count in the
    /// build's peak memory).
    fn of(program: &Path, previous: Option<&Signature>) -> Writer {
        let Ok(file) = std::fs::File::open(program) else {
            return Writer::default();
        };
        let identity = (file.metadata().ok())
            .filter(|_| crate::output::keeps_ctime(program))
            .and_then(|meta| identity(&meta))
            .unwrap_or_default();
        if let Some(name) = previous.and_then(|signed| named_by(signed, &identity)) {
            return Writer { name, identity };
        }
        let mut hasher = blake3::Hasher::new();
        let name = match hasher.update_reader(file) {
            Ok(_) => format!(
                "{} {}",
                env!("CARGO_PKG_VERSION"),
                hasher.finalize().to_hex()
            ),
            Err(_) => String::new(),
        };
        Writer { name, identity }
    }
}

/// A file as it is now, from its metadata: a write or `touch` changes its
/// ctime (which no tool can set), and a file put in its place has another
/// inode or, where a freed inode number is given again, a later ctime.
/// None for a file changed so lately that its next change could carry the
/// same ctime (see [`crate::output::settled`]), and off Unix.
fn identity(meta: &std::fs::Metadata) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if !crate::output::settled(meta) {
            return None;
        }
        Some(format!(
            "{} {} {} {}.{:09} {}.{:09}",
            meta.dev(),
            meta.ino(),
            meta.len(),
            meta.mtime(),
            meta.mtime_nsec(),
            meta.ctime(),
            meta.ctime_nsec()
        ))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

/// The writer's name `signature` gives, when it was signed by the program
/// of `identity`.
fn named_by(signature: &Signature, identity: &str) -> Option<String> {
    let Fingerprints {
        writer, program, ..
    } = &signature.listed;
    let same = !identity.is_empty() && program == identity && !writer.is_empty();
    same.then(|| writer.clone())
}

/// The last build's index, linked into the new folder and opened.
pub struct Previous {
    pub index: Index,
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
    /// and its other documents written again with the new ones. An error
    /// when the index is not one a build of this program left.
    pub fn plan<'a>(
        &self,
        url_field: Field,
        documents: impl Iterator<Item = &'a (String, u128)>,
    ) -> Result<Plan, SearchError> {
        let now: FxHashMap<&str, u128> = documents.map(|(url, p)| (url.as_str(), *p)).collect();
        let same = |url: &String| match (now.get(url.as_str()), self.fingerprints.get(url)) {
            (Some(now), Some(then)) => now == then,
            _ => false,
        };
        let mut plan = Plan::default();
        let mut kept = FxHashSet::default();
        for urls in self.urls_by_segment(url_field)? {
            if urls.iter().all(same) {
                kept.extend(urls);
            } else {
                plan.write.extend(
                    urls.iter()
                        .filter(|u| now.contains_key(u.as_str()))
                        .cloned(),
                );
                plan.delete.extend(urls);
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
    /// words; an error unless each segment has no deleted document and
    /// each document one URL of its own, in the whole index.
    fn urls_by_segment(&self, url_field: Field) -> Result<Vec<Vec<String>>, SearchError> {
        let odd = |why: &str| SearchError::Corrupt(format!("the last build's index {why}"));
        let searcher = self.index.reader()?.searcher();
        let mut seen = FxHashSet::default();
        let mut segments = Vec::new();
        for segment in searcher.segment_readers() {
            if segment.num_deleted_docs() > 0 {
                return Err(odd("holds deleted documents"));
            }
            let inverted = segment.inverted_index(url_field)?;
            let mut words = (inverted.terms().stream()).map_err(|e| odd(&e.to_string()))?;
            let mut urls = Vec::new();
            while words.advance() {
                let url = String::from_utf8_lossy(words.key()).into_owned();
                if words.value().doc_freq != 1 || !seen.insert(url.clone()) {
                    return Err(odd(&format!("holds {url} more than once")));
                }
                urls.push(url);
            }
            if urls.len() != segment.max_doc() as usize {
                return Err(odd("holds documents without an address"));
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
    /// The linked index, opened as `index`.
    pub fn opened(self, index: Index) -> Previous {
        Previous {
            index,
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

/// Links the index in `previous`, signed with `signature` (read from it)
/// by `writer`, into the empty folder `dir`: tantivy's list of segments and
/// the files of each, and nothing else. None, with `dir` left as it was,
/// when it cannot be reused.
pub fn link_previous(
    previous: &Path,
    signature: Signature,
    dir: &Path,
    writer: &Writer,
) -> Option<Linked> {
    let Signature { bytes, listed } = signature;
    if listed.writer.is_empty() || listed.writer != writer.name {
        return None;
    }
    let fingerprints = (listed.documents.into_iter())
        .map(|(url, hex)| Some((url, u128::from_str_radix(&hex, 16).ok()?)))
        .collect::<Option<FxHashMap<_, _>>>()?;
    let segments = living_segments(previous).ok()?;
    let mut linked = Linked {
        names: Vec::new(),
        fingerprints,
    };
    let result = link_files(previous, dir, &segments, &mut linked.names);
    let after = std::fs::read(previous.join(FINGERPRINTS)).ok();
    if result.is_err() || after.as_deref() != Some(&bytes[..]) {
        linked.undo(dir);
        return None;
    }
    Some(linked)
}

/// The ids of the segments tantivy's list names in `dir`.
fn living_segments(dir: &Path) -> tantivy::Result<FxHashSet<String>> {
    let metas = Index::open_in_dir(dir)?.load_metas()?;
    Ok(metas
        .segments
        .iter()
        .map(|s| s.id().uuid_string())
        .collect())
}

/// Whether `name` is a file of one of `segments` (tantivy names a segment's
/// files by its id and the part: `<id>.idx`, `<id>.term`...).
fn of_segments(name: &str, segments: &FxHashSet<String>) -> bool {
    name.split_once('.')
        .is_some_and(|(id, _)| segments.contains(id))
}

/// Links `meta.json` and the files of `segments` from `from` into `to`,
/// noting each name in `linked`. tantivy never writes into a file it
/// made: it writes new ones and replaces `meta.json` by renaming, so the
/// old index keeps its files as they were.
fn link_files(
    from: &Path,
    to: &Path,
    segments: &FxHashSet<String>,
    linked: &mut Vec<std::ffi::OsString>,
) -> io::Result<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        let text = name.to_string_lossy();
        let wanted = text == TANTIVY_META || of_segments(&text, segments);
        // Not followed: a link in an index folder is nobody's we know.
        if !wanted || !entry.file_type()?.is_file() {
            continue;
        }
        std::fs::hard_link(entry.path(), to.join(&name))?;
        linked.push(name);
    }
    Ok(())
}

/// Removes from the index in `dir` every file of a segment it no longer
/// lists (tantivy's own clean-up ignores the files it fails to remove, and
/// those of a dropped segment hold the words of its documents), and any
/// other file but its list, its lock files and those `kept`.
pub fn sweep(dir: &Path, kept: &[&str]) -> Result<(), SearchError> {
    let io_err = |e| SearchError::Io(dir.to_owned(), e);
    let segments = living_segments(dir)?;
    for entry in std::fs::read_dir(dir).map_err(io_err)? {
        let entry = entry.map_err(io_err)?;
        let name = entry.file_name();
        let text = name.to_string_lossy();
        let keep = text == TANTIVY_META
            || text == FINGERPRINTS
            || text.starts_with(".tantivy-")
            || kept.contains(&text.as_ref())
            || of_segments(&text, &segments);
        if !keep && entry.file_type().map_err(io_err)?.is_file() {
            std::fs::remove_file(entry.path()).map_err(io_err)?;
        }
    }
    Ok(())
}

/// Empties `dir` but for `kept`, after a failed attempt to reuse an index.
pub fn clear(dir: &Path, kept: &[&str]) -> Result<(), SearchError> {
    let io_err = |e| SearchError::Io(dir.to_owned(), e);
    for entry in std::fs::read_dir(dir).map_err(io_err)? {
        let entry = entry.map_err(io_err)?;
        if kept.contains(&entry.file_name().to_string_lossy().as_ref()) {
            continue;
        }
        if entry.file_type().map_err(io_err)?.is_dir() {
            std::fs::remove_dir_all(entry.path()).map_err(io_err)?;
        } else {
            std::fs::remove_file(entry.path()).map_err(io_err)?;
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::document::PageDoc;
    use crate::search::schema;
    use tantivy::{IndexWriter, Term};

    /// An index in `dir` with a segment of documents for each list of URLs.
    fn index_of(dir: &Path, segments: &[&[&str]]) -> (Index, Field) {
        let (schema, fields) = schema::build();
        let index = Index::create_in_dir(dir, schema).expect("index");
        schema::register(&index);
        let mut writer: IndexWriter<PageDoc> =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        for urls in segments {
            for url in *urls {
                let mut doc = PageDoc::default();
                doc.add_text(fields.url, *url);
                writer.add_document(doc).unwrap();
            }
            writer.commit().unwrap();
        }
        (index, fields.url)
    }

    fn previous(index: Index, prints: &[(&str, u128)]) -> Previous {
        let fingerprints = prints.iter().map(|(u, p)| ((*u).to_owned(), *p)).collect();
        Previous {
            index,
            fingerprints,
        }
    }

    fn sorted(urls: impl IntoIterator<Item = String>) -> Vec<String> {
        let mut urls: Vec<String> = urls.into_iter().collect();
        urls.sort();
        urls
    }

    #[test]
    fn only_segments_with_a_changed_or_withdrawn_document_are_written_again() {
        let dir = tempfile::tempdir().unwrap();
        let segments: &[&[&str]] = &[&["/a/", "/b/"], &["/c/"], &["/d/"], &["/x/"], &["/f/"]];
        let (index, url) = index_of(dir.path(), segments);
        let old = previous(
            index,
            &[("/a/", 1), ("/b/", 2), ("/c/", 3), ("/d/", 4), ("/f/", 6)],
        );
        // b changed, c withdrawn, x was never fingerprinted, e is new.
        let now = [
            ("/a/", 1),
            ("/b/", 20),
            ("/d/", 4),
            ("/e/", 5),
            ("/f/", 6),
            ("/x/", 7),
        ]
        .map(|(u, p)| (u.to_owned(), p));
        let plan = old.plan(url, now.iter()).unwrap();
        assert_eq!(sorted(plan.delete), ["/a/", "/b/", "/c/", "/x/"]);
        assert_eq!(sorted(plan.write), ["/a/", "/b/", "/e/", "/x/"]);
    }

    #[test]
    fn an_index_with_deleted_or_repeated_documents_is_not_reused() {
        let now = [("/a/".to_owned(), 1)];
        let dir = tempfile::tempdir().unwrap();
        let (index, url) = index_of(dir.path(), &[&["/a/"], &["/a/"]]);
        assert!(
            previous(index, &[("/a/", 1)])
                .plan(url, now.iter())
                .is_err()
        );

        let dir = tempfile::tempdir().unwrap();
        let (index, url) = index_of(dir.path(), &[&["/a/", "/b/"]]);
        let mut writer: IndexWriter<PageDoc> =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.delete_term(Term::from_field_text(url, "/b/"));
        writer.commit().unwrap();
        drop(writer);
        assert!(
            previous(index, &[("/a/", 1)])
                .plan(url, now.iter())
                .is_err()
        );
    }

    /// Waits (at most 3 s) until `path`'s next change could not keep its
    /// ctime.
    fn settle(path: &Path) {
        for _ in 0..150 {
            if crate::output::settled(&std::fs::metadata(path).unwrap()) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        panic!("{} did not settle", path.display());
    }

    /// Signs `dir` with `writer`, as a build's index is.
    fn sign(dir: &Path, writer: &Writer) {
        Fingerprints::new(writer).write(dir).unwrap();
    }

    #[test]
    fn a_program_unchanged_since_it_signed_an_index_is_known_by_the_name_it_signed_with() {
        let tmp = tempfile::tempdir().unwrap();
        let (program, index) = (tmp.path().join("quorum"), tmp.path().join("index"));
        std::fs::create_dir(&index).unwrap();
        std::fs::write(&program, b"one").unwrap();
        let hashed = |bytes: &[u8]| {
            let hash = blake3::hash(bytes).to_hex();
            format!("{} {hash}", env!("CARGO_PKG_VERSION"))
        };
        assert!(
            crate::output::keeps_ctime(tmp.path()),
            "this test needs a temp folder on a file system with true ctimes"
        );
        settle(&program);
        let first = Writer::of(&program, Signature::read(&index).as_ref());
        assert_eq!(first.name, hashed(b"one"));
        assert!(!first.identity.is_empty());
        // A name it did not hash to shows that it was taken, not hashed.
        let claimed = Writer {
            name: "signed".to_owned(),
            identity: first.identity.clone(),
        };
        sign(&index, &claimed);
        assert_eq!(
            Writer::of(&program, Signature::read(&index).as_ref()).name,
            "signed"
        );
        assert_eq!(Writer::of(&program, None).name, hashed(b"one"));

        // Rewritten in place with as many bytes, it is another program.
        std::fs::write(&program, b"two").unwrap();
        settle(&program);
        assert_eq!(
            Writer::of(&program, Signature::read(&index).as_ref()).name,
            hashed(b"two")
        );
        // An index signed by another file names nothing.
        let other = Writer {
            name: "signed".to_owned(),
            identity: "0 1 3 0.000000000 0.000000000".to_owned(),
        };
        sign(&index, &other);
        assert_eq!(
            Writer::of(&program, Signature::read(&index).as_ref()).name,
            hashed(b"two")
        );
    }
}
