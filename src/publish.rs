//! The one build step: given the model and a set of jobs (every file of
//! the site, or those an edit affects), render them, check their links and
//! write them. A full build and a live rebuild in `quorum serve` both run
//! it, so what they write cannot differ; every file of the site, copied
//! ones included, is a job of it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::diagnostic::Diagnostic;
use crate::linkcheck::LinkChecker;
use crate::model::Archive;
use crate::output::{self, OutputError, Staging};
use crate::reads::Read;
use crate::render::{self, Contents, PageJob, RenderedPage, Theme};

/// Where a step's files go.
pub trait Target: Sync {
    /// Writes `bytes` at the site path's file `rel` (no leading `/`).
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError>;
    /// Copies the file at `from` to `rel`.
    fn copy(&self, rel: &str, from: &Path) -> Result<(), OutputError>;
    /// Writes at `rel` the `pieces` one after another: files this step
    /// has written (by their output paths), or text.
    fn join(&self, rel: &str, pieces: &[Joined<'_>]) -> Result<(), OutputError>;
}

/// A piece of a joined file, by where it is in the output.
pub enum Joined<'a> {
    Output(String),
    Text(&'a str),
}

impl Target for Staging {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        Staging::write(self, rel, bytes)
    }

    fn copy(&self, rel: &str, from: &Path) -> Result<(), OutputError> {
        Staging::copy(self, rel, from)
    }

    fn join(&self, rel: &str, pieces: &[Joined<'_>]) -> Result<(), OutputError> {
        let pieces = pieces.iter().map(|p| match p {
            Joined::Output(path) => output::Piece::File(path),
            Joined::Text(text) => output::Piece::Bytes(text.as_bytes()),
        });
        Staging::join(self, rel, pieces)
    }
}

/// The output folder `quorum serve` shows, changed in place: files are
/// held until the whole step has succeeded, so a failed edit changes
/// nothing a reader sees.
pub struct LiveOutput {
    dir: PathBuf,
    held: Mutex<Vec<(String, Held)>>,
}

enum Held {
    Bytes(Vec<u8>),
    Copy(PathBuf),
}

impl LiveOutput {
    pub fn new(dir: PathBuf) -> LiveOutput {
        LiveOutput {
            dir,
            held: Mutex::new(Vec::new()),
        }
    }

    fn hold(&self, rel: &str, file: Held) {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        held.push((rel.to_owned(), file));
    }

    /// Puts every held file in place, each by an atomic rename, and
    /// removes the files at the site paths `gone`.
    pub fn commit(self, gone: &[String]) -> Result<(), OutputError> {
        let held = self.held.into_inner().unwrap_or_else(|e| e.into_inner());
        held.par_iter().try_for_each(|(rel, file)| match file {
            Held::Bytes(bytes) => output::replace_file(&self.dir, rel, bytes),
            Held::Copy(from) => output::replace_copy(&self.dir, rel, from),
        })?;
        for path in gone {
            output::remove_file(&self.dir, &render::output_path(path))?;
        }
        Ok(())
    }
}

impl Target for LiveOutput {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        self.hold(rel, Held::Bytes(bytes.to_vec()));
        Ok(())
    }

    fn copy(&self, rel: &str, from: &Path) -> Result<(), OutputError> {
        self.hold(rel, Held::Copy(from.to_owned()));
        Ok(())
    }

    /// The pieces this step changed are held, not yet written: they are
    /// read from what is held, the others from the folder shown.
    fn join(&self, rel: &str, pieces: &[Joined<'_>]) -> Result<(), OutputError> {
        let mut joined = Vec::new();
        {
            let held = self.held.lock().unwrap_or_else(|e| e.into_inner());
            let by_path: FxHashMap<&str, &[u8]> = (held.iter())
                .filter_map(|(path, file)| match file {
                    Held::Bytes(bytes) => Some((path.as_str(), bytes.as_slice())),
                    Held::Copy(_) => None,
                })
                .collect();
            for piece in pieces {
                match piece {
                    Joined::Text(text) => joined.extend_from_slice(text.as_bytes()),
                    Joined::Output(path) => match by_path.get(path.as_str()) {
                        Some(bytes) => joined.extend_from_slice(bytes),
                        None => output::read_back(&self.dir, path, &mut joined)?,
                    },
                }
            }
        }
        self.hold(rel, Held::Bytes(joined));
        Ok(())
    }
}

/// What a step did.
#[derive(Debug, Default)]
pub struct Published {
    /// Files made (pages, feeds and copies).
    pub files: usize,
    /// Bytes of the pages rendered (copies not counted).
    pub bytes: u64,
    /// What each file read of the model, by site path, when asked for.
    pub reads: Vec<(String, Vec<Read>)>,
}

/// One step over a resolved archive.
pub struct Step<'a> {
    pub archive: &'a Archive,
    pub theme: &'a Theme,
    /// The archive's folder, for naming files in diagnostics.
    pub root: &'a Path,
    /// The output folder, named when a file cannot be written.
    pub output: &'a Path,
    /// Where files go; `None` checks everything and writes nothing.
    pub target: Option<&'a dyn Target>,
    /// Keep what each file read (for `quorum serve`).
    pub keep_reads: bool,
}

impl<'a> Step<'a> {
    /// A step of `quorum serve`'s live site over `archive`, writing into
    /// `live` and keeping what each file read.
    pub fn live(
        archive: &'a Archive,
        theme: &'a Theme,
        root: &'a Path,
        live: &'a LiveOutput,
    ) -> Step<'a> {
        Step {
            archive,
            theme,
            root,
            output: &live.dir,
            target: Some(live),
            keep_reads: true,
        }
    }

