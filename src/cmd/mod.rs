//! One file per subcommand; each is a thin layer over the library.

pub mod build;
pub mod check;
pub mod init;
pub mod search;
pub mod serve;

use std::io::IsTerminal;
use std::process::ExitCode;

use quorum::diagnostic::{self, Diagnostics};

/// Exit status for a run whose input had errors.
pub const EXIT_ERRORS: u8 = 1;
/// Exit status for a misused command (a malformed query or option).
pub const EXIT_USAGE: u8 = 2;

/// Prints diagnostics to stderr, coloured on a terminal, and a summary.
pub fn report(diagnostics: Diagnostics) {
    let styled = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let (errors, warnings, files) = (
        diagnostics.error_count(),
        diagnostics.warning_count(),
        diagnostics.file_count(),
    );
    for d in diagnostics.sorted() {
        eprintln!("{}\n", diagnostic::render(&d, styled));
    }
    if errors + warnings > 0 {
        eprintln!(
            "{} {}, {} {} in {} {}",
            errors,
            plural(errors, "error", "errors"),
            warnings,
            plural(warnings, "warning", "warnings"),
            files,
            plural(files, "file", "files")
        );
    }
}

pub fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

pub fn failure(code: u8) -> ExitCode {
    ExitCode::from(code)
}

/// `--today`, shared by build, check and serve.
#[derive(clap::Args, Debug, Clone)]
pub struct TodayArg {
    /// Take this date (YYYY-MM-DD) as today: meetings after it are
    /// upcoming, open actions due before it overdue [default:
    /// SOURCE_DATE_EPOCH if set, else the clock]
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub today: Option<chrono::NaiveDate>,
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    quorum::dates::parse_iso(s.trim())
        .ok_or_else(|| format!("`{s}` is not a date: write it as YYYY-MM-DD, e.g. 2024-03-01"))
}

impl TodayArg {
    /// The build's date: `--today`, else the reproducible-builds
    /// `SOURCE_DATE_EPOCH`, else the clock.
    pub fn today(&self) -> Result<quorum::build::Today, ExitCode> {
        use quorum::build::Today;
        if let Some(date) = self.today {
            return Ok(Today::Date(date));
        }
        let Some(epoch) = std::env::var_os("SOURCE_DATE_EPOCH") else {
            return Ok(Today::Clock);
        };
        let epoch = epoch.to_string_lossy();
        epoch.trim().parse().map(Today::Epoch).map_err(|_| {
            eprintln!(
                "error: SOURCE_DATE_EPOCH is `{epoch}`, not a number of seconds since 1970\n  = help: set it to e.g. the output of `date +%s`, or unset it"
            );
            failure(EXIT_USAGE)
        })
    }
}

/// This program, to read attached PDFs in processes of their own (see
/// `quorum::load::text`).
pub fn pdf_reader() -> Option<std::path::PathBuf> {
    std::env::current_exe().ok()
}

/// `quorum read-pdf-text MS BYTES`: reads one PDF on standard input and
/// writes its words as JSON, for a build that started it.
pub fn read_pdf_text(max_ms: u64, memory: u64) -> std::process::ExitCode {
    let max_time = std::time::Duration::from_millis(max_ms);
    let (mut input, mut output) = (std::io::stdin().lock(), std::io::stdout().lock());
    match quorum::load::text::read_pdf_for_a_build(&mut input, &mut output, max_time, memory) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(_) => std::process::ExitCode::FAILURE,
    }
}
