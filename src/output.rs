//! Write stage: pages, assets and attachments go into a staging folder
//! beside the output folder; only a build that fully succeeded swaps it in.
//! A failed or interrupted build therefore never touches the live site.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

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

/// A build being written. Dropped without [`Staging::commit`], it removes
/// itself and leaves the output folder as it was.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
    committed: bool,
}

fn sibling(target: &Path, tag: &str) -> PathBuf {
    let name = target
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    target.with_file_name(format!(".{name}.{tag}"))
}

impl Staging {
    /// Starts a build that will replace `target`.
    pub fn new(target: &Path, root: &Path) -> Result<Staging, OutputError> {
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
        fs::create_dir_all(&dir).map_err(|source| OutputError::Stage {
            path: dir.clone(),
            source,
        })?;
        Ok(Staging {
            target: target.to_owned(),
            dir,
            committed: false,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes` at `rel` (a `/`-separated path) inside the staging folder.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let path = self.dir.join(rel);
        let err = |source| OutputError::Write {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(err)?;
        }
        let mut file = io::BufWriter::new(fs::File::create(&path).map_err(err)?);
        file.write_all(bytes).map_err(err)?;
        file.flush().map_err(err)
    }

    /// Copies a file in as is.
    pub fn copy(&self, rel: &str, from: &Path) -> Result<(), OutputError> {
        let path = self.dir.join(rel);
        let err = |source| OutputError::Write {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(err)?;
        }
        fs::copy(from, &path).map(|_| ()).map_err(err)
    }

    /// Swaps the staged build in for the output folder.
    pub fn commit(mut self) -> Result<(), OutputError> {
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
            let _ = fs::remove_dir_all(&old);
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
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
            let _ = fs::remove_dir_all(entry.path());
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
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
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
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
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
