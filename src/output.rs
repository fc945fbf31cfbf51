//! Write stage: pages, assets and attachments go into a staging folder
//! beside the output folder; only a build that fully succeeded swaps it in.
//! A failed or interrupted build therefore never touches the live site.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rustc_hash::FxHashSet;

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot create the staging folder {path}: {source}")]
    Stage { path: PathBuf, source: io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot replace {path} with the new build: {source}")]
    Swap { path: PathBuf, source: io::Error },
    #[error("refusing to build into {path}: {reason}")]
    Unsafe { path: PathBuf, reason: String },
}

/// A build being written. Dropped without [`Staging::commit`], it leaves
/// the output folder as it was.
///
/// The site a commit replaces is kept beside the output as
/// `.<output>.previous`, and the next build is written over it: a page
/// that exists already is overwritten in place, and only what this build
/// did not write is removed before the swap. Rebuilding a site of 10,000
/// pages then allocates almost no new files, which on ext4 is most of the
/// cost of writing it (and deleting the previous site was another second).
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
    /// Whether the site a commit replaces is kept to be written over.
    keeps_previous: bool,
    /// With a previous build being written over: its entries, as listed
    /// when it was checked, for the sweep before the swap.
    previous: Option<Tree>,
    /// Over a previous build: what this build wrote, and folders it made
    /// afresh (the search index), so that the rest can be swept.
    written: Mutex<FxHashSet<String>>,
    fresh: Mutex<Vec<String>>,
    committed: bool,
}

fn sibling(target: &Path, tag: &str) -> PathBuf {
    let name = target
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    target.with_file_name(format!(".{name}.{tag}"))
}

/// Where the site a commit replaced is kept, to be written over next time.
fn spare(target: &Path) -> PathBuf {
    sibling(target, "previous")
}

