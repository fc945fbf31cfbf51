//! A PDF's words, page by page, read against a deadline: in a process of
//! its own when the `quorum` program is at hand, else on a thread.
//!
//! A PDF reader can be made to fail in ways a thread does not contain: a
//! drawing that contains itself recurses until the stack overflows, which
//! aborts the whole process, and a compressed stream can expand to
//! gigabytes. In a child process (`quorum read-pdf-text`, which reads the
//! PDF on its standard input and writes its words as JSON) with a memory
//! limit and killed at the deadline, such a file is a warning, and the
//! build or `quorum serve` goes on. Starting a process costs about a
//! millisecond a PDF (see `read_in_process`), and only PDFs not in the
//! cache are read.

use std::cell::RefCell;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use lopdf::{Document, Object};
use pdf_extract::{MediaBox, OutputDev, OutputError, PlainTextOutput, Transform};

use super::{FileText, Problem, with_problem};

/// The name of the threads PDFs are read on: `main` keeps the panics of
/// the PDF reader on them off the terminal (each is a warning instead).
pub const THREAD_NAME: &str = "quorum-pdf-text";

/// The subcommand of `quorum` that reads one PDF (hidden from its help).
pub const READER_COMMAND: &str = "read-pdf-text";

/// How long past its own deadline a reader is waited for: the deadline is
/// checked between characters, and a reader stuck before the first one
/// (parsing a damaged file) is given up on after this.
const GRACE: Duration = Duration::from_secs(2);

/// The longest a reading may be given (a larger setting is this).
const MAX_TIME: Duration = Duration::from_secs(24 * 3600);

/// The memory a reading process may take, besides twice the file.
const READER_MEMORY: u64 = 2 << 30;

/// What a reading gave, and whether it says something of the file (and
/// may be kept): a reader that could not be started, or was waited for
/// in vain, says nothing of it.
pub struct Outcome {
    pub text: FileText,
    pub of_the_file: bool,
}

/// Reads `data` as a PDF in at most `max_time` (and [`GRACE`]): with
/// `reader` (the `quorum` program) in a child process, else on a thread.
pub fn read_with(data: Vec<u8>, max_time: Duration, reader: Option<&Path>) -> Outcome {
    let max_time = max_time.min(MAX_TIME);
    match reader {
        Some(program) => read_in_process(program, data, max_time),
        None => read_on_thread(data, max_time),
    }
}

/// Reads `data` on a thread of its own (what a library user gets).
pub fn read(data: Vec<u8>, max_time: Duration) -> FileText {
    read_with(data, max_time, None).text
}

fn read_on_thread(data: Vec<u8>, max_time: Duration) -> Outcome {
    let (sender, receiver) = mpsc::channel();
    let deadline = Instant::now() + max_time;
    let spawned = std::thread::Builder::new()
        .name(THREAD_NAME.to_owned())
        // Deeply nested objects are parsed by recursion: room for them
        // (only the pages used are taken from the system).
        .stack_size(READER_STACK)
        .spawn(move || {
            // The receiver may have given up; nothing to tell then.
            let _ = sender.send(read_here(&data, deadline, max_time));
        });
    if let Err(e) = spawned {
        return not_of_the_file(damaged(format!("no thread to read it on: {e}")));
    }
    match receiver.recv_timeout(max_time + GRACE) {
        Ok(text) => of_the_file(text),
        // A reader that never reached a page: it is left to finish on its
        // own (a thread cannot be stopped) and its result is dropped.
        Err(mpsc::RecvTimeoutError::Timeout) => not_of_the_file(timed_out(max_time)),
        // The reader panicked: the file is not what a PDF should be.
        Err(mpsc::RecvTimeoutError::Disconnected) => of_the_file(reader_failed()),
    }
}

/// The stack of a thread that reads a PDF.
const READER_STACK: usize = 256 << 20;

