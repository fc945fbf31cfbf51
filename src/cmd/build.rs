use std::path::PathBuf;
use std::process::ExitCode;

use quorum::build::{self, BuildOptions};

#[derive(clap::Args)]
pub struct Args {
    /// The archive folder (holding quorum.toml and content/)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Where to write the site [default: ROOT/output]
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Where to write the search index [default: from quorum.toml, else
    /// ROOT/.quorum/search-index]
    #[arg(long)]
    pub index: Option<PathBuf>,
    /// Include items marked `status: draft`
    #[arg(long)]
    pub drafts: bool,
    /// Override base_url from quorum.toml
    #[arg(long)]
    pub base_url: Option<String>,
    /// Replace an output (or index) folder that Quorum did not make,
    /// deleting what it holds
    #[arg(long)]
    pub force: bool,
    /// Also write a static search bundle (Pagefind) under /pagefind/,
    /// as `[search] static = true` does
    #[arg(long)]
    pub static_search: bool,
    /// Print how long each stage took
    #[arg(long)]
    pub timings: bool,
    #[command(flatten)]
    pub today: super::TodayArg,
}

impl Args {
    pub fn options(&self) -> Result<BuildOptions, ExitCode> {
        Ok(BuildOptions {
            root: self.root.clone(),
            output: self.output.clone(),
            index: self.index.clone(),
            drafts: self.drafts,
            base_url: self.base_url.clone(),
            force: self.force,
            today: self.today.today()?,
            pdf_reader: super::pdf_reader(),
            answers_search: false,
            static_search: self.static_search,
        })
    }
}

pub fn run(args: Args) -> ExitCode {
    let options = match args.options() {
        Ok(options) => options,
        Err(code) => return code,
    };
    match build::build(&options) {
        Ok(report) => {
            if args.timings {
                for t in &report.timings {
                    let peak = t
                        .peak_rss
                        .map(|b| format!("   peak {:>6} MiB", b / (1024 * 1024)))
                        .unwrap_or_default();
                    eprintln!(
                        "  {:<20} {:>8.1} ms{peak}",
                        t.stage,
                        t.took.as_secs_f64() * 1000.0
                    );
                }
            }
            let a = &report.archive;
            let mut diagnostics = report.diagnostics;
            diagnostics.extend(a.config.base_url_warning());
            super::report(diagnostics);
            let total = report.timings.last().map_or(0.0, |t| t.took.as_secs_f64());
            eprintln!(
                "Built {} pages ({} committees, {} meetings, {} items, {} topics, {} people), copied {} files and indexed {} documents into {} in {:.2}s",
                report.pages,
                a.committees.len(),
                a.meetings.len(),
                a.items.len(),
                a.topics.len(),
                a.people.len(),
                report.files,
                report.indexed,
                options.output_dir().display(),
                total
            );
            // Opening index.html from the disk is a common first try, and
            // its links (from the site's root, as a host serves them) lead
            // nowhere there.
            eprintln!(
                "To look at it: `quorum serve` (http://127.0.0.1:1111/), or put {} on a web host; \
                 opened from the disk (file://) its links do not work",
                options.output_dir().display()
            );
            if report.bundled > 0 {
                eprintln!(
                    "Wrote a static search bundle of {} records into {}",
                    report.bundled,
                    options
                        .output_dir()
                        .join(quorum::search::bundle::BUNDLE_DIR)
                        .display()
                );
            }
            if report.texts.read > 0 {
                eprintln!(
                    "Read the words of {} attached files ({} kept from the last build)",
                    report.texts.read, report.texts.cached
                );
            }
            ExitCode::SUCCESS
        }
        Err(failure) => {
            super::report(failure.diagnostics);
            eprintln!(
                "Nothing was written: {} is unchanged.",
                options.output_dir().display()
            );
            super::failure(super::EXIT_ERRORS)
        }
    }
}
