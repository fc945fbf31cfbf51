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
