//! The listing a build leaves in its marker: every file it wrote, with a
//! hash of its bytes, and the folders it made afresh. Comparing two
//! builds' listings tells which files of the older one the newer does not
//! publish as they are, without reading either tree.

use std::fs;
use std::path::Path;

use rustc_hash::FxHashMap;

use super::guard;

/// The first line of a listing; a marker without it lists nothing known
/// (a build still being written, or a site changed by `quorum serve`).
const HEADER: &str = "listing\n";

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Manifest {
    /// `/`-separated path -> hash of its bytes (or a copied file's identity).
    files: FxHashMap<String, u64>,
    /// Folders written whole by another writer (the search index).
    fresh: Vec<String>,
}

impl Manifest {
    pub fn new(files: FxHashMap<String, u64>, fresh: Vec<String>) -> Manifest {
        Manifest { files, fresh }
    }

    /// The listing in `dir`'s marker, if it has a complete one.
    pub fn read(dir: &Path) -> Option<Manifest> {
        Manifest::parse(&guard::marked_manifest(dir)?)
    }

    pub fn to_text(&self) -> String {
        let mut lines: Vec<String> = self
            .files
            .iter()
            .map(|(rel, hash)| format!("{hash:016x} {rel}\n"))
            .chain(self.fresh.iter().map(|rel| format!("fresh {rel}\n")))
            .collect();
        lines.sort_unstable();
        let mut text = String::from(HEADER);
        text.extend(lines);
        text
    }

    fn parse(text: &str) -> Option<Manifest> {
        let mut manifest = Manifest::default();
        for line in text.strip_prefix(HEADER)?.lines() {
            let (key, rel) = line.split_once(' ')?;
            if key == "fresh" {
                manifest.fresh.push(rel.to_owned());
            } else {
                let hash = u64::from_str_radix(key, 16).ok()?;
                manifest.files.insert(rel.to_owned(), hash);
            }
        }
        Some(manifest)
    }
}

/// Deletes from the tree `dir`, whose files `listed` lists, every file that
/// `published` does not hold with the same bytes, and every folder written
/// whole: what is left is a copy of part of the published site, so keeping
/// it (to write the next build over) keeps nothing that was withheld.
pub fn prune_listed(dir: &Path, listed: &Manifest, published: &Manifest) {
    use rayon::prelude::*;
    listed.files.par_iter().for_each(|(rel, hash)| {
        if rel != guard::MARKER && published.files.get(rel) != Some(hash) {
            let path = dir.join(rel);
            let _ = fs::remove_file(&path);
            super::remove_empty_folders(dir, &path);
        }
    });
    for rel in &listed.fresh {
        let _ = fs::remove_dir_all(dir.join(rel));
    }
    // The listing named the pruned files too (a withheld item's path
    // holds its title): it goes with them.
    let _ = guard::mark(dir, "");
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
    fn a_listing_reads_back_as_written() {
        let mut files = FxHashMap::default();
        files.insert("a/index.html".to_owned(), 42);
        files.insert("with space.pdf".to_owned(), u64::MAX);
        let m = Manifest::new(files, vec!["search-index".to_owned()]);
        assert_eq!(Manifest::parse(&m.to_text()), Some(m));
        assert_eq!(Manifest::parse(""), None);
        assert_eq!(Manifest::parse("listing\nzz a\n"), None);
    }
}