/// A real folder, not a link to one: a build only ever writes over and
/// sweeps a tree it made itself.
fn is_real_dir(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

impl Staging {
    /// Starts a build that will replace `target`, written over the site
    /// that target replaced last time.
    pub fn new(target: &Path, root: &Path) -> Result<Staging, OutputError> {
        Staging::start(target, root, true)
    }

    /// Starts a build of `target` in an empty folder, keeping nothing of
    /// what it replaces: for a writer that needs an empty folder (the
    /// search index, when it lives outside the site).
    pub fn empty(target: &Path, root: &Path) -> Result<Staging, OutputError> {
        Staging::start(target, root, false)
    }

    fn start(target: &Path, root: &Path, keeps_previous: bool) -> Result<Staging, OutputError> {
        check_target(target, root)?;
        let dir = sibling(target, &format!("staging-{}", std::process::id()));
        if let Some(parent) = target.parent()
            && !parent.as_os_str().is_empty()
        {
            fs::create_dir_all(parent).map_err(|source| OutputError::Stage {
                path: parent.to_owned(),
                source,
            })?;
        }
        remove_stale(target);
        if dir.exists() {
            let _ = fs::remove_dir_all(&dir);
        }
        // Renaming claims the previous site, so two builds never share it.
        let claimed = keeps_previous
            && is_real_dir(&spare(target))
            && fs::rename(spare(target), &dir).is_ok();
        let previous = if claimed {
            tree_to_write_over(&dir)
        } else {
            None
        };
        if claimed && previous.is_none() {
            let _ = fs::remove_dir_all(&dir);
        }
        if previous.is_none() {
            fs::create_dir_all(&dir).map_err(|source| OutputError::Stage {
                path: dir.clone(),
                source,
            })?;
        }
        Ok(Staging {
            target: target.to_owned(),
            dir,
            keeps_previous,
            previous,
            written: Mutex::default(),
            fresh: Mutex::default(),
            committed: false,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether this build is written over a previous one.
    fn reused(&self) -> bool {
        self.previous.is_some()
    }

    /// Writes `bytes` at `rel` (a `/`-separated path) inside the staging
    /// folder. Over a previous build, a file that already holds exactly
    /// these bytes is left as it is: no write, no disk traffic, and its
    /// modification time still says when it last changed (which is what
    /// rsync and HTTP caches go by).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        if self.reused() && same_bytes(&self.dir.join(rel), bytes) {
            lock(&self.written).insert(rel.to_owned());
            return Ok(());
        }
        self.place(rel, |path| fs::write(path, bytes))
    }

    /// Copies a file in as is.
    pub fn copy(&self, rel: &str, from: &Path) -> Result<(), OutputError> {
        self.place(rel, |path| fs::copy(from, path).map(|_| ()))
    }

    /// An empty folder at `rel`, for a writer that needs one (the search
    /// index); the sweep leaves it alone.
    pub fn fresh_dir(&self, rel: &str) -> Result<PathBuf, OutputError> {
        let path = self.dir.join(rel);
        let err = |source| OutputError::Write {
            path: path.clone(),
            source,
        };
        if self.reused() && path.exists() {
            fs::remove_dir_all(&path).map_err(err)?;
        }
        fs::create_dir_all(&path).map_err(err)?;
        lock(&self.fresh).push(rel.to_owned());
        Ok(path)
    }

    /// Runs `make` to create the file at `rel`, making its folder first.
    /// Over a previous build, a file may stand where a folder is now
    /// needed, or the other way round: it is removed and `make` retried.
    fn place(&self, rel: &str, make: impl Fn(&Path) -> io::Result<()>) -> Result<(), OutputError> {
        let path = self.dir.join(rel);
        let err = |source| OutputError::Write {
            path: path.clone(),
            source,
        };
        let attempt = || -> io::Result<()> {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            make(&path)
        };
        match attempt() {
            Ok(()) => {}
            Err(_) if self.reused() => {
                self.clear_way(&path);
                attempt().map_err(err)?;
            }
            Err(e) => return Err(err(e)),
        }
        if self.reused() {
            lock(&self.written).insert(rel.to_owned());
        }
        Ok(())
    }

    /// Removes what a previous build left in the way of `path`: a folder
    /// where the file goes, or a file where one of its folders goes.
    fn clear_way(&self, path: &Path) {
        if is_real_dir(path) {
            let _ = fs::remove_dir_all(path);
        }
        for ancestor in path.ancestors().skip(1) {
            if ancestor == self.dir {
                break;
            }
            if fs::symlink_metadata(ancestor).is_ok_and(|m| !m.is_dir()) {
                let _ = fs::remove_file(ancestor);
            }
        }
    }

    /// Removes, from a previous build being written over, every file this
    /// build did not write and the folders left empty. It goes by the list
    /// made when the build started (the staging folder is this build's
    /// alone), instead of walking the tree a second time.
    fn sweep(&self, previous: &Tree) -> Result<(), OutputError> {
        use rayon::prelude::*;
        let written = lock(&self.written);
        let fresh = lock(&self.fresh);
        let kept = |rel: &str| {
            written.contains(rel)
                || fresh.iter().any(|f| {
                    rel == f
                        || rel
                            .strip_prefix(f.as_str())
                            .is_some_and(|r| r.starts_with('/'))
                })
        };
        previous.par_iter().try_for_each(|top| {
            for (rel, is_dir) in top {
                if kept(rel) {
                    continue;
                }
                let path = self.dir.join(rel);
                if *is_dir {
                    // Only succeeds once empty: folders with kept files stay.
                    let _ = fs::remove_dir(&path);
                    continue;
                }
                match fs::remove_file(&path) {
                    Ok(()) => {}
                    // Already gone, or a folder now: this build cleared
                    // the way for its own files.
                    Err(_) if !fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) => {}
                    Err(source) => return Err(OutputError::Write { path, source }),
                }
            }
            Ok(())
        })
    }

    /// Swaps the staged build in for the output folder; the replaced site
    /// is kept as the next build's starting point.
    pub fn commit(mut self) -> Result<(), OutputError> {
        if let Some(previous) = &self.previous {
            self.sweep(previous)?;
        }
        let old = sibling(&self.target, &format!("old-{}", std::process::id()));
        let swap_err = |source| OutputError::Swap {
            path: self.target.clone(),
            source,
        };
        let had_old = self.target.exists();
        if had_old {
            fs::rename(&self.target, &old).map_err(swap_err)?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.target) {
            if had_old {
                // Put the previous site back before reporting.
                let _ = fs::rename(&old, &self.target);
            }
            return Err(swap_err(e));
        }
        self.committed = true;
        if had_old {
            self.set_aside(&old);
        }
        Ok(())
    }

    /// Keeps a replaced or unfinished tree to be written over next time,
    /// or removes it when this target keeps nothing.
    fn set_aside(&self, tree: &Path) {
        if self.keeps_previous {
            keep_as_spare(tree, &self.target);
        } else {
            let _ = fs::remove_dir_all(tree);
        }
    }
}

/// A tree's entries (`/`-separated paths under it, and whether each is a
/// folder), grouped by top-level entry, each folder after its contents.
type Tree = Vec<Vec<(String, bool)>>;

/// The tree at `dir`, if writing over it can only change that tree: no
/// symbolic links (which a write would follow out of it) and no file
/// hard-linked elsewhere (say, by a deploy tool), which would change too.
/// Quorum never makes either; anything else gets a fresh tree.
///
/// The top-level entries are shared among the threads: a previous site of
/// 100,000 pages takes seconds to walk.
fn tree_to_write_over(dir: &Path) -> Option<Tree> {
    use rayon::prelude::*;
    let safe = |entry: &walkdir::DirEntry| {
        let kind = entry.file_type();
        #[cfg(unix)]
        if kind.is_file() {
            use std::os::unix::fs::MetadataExt;
            return entry.metadata().is_ok_and(|m| m.nlink() == 1);
        }
        !kind.is_symlink()
    };
    let listed = |entry: walkdir::DirEntry| {
        let rel = entry.path().strip_prefix(dir).ok()?;
        let rel = rel
            .to_string_lossy()
            .replace(std::path::MAIN_SEPARATOR, "/");
        safe(&entry).then(|| (rel, entry.file_type().is_dir()))
    };
    let tops: Vec<walkdir::DirEntry> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .max_depth(1)
        .into_iter()
        .collect::<Result<_, _>>()
        .ok()?;
    tops.into_par_iter()
        .map(|top| {
            let mut entries = Vec::new();
            if top.file_type().is_dir() {
                for entry in walkdir::WalkDir::new(top.path())
                    .min_depth(1)
                    .contents_first(true)
                {
                    entries.push(listed(entry.ok()?)?);
                }
            }
            entries.push(listed(top)?);
            Some(entries)
        })
        .collect()
}

/// Keeps `dir` (a whole previous build) to be written over next time, or
/// removes it when another build has kept one meanwhile.
fn keep_as_spare(dir: &Path, target: &Path) {
    if spare(target).exists() || fs::rename(dir, spare(target)).is_err() {
        let _ = fs::remove_dir_all(dir);
    }
}

/// Whether the regular file at `path` holds exactly `bytes`.
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut file) = fs::File::open(path) else {
        return false;
    };
    if !file
        .metadata()
        .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
    {
        return false;
    }
    let mut existing = Vec::with_capacity(bytes.len());
    file.read_to_end(&mut existing).is_ok() && existing == bytes
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding the lock leaves a set that is still valid.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            // A half-written tree is still a fine starting point.
            self.set_aside(&self.dir);
        }
    }
}