fn read_in_process(program: &Path, data: Vec<u8>, max_time: Duration) -> Outcome {
    // The reader limits its own memory (`serve_one`): a limit set between
    // fork and exec would make the standard library fork this whole
    // process for each PDF, where without one it spawns the reader
    // directly (posix_spawn). With that, and its end waited for rather
    // than looked for, reading 1,000 ten-page PDFs in processes took 0.5-1.7
    // s more than on threads (2 cores), against 4.0-4.8 s before.
    let mut command = Command::new(program);
    command
        .arg(READER_COMMAND)
        .arg(max_time.as_millis().to_string())
        .arg((READER_MEMORY + 2 * data.len() as u64).to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = match command.spawn() {
        Ok(child) => child,
        // The program may be gone (replaced while `quorum serve` ran):
        // a thread still reads it, if less safely.
        Err(_) => return read_on_thread(data, max_time),
    };
    if let Some(mut stdin) = child.stdin.take() {
        // A reader that died early closes the pipe: its status says why.
        // It reads all of its input before it answers, so nothing needs
        // to drain its answer meanwhile.
        let _ = stdin.write_all(&data);
    }
    // Drained and waited for on a thread of its own, so that its end is
    // seen at once (looking every few milliseconds cost about as much as
    // a reading) and a full pipe never stops it.
    let id = child.id();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(child.wait_with_output());
    });
    let output = match receiver.recv_timeout(max_time + GRACE) {
        Ok(output) => output.ok(),
        Err(_) => {
            kill(id);
            // Reaped by its waiting thread.
            let _ = receiver.recv();
            None
        }
    };
    match output {
        // Stopped from outside, as a thread that never answered is: that
        // says as little of the file as of how busy the machine was.
        None => not_of_the_file(timed_out(max_time)),
        Some(output) if output.status.success() => {
            match serde_json::from_slice::<FileText>(&output.stdout) {
                Ok(text) => of_the_file(text),
                Err(e) => not_of_the_file(damaged(format!("the reader's answer was garbled: {e}"))),
            }
        }
        // It crashed: out of stack or of memory, or a panic.
        Some(_) => of_the_file(reader_failed()),
    }
}

/// Stops the reading process `id` (still a child, unreaped: its waiting
/// thread reaps it).
#[cfg(unix)]
fn kill(id: u32) {
    if let Ok(pid) = libc::pid_t::try_from(id) {
        // SAFETY: a plain system call on a child process of ours.
        unsafe {
            libc::kill(pid, libc::SIGKILL);
        }
    }
}

#[cfg(not(unix))]
fn kill(_id: u32) {}

/// Keeps this process within `bytes` of memory (address space): what a
/// decompression bomb asks for beyond it fails, and the reader with it.
#[cfg(unix)]
fn limit_memory(bytes: u64) -> std::io::Result<()> {
    let limit = libc::rlimit {
        rlim_cur: bytes as libc::rlim_t,
        rlim_max: bytes as libc::rlim_t,
    };
    // SAFETY: a plain system call with a valid pointer to a local value.
    if unsafe { libc::setrlimit(libc::RLIMIT_AS, &limit) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(not(unix))]
fn limit_memory(_bytes: u64) -> std::io::Result<()> {
    Ok(())
}

/// What `quorum read-pdf-text` does: within `memory` bytes, reads the PDF
/// on `input`, and writes its words as JSON on `output`.
pub fn serve_one(
    input: &mut dyn Read,
    output: &mut dyn Write,
    max_time: Duration,
    memory: u64,
) -> std::io::Result<()> {
    limit_memory(memory)?;
    let mut data = Vec::new();
    input.read_to_end(&mut data)?;
    let deadline = Instant::now() + max_time.min(MAX_TIME);
    let text = read_here(&data, deadline, max_time);
    serde_json::to_writer(&mut *output, &text)?;
    output.flush()
}

fn of_the_file(text: FileText) -> Outcome {
    Outcome {
        text,
        of_the_file: true,
    }
}

fn not_of_the_file(text: FileText) -> Outcome {
    Outcome {
        text,
        of_the_file: false,
    }
}

fn timed_out(max_time: Duration) -> FileText {
    with_problem(Problem::TimedOut {
        seconds: max_time.as_secs(),
    })
}

fn damaged(detail: String) -> FileText {
    with_problem(Problem::Damaged { detail })
}

/// What a reader that panicked or crashed says of the file.
fn reader_failed() -> FileText {
    damaged("the PDF reader could not make sense of it".to_owned())
}

/// Reads `data` on this thread, stopping at `deadline`.
fn read_here(data: &[u8], deadline: Instant, max_time: Duration) -> FileText {
    let doc = match Document::load_mem(data) {
        Ok(doc) => doc,
        Err(e) => return damaged(e.to_string()),
    };
    // Many PDFs are encrypted only to restrict printing or copying, with
    // an empty password to open them: lopdf opens those as it loads them
    // (and keeps how); one it could not open needs a password.
    if doc.is_encrypted() && doc.encryption_state.is_none() {
        return with_problem(Problem::Encrypted);
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
    let lower = title.to_lowercase();
    let generated = ["untitled", "microsoft word -", ".doc", ".pdf"]
        .iter()
        .any(|junk| lower.contains(junk));
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
