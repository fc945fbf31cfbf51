//! What a build may write over. Quorum replaces only folders it made: each
//! carries a marker file, and a folder without one is refused unless the
//! user says `--force`. Every path is resolved (symbolic links, `..`)
//! before it is compared with the archive's own folders and files, so no
//! spelling of a path reaches content/, themes/, quorum.toml or the root.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use super::OutputError;

/// The file that marks a folder as made by Quorum. Its first line says so
/// to a person who finds it; a site's marker also lists what the build
/// wrote (see `manifest`).
pub const MARKER: &str = ".quorum-build";
const MARKER_HEADER: &str =
    "# Made by Quorum. Each build replaces this folder whole: keep nothing of your own here.\n";

/// The archive's own paths, resolved once, that no build may write over.
#[derive(Debug, Clone)]
pub struct Guard {
    root: PathBuf,
    protected: Vec<(PathBuf, &'static str)>,
    /// Adopt a folder without the marker (`--force`).
    force: bool,
}

impl Guard {
    /// Protects `root` and what it holds: content/, themes/, quorum.toml.
    pub fn new(root: &Path, force: bool) -> Guard {
        let root = resolved(root);
        let protected = vec![
            (root.join(crate::load::CONTENT_DIR), "content/"),
            (root.join("themes"), "themes/"),
            (root.join(crate::config::CONFIG_FILE), "quorum.toml"),
        ];
        Guard {
            root,
            protected,
            force,
        }
    }

    /// Also protects `path` (the search index from the site, or the site
    /// from the index), named `what` in errors.
    pub fn also(mut self, path: &Path, what: &'static str) -> Guard {
        self.protected.push((resolved(path), what));
        self
    }

    /// Checks that a build may create or replace the folder `target`.
    pub fn check(&self, target: &Path) -> Result<(), OutputError> {
        let refuse = |reason: String| {
            Err(OutputError::Unsafe {
                path: target.to_owned(),
                reason,
            })
        };
        if is_symlink(target) {
            return refuse(
                "it is a symbolic link; give the real folder it points to instead".into(),
            );
        }
        let t = resolved(target);
        if t == self.root || self.root.starts_with(&t) {
            return refuse(
                "it is the archive folder (or holds it); choose a separate output folder".into(),
            );
        }
        for (path, what) in &self.protected {
            if t.starts_with(path) || path.starts_with(&t) {
                return refuse(format!(
                    "it overlaps {what} ({}); choose a separate folder",
                    path.display()
                ));
            }
        }
        match fs::symlink_metadata(&t) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => refuse(format!("it cannot be read: {e}")),
            Ok(m) if !m.is_dir() => refuse("it is a file, not a folder".into()),
            Ok(_) if self.force || is_marked(&t) || is_empty_dir(&t) => Ok(()),
            Ok(_) => refuse(format!(
                "it holds files that Quorum did not make (there is no {MARKER} in it), and a \
                 build replaces the whole folder; choose an empty or new folder, or pass \
                 `--force` to replace it and delete what it holds (for a site built by an \
                 older Quorum, `--force` once is safe)"
            )),
        }
    }
}

/// Writes the marker into `dir`, a folder this build made or adopted.
pub fn mark(dir: &Path, manifest: &str) -> io::Result<()> {
    fs::write(dir.join(MARKER), format!("{MARKER_HEADER}{manifest}"))
}

/// Whether `dir` carries Quorum's marker.
pub fn is_marked(dir: &Path) -> bool {
    fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file())
}

/// Whether `dir`'s marker holds a listing, told by its size alone.
pub fn is_listed(dir: &Path) -> bool {
    fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.len() > MARKER_HEADER.len() as u64)
}

/// The listing a marker holds after its header (empty if none).
pub fn marked_manifest(dir: &Path) -> Option<String> {
    let mut text = fs::read_to_string(dir.join(MARKER)).ok()?;
    // In place: a listing of 100,000 items is 29 MB.
    text.starts_with(MARKER_HEADER).then(|| {
        text.drain(..MARKER_HEADER.len());
        text
    })
}

fn is_symlink(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

fn is_empty_dir(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none())
}

/// `path` made absolute with every symbolic link and `..` resolved, as far
/// as it exists; the part that does not exist yet is added as written
/// (it can hold no links), with its `..` applied.
pub fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => {
                out.push(other);
                // A link anywhere along the way is followed to where it
                // really leads before the next component is added.
                if let Ok(real) = fs::canonicalize(&out) {
                    out = real;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolving_sees_through_dot_dot_and_links() {
        let tmp = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(tmp.path()).unwrap();
        fs::create_dir_all(root.join("content")).unwrap();
        assert_eq!(
            resolved(&root.join("output/../content")),
            root.join("content")
        );
        assert_eq!(resolved(&root.join("a/b/../c")), root.join("a/c"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&root, root.join("here")).unwrap();
            assert_eq!(resolved(&root.join("here/content")), root.join("content"));
            assert_eq!(resolved(&root.join("here/new/x")), root.join("new/x"));
        }
    }

    #[test]
    fn refuses_the_archive_and_its_parts_however_spelt() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        fs::create_dir_all(root.join("content/c")).unwrap();
        fs::write(root.join("quorum.toml"), "title = \"t\"").unwrap();
        let guard = Guard::new(root, true);
        for bad in [
            "output/../content",
            "content",
            "content/c/out",
            ".",
            "themes",
            "quorum.toml",
        ] {
            assert!(guard.check(&root.join(bad)).is_err(), "{bad} was allowed");
        }
        assert!(guard.check(&tmp.path().join("..")).is_err());
        assert!(guard.check(&root.join("output")).is_ok());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root, root.join("here")).unwrap();
            assert!(guard.check(&root.join("here/content")).is_err());
        }
    }

    #[test]
    fn a_folder_of_someone_else_is_refused_unless_forced() {
        let tmp = tempfile::tempdir().unwrap();
        let theirs = tmp.path().join("U");
        fs::create_dir_all(&theirs).unwrap();
        fs::write(theirs.join("thesis.txt"), "x").unwrap();
        let root = tmp.path().join("archive");
        let err = Guard::new(&root, false).check(&theirs).unwrap_err();
        assert!(err.to_string().contains("--force"), "{err}");
        assert!(Guard::new(&root, true).check(&theirs).is_ok());
        mark(&theirs, "").unwrap();
        assert!(Guard::new(&root, false).check(&theirs).is_ok());
        let empty = tmp.path().join("empty");
        fs::create_dir_all(&empty).unwrap();
        assert!(Guard::new(&root, false).check(&empty).is_ok());
        fs::write(tmp.path().join("file"), "x").unwrap();
        assert!(
            Guard::new(&root, true)
                .check(&tmp.path().join("file"))
                .is_err()
        );
    }

    #[test]
    fn the_index_and_the_site_guard_each_other() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let guard = Guard::new(root, false).also(&root.join("output"), "the site's output folder");
        assert!(guard.check(&root.join("output")).is_err());
        assert!(guard.check(&root.join("output/search-index")).is_err());
        assert!(guard.check(&root.join("index")).is_ok());
    }
}
