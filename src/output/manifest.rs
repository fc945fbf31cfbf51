//! The listing a build leaves in its marker: every file it wrote, with a
//! hash of its bytes, and the folders it made afresh. Comparing two
//! builds' listings tells which files of the older one the newer does not
//! publish as they are, without reading either tree.

use std::fs;
use std::path::Path;
use std::time::Duration;

use rustc_hash::FxHashMap;

use super::guard;

/// A file's content hash in a listing: BLAKE3's first 128 bits (made by
/// `trust::content_hash`).
pub type Hash = u128;

/// The line that starts a listing; a marker without it lists nothing known
/// (a build still being written, or a site changed by `quorum serve`).
/// Version 2: 128-bit BLAKE3 hashes (version 1's 64-bit ones are not read).
const HEADER: &str = "listing 2\n";

/// The line before the listing that says when the build was sealed (see
/// `trust`).
const SEALED: &str = "sealed ";

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Manifest {
    /// `/`-separated path -> hash of its bytes (or a copied file's identity).
    files: FxHashMap<String, Hash>,
    /// Folders written whole by another writer (the search index).
    fresh: Vec<String>,
    /// When the build committed, as time since the Unix epoch.
    sealed: Option<Duration>,
}

impl Manifest {
    pub fn new(files: FxHashMap<String, Hash>, fresh: Vec<String>) -> Manifest {
        Manifest {
            files,
            fresh,
            sealed: None,
        }
    }

    /// This listing, sealed at `when`.
    pub fn sealed_at(self, when: Option<Duration>) -> Manifest {
        Manifest {
            sealed: when,
            ..self
        }
    }

    /// The listing in `dir`'s marker, if it has a complete one.
    pub fn read(dir: &Path) -> Option<Manifest> {
        Manifest::parse(&guard::marked_manifest(dir)?, |_| true)
    }

    /// The files listed, with their hashes.
    pub fn into_files(self) -> FxHashMap<String, Hash> {
        self.files
    }

    /// The listing as text: files by path, then the fresh folders.
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut files: Vec<(&String, &Hash)> = self.files.iter().collect();
        files.sort_unstable();
        let mut fresh: Vec<&String> = self.fresh.iter().collect();
        fresh.sort_unstable();
        let mut text = seal_line(self.sealed);
        text.push_str(HEADER);
        for (rel, hash) in files {
            let _ = writeln!(text, "{hash:032x} {rel}");
        }
        for rel in fresh {
            let _ = writeln!(text, "fresh {rel}");
        }
        text
    }

    /// A listing from its text, with only the files `wanted`.
    pub fn parse(text: &str, wanted: impl Fn(&str) -> bool) -> Option<Manifest> {
        let (sealed, text) = split_seal(text);
        let mut manifest = Manifest::default().sealed_at(sealed);
        for line in text.strip_prefix(HEADER)?.lines() {
            let (key, rel) = line.split_once(' ')?;
            if key == "fresh" {
                manifest.fresh.push(rel.to_owned());
            } else if wanted(rel) {
                let hash = Hash::from_str_radix(key, 16).ok()?;
                manifest.files.insert(rel.to_owned(), hash);
            }
        }
        Some(manifest)
    }
}

fn seal_line(sealed: Option<Duration>) -> String {
    sealed.map_or_else(String::new, |t| format!("{SEALED}{}\n", t.as_nanos()))
}

/// The seal at the start of a marker's text, and the rest of the text.
fn split_seal(text: &str) -> (Option<Duration>, &str) {
    let parsed = text.strip_prefix(SEALED).and_then(|rest| {
        let (nanos, rest) = rest.split_once('\n')?;
        let nanos: u128 = nanos.parse().ok()?;
        let secs = u64::try_from(nanos / 1_000_000_000).ok()?;
        let sub = u32::try_from(nanos % 1_000_000_000).ok()?;
        Some((Duration::new(secs, sub), rest))
    });
    match parsed {
        Some((sealed, rest)) => (Some(sealed), rest),
        None => (None, text),
    }
}

/// When a marker's text says its build was sealed.
pub fn seal_of(text: &str) -> Option<Duration> {
    split_seal(text).0
}

