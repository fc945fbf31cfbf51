use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use quorum::build::BuildOptions;
use quorum::serve::{ServeError, ServeOptions};

#[derive(clap::Args)]
pub struct Args {
    /// The archive folder (holding quorum.toml and content/)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Address to listen on (port 0 picks a free port)
    #[arg(long, default_value = "127.0.0.1:1111")]
    pub bind: SocketAddr,
    /// Serve only: no rebuilds, no reload script (production search server)
    #[arg(long)]
    pub no_watch: bool,
    /// Open the site in a browser once it is ready
    #[arg(long)]
    pub open: bool,
    /// Include items marked `status: draft`
    #[arg(long)]
    pub drafts: bool,
    /// Where to write the site [default: ROOT/output]
    #[arg(long)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub today: super::TodayArg,
}

pub fn run(args: Args) -> ExitCode {
    let today = match args.today.today() {
        Ok(today) => today,
        Err(code) => return code,
    };
    let options = ServeOptions {
        build: BuildOptions {
            root: args.root.clone(),
            output: args.output.clone(),
            index: None,
            drafts: args.drafts,
            base_url: None,
            force: false,
            today,
            pdf_reader: super::pdf_reader(),
            answers_search: true,
            static_search: false,
        },
        bind: args.bind,
        watch: !args.no_watch,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the server: {e}");
            return super::failure(super::EXIT_ERRORS);
        }
    };
    let watch = options.watch;
    let open = args.open;
    let result = runtime.block_on(quorum::serve::run(options, |addr| {
        let url = format!("http://{addr}/");
        // Tests and scripts read this line for the address.
        println!("Serving {url}");
        eprintln!(
            "{}Press Ctrl-C to stop.",
            if watch {
                "Watching content/, themes/ and quorum.toml for changes. "
            } else {
                ""
            }
        );
        if open {
            let _ = std::process::Command::new("xdg-open").arg(&url).spawn();
        }
    }));
    // A search still running on a blocking thread must not hold the exit.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(ServeError::Build(failure)) => {
            super::report(failure.diagnostics);
            super::failure(super::EXIT_ERRORS)
        }
        Err(e) => {
            eprintln!("error: {e}");
            super::failure(super::EXIT_ERRORS)
        }
    }
}
