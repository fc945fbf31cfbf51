//! The build orchestrator: load → resolve → render → write → link check →
//! index, in that order. It sequences the stages and holds no logic of its
//! own; every decision lives in the stage that owns it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::text::TextOptions;
use crate::load::{self, LoadOptions, Loaded};
use crate::model::Archive;
use crate::output::{Guard, OutputError, Staging};
use crate::publish::{self, Step, Target};
use crate::reads::Read;
use crate::render::{self, PageJob, Theme};
use crate::resolve;
use crate::search;
pub use crate::timing::Timing;

/// What to build, and where.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Default: `<root>/output`.
    pub output: Option<PathBuf>,
    /// Where the search index goes; overrides `[search] index_dir`.
    pub index: Option<PathBuf>,
    pub drafts: bool,
    /// Overrides `base_url` from quorum.toml.
    pub base_url: Option<String>,
    /// Replace an output or index folder that Quorum did not make.
    pub force: bool,
    /// What date the build takes as today.
    pub today: Today,
    /// The `quorum` program, to read each attached PDF in a process of
    /// its own (see `load::text`); `None` reads them on threads.
    pub pdf_reader: Option<PathBuf>,
    /// The site is served by `quorum serve`, which answers its searches
    /// (so `[search] server` is not where its pages send them).
    pub answers_search: bool,
    /// Write the static search bundle, as `[search] static = true` does.
    pub static_search: bool,
}

/// Where a build's date comes from: meetings after it are upcoming, and
/// open actions due before it overdue. Fixed by `--today` or the
/// reproducible-builds `SOURCE_DATE_EPOCH`, so a build can be repeated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Today {
    /// The clock's date in the archive's time zone.
    #[default]
    Clock,
    Date(chrono::NaiveDate),
    /// Seconds since 1970-01-01 UTC, read in the archive's time zone.
    Epoch(i64),
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> BuildOptions {
        BuildOptions {
            root: root.into(),
            output: None,
            index: None,
            drafts: false,
            base_url: None,
            force: false,
            today: Today::Clock,
            pdf_reader: None,
            answers_search: false,
            static_search: false,
        }
    }

    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("output"))
    }

    /// Where the search index lives: the options' `index`, else `[search]
    /// index_dir` from quorum.toml, else [`INDEX_DIR`] in the archive:
    /// outside the output folder, so that uploading the site uploads only
    /// the site.
    pub fn index_dir(&self, config: &Config) -> PathBuf {
        match (&self.index, &config.search.index_dir) {
            (Some(dir), _) => dir.clone(),
            (None, Some(dir)) => self.root.join(dir),
            (None, None) => self.root.join(INDEX_DIR),
        }
    }

    /// The folders this build writes, each guarded against the archive
    /// and the other.
    pub fn targets(&self, config: &Config) -> Targets {
        let site = Guard::new(&self.root, self.force);
        let index_dir = self.index_dir(config);
        let index = site
            .clone()
            .also(&self.output_dir(), "the site's output folder");
        Targets {
            site: site.also(&index_dir, "the search index folder"),
            index: (index_dir, index),
        }
    }
}

/// What the site's folder may replace, and where the index goes with what
/// its folder may replace: neither may write over the archive, nor over
/// the other.
pub struct Targets {
    pub site: Guard,
    pub index: (PathBuf, Guard),
}

/// Where the words read from attached PDFs are kept between builds,
/// relative to the archive root: outside the published site.
pub const TEXT_CACHE_DIR: &str = ".quorum/cache/text";

/// The index's folder, relative to the archive root, by default: beside
/// the text cache, not in the published site. (Before 2026-12 it was
/// `search-index/` inside the output folder; the first build that writes
/// it here leaves the site without it, as that folder was not listed as
/// published: see `output::manifest::prune_listed`.)
pub const INDEX_DIR: &str = ".quorum/search-index";

/// A finished build.
#[derive(Debug)]
pub struct BuildReport {
    pub archive: Archive,
    pub pages: usize,
    /// Assets and attachments copied.
    pub files: usize,
    pub bytes: u64,
    /// Documents in the search index.
    pub indexed: usize,
    /// Records in the static search bundle (none without one).
    pub bundled: usize,
    /// Files kept from the previous build without reading them back to
    /// compare (see `output::trust`).
    pub unread: usize,
    /// Attached files whose words were read, and how many of those came
    /// from the cache.
    pub texts: load::text::Counts,
    /// Warnings (a report never holds errors).
    pub diagnostics: Diagnostics,
    pub timings: Vec<Timing>,
    /// What each file of the site read of the model, by site path, and
    /// each search document, by URL (kept for `quorum serve` only).
    pub reads: Reads,
}

