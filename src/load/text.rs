//! The words of attached files (PDF, plain text, CSV), read so that members
//! can search them and screen readers can read them: most of a council's
//! substance is in attached reports, not in its minutes.
//!
//! PDFs are read with `pdf-extract` (pure Rust, on `lopdf`; it places text
//! by its position on the page and decodes the font encodings and CMaps
//! real council PDFs use, where `lopdf`'s own text extraction reads only
//! simple encodings), page by page, against a deadline, in a process of
//! its own (see [`pdf`]), so that a damaged or hostile PDF costs at most
//! the time limit and a reader that fails is a warning, never a failed
//! build.
//!
//! What a PDF says is kept in a cache by the hash of its bytes (see
//! [`cache`]), outside the published site, so that a rebuild reads no
//! unchanged PDF again.
//!
//! Only attachments of published items are read: exempt items' files (and
//! drafts', without `--drafts`) are dropped before this stage, and so are
//! the files of an item that could not be read.

mod cache;
mod pdf;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::Attachment;
use crate::config::AttachmentsConfig;
use crate::diagnostic::Diagnostic;

pub use cache::Cache;
pub use pdf::THREAD_NAME as PDF_THREAD;
pub use pdf::{READER_COMMAND, read as read_pdf, serve_one as read_pdf_for_a_build};

/// How attached files are read.
#[derive(Debug, Clone, PartialEq)]
pub struct TextOptions {
    /// Where read text is kept between builds (`None`: not kept).
    pub cache_dir: Option<PathBuf>,
    /// Whether newly read text is put in the cache (`quorum check` writes
    /// nothing: it only reads what builds kept).
    pub keep: bool,
    /// Files larger than this are not read.
    pub max_bytes: u64,
    /// Reading one file stops after this long.
    pub max_time: Duration,
    /// The `quorum` program, to read each PDF in a process of its own
    /// (`None`: on a thread; see `pdf`).
    pub reader: Option<PathBuf>,
}

impl TextOptions {
    /// As `[attachments]` sets them, with the cache in `cache_dir`.
    pub fn new(config: &AttachmentsConfig, cache_dir: Option<PathBuf>) -> TextOptions {
        TextOptions {
            cache_dir,
            keep: true,
            max_bytes: config.text_max_mb.saturating_mul(1_000_000),
            max_time: Duration::from_secs(config.text_max_seconds),
            reader: None,
        }
    }
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions::new(&AttachmentsConfig::default(), None)
    }
}

/// The words of one attached file.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FileText {
    /// The title the file's own metadata gives, if any.
    pub title: Option<String>,
    /// The text of each page, in order (a text file is one page).
    pub pages: Vec<String>,
    /// Why some or all of its text could not be read.
    pub problem: Option<Problem>,
}

impl FileText {
    /// Whether any page has words.
    pub fn has_words(&self) -> bool {
        self.pages.iter().any(|p| !p.trim().is_empty())
    }
}

/// Why a file's text was not (all) read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Problem {
    /// Pages but no text on them: a scan.
    NoTextLayer,
    /// Protected by a password.
    Encrypted,
    /// Not readable as a PDF (after `pages` pages, when some were read).
    Damaged {
        detail: String,
    },
    /// Not readable at all (moved, or no permission).
    Unreadable {
        detail: String,
    },
    TooLarge {
        bytes: u64,
        limit: u64,
    },
    /// The time limit was reached; the pages read before it are kept.
    TimedOut {
        seconds: u64,
    },
}

impl Problem {
    /// The warning a build gives for `shown` (the file's path).
    pub fn warning(&self, shown: &Path, pages: usize) -> Diagnostic {
        let searchable = "it is published as it is, but its words cannot be searched";
        let (message, hint) = match self {
            Problem::NoTextLayer => (
                format!("this PDF has no text, only images of its pages (a scan): {searchable}"),
                "run it through OCR (for example `ocrmypdf scan.pdf report.pdf`) and attach the result".to_owned(),
            ),
            Problem::Encrypted => (
                format!("this PDF is protected by a password: {searchable}"),
                "attach a copy saved without a password".to_owned(),
            ),
            Problem::Unreadable { detail } => (
                format!("this file could not be read ({detail}), so its words cannot be searched"),
                "check that the file is there and can be read, then build again".to_owned(),
            ),
            Problem::Damaged { detail } if pages > 0 => (
                format!("reading this PDF stopped on page {pages} ({detail}): the pages before can be searched"),
                "open the file and save (or print) it again as PDF, and attach that".to_owned(),
            ),
            Problem::Damaged { detail } => (
                format!("this file could not be read as a PDF ({detail}): {searchable}"),
                "open the file and save (or print) it again as PDF, and attach that".to_owned(),
            ),
            Problem::TooLarge { bytes, limit } => (
                format!(
                    "this file is {} MB, over the {} MB limit for reading its text: {searchable}",
                    bytes.div_ceil(1_000_000),
                    limit / 1_000_000
                ),
                "raise `text_max_mb` under `[attachments]` in quorum.toml to read it".to_owned(),
            ),
            Problem::TimedOut { seconds } => (
                format!(
                    "reading this PDF took longer than {seconds} s: only its first {pages} pages can be searched"
                ),
                "raise `text_max_seconds` under `[attachments]` in quorum.toml to read all of it"
                    .to_owned(),
            ),
        };
        Diagnostic::warning(shown, message).with_hint(hint)
    }
}

/// What kind of file an attachment is, for reading its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Pdf,
    /// Plain text or CSV: read as it is.
    Plain,
}

