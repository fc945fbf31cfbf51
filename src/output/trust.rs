//! Which files of the previous site can be kept as they are without being
//! read back to compare.
//!
//! A rebuild writes over the site published two builds ago (see
//! [`super::Staging`]), leaving a file alone when it already holds the new
//! bytes. Comparing by reading every file back cost a 100,000-item rebuild
//! as much as copying its 4.5 GB output (46 s on the 2-core VM, 30 s
//! without: the page cache did not keep it between builds). Instead a file
//! is taken as it is, unread, when all of these hold:
//!
//! - the kept tree's own listing (written when it was pruned, of the files
//!   left, each as the site that replaced it lists it) gives its path the
//!   hash of the new bytes: BLAKE3's first 128 bits, so making two files of
//!   one hash takes some 2^64 tries;
//! - it has the new size;
//! - its inode last changed (ctime, which no tool can set) at least
//!   [`MARGIN`] before the kept tree's build was sealed, by the file
//!   system's own clock: a file edited, replaced or `touch`ed by hand since
//!   is read back and put right as before.
//!
//! Only where ctimes can be relied on: local Linux file systems that keep
//! them (not FAT, exFAT, network or FUSE mounts, whose ctimes may come from
//! the modification time or another machine's clock), and a clock not
//! stepped back since the seal. Elsewhere every file is read back.
//! A tree is judged when its build starts: a file changed in the hidden
//! staging folder while the build runs is not seen (as before).

use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use rustc_hash::FxHashMap;

use super::guard;
use super::manifest::{self, Hash, Manifest};

/// What a file of the kept tree must still hold: its hash and size.
pub type Trusted = FxHashMap<String, (Hash, u64)>;

/// How long before the seal a file must have last changed. The seal is
/// itself a ctime, so a later change can only carry an earlier time where
/// the kernel mixes fine and coarse stamps (a clock tick, at most 10 ms);
/// a file system that keeps whole seconds truncates both alike.
pub const MARGIN: Duration = Duration::from_millis(100);

/// A file's size and when its inode last changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub changed: Duration,
    pub len: u64,
}

/// The stamp of a file, from its metadata (never followed through a link).
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

/// The file systems whose ctimes are the kernel's own record of the last
/// change (`statfs` magic numbers): ext2/3/4, XFS, Btrfs, tmpfs, F2FS,
/// overlayfs (containers), ZFS, bcachefs.
#[cfg(target_os = "linux")]
const KEEPS_CTIME: [i64; 8] = [
    0xEF53,
    0x5846_5342,
    0x9123_683E,
    0x0102_1994,
    0xF2F5_2010,
    0x794C_7630,
    0x2FC1_2FC1,
    0xCA45_1A4E,
];

/// Whether the file system holding `path` (a file or folder) keeps ctimes
/// that can be relied on.
pub fn keeps_ctime(path: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let Ok(path) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
            return false;
        };
        let mut stat = std::mem::MaybeUninit::<libc::statfs>::uninit();
        // SAFETY: `path` is a valid C string and `stat` room for the answer,
        // which is read only when the call says it filled it.
        let filled = unsafe { libc::statfs(path.as_ptr(), stat.as_mut_ptr()) } == 0;
        #[allow(clippy::unnecessary_cast)] // i64 on some targets, i32 or u32 on others
        let kind = filled.then(|| unsafe { stat.assume_init() }.f_type as i64);
        kind.is_some_and(|kind| KEEPS_CTIME.contains(&kind))
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = path;
        false
    }
}

/// The seal of the tree at `dir`, whose build has written its last file:
/// the file system's own time now (the ctime of the marker, written for
/// it), the clock every later change is stamped by. None where ctimes
/// cannot be relied on.
pub fn seal(dir: &Path) -> Option<Duration> {
    if !keeps_ctime(dir) {
        return None;
    }
    guard::mark(dir, "").ok()?;
    let meta = fs::symlink_metadata(dir.join(guard::MARKER)).ok()?;
    stamp(&meta).map(|s| s.changed)
}

/// Whether the file of `meta` last changed long enough ago that any change
/// from now on is stamped with a later ctime, so the same ctime later means
/// no change since (see [`settled_at`]).
pub fn settled(meta: &fs::Metadata) -> bool {
    let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH);
    stamp(meta)
        .zip(now.ok())
        .is_some_and(|(stamp, now)| settled_at(stamp.changed, now))
}

/// Whether a ctime of `changed` is settled at `now`: at least [`MARGIN`]
/// ago, or, where it has no fraction of a second (a file system keeping
/// whole seconds truncates a change within the same second to the same
/// time), at least [`MARGIN`] after that second ended. False when the clock
/// is behind the ctime.
pub fn settled_at(changed: Duration, now: Duration) -> bool {
    let last_same = match changed.subsec_nanos() {
        0 => changed + Duration::from_secs(1),
        _ => changed,
    };
    now.checked_sub(last_same).is_some_and(|age| age >= MARGIN)
}

pub fn content_hash(bytes: &[u8]) -> Hash {
    to_hash(blake3::hash(bytes))
}

/// A hasher for a listed hash of something other than a file's bytes (a
/// joined file's pieces, a copied file's identity), each in its own domain
/// so it never equals a content hash.
pub fn hasher(domain: &str) -> blake3::Hasher {
    blake3::Hasher::new_derive_key(&format!("Quorum 2026-12-07 listing: {domain}"))
}

