//! The `quorum` command line: parses arguments, runs a subcommand, and turns
//! its result into messages and an exit status.

#![allow(clippy::result_large_err)] // see lib.rs
#![warn(clippy::too_many_lines)]

mod cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

// A large build allocates millions of short-lived strings from several
// threads over a heap of a gigabyte: at 100,000 items glibc's allocator
// took 11% of the time (perf) and its fragmentation pushed peak memory to
// 0.96-1.1 GiB; with mimalloc, 0.8 GiB and a fifth less CPU.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The PDF reader panics on some damaged files. Each such file is a
/// warning that names it (see `load::text`), so the panic's own message,
/// about the reader's source code, is kept off the terminal.
fn quiet_pdf_reader_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let on_reader = std::thread::current().name() == Some(quorum::load::text::PDF_THREAD);
        if !on_reader {
            default(info);
        }
    }));
}

#[derive(Parser)]
#[command(
    name = "quorum",
    version,
    about = "Build, check and serve committee-minutes archives"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into output/ (atomically: a failed build changes nothing)
    Build(cmd::build::Args),
    /// Run every check of a build without writing anything
    Check(cmd::check::Args),
    /// Create a new archive that builds as it is
    Init(cmd::init::Args),
    /// Search the archive's index (built by `quorum build`)
    Search(cmd::search::Args),
    /// Build, serve, and rebuild on every change (live preview and search server)
    Serve(cmd::serve::Args),
    /// Reads one attached PDF for a build (not for people)
    #[command(name = "read-pdf-text", hide = true)]
    ReadPdfText { max_ms: u64, memory: u64 },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    quiet_pdf_reader_panics();
    if let Command::ReadPdfText { max_ms, memory } = cli.command {
        return cmd::read_pdf_text(max_ms, memory);
    }
    // RAYON_NUM_THREADS, when set, is the user's choice and rayon's own.
    if std::env::var_os("RAYON_NUM_THREADS").is_none() {
        // Fails only if the pool exists already, which it cannot here.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(quorum::pool_threads())
            .build_global();
    }
    match cli.command {
        Command::Build(args) => cmd::build::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Init(args) => cmd::init::run(args),
        Command::Search(args) => cmd::search::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        // Started for each PDF a build reads: it needs no thread pool.
        Command::ReadPdfText { .. } => unreachable!("handled before the pool is made"),
    }
}