/// Replaces one file of a live output folder: written beside it, then
/// renamed over it, so a reader never sees half a page.
pub fn replace_file(dir: &Path, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
    let path = dir.join(rel);
    let err = |source| OutputError::Write {
        path: path.clone(),
        source,
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(err)?;
    }
    let tmp = path.with_file_name(format!(
        ".{}.{}.tmp",
        path.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        std::process::id()
    ));
    fs::write(&tmp, bytes).map_err(err)?;
    fs::rename(&tmp, &path).map_err(err)
}

/// Removes one file of a live output folder, and its folder if now empty.
pub fn remove_file(dir: &Path, rel: &str) -> Result<(), OutputError> {
    let path = dir.join(rel);
    match fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(source) => return Err(OutputError::Write { path, source }),
    }
    if let Some(parent) = path.parent() {
        let _ = fs::remove_dir(parent); // only succeeds when empty
    }
    Ok(())
}

/// Leftovers of builds that were killed before they could clean up. A
/// build killed between the two renames of `commit` leaves the previous
/// site as `.old-*` and no output folder: it is put back, never deleted.
fn remove_stale(target: &Path) {
    let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
        return;
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let prefix = format!(".{}.", name.to_string_lossy());
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let n = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = n.strip_prefix(&prefix) else {
            continue;
        };
        if pid_alive(rest.rsplit('-').next().unwrap_or("")) {
            continue;
        }
        if rest.starts_with("old-") && !target.exists() {
            let _ = fs::rename(entry.path(), target);
        } else if rest.starts_with("staging-") || rest.starts_with("old-") {
            keep_as_spare(&entry.path(), target);
        }
    }
}

fn pid_alive(pid: &str) -> bool {
    pid.parse::<u32>()
        .is_ok_and(|p| p == std::process::id() || Path::new(&format!("/proc/{p}")).exists())
}

