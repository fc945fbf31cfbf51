use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Folder for the new archive (created if missing)
    pub dir: PathBuf,
}

pub fn run(args: Args) -> ExitCode {
    match quorum::init::init(&args.dir) {
        Ok(files) => {
            for f in &files {
                eprintln!("  created {}", f.display());
            }
            eprintln!(
                "New archive in {}. Build it with: quorum build --root {}",
                args.dir.display(),
                args.dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            super::failure(super::EXIT_ERRORS)
        }
    }
}
