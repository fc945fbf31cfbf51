//! A PDF's words, page by page, read on a thread of its own against a
//! deadline.

use std::cell::RefCell;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use lopdf::{Document, Object};
use pdf_extract::{MediaBox, OutputDev, OutputError, PlainTextOutput, Transform};

use super::{FileText, Problem};

/// The name of the threads PDFs are read on: `main` keeps the panics of
/// the PDF reader on them off the terminal (each is a warning instead).
pub const THREAD_NAME: &str = "quorum-pdf-text";

/// How long past its own deadline a reading thread is waited for: the
/// deadline is checked between characters, and a reader stuck before the
/// first one (parsing a damaged file) is given up on after this.
const GRACE: Duration = Duration::from_secs(2);

/// Reads `data` as a PDF, in at most `max_time` (and [`GRACE`]).
pub fn read(data: Vec<u8>, max_time: Duration) -> FileText {
    let (sender, receiver) = mpsc::channel();
    let deadline = Instant::now() + max_time;
    let spawned = std::thread::Builder::new()
        .name(THREAD_NAME.to_owned())
        .spawn(move || {
            // The receiver may have given up; nothing to tell then.
            let _ = sender.send(read_here(&data, deadline, max_time));
        });
    if let Err(e) = spawned {
        let detail = format!("no thread to read it on: {e}");
        return damaged(detail);
    }
    match receiver.recv_timeout(max_time + GRACE) {
        Ok(text) => text,
        // A reader that never reached a page: it is left to finish on its
        // own (a thread cannot be stopped) and its result is dropped.
        Err(mpsc::RecvTimeoutError::Timeout) => FileText {
            problem: Some(Problem::TimedOut {
                seconds: max_time.as_secs(),
            }),
            ..FileText::default()
        },
        // The reader panicked: the file is not what a PDF should be.
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            damaged("the PDF reader could not make sense of it".to_owned())
        }
    }
}

fn damaged(detail: String) -> FileText {
    FileText {
        problem: Some(Problem::Damaged { detail }),
        ..FileText::default()
    }
}

/// Reads `data` on this thread, stopping at `deadline`.
fn read_here(data: &[u8], deadline: Instant, max_time: Duration) -> FileText {
    let mut doc = match Document::load_mem(data) {
        Ok(doc) => doc,
        Err(e) => return damaged(e.to_string()),
    };
    // Many PDFs are encrypted only to restrict printing or copying, with
    // an empty password to open them: those are read.
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return FileText {
            problem: Some(Problem::Encrypted),
            ..FileText::default()
        };
    }
    let title = title(&doc);
    let pages = RefCell::new(Vec::new());
    let (outcome, timed_out) = {
        let mut sink = PageSink { pages: &pages };
        let mut paged = Paged {
            inner: PlainTextOutput::new(&mut sink as &mut dyn std::io::Write),
            pages: &pages,
            deadline,
            timed_out: false,
            characters: 0,
        };
        (pdf_extract::output_doc(&doc, &mut paged), paged.timed_out)
    };
    let pages: Vec<String> = pages.into_inner().iter().map(|p| tidy(p)).collect();
    let problem = match outcome {
        _ if timed_out => Some(Problem::TimedOut {
            seconds: max_time.as_secs(),
        }),
        Err(e) => Some(Problem::Damaged {
            detail: e.to_string(),
        }),
        Ok(()) if pages.is_empty() => Some(Problem::Damaged {
            detail: "no pages were found in it".to_owned(),
        }),
        Ok(()) if pages.iter().all(|p| p.is_empty()) => Some(Problem::NoTextLayer),
        Ok(()) => None,
    };
    FileText {
        title,
        pages,
        problem,
    }
}

/// The title in the document's information dictionary, if it gives a
/// useful one (word processors fill it with the file name of the draft).
fn title(doc: &Document) -> Option<String> {
    let info = doc.trailer.get(b"Info").ok()?;
    let (_, info) = doc.dereference(info).ok()?;
    let title = info.as_dict().ok()?.get(b"Title").ok()?;
    let (_, title) = doc.dereference(title).ok()?;
    let title = match title {
        Object::String(..) => lopdf::decode_text_string(title).ok()?,
        _ => return None,
    };
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    let generated = ["untitled", "microsoft word -", ".doc", ".pdf"]
        .iter()
        .any(|junk| title.to_lowercase().contains(junk));
    (!title.is_empty() && !generated).then_some(title)
}

/// A page's text with its lines' trailing spaces and its blank lines at
/// either end removed.
fn tidy(page: &str) -> String {
    let lines: Vec<&str> = page.lines().map(str::trim_end).collect();
    lines.join("\n").trim().to_owned()
}

/// Where `pdf-extract`'s plain text goes: the page being read.
struct PageSink<'a> {
    pages: &'a RefCell<Vec<String>>,
}

impl std::io::Write for PageSink<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut pages = self.pages.borrow_mut();
        if pages.is_empty() {
            pages.push(String::new());
        }
        if let Some(page) = pages.last_mut() {
            page.push_str(&String::from_utf8_lossy(buf));
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `pdf-extract`'s plain-text output, cut into pages and stopped at the
/// deadline.
struct Paged<'a, 's> {
    inner: PlainTextOutput<&'s mut dyn std::io::Write>,
    pages: &'a RefCell<Vec<String>>,
    deadline: Instant,
    timed_out: bool,
    characters: u32,
}

/// Characters between looks at the clock (a look costs about as much as
/// placing a character).
const CLOCK_EVERY: u32 = 256;

impl Paged<'_, '_> {
    fn check_deadline(&mut self) -> Result<(), OutputError> {
        if Instant::now() < self.deadline {
            return Ok(());
        }
        self.timed_out = true;
        Err(OutputError::IoError(std::io::ErrorKind::TimedOut.into()))
    }
}

impl OutputDev for Paged<'_, '_> {
    fn begin_page(
        &mut self,
        page_num: u32,
        media_box: &MediaBox,
        art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.check_deadline()?;
        self.pages.borrow_mut().push(String::new());
        self.inner.begin_page(page_num, media_box, art_box)
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        self.inner.end_page()
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        self.characters = self.characters.wrapping_add(1);
        if self.characters.is_multiple_of(CLOCK_EVERY) {
            self.check_deadline()?;
        }
        self.inner
            .output_character(trm, width, spacing, font_size, char)
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        self.inner.begin_word()
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        self.inner.end_word()
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        self.inner.end_line()
    }
}