/// What a build's files and search documents read of the model.
#[derive(Debug, Default)]
pub struct Reads {
    pub files: Vec<(String, Vec<Read>)>,
    pub documents: Vec<(String, Vec<Read>)>,
}

/// A build that did not succeed: all its diagnostics, errors among them.
#[derive(Debug, thiserror::Error)]
#[error("the build failed with {} error(s)", .diagnostics.error_count())]
pub struct BuildFailure {
    pub diagnostics: Diagnostics,
}

impl From<Diagnostic> for BuildFailure {
    fn from(d: Diagnostic) -> Self {
        BuildFailure {
            diagnostics: std::iter::once(d).collect(),
        }
    }
}

/// The settings for a build: quorum.toml with the command line applied.
pub fn config(options: &BuildOptions) -> Result<Config, BuildFailure> {
    let mut config = Config::load(&options.root)?;
    if let Some(url) = &options.base_url {
        config = config.with_base_url(url)?;
    }
    config.today = build_date(&config, options.today)?;
    config.search.answered_here = options.answers_search;
    config.search.static_bundle |= options.static_search;
    Ok(config)
}

fn build_date(config: &Config, today: Today) -> Result<chrono::NaiveDate, Diagnostic> {
    let seconds = match today {
        Today::Date(date) => return Ok(date),
        Today::Epoch(seconds) => seconds,
        Today::Clock => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64),
    };
    config.date_at(seconds).ok_or_else(|| {
        Diagnostic::error(
            "SOURCE_DATE_EPOCH",
            format!("SOURCE_DATE_EPOCH ({seconds}) is not a date a calendar can show"),
        )
        .with_hint("set it to seconds since 1970, e.g. `date +%s`, or give --today YYYY-MM-DD")
    })
}

pub fn load_options(options: &BuildOptions, config: &Config) -> LoadOptions {
    let cache = options.root.join(TEXT_CACHE_DIR);
    LoadOptions {
        drafts: options.drafts,
        prefix: config.path_prefix(),
        text: TextOptions {
            reader: options.pdf_reader.clone(),
            ..TextOptions::new(&config.attachments, Some(cache))
        },
    }
}

/// Everything a build reads: settings, parsed content and the compiled
/// theme. Kept whole by `quorum serve` so an edit re-reads one file.
pub struct Sources {
    pub config: Config,
    pub loaded: Loaded,
    pub theme: Theme,
    pub diagnostics: Diagnostics,
}

/// The settings, with their mistakes. A quorum.toml with mistakes still
/// lets the content be checked, with a stand-in, so that every problem is
/// reported in one run.
fn settings(options: &BuildOptions) -> Result<(Config, Diagnostics), BuildFailure> {
    match config(options) {
        Ok(config) => Ok((config, Diagnostics::new())),
        Err(failure) if options.root.join(crate::config::CONFIG_FILE).is_file() => {
            Ok((Config::fallback(), failure.diagnostics))
        }
        Err(failure) => Err(failure),
    }
}

/// Reads content (in parallel) and the theme (alongside), with `config`
/// and the mistakes found in it so far; `write`: for a build that writes.
fn read_sources(
    options: &BuildOptions,
    (config, early): (Config, Diagnostics),
    write: bool,
) -> Result<Sources, BuildFailure> {
    let mut load_options = load_options(options, &config);
    // What is only checked leaves no trace, in the text cache either.
    load_options.text.keep = write;
    let (loaded, theme) = rayon::join(
        || load::load(&options.root, &load_options),
        || Theme::load(&options.root, &config.theme),
    );
    let (loaded, problems) = loaded;
    let mut diagnostics = early;
    diagnostics.extend(problems);
    match theme {
        Ok(theme) => Ok(Sources {
            config,
            loaded,
            theme,
            diagnostics,
        }),
        Err(problems) => {
            diagnostics.extend(problems);
            Err(BuildFailure { diagnostics })
        }
    }
}

/// Loads and resolves the archive: everything but rendering.
pub fn load_archive(options: &BuildOptions) -> Result<(Archive, Diagnostics), BuildFailure> {
    let config = config(options)?;
    let (loaded, problems) = load::load(&options.root, &load_options(options, &config));
    let mut diagnostics: Diagnostics = problems.into_iter().collect();
    let (archive, problems) = resolve::resolve(config, &loaded);
    diagnostics.extend(problems);
    Ok((archive, diagnostics))
}

