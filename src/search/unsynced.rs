//! The index folder as `quorum serve` updates it after each edit: tantivy's
//! own `MmapDirectory`, except that files are not flushed to the disk
//! (`fsync`) before the update is made visible.
//!
//! Why: a live edit commits one small segment, and tantivy syncs each of
//! its files, the new `meta.json` and the folder. On this project's 2-core
//! machine, under disk load, that was half of a words edit's time (the
//! index step took 30.7 ms median with syncing turned off by `eatmydata`,
//! 60-100 ms with it, 9 edits each at 10,000 items). Durability is not
//! needed here: `quorum serve` rebuilds the whole site and index when it
//! starts, and a full `quorum build` keeps tantivy's syncing. Atomicity is
//! kept: `meta.json` is still replaced by a rename, so a reader sees the
//! index before or after the edit, never half of it.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    AntiCallToken, Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, TerminatingWrite,
    WatchCallback, WatchHandle, WritePtr,
};

/// `MmapDirectory` without `fsync`.
#[derive(Clone, Debug)]
pub struct Unsynced {
    inner: MmapDirectory,
    root: PathBuf,
}

impl Unsynced {
    pub fn open(root: &Path) -> tantivy::Result<Unsynced> {
        let inner = MmapDirectory::open(root).map_err(tantivy::TantivyError::from)?;
        Ok(Unsynced {
            inner,
            root: root.to_owned(),
        })
    }
}

/// A new index file, written through but never synced.
struct NewFile(std::fs::File);

impl Write for NewFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl TerminatingWrite for NewFile {
    fn terminate_ref(&mut self, _: AntiCallToken) -> io::Result<()> {
        self.0.flush()
    }
}

impl Directory for Unsynced {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        // As MmapDirectory: a file is written once, never replaced.
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(self.root.join(path))
            .map_err(|e| match e.kind() {
                io::ErrorKind::AlreadyExists => OpenWriteError::FileAlreadyExists(path.to_owned()),
                _ => OpenWriteError::wrap_io_error(e, path.to_owned()),
            })?;
        Ok(BufWriter::new(Box::new(NewFile(file))))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        let target = self.root.join(path);
        let mut temp = tempfile::NamedTempFile::new_in(&self.root)?;
        temp.write_all(data)?;
        temp.persist(target).map_err(|e| e.error)?;
        Ok(())
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::document::Document;
    use tantivy::schema::{STORED, Schema, TEXT};
    use tantivy::{Index, IndexWriter, TantivyDocument, doc};

    /// Documents committed through it are there for a reader of the same
    /// folder through tantivy's own directory, as after a synced commit.
    #[test]
    fn a_commit_through_it_is_read_back_by_a_plain_index() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut schema = Schema::builder();
        let title = schema.add_text_field("title", TEXT | STORED);
        let schema = schema.build();
        Index::create_in_dir(dir.path(), schema.clone()).expect("index");
        let index = Index::open(Unsynced::open(dir.path()).expect("dir")).expect("open");
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).expect("w");
        writer
            .add_document(doc!(title => "fostering allowances"))
            .expect("add");
        writer.commit().expect("commit");
        drop(writer);
        let plain = Index::open_in_dir(dir.path()).expect("reopen");
        let searcher = plain.reader().expect("reader").searcher();
        assert_eq!(searcher.num_docs(), 1);
        let stored: TantivyDocument = searcher
            .doc(tantivy::DocAddress::new(0, 0))
            .expect("stored");
        let json = stored.to_json(&schema);
        assert!(json.contains("fostering allowances"), "{json}");
    }
}
