//! Text read from PDFs, kept between builds by the hash of each file's
//! bytes: a rebuild (and `quorum serve`, after an edit) reads only the PDFs
//! that are new or changed. Reading a 10-page PDF costs milliseconds;
//! reading its text back from here, microseconds.
//!
//! One JSON file an entry, `<blake3 of the bytes>.json`, in a folder named
//! for the reader's version, so that a new reader is never given an old
//! one's text. An entry is written to a temporary name and renamed, so a
//! build stopped half way leaves no half entry. A folder that cannot be
//! written only means nothing is kept.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{FileText, Problem};

/// Bumped whenever the same bytes would read differently.
const READER_VERSION: &str = "pdf-extract-0.10-v2";

/// The cache in one folder.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

/// A file's hash, as the cache names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key(String);

/// What is kept: the text (owned when read back, borrowed when written),
/// and the time limit it was read under.
#[derive(Serialize, Deserialize)]
struct Entry<T> {
    text: T,
    /// The time limit the reading had, in milliseconds.
    limit_ms: u64,
}

impl Cache {
    /// The cache under `dir` (made when first written to).
    pub fn new(dir: &Path) -> Cache {
        Cache {
            dir: dir.join(READER_VERSION),
        }
    }

    pub fn key(data: &[u8]) -> Key {
        Key(blake3::hash(data).to_hex().to_string())
    }

    fn path(&self, key: &Key) -> PathBuf {
        self.dir.join(format!("{}.json", key.0))
    }

    /// The text kept for `key`, unless it was cut short by a time limit
    /// shorter than `max_time` (which may read more of it now).
    pub fn get(&self, key: &Key, max_time: Duration) -> Option<FileText> {
        let bytes = std::fs::read(self.path(key)).ok()?;
        let entry: Entry<FileText> = serde_json::from_slice(&bytes).ok()?;
        let cut_short = matches!(entry.text.problem, Some(Problem::TimedOut { .. }));
        if cut_short && u128::from(entry.limit_ms) < max_time.as_millis() {
            return None;
        }
        Some(entry.text)
    }

    /// Keeps `text` for `key`; a cache that cannot be written keeps
    /// nothing (the next build reads the file again).
    pub fn put(&self, key: &Key, text: &FileText, max_time: Duration) {
        let entry = Entry {
            text,
            limit_ms: u64::try_from(max_time.as_millis()).unwrap_or(u64::MAX),
        };
        let Ok(json) = serde_json::to_vec(&entry) else {
            return;
        };
        if std::fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        let Ok(mut temp) = tempfile::NamedTempFile::new_in(&self.dir) else {
            return;
        };
        if std::io::Write::write_all(&mut temp, &json).is_ok() {
            // Another build may have put the same entry meanwhile: either
            // copy will do.
            let _ = temp.persist(self.path(key));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(words: &str, problem: Option<Problem>) -> FileText {
        FileText {
            title: Some("Report".into()),
            pages: vec![words.into(), String::new()],
            problem,
        }
    }

    #[test]
    fn text_is_kept_by_the_bytes_it_was_read_from() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let key = Cache::key(b"%PDF one");
        let limit = Duration::from_secs(30);
        assert_eq!(cache.get(&key, limit), None);
        cache.put(&key, &text("fostering", None), limit);
        assert_eq!(cache.get(&key, limit), Some(text("fostering", None)));
        assert_eq!(cache.get(&Cache::key(b"%PDF two"), limit), None);
    }

    #[test]
    fn text_cut_short_is_read_again_under_a_longer_limit() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let key = Cache::key(b"%PDF slow");
        let cut = text("first page", Some(Problem::TimedOut { seconds: 1 }));
        cache.put(&key, &cut, Duration::from_secs(1));
        assert_eq!(cache.get(&key, Duration::from_secs(1)), Some(cut.clone()));
        assert_eq!(cache.get(&key, Duration::from_secs(30)), None);
    }

    #[test]
    fn a_cache_that_cannot_be_written_keeps_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, "not a folder").unwrap();
        let cache = Cache::new(&blocker);
        let key = Cache::key(b"x");
        cache.put(&key, &text("x", None), Duration::from_secs(1));
        assert_eq!(cache.get(&key, Duration::from_secs(1)), None);
    }
}