/// Builds the site into the output folder, atomically.
pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    run(options, true, false).map(|(report, _, _)| report)
}

/// Runs every check of a build without writing anything.
pub fn check(options: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    run(options, false, false).map(|(report, _, _)| report)
}

/// A full build that also hands back what it read, for `quorum serve`.
pub fn build_keeping_sources(
    options: &BuildOptions,
) -> Result<(BuildReport, Loaded, Theme), BuildFailure> {
    run(options, true, true)
}

fn run(
    options: &BuildOptions,
    write: bool,
    keep: bool,
) -> Result<(BuildReport, Loaded, Theme), BuildFailure> {
    let started = Instant::now();
    let settings = settings(options)?;
    let targets = options.targets(&settings.0);
    // Both folders are checked before either is touched; a refusal is
    // reported with whatever else the content has wrong, and nothing is
    // written.
    let refusals = if write {
        refusals(options, &targets)
    } else {
        Vec::new()
    };
    let write = write && refusals.is_empty();
    std::thread::scope(|scope| {
        // The previous site is claimed and listed while the content is
        // read: at 100,000 pages its walk is seconds of waiting on the
        // disk, which the parsing hides.
        let staging =
            write.then(|| scope.spawn(|| Staging::new(&options.output_dir(), &targets.site)));
        let Sources {
            config,
            loaded,
            theme,
            mut diagnostics,
        } = read_sources(options, settings, write)?;
        diagnostics.extend(refusals);
        let read = started.elapsed();
        let read_timing = Timing::now("read + parse", read);
        let (archive, problems) = resolve::resolve(config, &loaded);
        diagnostics.extend(problems);
        let resolved = started.elapsed();
        let resolve_timing = Timing::now("resolve", resolved - read);
        // The parsed files are only needed again by `quorum serve`; a
        // one-off build frees them (a third of its memory at 100,000
        // items) before the index writer takes its share.
        let texts = loaded.texts;
        let loaded = if keep {
            loaded
        } else {
            drop(loaded);
            Loaded::default()
        };
        let staging = staging.map(|handle| match handle.join() {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        });
        let mut report = write_site(
            options,
            &targets,
            archive,
            &theme,
            diagnostics,
            staging,
            keep,
        )?;
        report.texts = texts;
        report.timings.insert(0, read_timing);
        report.timings.insert(1, resolve_timing);
        if let Some(total) = report.timings.iter_mut().find(|t| t.stage == "total") {
            total.took = started.elapsed();
        }
        Ok((report, loaded, theme))
    })
}

/// Why the output or the index folder may not be written, if it may not.
fn refusals(options: &BuildOptions, targets: &Targets) -> Vec<Diagnostic> {
    let site = (options.output_dir(), &targets.site);
    let index = (targets.index.0.clone(), &targets.index.1);
    [site, index]
        .into_iter()
        .filter_map(|(dir, guard)| {
            let refused = guard.check(&dir).err()?;
            Some(Diagnostic::error(dir, refused.to_string()))
        })
        .collect()
}

