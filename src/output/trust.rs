//! Which files of the previous site can be kept as they are without being
//! read back to compare.
//!
//! A rebuild writes over the site published two builds ago (see
//! [`super::Staging`]), leaving a file alone when it already holds the new
//! bytes. Comparing by reading every file back cost a 100,000-item rebuild
//! as much as copying its 4.5 GB output (44 s on the 2-core VM: the page
//! cache did not keep it between builds). Instead a file is taken as it is,
//! unread, when all of these hold:
//!
//! - the published site's listing gives its path the hash of the new bytes
//!   (BLAKE3, 128 bits: equal hashes mean equal bytes, even for a clerk who
//!   tries otherwise), and the kept tree holds only files whose listing
//!   matched the published one when it was pruned;
//! - it has the new size;
//! - its inode last changed (ctime, which no tool can set back) at least
//!   [`MARGIN`] before the kept tree's build was sealed: a file edited, replaced or
//!   `touch`ed by hand since then is read back and put right as before.
//!
//! Anything else, and any file system without a ctime, is compared by
//! reading, as before.

use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use rustc_hash::FxHashMap;

use super::manifest::Manifest;

/// A file's content hash in a listing: BLAKE3's first 128 bits.
pub type Hash = u128;

/// What a file of the kept tree must still hold: its hash and size.
pub type Trusted = FxHashMap<String, (Hash, u64)>;

/// How long before the seal a file must have last changed. File systems
/// stamp times from a coarse clock (a tick behind; FAT and old ext3 keep
/// whole or even seconds), so a change just after the seal may carry a
/// time just before it.
pub const MARGIN: Duration = Duration::from_secs(2);

/// A file's size and when its inode last changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub changed: Duration,
    pub len: u64,
}

/// The stamp of a file, from its metadata (never followed through a link);
/// none where the system keeps no ctime.
pub fn stamp(meta: &fs::Metadata) -> Option<Stamp> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let secs = u64::try_from(meta.ctime()).ok()?;
        let nanos = u32::try_from(meta.ctime_nsec()).ok()?;
        Some(Stamp {
            changed: Duration::new(secs, nanos),
            len: meta.len(),
        })
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

/// Now, as a seal: the time since the Unix epoch.
pub fn now() -> Option<Duration> {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .ok()
}

pub fn content_hash(bytes: &[u8]) -> Hash {
    to_hash(blake3::hash(bytes))
}

pub fn to_hash(hash: blake3::Hash) -> Hash {
    let mut first = [0u8; 16];
    first.copy_from_slice(&hash.as_bytes()[..16]);
    u128::from_le_bytes(first)
}

/// The files of a kept tree that may be taken unread: `files` are its
/// files' paths and stamps, `sealed` when its build committed (from its
/// marker), `published` the folder of the site that replaced it, whose
/// listing it was pruned against.
pub fn trusted<'a>(
    files: impl Iterator<Item = (&'a str, Stamp)>,
    sealed: Option<Duration>,
    published: &Path,
) -> Trusted {
    let Some(unchanged_before) = sealed.and_then(|t| t.checked_sub(MARGIN)) else {
        return Trusted::default();
    };
    let unchanged: FxHashMap<&str, u64> = files
        .filter(|(_, stamp)| stamp.changed < unchanged_before)
        .map(|(rel, stamp)| (rel, stamp.len))
        .collect();
    // Only those files' lines are kept of the listing (236,886 at 100,000
    // items): the rest would only raise the peak memory.
    let listed = Manifest::read_only(published, |rel| unchanged.contains_key(rel));
    let files = listed.map(Manifest::into_files).unwrap_or_default();
    files
        .into_iter()
        .filter_map(|(rel, hash)| {
            let len = *unchanged.get(rel.as_str())?;
            Some((rel, (hash, len)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp_at(secs: u64, len: u64) -> Stamp {
        Stamp {
            changed: Duration::from_secs(secs),
            len,
        }
    }

    #[test]
    fn only_files_listed_and_unchanged_well_before_the_seal_are_trusted() {
        let mut listed = FxHashMap::default();
        listed.insert("old.html".to_owned(), 7);
        listed.insert("recent.html".to_owned(), 8);
        listed.insert("after.html".to_owned(), 9);
        let tmp = tempfile::tempdir().unwrap();
        let text = Manifest::new(listed, Vec::new()).to_text();
        super::super::guard::mark(tmp.path(), &text).unwrap();
        let files = [
            ("old.html", stamp_at(100, 3)),
            ("recent.html", stamp_at(999, 3)),
            ("after.html", stamp_at(1_001, 3)),
            ("unlisted.html", stamp_at(100, 3)),
        ];
        let sealed = Some(Duration::from_secs(1_000));
        let trusted = trusted(files.iter().copied(), sealed, tmp.path());
        assert_eq!(trusted.len(), 1, "{trusted:?}");
        assert_eq!(trusted.get("old.html"), Some(&(7, 3)));
        // Without a seal, or a listing, nothing is.
        assert!(super::trusted(files.iter().copied(), None, tmp.path()).is_empty());
        let unlisted = tempfile::tempdir().unwrap();
        assert!(super::trusted(files.iter().copied(), sealed, unlisted.path()).is_empty());
    }

    #[test]
    fn a_content_hash_is_blake3s_first_128_bits() {
        assert_ne!(content_hash(b"a"), content_hash(b"b"));
        let full = blake3::hash(b"minutes");
        assert_eq!(
            content_hash(b"minutes").to_le_bytes(),
            full.as_bytes()[..16]
        );
    }
}