pub fn to_hash(hash: blake3::Hash) -> Hash {
    let mut first = [0u8; 16];
    first.copy_from_slice(&hash.as_bytes()[..16]);
    u128::from_le_bytes(first)
}

/// The files of the kept tree at `dir` that may be taken unread: `files`
/// are its files' paths and stamps (its marker's among them), judged by the
/// seal and listing in its marker.
pub fn trusted<'a>(files: impl Iterator<Item = (&'a str, Stamp)>, dir: &Path) -> Trusted {
    let Some(text) = guard::marked_manifest(dir).filter(|_| keeps_ctime(dir)) else {
        return Trusted::default();
    };
    let Some(sealed) = manifest::seal_of(&text) else {
        return Trusted::default();
    };
    let Some(unchanged_before) = sealed.checked_sub(MARGIN) else {
        return Trusted::default();
    };
    let mut marker_changed = None;
    let unchanged: FxHashMap<&str, u64> = files
        .inspect(|(rel, stamp)| {
            if *rel == guard::MARKER {
                marker_changed = Some(stamp.changed);
            }
        })
        .filter(|(_, stamp)| stamp.changed < unchanged_before)
        .map(|(rel, stamp)| (rel, stamp.len))
        .collect();
    // The marker was written after the seal, and now is later still: if
    // either is earlier, the clock was stepped back, and a change since
    // may carry a time before the seal.
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .ok();
    if marker_changed.is_none_or(|t| t < sealed) || now.is_none_or(|t| t < sealed) {
        return Trusted::default();
    }
    // Only those files' lines are kept of the listing (236,886 at 100,000
    // items): the rest would only raise the peak memory.
    let listed = Manifest::parse(&text, |rel| unchanged.contains_key(rel));
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

    #[test]
    fn a_change_is_settled_a_margin_after_the_last_moment_that_shares_its_ctime() {
        let at = |secs: u64, millis: u64| Duration::from_secs(secs) + Duration::from_millis(millis);
        assert!(settled_at(at(10, 500), at(10, 600)));
        assert!(!settled_at(at(10, 500), at(10, 599)));
        // A whole second may stand for any moment of that second.
        assert!(!settled_at(at(10, 0), at(10, 600)));
        assert!(!settled_at(at(10, 0), at(11, 99)));
        assert!(settled_at(at(10, 0), at(11, 100)));
        // The clock stepped back behind the ctime.
        assert!(!settled_at(at(10, 500), at(9, 0)));
    }

    fn stamp_at(secs: u64, len: u64) -> Stamp {
        Stamp {
            changed: Duration::from_secs(secs),
            len,
        }
    }

    /// A tree whose marker lists `listed` under a seal at `sealed` s.
    fn kept_tree(listed: &[(&str, Hash)], sealed: u64) -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        assert!(
            keeps_ctime(tmp.path()),
            "the tests' temporary folder's file system"
        );
        let files = listed.iter().map(|&(rel, hash)| (rel.to_owned(), hash));
        let manifest = Manifest::new(files.collect(), Vec::new());
        let text = manifest
            .sealed_at(Some(Duration::from_secs(sealed)))
            .to_text();
        guard::mark(tmp.path(), &text).unwrap();
        tmp
    }

    #[test]
    fn only_files_listed_and_unchanged_well_before_the_seal_are_trusted() {
        let listed = [("old.html", 7), ("recent.html", 8), ("after.html", 9)];
        let tree = kept_tree(&listed, 1_000);
        let files = [
            ("old.html", stamp_at(100, 3)),
            (
                "recent.html",
                Stamp {
                    changed: Duration::from_millis(999_950),
                    len: 3,
                },
            ),
            ("after.html", stamp_at(1_001, 3)),
            ("unlisted.html", stamp_at(100, 3)),
            (guard::MARKER, stamp_at(1_002, 0)),
        ];
        let trusted = trusted(files.iter().copied(), tree.path());
        assert_eq!(trusted.len(), 1, "{trusted:?}");
        assert_eq!(trusted.get("old.html"), Some(&(7, 3)));
        // Without a listing, nothing is.
        let unlisted = tempfile::tempdir().unwrap();
        assert!(super::trusted(files.iter().copied(), unlisted.path()).is_empty());
    }

    #[test]
    fn nothing_is_trusted_once_the_clock_went_back() {
        let tree = kept_tree(&[("old.html", 7)], 1_000);
        let old = ("old.html", stamp_at(100, 3));
        let fine = [old, (guard::MARKER, stamp_at(1_002, 0))];
        assert_eq!(trusted(fine.iter().copied(), tree.path()).len(), 1);
        // The marker, written after the seal, says it was written before.
        let back = [old, (guard::MARKER, stamp_at(900, 0))];
        assert!(trusted(back.iter().copied(), tree.path()).is_empty());
        // Sealed in the future of now.
        let later = kept_tree(&[("old.html", 7)], 4_000_000_000);
        let fine = [old, (guard::MARKER, stamp_at(4_000_000_001, 0))];
        assert!(trusted(fine.iter().copied(), later.path()).is_empty());
    }

    #[test]
    fn hashes_of_other_things_are_never_content_hashes() {
        let bytes = b"same bytes";
        let mut joined = hasher("joined file");
        joined.update(bytes);
        assert_ne!(to_hash(joined.finalize()), content_hash(bytes));
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
