//! Opening a file of the archive to read it: only a regular file that is
//! really where its path says, never through a symbolic link, and never
//! more than a set number of bytes. A link could publish any file on the
//! machine (`ln -s /etc/passwd`) or an exempt item's document; a pipe
//! would hang the build; a device (`/dev/zero`) would never end. The
//! check is made on the opened file, so nothing can be swapped in between.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// The folder of an archive that holds its content files.
pub const CONTENT_DIR: &str = "content";
/// Markdown files larger than this are refused rather than rendered.
pub const MAX_MARKDOWN_BYTES: u64 = 8 * 1024 * 1024;

/// Why a path is not read.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("is a symbolic link, and Quorum only publishes files that are really inside content/")]
    Link,
    #[error("is not an ordinary file (it is a pipe, a device or a socket)")]
    NotAFile,
    #[error("is larger than the {limit} bytes such a file may have")]
    TooLarge { limit: u64 },
    #[error("cannot be read: {0}")]
    Io(#[from] io::Error),
}

impl SourceError {
    /// What the clerk can do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            SourceError::Link => "copy the file into content/ instead of linking to it",
            SourceError::NotAFile => "remove it from content/",
            SourceError::TooLarge { .. } => {
                "split it into several documents, or attach it as a file (e.g. a PDF) instead"
            }
            SourceError::Io(_) => "check that the file exists and can be read",
        }
    }
}

/// Opens the regular file at `path`, refusing links and special files.
pub fn open(path: &Path) -> Result<File, SourceError> {
    open_checked(path).map(|(file, _)| file)
}

/// [`open`], with the file's metadata (read once, to check what it is).
fn open_checked(path: &Path) -> Result<(File, std::fs::Metadata), SourceError> {
    let file = open_no_follow(path).map_err(|e| match e.raw_os_error() {
        #[cfg(unix)]
        Some(libc::ELOOP) => SourceError::Link,
        _ => SourceError::Io(e),
    })?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(SourceError::NotAFile);
    }
    Ok((file, metadata))
}

#[cfg(unix)]
fn open_no_follow(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: opening a pipe with no writer would wait for one
    // forever; on a regular file the flag changes nothing.
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_no_follow(path: &Path) -> io::Result<File> {
    if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(io::Error::from_raw_os_error(0));
    }
    File::open(path)
}

/// Reads the regular file at `path`, at most `limit` bytes of it: the
/// limit is counted while reading, not taken from the file's stated size.
pub fn read(path: &Path, limit: u64) -> Result<Vec<u8>, SourceError> {
    read_dated(path, limit).map(|(bytes, _)| bytes)
}

/// [`read`], with when the file was last modified (seconds since 1970,
/// when the file system says).
pub fn read_dated(path: &Path, limit: u64) -> Result<(Vec<u8>, Option<i64>), SourceError> {
    let (file, metadata) = open_checked(path)?;
    let modified = (metadata.modified().ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64);
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(SourceError::TooLarge { limit });
    }
    Ok((bytes, modified))
}

/// Checks what `read` or `open` would refuse, without reading.
pub fn check(path: &Path) -> Result<u64, SourceError> {
    Ok(open(path)?.metadata()?.len())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn links_pipes_and_devices_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("real.md");
        std::fs::write(&real, "text").unwrap();
        assert_eq!(read(&real, 100).unwrap(), b"text");
        let link = tmp.path().join("link.md");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert!(matches!(read(&link, 100), Err(SourceError::Link)));
        let fifo = tmp.path().join("fifo.md");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success());
        assert!(matches!(read(&fifo, 100), Err(SourceError::NotAFile)));
        assert!(matches!(
            read(Path::new("/dev/zero"), 100),
            Err(SourceError::NotAFile)
        ));
        assert!(matches!(
            read(&real, 3),
            Err(SourceError::TooLarge { limit: 3 })
        ));
    }
}