/// Deletes from the tree `dir`, whose files `listed` lists, every file that
/// `published` does not hold with the same bytes, and every folder written
/// whole: what is left is a copy of part of the published site, so keeping
/// it (to write the next build over) keeps nothing that was withheld.
///
/// Its marker then lists what is left, each file as `published` lists it
/// (so only published paths: a withheld item's path holds its title), under
/// the seal of `listed`: the next build takes those files unread by this
/// listing alone, whatever is published by then (see `trust`). If a file
/// could not be deleted, nothing is vouched for.
pub fn prune_listed(dir: &Path, listed: &Manifest, published: &Manifest) {
    use rayon::prelude::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    let stuck = AtomicBool::new(false);
    let left: FxHashMap<String, Hash> = (listed.files.par_iter())
        .filter(|(rel, _)| rel.as_str() != guard::MARKER)
        .filter_map(|(rel, hash)| {
            if published.files.get(rel) == Some(hash) {
                return Some((rel.clone(), *hash));
            }
            let path = dir.join(rel);
            if fs::remove_file(&path).is_err() && fs::symlink_metadata(&path).is_ok() {
                stuck.store(true, Ordering::Relaxed);
            }
            super::remove_empty_folders(dir, &path);
            None
        })
        .collect();
    for rel in &listed.fresh {
        if fs::remove_dir_all(dir.join(rel)).is_err() && dir.join(rel).exists() {
            stuck.store(true, Ordering::Relaxed);
        }
    }
    let vouched = listed.sealed.filter(|_| !stuck.load(Ordering::Relaxed));
    let text = match vouched {
        Some(sealed) => Manifest::new(left, Vec::new())
            .sealed_at(Some(sealed))
            .to_text(),
        None => String::new(),
    };
    let _ = guard::mark(dir, &text);
}

/// [`prune_listed`] by the tree's own listing. False when it has none: it
/// cannot be pruned and must not be kept.
pub fn prune(dir: &Path, published: &Manifest) -> bool {
    match Manifest::read(dir) {
        Some(listed) => {
            prune_listed(dir, &listed, published);
            true
        }
        None => false,
    }
}

/// Says that `dir`'s listing no longer describes it (a file was changed
/// in place), so it is never used to prune.
pub fn invalidate(dir: &Path) {
    // By size, not by reading it: a live edit replaces dozens of pages,
    // and a listing of 100,000 pages is megabytes.
    if guard::is_listed(dir) {
        let _ = guard::mark(dir, "");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prune_that_cannot_delete_a_file_vouches_for_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let listing = |pairs: &[(&str, Hash)]| {
            let files = pairs.iter().map(|&(rel, hash)| (rel.to_owned(), hash));
            Manifest::new(files.collect(), Vec::new())
        };
        let listed =
            listing(&[("same", 1), ("gone", 2)]).sealed_at(Some(Duration::from_secs(1_000)));
        let published = listing(&[("same", 1), ("gone", 3)]);
        fs::write(dir.join("same"), "s").unwrap();
        fs::write(dir.join("gone"), "g").unwrap();
        prune_listed(dir, &listed, &published);
        assert!(!dir.join("gone").exists());
        let kept = Manifest::read(dir).expect("a listing of what is left");
        assert_eq!(kept.files.keys().collect::<Vec<_>>(), ["same"]);
        assert_eq!(kept.sealed, listed.sealed);
        // Where "gone" cannot be deleted (a folder with files in its place
        // here), the seal goes: nothing is taken unread next time.
        fs::create_dir_all(dir.join("gone/inside")).unwrap();
        prune_listed(dir, &listed, &published);
        assert!(guard::marked_manifest(dir).unwrap().is_empty());
    }

    #[test]
    fn a_listing_reads_back_as_written() {
        let mut files = FxHashMap::default();
        files.insert("a/index.html".to_owned(), 42);
        files.insert("with space.pdf".to_owned(), u128::from(u64::MAX));
        files.insert("big".to_owned(), u128::MAX);
        let m = Manifest::new(files, vec!["search-index".to_owned()]);
        assert_eq!(Manifest::parse(&m.to_text(), |_| true), Some(m.clone()));
        let sealed = m.sealed_at(Some(Duration::new(1_765_000_000, 123)));
        assert_eq!(
            Manifest::parse(&sealed.to_text(), |_| true),
            Some(sealed.clone())
        );
        assert_eq!(split_seal(&seal_line(sealed.sealed)).0, sealed.sealed);
        assert_eq!(Manifest::parse("", |_| true), None);
        assert_eq!(Manifest::parse("listing 2\nzz a\n", |_| true), None);
        // A version 1 listing (64-bit hashes) is not taken for one.
        assert_eq!(
            Manifest::parse("listing\n000000000000002a a\n", |_| true),
            None
        );
    }
}