/// Whether a file's words come in pages (a PDF's), so that a hit can
/// open it at one.
pub fn is_paged(name: &str) -> bool {
    matches!(kind_of(name), Some(Kind::Pdf))
}

fn kind_of(name: &str) -> Option<Kind> {
    let extension = Path::new(name).extension()?.to_str()?.to_ascii_lowercase();
    match extension.as_str() {
        "pdf" => Some(Kind::Pdf),
        "txt" | "csv" => Some(Kind::Plain),
        _ => None,
    }
}

/// How many files were read, and how many of those came from the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub read: usize,
    pub cached: usize,
}

/// Reads the words of each `published` attachment that has them and has
/// not been read (in parallel), into its `text`, with a warning for each
/// that could not be read whole.
pub fn read_all(
    attachments: &mut [Attachment],
    published: &(dyn Fn(&Attachment) -> bool + Sync),
    options: &TextOptions,
) -> (Counts, Vec<Diagnostic>) {
    let cache = options.cache_dir.as_deref().map(Cache::new);
    let results: Vec<Option<(FileText, bool)>> = attachments
        .par_iter()
        .map(|a| {
            (a.text.is_none() && kind_of(&a.rel).is_some() && published(a))
                .then(|| read_one(&a.source, &a.rel, a.bytes, options, cache.as_ref()))
                .flatten()
        })
        .collect();
    let mut counts = Counts::default();
    let mut warnings = Vec::new();
    for (a, result) in attachments.iter_mut().zip(results) {
        let Some((text, cached)) = result else {
            continue;
        };
        counts.read += 1;
        counts.cached += usize::from(cached);
        if let Some(problem) = &text.problem {
            let shown = Path::new(super::CONTENT_DIR).join(&a.rel);
            warnings.push(problem.warning(&shown, text.pages.len()));
        }
        a.text = Some(Arc::new(text));
    }
    (counts, warnings)
}

/// The words of the file at `path` (`rel` under content/, `bytes` long),
/// and whether they came from the cache; `None` for a kind of file that
/// has none.
fn read_one(
    path: &Path,
    rel: &str,
    bytes: u64,
    options: &TextOptions,
    cache: Option<&Cache>,
) -> Option<(FileText, bool)> {
    let kind = kind_of(rel)?;
    let too_large = |bytes| {
        let problem = Problem::TooLarge {
            bytes,
            limit: options.max_bytes,
        };
        Some((with_problem(problem), false))
    };
    if bytes > options.max_bytes {
        return too_large(bytes);
    }
    // Through `source`, which refuses a link or a pipe put there since the
    // walk, and reads no more than the limit.
    let data = match crate::source::read(path, options.max_bytes) {
        Ok(data) => data,
        // It grew since the walk measured it.
        Err(crate::source::SourceError::TooLarge { .. }) => {
            return too_large(options.max_bytes.saturating_add(1));
        }
        Err(e) => {
            let detail = e.to_string();
            return Some((with_problem(Problem::Unreadable { detail }), false));
        }
    };
    Some(match kind {
        Kind::Plain => (plain(&data), false),
        Kind::Pdf => {
            let key = Cache::key(&data);
            if let Some(text) = cache.and_then(|c| c.get(&key, options.max_time)) {
                return Some((text, true));
            }
            let read = pdf::read_with(data, options.max_time, options.reader.as_deref());
            if let Some(c) = cache.filter(|_| options.keep && read.of_the_file) {
                c.put(&key, &read.text, options.max_time);
            }
            (read.text, false)
        }
    })
}

/// A file's words that could not be read, and why.
fn with_problem(problem: Problem) -> FileText {
    FileText {
        problem: Some(problem),
        ..FileText::default()
    }
}

/// A text or CSV file's words, in whatever encoding (what is not UTF-8 is
/// read as Windows-1252 would show it, the usual encoding of old office
/// files, rather than refused).
fn plain(data: &[u8]) -> FileText {
    let text = match std::str::from_utf8(data) {
        Ok(text) => text.trim_start_matches('\u{feff}').to_owned(),
        Err(_) => data.iter().map(|&b| windows_1252(b)).collect(),
    };
    FileText {
        title: None,
        pages: vec![text],
        problem: None,
    }
}

/// A byte as Windows-1252 shows it (Latin-1 but for 0x80-0x9F).
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[usize::from(b - 0x80)],
        b => char::from(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_told_by_extension_in_any_case() {
        assert_eq!(kind_of("report.PDF"), Some(Kind::Pdf));
        assert_eq!(kind_of("figures.csv"), Some(Kind::Plain));
        assert_eq!(kind_of("notes.txt"), Some(Kind::Plain));
        assert_eq!(kind_of("photo.jpg"), None);
        assert_eq!(kind_of("README"), None);
    }

    #[test]
    fn plain_text_in_an_old_encoding_is_read_not_refused() {
        let text = plain(b"Budget \x80 2.1m \x96 agreed");
        assert_eq!(text.pages, ["Budget € 2.1m – agreed"]);
        let text = plain("\u{feff}Caf\u{e9}".as_bytes());
        assert_eq!(text.pages, ["Caf\u{e9}"]);
    }

    #[test]
    fn a_file_over_the_size_limit_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.pdf");
        std::fs::write(&path, b"%PDF-1.4 whatever").unwrap();
        let options = TextOptions {
            max_bytes: 10,
            ..TextOptions::default()
        };
        let (text, cached) = read_one(&path, "c/big.pdf", 17, &options, None).unwrap();
        assert!(!cached);
        assert!(text.pages.is_empty());
        assert_eq!(
            text.problem,
            Some(Problem::TooLarge {
                bytes: 17,
                limit: 10
            })
        );
    }
}