/// Renders, writes, link-checks and indexes a resolved archive into
/// `staging`. Without one (or after errors) it checks everything and
/// writes nothing.
pub fn write_site(
    options: &BuildOptions,
    targets: &Targets,
    archive: Archive,
    theme: &Theme,
    mut diagnostics: Diagnostics,
    staging: Option<Result<Staging, OutputError>>,
    keep: bool,
) -> Result<BuildReport, BuildFailure> {
    let mut timings = Vec::new();
    let started = Instant::now();
    let root = &options.root;
    let stage_started = Instant::now();
    // After content errors, keep rendering to find template and link
    // problems too, but write nothing (dropping the staging folder gives
    // the previous site back).
    let staging = if diagnostics.has_errors() {
        None
    } else {
        staging
            .transpose()
            .map_err(|e| Diagnostic::error(options.output_dir(), e.to_string()))?
    };
    // The index is built into a staging folder of its own alongside the
    // pages; a build that fails drops it with them.
    let (index_dir, index_guard) = &targets.index;
    let index_error = |e: crate::output::OutputError| Diagnostic::error(index_dir, e.to_string());
    let index_stage = (staging.as_ref())
        .map(|_| Staging::empty(index_dir, index_guard).map_err(index_error))
        .transpose()?;
    let paths = render::page_paths(&archive, theme);
    let (mut files, clashes) = publish::site_files(&archive, &paths);
    diagnostics.extend(clashes);
    let bundle_dir = bundle_dir(&archive, staging.as_ref(), &mut files)?;
    let jobs: Vec<PageJob> = paths.into_iter().map(|(job, _)| job).collect();
    let output = options.output_dir();
    let step = Step {
        archive: &archive,
        theme,
        root,
        output: &output,
        target: staging.as_ref().map(|s| s as &dyn Target),
        keep_reads: keep,
    };
    let ((published, problems), index_result, bundle_result) = std::thread::scope(|scope| {
        // Its own thread, not a rayon worker: adding documents blocks while
        // tantivy's writer threads catch up, and a blocked worker would
        // take a core from the pages. The writer fills the time the pages
        // spend waiting on the file system.
        let index = index_stage.as_ref().map(|stage| {
            scope.spawn(|| {
                let started = Instant::now();
                (
                    search::index::write(&archive, stage.dir(), keep, Some(index_dir)),
                    started.elapsed(),
                )
            })
        });
        let bundle = bundle_dir.as_ref().map(|dir| {
            scope.spawn(|| {
                let started = Instant::now();
                (search::bundle::write(&archive, dir), started.elapsed())
            })
        });
        let published = step.run(&jobs, Arc::new(files), diagnostics.as_slice());
        timings.push(Timing::now(
            "render + check + write",
            stage_started.elapsed(),
        ));
        let index_result = index.map(joined);
        (published, index_result, bundle.map(joined))
    });
    let bundled = bundle_result.map_or(0, |(result, took)| {
        timings.push(Timing::now("static search bundle (alongside)", took));
        result.unwrap_or_else(|e| {
            staging.iter().for_each(Staging::failed_to_write);
            diagnostics.push(e.diagnostic(&output.join(search::bundle::BUNDLE_DIR)));
            0
        })
    });
    diagnostics.extend(problems);
    let mut reads = Reads {
        files: published.reads,
        documents: Vec::new(),
    };
    let mut indexed = 0;
    if let Some((result, took)) = index_result {
        timings.push(Timing::now("search index (alongside)", took));
        match result {
            Ok(written) => {
                indexed = written.count;
                reads.documents = written.reads;
            }
            Err(e) => {
                if !matches!(e, search::SearchError::Body(_)) {
                    staging
                        .iter()
                        .chain(&index_stage)
                        .for_each(Staging::failed_to_write);
                }
                diagnostics.push(e.diagnostic(index_dir));
            }
        }
    }
    if diagnostics.has_errors() {
        return Err(BuildFailure { diagnostics });
    }
    let unread = staging.as_ref().map_or(0, Staging::unread);
    if let Some(site) = staging {
        site.commit()
            .map_err(|e| Diagnostic::error(options.output_dir(), e.to_string()))?;
        if let Some(stage) = index_stage {
            stage.commit().map_err(index_error)?;
        }
    }
    timings.push(Timing::now("total", started.elapsed()));
    let copied = theme.assets.len() + archive.attachments.len();
    Ok(BuildReport {
        pages: jobs.len() - copied,
        files: copied,
        bytes: published.bytes,
        indexed,
        bundled,
        unread,
        texts: load::text::Counts::default(),
        archive,
        diagnostics,
        timings,
        reads,
    })
}

/// A scoped thread's result (its panic, resumed).
fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    match handle.join() {
        Ok(result) => result,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// Where the static search bundle goes in the staged site, when the site
/// has one; the files of it that pages link to join the site's `files`
/// (so a check, which writes nothing, does not report them missing).
fn bundle_dir(
    archive: &Archive,
    staging: Option<&Staging>,
    files: &mut std::collections::HashSet<String>,
) -> Result<Option<PathBuf>, BuildFailure> {
    if !archive.config.search.bundled() {
        return Ok(None);
    }
    files.extend(search::bundle::UI_FILES.map(str::to_owned));
    let Some(site) = staging else {
        return Ok(None);
    };
    let dir = site.fresh_dir(search::bundle::BUNDLE_DIR);
    Ok(Some(dir.map_err(|e| {
        Diagnostic::error(site.dir(), e.to_string())
    })?))
}

/// Where `quorum` looks for an archive when none is given.
pub fn default_root() -> PathBuf {
    Path::new(".").to_owned()
}
