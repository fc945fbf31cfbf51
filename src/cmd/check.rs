use std::path::PathBuf;
use std::process::ExitCode;

use quorum::build::{self, BuildOptions};

#[derive(clap::Args)]
pub struct Args {
    /// The archive folder (holding quorum.toml and content/)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Check items marked `status: draft` too
    #[arg(long)]
    pub drafts: bool,
    #[command(flatten)]
    pub today: super::TodayArg,
}

pub fn run(args: Args) -> ExitCode {
    let mut options = BuildOptions::new(args.root);
    options.pdf_reader = super::pdf_reader();
    options.drafts = args.drafts;
    options.today = match args.today.today() {
        Ok(today) => today,
        Err(code) => return code,
    };
    match build::check(&options) {
        Ok(report) => {
            let warnings = report.diagnostics.warning_count();
            let files = report.diagnostics.file_count();
            super::report(report.diagnostics);
            if warnings == 0 {
                eprintln!(
                    "0 errors, 0 warnings: {} pages would be built",
                    report.pages
                );
            } else {
                eprintln!("(0 errors, {warnings} warnings across {files} files)");
            }
            ExitCode::SUCCESS
        }
        Err(failure) => {
            super::report(failure.diagnostics);
            super::failure(super::EXIT_ERRORS)
        }
    }
}