/// The output folder must never be (or contain) the content, or the root.
fn check_target(target: &Path, root: &Path) -> Result<(), OutputError> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_owned());
    let (t, r) = (abs(target), abs(root));
    let content = r.join("content");
    let unsafe_because = |reason: &str| {
        Err(OutputError::Unsafe {
            path: target.to_owned(),
            reason: reason.to_owned(),
        })
    };
    if t == r || r.starts_with(&t) {
        return unsafe_because(
            "it is the archive folder (or holds it); choose a separate output folder",
        );
    }
    if t.starts_with(&content) || content.starts_with(&t) {
        return unsafe_because("it overlaps content/; choose a separate output folder");
    }
    if t.join(crate::config::CONFIG_FILE).exists() {
        return unsafe_because(
            "it holds a quorum.toml, so it looks like an archive, not a built site",
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropped_staging_leaves_output_untouched() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("output");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("index.html"), "old").unwrap();
        {
            let s = Staging::new(&out, tmp.path()).unwrap();
            s.write("index.html", b"new").unwrap();
        }
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "old");
        assert!(!names(tmp.path()).iter().any(|n| n.contains("staging")));
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn files(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| !e.file_type().is_dir())
            .map(|e| {
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_rebuild_writes_over_the_previous_site_and_sweeps_what_it_did_not_write() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("output");
        let build = |pages: &[(&str, &str)], index: &str| {
            let s = Staging::new(&out, tmp.path()).unwrap();
            for (rel, text) in pages {
                s.write(rel, text.as_bytes()).unwrap();
            }
            let dir = s.fresh_dir("search-index").unwrap();
            assert_eq!(
                fs::read_dir(&dir).unwrap().count(),
                0,
                "index folder is empty"
            );
            fs::write(dir.join(index), "segment").unwrap();
            s.commit().unwrap();
        };
        build(
            &[("index.html", "1"), ("a/index.html", "a1"), ("b", "file b")],
            "one",
        );
        build(&[("index.html", "2"), ("c/index.html", "c2")], "two");
        // The third build gets the first one's tree to write over: `a` goes,
        // and `b` (a file there) must become a folder.
        build(&[("index.html", "3"), ("b/index.html", "b3")], "three");
        assert_eq!(
            files(&out),
            ["b/index.html", "index.html", "search-index/three"]
        );
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "3");
        assert_eq!(names(tmp.path()), [".output.previous", "output"]);
        assert_eq!(
            files(&tmp.path().join(".output.previous")),
            ["c/index.html", "index.html", "search-index/two"]
        );
    }

    #[test]
    fn unchanged_pages_are_not_rewritten() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("output");
        let build = |text: &str| {
            let s = Staging::new(&out, tmp.path()).unwrap();
            s.write("same/index.html", b"unchanged").unwrap();
            s.write("index.html", text.as_bytes()).unwrap();
            s.commit().unwrap();
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        let modified = |p: &str| fs::metadata(out.join(p)).unwrap().modified().unwrap();
        build("1");
        let first = modified("same/index.html");
        build("2");
        build("3"); // written over the first build's tree
        assert_eq!(modified("same/index.html"), first);
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "3");
        assert!(modified("index.html") > first);
    }

    #[cfg(unix)]
    #[test]
    fn a_previous_site_holding_a_link_is_not_written_over() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("output");
        let elsewhere = tmp.path().join("elsewhere");
        fs::create_dir_all(&elsewhere).unwrap();
        fs::write(elsewhere.join("index.html"), "not ours").unwrap();
        let spare = tmp.path().join(".output.previous");
        fs::create_dir_all(&spare).unwrap();
        std::os::unix::fs::symlink(&elsewhere, spare.join("a")).unwrap();
        let s = Staging::new(&out, tmp.path()).unwrap();
        s.write("a/index.html", b"ours").unwrap();
        s.commit().unwrap();
        assert_eq!(
            fs::read_to_string(out.join("a/index.html")).unwrap(),
            "ours"
        );
        assert_eq!(
            fs::read_to_string(elsewhere.join("index.html")).unwrap(),
            "not ours"
        );
    }

    #[test]
    fn commit_replaces_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("output");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("stale.html"), "old").unwrap();
        let s = Staging::new(&out, tmp.path()).unwrap();
        s.write("a/index.html", b"new").unwrap();
        s.commit().unwrap();
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "new");
        assert!(!out.join("stale.html").exists());
        assert_eq!(names(tmp.path()), [".output.previous", "output"]);
    }

    #[test]
    fn a_build_killed_mid_swap_gets_its_previous_site_back() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("output");
        // What a kill between the two renames leaves: the old site set
        // aside by a process that no longer runs, and no output folder.
        let old = tmp.path().join(".output.old-999999999");
        fs::create_dir_all(&old).unwrap();
        fs::write(old.join("index.html"), "previous").unwrap();
        let s = Staging::new(&out, tmp.path()).unwrap();
        assert_eq!(
            fs::read_to_string(out.join("index.html")).unwrap(),
            "previous"
        );
        drop(s);
        assert_eq!(
            fs::read_to_string(out.join("index.html")).unwrap(),
            "previous"
        );
    }

    #[test]
    fn refuses_to_write_over_content() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(Staging::new(&tmp.path().join("content"), tmp.path()).is_err());
        assert!(Staging::new(tmp.path(), tmp.path()).is_err());
    }
}
