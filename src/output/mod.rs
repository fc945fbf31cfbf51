//! Write stage: pages, assets and attachments go into a staging folder
//! beside the output folder; only a build that fully succeeded swaps it in.
//! A failed or interrupted build therefore never touches the live site.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rustc_hash::FxHashMap;

mod guard;
mod manifest;
mod trust;

pub use guard::{Guard, MARKER, resolved};
use manifest::{Hash, Manifest};
use trust::{Stamp, Trusted};
pub use trust::{keeps_ctime, settled};

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot create the staging folder {path}: {source}")]
    Stage { path: PathBuf, source: io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot read {path}, which this build wrote: {source}")]
    ReadBack { path: PathBuf, source: io::Error },
    #[error("cannot replace {path} with the new build: {source}")]
    Swap { path: PathBuf, source: io::Error },
    #[error("refusing to build into {path}: {reason}")]
    Unsafe { path: PathBuf, reason: String },
}

impl OutputError {
    /// Whether the disk (or the user's quota) is full.
    pub fn is_out_of_space(&self) -> bool {
        match self {
            OutputError::Stage { source, .. }
            | OutputError::Write { source, .. }
            | OutputError::ReadBack { source, .. }
            | OutputError::Swap { source, .. } => is_out_of_space(source),
            OutputError::Unsafe { .. } => false,
        }
    }
}

fn is_out_of_space(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded
    )
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
/// A file that already holds the new bytes is left alone, known so by the
/// listings and its ctime where `trust` allows, else by reading it back.
///
/// The kept site never holds anything the new one does not publish: at
/// the commit, every file of it that differs from the new site's (by the
/// listing each build leaves in its marker) is deleted, so a page that was
/// just withheld (made exempt, or built with `--drafts` before) is gone
/// from the disk, not only from the output folder.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
    /// Whether the site a commit replaces is kept to be written over.
    keeps_previous: bool,
    /// With a previous build being written over: its entries, as listed
    /// when it was checked, for the sweep before the swap.
    previous: Option<Tree>,
    /// The files of that build known to hold what its listing says,
    /// without reading them (see `trust`), and how many were taken so.
    trusted: Trusted,
    unread: AtomicUsize,
    /// What this build wrote: path -> a hash of the bytes (or of the
    /// copied file's identity) and the size, for the sweep and the
    /// marker's listing.
    written: Mutex<FxHashMap<String, (Hash, u64)>>,
    /// Folders made afresh (the search index): swept and kept whole.
    fresh: Mutex<Vec<String>>,
    /// Set when a write (or the commit) failed: the half-written tree is
    /// then deleted rather than kept, so a full disk gets its space back.
    write_failed: AtomicBool,
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

/// A real folder that carries Quorum's marker.
fn is_ours(path: &Path) -> bool {
    is_real_dir(path) && guard::is_marked(path)
}

impl Staging {
    /// Starts a build that will replace `target`, written over the site
    /// that target replaced last time.
    pub fn new(target: &Path, guard: &Guard) -> Result<Staging, OutputError> {
        Staging::start(target, guard, true)
    }

    /// Starts a build of `target` in an empty folder, keeping nothing of
    /// what it replaces: for the search index, which links into it what it
    /// keeps of the index it replaces (see `search::reuse`).
    pub fn empty(target: &Path, guard: &Guard) -> Result<Staging, OutputError> {
        Staging::start(target, guard, false)
    }

    fn start(target: &Path, guard: &Guard, keeps_previous: bool) -> Result<Staging, OutputError> {
        guard.check(target)?;
        let dir = sibling(target, &format!("staging-{}", std::process::id()));
        let stage_err = |path: &Path| {
            let path = path.to_owned();
            move |source| OutputError::Stage { path, source }
        };
        if let Some(parent) = target.parent()
            && !parent.as_os_str().is_empty()
        {
            fs::create_dir_all(parent).map_err(stage_err(parent))?;
        }
        // A marked leftover under this process's id is one of the stale
        // ones; an empty folder is what a build killed before marking it
        // left. Anything else there is someone else's.
        remove_stale(target);
        let _ = fs::remove_dir(&dir);
        if fs::symlink_metadata(&dir).is_ok() {
            return Err(OutputError::Unsafe {
                path: target.to_owned(),
                reason: format!(
                    "{} is in the way and was not made by Quorum; move it elsewhere",
                    dir.display()
                ),
            });
        }
        let (previous, trusted) = if keeps_previous {
            claim_previous(target, &dir)?
        } else {
            (None, Trusted::default())
        };
        if previous.is_none() {
            fs::create_dir_all(&dir).map_err(stage_err(&dir))?;
        }
        // Marked at once, so that what a killed build leaves is known as
        // Quorum's by the next one.
        guard::mark(&dir, "").map_err(stage_err(&dir))?;
        let staging = Staging {
            target: target.to_owned(),
            dir,
            keeps_previous,
            previous,
            trusted,
            unread: AtomicUsize::new(0),
            written: Mutex::default(),
            fresh: Mutex::default(),
            write_failed: AtomicBool::new(false),
            committed: false,
        };
        staging.record(MARKER, 0, 0);
        Ok(staging)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether this build is written over a previous one.
    fn reused(&self) -> bool {
        self.previous.is_some()
    }

    fn record(&self, rel: &str, hash: Hash, len: u64) {
        lock(&self.written).insert(rel.to_owned(), (hash, len));
    }

    /// Whether the file at `rel` of the previous build is known, without
    /// reading it, to hold what hashes to `hash` in `len` bytes.
    fn holds(&self, rel: &str, hash: Hash, len: u64) -> bool {
        let holds = self.trusted.get(rel) == Some(&(hash, len));
        if holds {
            self.unread.fetch_add(1, Ordering::Relaxed);
        }
        holds
    }

    /// How many files of the previous build were kept without reading
    /// them back.
    pub fn unread(&self) -> usize {
        self.unread.load(Ordering::Relaxed)
    }

    /// Writes `bytes` at `rel` (a `/`-separated path) inside the staging
    /// folder. Over a previous build, a file that already holds exactly
    /// these bytes is left as it is: no write, no disk traffic, and its
    /// modification time still says when it last changed (which is what
    /// rsync and HTTP caches go by).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let hash = trust::content_hash(bytes);
        let len = bytes.len() as u64;
        if self.holds(rel, hash, len) || (self.reused() && same_bytes(&self.dir.join(rel), bytes)) {
            self.record(rel, hash, len);
            return Ok(());
        }
        self.place(rel, |path| fs::write(path, bytes))?;
        self.record(rel, hash, len);
        Ok(())
    }