    /// Renders `jobs`, checks the links of the pages among them against
    /// `site_files` (every file the finished site holds, as site paths)
    /// and writes them. `known` are the problems found before this step:
    /// a file with errors of its own is not reported again for its links.
    pub fn run(
        &self,
        jobs: &[PageJob],
        site_files: Arc<HashSet<String>>,
        known: &[Diagnostic],
    ) -> (Published, Vec<Diagnostic>) {
        let checker = LinkChecker::new(self.root, &self.archive.prefix, site_files)
            .skipping(self.archive.unloaded.clone());
        let bytes = AtomicU64::new(0);
        let reads = Mutex::new(Vec::new());
        // Files made of other files go second, once those are written.
        let (second, first): (Vec<PageJob>, Vec<PageJob>) =
            jobs.iter().partition(|job| job.joins_others());
        let sink = |page: RenderedPage| {
            if let Some(text) = page.text() {
                if page.is_html() {
                    checker.scan(&page.url, text, page.source.as_deref(), page.template);
                }
                bytes.fetch_add(text.len() as u64, Ordering::Relaxed);
            }
            self.write(&page)?;
            if self.keep_reads {
                let mut reads = reads.lock().unwrap_or_else(|e| e.into_inner());
                reads.push((page.url, page.reads));
            }
            Ok(())
        };
        let sink = &sink;
        let render =
            |jobs: &[PageJob]| render::render(self.archive, self.theme, self.root, jobs, sink);
        let mut problems = render(&first);
        if problems.is_empty() {
            problems = render(&second);
        }
        let errors: Vec<&Diagnostic> = known.iter().chain(&problems).collect();
        let links = checker.finish_except(&errors);
        problems.extend(links);
        let published = Published {
            files: jobs.len(),
            bytes: bytes.into_inner(),
            reads: reads.into_inner().unwrap_or_else(|e| e.into_inner()),
        };
        (published, problems)
    }

    fn write(&self, page: &RenderedPage) -> Result<(), Diagnostic> {
        let Some(target) = self.target else {
            return Ok(());
        };
        let rel = render::output_path(&page.url);
        match &page.contents {
            Contents::Text(text) => target.write(&rel, text.as_bytes()),
            Contents::Bytes(bytes) => target.write(&rel, bytes),
            Contents::File(from) => target.copy(&rel, from),
            Contents::Joined(pieces) => {
                let pieces: Vec<Joined> = (pieces.iter())
                    .map(|p| match p {
                        render::Piece::Output(path) => Joined::Output(render::output_path(path)),
                        render::Piece::Text(text) => Joined::Text(text),
                    })
                    .collect();
                target.join(&rel, &pieces)
            }
        }
        .map_err(|e| Diagnostic::error(self.output, e.to_string()))
    }
}

/// Every file a build of `archive` publishes (`paths`, from
/// [`render::page_paths`]), as site paths (`/a/b/`, `/style.css`): what the
/// link checker accepts as a target. With an error for each path two files
/// would be written at: whichever was written last would silently replace
/// the other (a committee folder named `topics` and the topics page).
pub fn site_files(
    archive: &Archive,
    paths: &[(PageJob, String)],
) -> (HashSet<String>, Vec<Diagnostic>) {
    let mut first: FxHashMap<&str, PageJob> = FxHashMap::default();
    let mut clashes = Vec::new();
    for (job, path) in paths {
        if let Some(&taken) = first.get(path.as_str()) {
            clashes.push(clash(archive, path, taken, *job));
        } else {
            first.insert(path, *job);
        }
    }
    // One error per file: a committee named `decisions` takes /decisions/,
    // its feed and every page of its meetings list.
    let mut named = HashSet::new();
    clashes.retain(|d: &Diagnostic| named.insert(d.path.clone()));
    (first.into_keys().map(str::to_owned).collect(), clashes)
}

/// Two jobs at one path, in the words of the content that caused it.
fn clash(archive: &Archive, path: &str, a: PageJob, b: PageJob) -> Diagnostic {
    let content = |rel: &str| Path::new(crate::load::CONTENT_DIR).join(rel);
    match (
        render::job_source(archive, a),
        render::job_source(archive, b),
    ) {
        (Some(x), Some(y)) => Diagnostic::error(
            content(y),
            format!("pages of content/{x} and of content/{y} would both be published at {path}"),
        )
        .with_hint(
            "rename one of the two folders or files, so that each has an address of its own",
        ),
        (Some(x), None) | (None, Some(x)) => Diagnostic::error(
            content(x),
            format!(
                "a page of content/{x} would be published at {path}, \
                 where Quorum publishes a page of its own"
            ),
        )
        .with_hint("rename its folder or file, e.g. add a word to a committee folder's name"),
        (None, None) => Diagnostic::error(
            crate::load::CONTENT_DIR,
            format!("two of the site's own pages would be published at {path}"),
        ),
    }
}