    /// Copies a file in as is. Its listing stands for the source file's
    /// identity (see [`file_identity`]), not its bytes: reading every
    /// attachment to hash it would cost more than the copy. A copy the
    /// previous build made of the same file is kept.
    pub fn copy(&self, rel: &str, from: &Path) -> Result<(), OutputError> {
        let (identity, len) = file_identity(from);
        if self.holds(rel, identity, len) {
            self.record(rel, identity, len);
            return Ok(());
        }
        // Through `source`: a file swapped for a link or a pipe since it
        // was loaded is refused, not followed or waited on.
        let copy = |path: &Path| {
            let mut file = crate::source::open(from).map_err(io::Error::other)?;
            io::copy(&mut file, &mut fs::File::create(path)?).map(|_| ())
        };
        self.place(rel, copy)?;
        self.record(rel, identity, len);
        Ok(())
    }

    /// Writes at `rel` the `pieces` one after another, streamed: a file
    /// piece is one this build has written (an NDJSON file joins some
    /// thousands of twins, and is never held whole in memory).
    pub fn join<'p>(
        &self,
        rel: &str,
        pieces: impl Iterator<Item = Piece<'p>> + Clone,
    ) -> Result<(), OutputError> {
        // Over a previous build, a joined file that would come out the same
        // is left as it is: known from its pieces' hashes alone, or else
        // read back to compare, which costs far less than writing it again
        // (items.ndjson is 130 MB at 10,000 items); its modification time
        // keeps meaning "last changed".
        let (hash, len) = self.joined_hash(pieces.clone())?;
        if self.holds(rel, hash, len)
            || (self.reused() && self.same_joined(&self.dir.join(rel), pieces.clone()))
        {
            self.record(rel, hash, len);
            return Ok(());
        }
        self.place(rel, |path| {
            let mut out = io::BufWriter::new(fs::File::create(path)?);
            self.for_each_piece(pieces.clone(), |bytes| out.write_all(bytes))?;
            out.flush()
        })?;
        self.record(rel, hash, len);
        Ok(())
    }

    /// A joined file's listed hash, and its size: the hash of its pieces'
    /// hashes and sizes (a file piece's as this build recorded it), so an
    /// unchanged joined file is known without reading a single piece.
    /// Equal hashes still mean equal bytes, BLAKE3 being collision-proof.
    fn joined_hash<'p>(
        &self,
        pieces: impl Iterator<Item = Piece<'p>>,
    ) -> Result<(Hash, u64), OutputError> {
        let mut hasher = trust::hasher("joined file");
        let mut total = 0;
        for piece in pieces {
            let (hash, len) = match piece {
                Piece::Bytes(bytes) => (trust::content_hash(bytes), bytes.len() as u64),
                Piece::File(from) => match lock(&self.written).get(from).copied() {
                    Some(known) => known,
                    // Not written by this build (so not expected): read.
                    None => {
                        let mut bytes = Vec::new();
                        read_back(&self.dir, from, &mut bytes)?;
                        (trust::content_hash(&bytes), bytes.len() as u64)
                    }
                },
            };
            hasher.update(&hash.to_le_bytes());
            hasher.update(&len.to_le_bytes());
            total += len;
        }
        Ok((trust::to_hash(hasher.finalize()), total))
    }

    /// Whether the file at `path` holds exactly `pieces` joined (read as
    /// `join` reads them, and the file as every source is: a link or a
    /// pipe in its place is not the same).
    fn same_joined<'p>(&self, path: &Path, pieces: impl Iterator<Item = Piece<'p>>) -> bool {
        use std::io::Read;
        let Ok(file) = crate::source::open(path) else {
            return false;
        };
        let mut old = io::BufReader::new(file);
        let mut theirs = Vec::new();
        let same = self.for_each_piece(pieces, |bytes| {
            theirs.resize(bytes.len(), 0);
            old.read_exact(&mut theirs)?;
            if theirs != bytes {
                return Err(io::Error::other("differs"));
            }
            Ok(())
        });
        let mut more = [0u8; 1];
        same.is_ok() && old.read(&mut more).is_ok_and(|n| n == 0)
    }

    /// Gives `f` the bytes of each of `pieces` in order, a file piece read
    /// back from this build into one buffer, reused.
    fn for_each_piece<'p>(
        &self,
        pieces: impl Iterator<Item = Piece<'p>>,
        mut f: impl FnMut(&[u8]) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut buffer = Vec::new();
        for piece in pieces {
            match piece {
                Piece::Bytes(bytes) => f(bytes)?,
                Piece::File(from) => {
                    buffer.clear();
                    read_back(&self.dir, from, &mut buffer).map_err(io::Error::other)?;
                    f(&buffer)?;
                }
            }
        }
        Ok(())
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

    /// Marks this build as failed to write (say, by the search index
    /// writer, whose errors do not pass through here): the tree is deleted
    /// when dropped, as the disk may be full.
    pub fn failed_to_write(&self) {
        self.write_failed.store(true, Ordering::Relaxed);
    }

    /// Runs `make` to create the file at `rel`, making its folder first.
    /// Over a previous build, a file may stand where a folder is now
    /// needed, or the other way round: it is removed and `make` retried.
    fn place(&self, rel: &str, make: impl Fn(&Path) -> io::Result<()>) -> Result<(), OutputError> {
        let path = self.dir.join(rel);
        let attempt = || -> io::Result<()> {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            make(&path)
        };
        let result = match attempt() {
            Err(e) if self.reused() && !is_out_of_space(&e) => {
                self.clear_way(&path);
                attempt()
            }
            other => other,
        };
        result.map_err(|source| {
            self.write_failed.store(true, Ordering::Relaxed);
            OutputError::Write {
                path: path.clone(),
                source,
            }
        })
    }

    /// What this build wrote, taken out of it: the listing is the last use.
    fn listing(&self) -> Manifest {
        let written = std::mem::take(&mut *lock(&self.written));
        let hashes = written.into_iter().map(|(rel, (hash, _))| (rel, hash));
        Manifest::new(hashes.collect(), std::mem::take(&mut *lock(&self.fresh)))
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
            written.contains_key(rel)
                || fresh.iter().any(|f| {
                    rel == f
                        || rel
                            .strip_prefix(f.as_str())
                            .is_some_and(|r| r.starts_with('/'))
                })
        };
        previous.par_iter().try_for_each(|top| {
            for Entry { rel, is_dir, .. } in top {
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

    /// Swaps the staged build in for the output folder; the replaced site,
    /// pruned to what the new one publishes, is kept as the next build's
    /// starting point.
    pub fn commit(mut self) -> Result<(), OutputError> {
        if let Some(previous) = &self.previous {
            self.sweep(previous)?;
        }
        // Sealed after the last write: what changes in the tree from now
        // on has a later ctime (see `trust`).
        let listing = self.listing().sealed_at(trust::seal(&self.dir));
        // What it wrote is in `listing` now, so Drop could not prune the
        // tree of a commit that fails from here: it deletes it instead.
        self.failed_to_write();
        guard::mark(&self.dir, &listing.to_text()).map_err(|source| OutputError::Write {
            path: self.dir.join(MARKER),
            source,
        })?;
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
            if self.keeps_previous && manifest::prune(&old, &listing) {
                keep_as_spare(&old, &self.target);
            } else {
                let _ = fs::remove_dir_all(&old);
            }
        }
        Ok(())
    }
}

/// Stands for a copied file's content without reading it, with its size:
/// a file whose size, modification time, inode and inode change time
/// (ctime, which changes with any write and cannot be set back, even by
/// `cp -p` or `touch`) are unchanged is the same file. Not followed
/// through a link: a source swapped for one is a different file.
fn file_identity(path: &Path) -> (Hash, u64) {
    let mut hasher = trust::hasher("copied file identity");
    let Ok(meta) = fs::symlink_metadata(path) else {
        return (0, 0);
    };
    hasher.update(&meta.len().to_le_bytes());
    if let Ok(modified) = meta.modified()
        && let Ok(since) = modified.duration_since(std::time::UNIX_EPOCH)
    {
        hasher.update(&since.as_nanos().to_le_bytes());
    }
    if let Some(stamp) = trust::stamp(&meta) {
        hasher.update(&stamp.changed.as_nanos().to_le_bytes());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        hasher.update(&meta.ino().to_le_bytes());
        hasher.update(&meta.dev().to_le_bytes());
    }
    (trust::to_hash(hasher.finalize()), meta.len())
}

/// An entry of a tree: its `/`-separated path, whether it is a folder, and
/// a file's stamp.
#[derive(Debug)]
struct Entry {
    rel: String,
    is_dir: bool,
    stamp: Option<Stamp>,
}

/// A tree's entries, grouped by top-level entry, each folder after its
/// contents.
type Tree = Vec<Vec<Entry>>;

/// The tree at `dir`, if writing over it can only change that tree: no
/// symbolic links (which a write would follow out of it) and no file
/// hard-linked elsewhere (say, by a deploy tool), which would change too.
/// Quorum never makes either; anything else gets a fresh tree.
///
/// The top-level entries are shared among the threads: a previous site of
/// 100,000 pages takes seconds to walk.
fn tree_to_write_over(dir: &Path) -> Option<Tree> {
    use rayon::prelude::*;
    let listed = |entry: walkdir::DirEntry| {
        let rel = entry.path().strip_prefix(dir).ok()?;
        let rel = rel
            .to_string_lossy()
            .replace(std::path::MAIN_SEPARATOR, "/");
        let kind = entry.file_type();
        if kind.is_dir() {
            let (is_dir, stamp) = (true, None);
            return Some(Entry { rel, is_dir, stamp });
        }
        // Never a link, a pipe or a device: writing over one would
        // follow it or wait forever.
        if !kind.is_file() {
            return None;
        }
        let meta = entry.metadata().ok()?;
        #[cfg(unix)]
        if std::os::unix::fs::MetadataExt::nlink(&meta) != 1 {
            return None;
        }
        let (is_dir, stamp) = (false, trust::stamp(&meta));
        Some(Entry { rel, is_dir, stamp })
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

/// Claims the site kept beside `target` by renaming it to `dir`, so two
/// builds never share it: its tree, if it can be written over, and the
/// files of it that can be taken unread.
fn claim_previous(target: &Path, dir: &Path) -> Result<(Option<Tree>, Trusted), OutputError> {
    if !is_ours(&spare(target)) || fs::rename(spare(target), dir).is_err() {
        return Ok((None, Trusted::default()));
    }
    let Some(tree) = tree_to_write_over(dir) else {
        if fs::remove_dir_all(dir).is_err() {
            // Half of a tree left would be published without a sweep.
            return Err(OutputError::Unsafe {
                path: target.to_owned(),
                reason: format!(
                    "the previous site at {} holds files that cannot be removed; delete it",
                    dir.display()
                ),
            });
        }
        return Ok((None, Trusted::default()));
    };
    let files = tree.iter().flatten();
    let stamped = files.filter_map(|entry| Some((entry.rel.as_str(), entry.stamp?)));
    let trusted = trust::trusted(stamped, dir);
    Ok((Some(tree), trusted))
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
        if self.committed {
            return;
        }
        // A half-written tree is still a fine starting point, unless
        // writing it failed: then the disk may be full, and keeping it
        // would make every later build fail the same way. Its listing has
        // no seal, so the next build reads every file of it back.
        let published = Manifest::read(&self.target);
        if self.keeps_previous
            && !self.write_failed.load(Ordering::Relaxed)
            && let Some(published) = published
        {
            // What this build wrote and never published goes first.
            manifest::prune_listed(&self.dir, &self.listing(), &published);
            keep_as_spare(&self.dir, &self.target);
        } else {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// A piece of a joined file.
#[derive(Debug, Clone, Copy)]
pub enum Piece<'a> {
    /// The file at this output path, as this build wrote it.
    File(&'a str),
    Bytes(&'a [u8]),
}

/// Appends to `into` the file at output path `rel` in `dir` (a file this
/// build made; a link or a pipe found there instead is refused).
pub fn read_back(dir: &Path, rel: &str, into: &mut Vec<u8>) -> Result<(), OutputError> {
    let path = dir.join(rel);
    let read = crate::source::open(&path)
        .map_err(io::Error::other)
        .and_then(|mut file| io::Read::read_to_end(&mut file, into));
    read.map(|_| ())
        .map_err(|source| OutputError::ReadBack { path, source })
}

/// Replaces one file of a live output folder: written beside it, then
/// renamed over it, so a reader never sees half a page.
pub fn replace_file(dir: &Path, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
    replace_with(dir, rel, |tmp| fs::write(tmp, bytes))
}

/// Replaces one file of a live output folder with a copy of `from`, read
/// as every source is (a link or a pipe put in its place is refused).
pub fn replace_copy(dir: &Path, rel: &str, from: &Path) -> Result<(), OutputError> {
    replace_with(dir, rel, |tmp| {
        let mut file = crate::source::open(from).map_err(io::Error::other)?;
        io::copy(&mut file, &mut fs::File::create(tmp)?).map(|_| ())
    })
}

fn replace_with(
    dir: &Path,
    rel: &str,
    make: impl Fn(&Path) -> io::Result<()>,
) -> Result<(), OutputError> {
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
    if let Err(e) = make(&tmp) {
        let _ = fs::remove_file(&tmp);
        return Err(err(e));
    }
    fs::rename(&tmp, &path).map_err(err)?;
    changed_in_place(dir, rel);
    Ok(())
}

/// After a live change to `rel`: the kept previous site must not keep a
/// version of it that is no longer published, and the output's listing
/// no longer tells what it holds.
fn changed_in_place(dir: &Path, rel: &str) {
    let _ = fs::remove_file(spare(dir).join(rel));
    manifest::invalidate(dir);
}

/// Removes one file of a live output folder, and its folder if now empty.
pub fn remove_file(dir: &Path, rel: &str) -> Result<(), OutputError> {
    let path = dir.join(rel);
    match fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(source) => return Err(OutputError::Write { path, source }),
    }
    changed_in_place(dir, rel);
    remove_empty_folders(dir, &path);
    Ok(())
}

/// Removes the folders of `path` that are left empty, up to `top`: a
/// folder's name can say as much as its page (a withheld item's title).
pub(crate) fn remove_empty_folders(top: &Path, path: &Path) {
    for folder in path.ancestors().skip(1) {
        // Only succeeds when empty.
        if folder == top || !folder.starts_with(top) || fs::remove_dir(folder).is_err() {
            break;
        }
    }
}

/// Leftovers of builds that were killed before they could clean up, found
/// by their exact names (`.<output>.staging-<pid>`, `.<output>.old-<pid>`,
/// of a process that no longer runs) and Quorum's marker inside: a folder
/// of the user's that happens to look alike is never touched. A build
/// killed between the two renames of `commit` leaves the previous site as
/// `.old-*` and no output folder: it is put back, never deleted. Anything
/// else is deleted: an unfinished tree may hold pages that were never
/// published (a `--drafts` build), and an old one pages since withheld.
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
    // (kind, pid, path) of each leftover of a dead build of ours.
    let mut leftovers: Vec<(String, String, PathBuf)> = entries
        .flatten()
        .filter_map(|entry| {
            let n = entry.file_name().to_string_lossy().into_owned();
            let (kind, pid) = n.strip_prefix(&prefix)?.split_once('-')?;
            let is_pid = !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit());
            (matches!(kind, "staging" | "old")
                && is_pid
                && !pid_alive(pid)
                && is_ours(&entry.path()))
            .then(|| (kind.to_owned(), pid.to_owned(), entry.path()))
        })
        .collect();
    // Old sites first: whether one goes back depends on its staging folder.
    leftovers.sort_by_key(|(kind, ..)| kind != "old");
    for (kind, pid, path) in leftovers {
        // Killed between the two renames of `commit`: its staging folder
        // is still there. Killed later, the old site may hold pages since
        // withheld, and must not come back.
        let unswapped = sibling(target, &format!("staging-{pid}")).exists();
        if kind == "old" && !target.exists() && unswapped {
            let _ = fs::rename(&path, target);
        } else {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

/// Whether another process with this id runs. This process's own id is
/// not: builds in one process never overlap, so a leftover under its id is
/// a dead process's that had the same id (in a container, every process
/// may be pid 1).
fn pid_alive(pid: &str) -> bool {
    let Ok(p) = pid.parse::<u32>() else {
        return false;
    };
    if p == std::process::id() {
        return false;
    }
    #[cfg(unix)]
    {
        // Signal 0 only asks whether the process exists (EPERM: it does,
        // as another user's).
        let Ok(p) = libc::pid_t::try_from(p) else {
            return false;
        };
        // SAFETY: kill with signal 0 sends nothing and touches no memory.
        let found = unsafe { libc::kill(p, 0) } == 0;
        found || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An output folder a build made, holding `page` with "old" in it.
    fn built_output(page: &str) -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("output");
        fs::create_dir_all(&out).unwrap();
        guard::mark(&out, "").unwrap();
        fs::write(out.join(page), "old").unwrap();
        (tmp, out)
    }

    #[test]
    fn dropped_staging_leaves_output_untouched() {
        let (tmp, out) = built_output("index.html");
        {
            let s = Staging::new(&out, &Guard::new(tmp.path(), false)).unwrap();
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
            let s = Staging::new(&out, &Guard::new(tmp.path(), false)).unwrap();
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
            [MARKER, "b/index.html", "index.html", "search-index/three"]
        );
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "3");
        assert_eq!(names(tmp.path()), [".output.previous", "output"]);
        // The second build's tree, kept to be written over, holds only
        // what the third publishes as it is: here, nothing.
        assert_eq!(files(&tmp.path().join(".output.previous")), [MARKER]);
    }

    #[test]
    fn unchanged_pages_are_not_rewritten() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("output");
        let build = |text: &str| {
            let s = Staging::new(&out, &Guard::new(tmp.path(), false)).unwrap();
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

    #[test]
    fn unchanged_joined_files_are_not_rewritten() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("output");
        let build = |line: &str, tail: &str| {
            let s = Staging::new(&out, &Guard::new(tmp.path(), false)).unwrap();
            s.write("a.json", line.as_bytes()).unwrap();
            let pieces = [Piece::File("a.json"), Piece::Bytes(tail.as_bytes())];
            s.join("all.ndjson", pieces.into_iter()).unwrap();
            s.commit().unwrap();
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        let modified = |p: &str| fs::metadata(out.join(p)).unwrap().modified().unwrap();
        let read = |p: &str| fs::read_to_string(out.join(p)).unwrap();
        build("{\"a\":1}\n", "{\"b\":2}\n");
        let first = modified("all.ndjson");
        build("{\"a\":1}\n", "{\"b\":2}\n");
        build("{\"a\":1}\n", "{\"b\":2}\n"); // over the first build's tree
        assert_eq!(modified("all.ndjson"), first);
        assert_eq!(read("all.ndjson"), "{\"a\":1}\n{\"b\":2}\n");
        // A piece that changed, or one more or fewer byte, is written.
        build("{\"a\":3}\n", "{\"b\":2}\n");
        assert_eq!(read("all.ndjson"), "{\"a\":3}\n{\"b\":2}\n");
        build("{\"a\":3}\n", "{\"b\":2}");
        build("{\"a\":3}\n", "{\"b\":2}");
        assert_eq!(read("all.ndjson"), "{\"a\":3}\n{\"b\":2}");
        assert!(modified("all.ndjson") > first);
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
        guard::mark(&spare, "").unwrap();
        std::os::unix::fs::symlink(&elsewhere, spare.join("a")).unwrap();
        let s = Staging::new(&out, &Guard::new(tmp.path(), false)).unwrap();
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
        let (tmp, out) = built_output("stale.html");
        let s = Staging::new(&out, &Guard::new(tmp.path(), false)).unwrap();
        s.write("a/index.html", b"new").unwrap();
        s.commit().unwrap();
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "new");
        assert!(!out.join("stale.html").exists());
        // The old site listed nothing it holds, so none of it is kept.
        assert_eq!(names(tmp.path()), ["output"]);
    }

    #[test]
    fn a_build_killed_mid_swap_gets_its_previous_site_back() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("output");
        // What a kill between the two renames leaves: the old site set
        // aside by a process that no longer runs, and no output folder.
        let old = tmp.path().join(".output.old-999999999");
        fs::create_dir_all(&old).unwrap();
        guard::mark(&old, "").unwrap();
        let staging = tmp.path().join(".output.staging-999999999");
        fs::create_dir_all(&staging).unwrap();
        guard::mark(&staging, "").unwrap();
        fs::write(old.join("index.html"), "previous").unwrap();
        let s = Staging::new(&out, &Guard::new(tmp.path(), false)).unwrap();
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
        assert!(Staging::new(&tmp.path().join("content"), &Guard::new(tmp.path(), false)).is_err());
        assert!(Staging::new(tmp.path(), &Guard::new(tmp.path(), false)).is_err());
    }

    #[test]
    fn folders_that_only_look_like_leftovers_are_left_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("output");
        // Named as a dead build's leftovers would be, but not marked.
        let lookalikes = [
            ".output.old-backup",
            ".output.staging-999999998",
            ".output.old-999999998",
            ".output.previous",
        ];
        for name in lookalikes {
            let dir = tmp.path().join(name);
            fs::create_dir_all(&dir).unwrap();
            fs::write(dir.join("mine.txt"), name).unwrap();
        }
        for _ in 0..2 {
            let s = Staging::new(&out, &Guard::new(tmp.path(), false)).unwrap();
            s.write("index.html", b"site").unwrap();
            s.commit().unwrap();
        }
        for name in lookalikes {
            let kept = fs::read_to_string(tmp.path().join(name).join("mine.txt"));
            assert_eq!(kept.unwrap(), name);
        }
    }

    #[test]
    fn a_folder_quorum_did_not_make_is_never_replaced_without_force() {
        let tmp = tempfile::tempdir().unwrap();
        let theirs = tmp.path().join("U");
        fs::create_dir_all(&theirs).unwrap();
        fs::write(theirs.join("thesis.txt"), "x").unwrap();
        let archive = tmp.path().join("archive");
        assert!(Staging::new(&theirs, &Guard::new(&archive, false)).is_err());
        assert_eq!(fs::read_to_string(theirs.join("thesis.txt")).unwrap(), "x");
        assert_eq!(names(tmp.path()), ["U"]);
    }

    #[test]
    fn a_page_no_longer_published_is_not_kept_in_the_previous_site() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("output");
        let guard = Guard::new(tmp.path(), false);
        let build = |pages: &[(&str, &str)]| {
            let s = Staging::new(&out, &guard).unwrap();
            for (rel, text) in pages {
                s.write(rel, text.as_bytes()).unwrap();
            }
            s.commit().unwrap();
        };
        build(&[("index.html", "home"), ("secret/index.html", "exempt now")]);
        build(&[("index.html", "home")]);
        let previous = tmp.path().join(".output.previous");
        assert_eq!(files(&previous), [MARKER, "index.html"]);
        // A failed build's pages never reach the kept tree either.
        {
            let s = Staging::new(&out, &guard).unwrap();
            s.write("draft/index.html", b"draft").unwrap();
            s.write("index.html", b"home").unwrap();
        }
        assert_eq!(files(&previous), [MARKER, "index.html"]);
    }

    #[test]
    fn a_live_change_leaves_no_stale_copy_in_the_previous_site() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("output");
        let guard = Guard::new(tmp.path(), false);
        for _ in 0..2 {
            let s = Staging::new(&out, &guard).unwrap();
            s.write("a/index.html", b"public").unwrap();
            s.commit().unwrap();
        }
        let previous = tmp.path().join(".output.previous");
        assert!(previous.join("a/index.html").exists());
        remove_file(&out, "a/index.html").unwrap();
        assert!(!previous.join("a/index.html").exists());
        assert!(Manifest::read(&out).is_none(), "the listing is stale now");
    }

    #[test]
    fn an_old_site_left_after_the_swap_never_comes_back() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("output");
        // Killed while pruning: the swap was done, so no staging folder.
        let old = tmp.path().join(".output.old-999999999");
        fs::create_dir_all(&old).unwrap();
        guard::mark(&old, "").unwrap();
        fs::write(old.join("index.html"), "withheld since").unwrap();
        drop(Staging::new(&out, &Guard::new(tmp.path(), false)).unwrap());
        assert!(!old.exists());
        assert!(!out.join("index.html").exists());
    }

    #[test]
    fn leftovers_under_this_process_id_do_not_block_builds() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("output");
        let guard = Guard::new(tmp.path(), false);
        let s = Staging::new(&out, &guard).unwrap();
        s.write("index.html", b"1").unwrap();
        s.commit().unwrap();
        // What a process with the same id, killed mid-commit, left.
        let old = sibling(&out, &format!("old-{}", std::process::id()));
        fs::create_dir_all(&old).unwrap();
        guard::mark(&old, "").unwrap();
        fs::write(old.join("page.html"), "x").unwrap();
        let unmarked = sibling(&out, &format!("staging-{}", std::process::id()));
        fs::create_dir_all(&unmarked).unwrap();
        let s = Staging::new(&out, &guard).unwrap();
        s.write("index.html", b"2").unwrap();
        s.commit().unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "2");
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_in_the_previous_site_is_not_written_over() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("output");
        let spare = tmp.path().join(".output.previous");
        fs::create_dir_all(&spare).unwrap();
        guard::mark(&spare, "").unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(spare.join("style.css"))
            .status();
        assert!(made.unwrap().success());
        // Writing over the pipe would wait for a reader forever.
        let s = Staging::new(&out, &Guard::new(tmp.path(), false)).unwrap();
        s.write("style.css", b"body {}").unwrap();
        s.commit().unwrap();
        assert_eq!(
            fs::read_to_string(out.join("style.css")).unwrap(),
            "body {}"
        );
    }

    /// The output of one build of `files` (path, bytes) into `out`.
    fn build_files(out: &Path, guard: &Guard, files: &[(&str, &str)]) {
        let s = Staging::new(out, guard).unwrap();
        for (rel, text) in files {
            s.write(rel, text.as_bytes()).unwrap();
        }
        s.commit().unwrap();
    }

    /// A build started over the tree kept beside `out`, told that its file
    /// at `rel` holds what hashes to `hash` in `len` bytes, as `trust`
    /// would tell it after a seal.
    fn vouched(out: &Path, guard: &Guard, rel: &str, hash: Hash, len: u64) -> Staging {
        let mut s = Staging::new(out, guard).unwrap();
        assert!(s.reused());
        s.trusted.insert(rel.to_owned(), (hash, len));
        s
    }

    #[test]
    fn a_file_the_kept_tree_vouches_for_is_taken_unread() {
        let tmp = tempfile::tempdir().unwrap();
        let (out, guard) = (tmp.path().join("output"), Guard::new(tmp.path(), false));
        let previous = tmp.path().join(".output.previous");
        let page = [("a/index.html", "same")];
        build_files(&out, &guard, &page);
        build_files(&out, &guard, &page);
        // Changed here to show it is not read (had it been, it would have
        // been put right).
        fs::write(previous.join("a/index.html"), "SAME").unwrap();
        let s = vouched(
            &out,
            &guard,
            "a/index.html",
            trust::content_hash(b"same"),
            4,
        );
        s.write("a/index.html", b"same").unwrap();
        assert_eq!(s.unread(), 1);
        s.commit().unwrap();
        assert_eq!(
            fs::read_to_string(out.join("a/index.html")).unwrap(),
            "SAME"
        );
        // Vouched for other bytes, or another size, it is read and written.
        build_files(&out, &guard, &page);
        fs::write(previous.join("a/index.html"), "SAME").unwrap();
        let s = vouched(
            &out,
            &guard,
            "a/index.html",
            trust::content_hash(b"same"),
            5,
        );
        s.write("a/index.html", b"same").unwrap();
        assert_eq!(s.unread(), 0);
        s.commit().unwrap();
        assert_eq!(
            fs::read_to_string(out.join("a/index.html")).unwrap(),
            "same"
        );
    }

    #[test]
    fn a_page_changed_by_hand_is_read_back_and_put_right() {
        let tmp = tempfile::tempdir().unwrap();
        let (out, guard) = (tmp.path().join("output"), Guard::new(tmp.path(), false));
        let previous = tmp.path().join(".output.previous");
        let page = [("a/index.html", "same")];
        build_files(&out, &guard, &page);
        build_files(&out, &guard, &page);
        // In the kept tree...
        fs::write(previous.join("a/index.html"), "SAME").unwrap();
        build_files(&out, &guard, &page);
        assert_eq!(
            fs::read_to_string(out.join("a/index.html")).unwrap(),
            "same"
        );
        // ...or in the published site, which is kept in its turn.
        fs::write(out.join("a/index.html"), "SAME").unwrap();
        std::thread::sleep(trust::MARGIN * 2);
        build_files(&out, &guard, &page);
        build_files(&out, &guard, &page);
        assert_eq!(
            fs::read_to_string(out.join("a/index.html")).unwrap(),
            "same"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn files_unchanged_since_a_seal_are_taken_unread_by_the_build_after_next() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(trust::keeps_ctime(tmp.path()));
        let (out, guard) = (tmp.path().join("output"), Guard::new(tmp.path(), false));
        let pages = [("a/index.html", "a"), ("b/index.html", "b")];
        let build = |pages: &[(&str, &str)]| {
            let s = Staging::new(&out, &guard).unwrap();
            for (rel, text) in pages {
                s.write(rel, text.as_bytes()).unwrap();
            }
            let unread = s.unread();
            s.commit().unwrap();
            std::thread::sleep(trust::MARGIN * 2);
            unread
        };
        // The first two trees are written new; the third build finds the
        // first one's files written before its seal, and so on.
        assert_eq!(build(&pages), 0);
        assert_eq!(build(&pages), 0);
        build(&pages);
        build(&pages);
        assert_eq!(build(&pages), 2);
        // A page that changed is written; the kept tree's listing vouches
        // for its new bytes only once a seal has passed over them.
        assert_eq!(build(&[("a/index.html", "A"), ("b/index.html", "b")]), 1);
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "A");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_kept_tree_is_judged_by_its_own_listing_not_the_published_one() {
        let tmp = tempfile::tempdir().unwrap();
        let (out, guard) = (tmp.path().join("output"), Guard::new(tmp.path(), false));
        for _ in 0..4 {
            build_files(&out, &guard, &[("a/index.html", "x")]);
            std::thread::sleep(trust::MARGIN * 2);
        }
        // The output is replaced by another site (a backup put back, a
        // build from elsewhere, or a second build that committed first),
        // whose listing says "y" is at a/index.html; the kept tree holds "x".
        let mut files = FxHashMap::default();
        files.insert("a/index.html".to_owned(), trust::content_hash(b"y"));
        // Sealed as late as the kept tree's own listing was written.
        let kept_marker = tmp.path().join(".output.previous").join(MARKER);
        let sealed = trust::stamp(&fs::symlink_metadata(kept_marker).unwrap()).unwrap();
        let foreign = Manifest::new(files, Vec::new()).sealed_at(Some(sealed.changed));
        guard::mark(&out, &foreign.to_text()).unwrap();
        let s = Staging::new(&out, &guard).unwrap();
        s.write("a/index.html", b"y").unwrap();
        assert_eq!(s.unread(), 0);
        s.commit().unwrap();
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "y");
    }

    #[test]
    fn a_joined_file_is_known_unchanged_by_its_pieces_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let (out, guard) = (tmp.path().join("output"), Guard::new(tmp.path(), false));
        let previous = tmp.path().join(".output.previous");
        let pieces = [Piece::File("a.json"), Piece::Bytes(b"tail\n")];
        for _ in 0..2 {
            let s = Staging::new(&out, &guard).unwrap();
            s.write("a.json", b"a\n").unwrap();
            s.join("all.ndjson", pieces.into_iter()).unwrap();
            s.commit().unwrap();
        }
        fs::write(previous.join("all.ndjson"), "A\ntail\n").unwrap();
        let mut s = vouched(&out, &guard, "-", 0, 0);
        s.write("a.json", b"a\n").unwrap();
        let (hash, len) = s.joined_hash(pieces.into_iter()).unwrap();
        assert_eq!(len, 7);
        s.trusted.insert("all.ndjson".to_owned(), (hash, len));
        s.join("all.ndjson", pieces.into_iter()).unwrap();
        s.commit().unwrap();
        let read = |rel: &str| fs::read_to_string(out.join(rel)).unwrap();
        assert_eq!(read("all.ndjson"), "A\ntail\n", "taken unread");
        // A piece that changed changes the hash.
        let s = vouched(&out, &guard, "all.ndjson", hash, len);
        s.write("a.json", b"b\n").unwrap();
        s.join("all.ndjson", pieces.into_iter()).unwrap();
        assert_eq!(s.unread(), 0);
        s.commit().unwrap();
        assert_eq!(read("all.ndjson"), "b\ntail\n");
    }

    #[cfg(unix)]
    #[test]
    fn a_source_rewritten_with_its_old_size_and_time_is_copied_again() {
        let tmp = tempfile::tempdir().unwrap();
        let (out, guard) = (tmp.path().join("output"), Guard::new(tmp.path(), false));
        let source = tmp.path().join("minutes.pdf");
        fs::write(&source, "version 1").unwrap();
        for _ in 0..2 {
            let s = Staging::new(&out, &guard).unwrap();
            s.copy("minutes.pdf", &source).unwrap();
            s.commit().unwrap();
        }
        let (identity, len) = file_identity(&source);
        // Redacted in place with the same size, its time set back (as
        // `cp -p` or `touch -r` do): only the ctime tells, and does.
        let modified = fs::metadata(&source).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(&source, "version 2").unwrap();
        let file = fs::File::options().write(true).open(&source).unwrap();
        file.set_modified(modified).unwrap();
        let s = vouched(&out, &guard, "minutes.pdf", identity, len);
        s.copy("minutes.pdf", &source).unwrap();
        assert_eq!(s.unread(), 0);
        s.commit().unwrap();
        assert_eq!(
            fs::read_to_string(out.join("minutes.pdf")).unwrap(),
            "version 2"
        );
    }
}
