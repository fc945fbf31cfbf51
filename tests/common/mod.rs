//! Shared helpers for the integration tests: fixture archives are copied to
//! a temporary folder so tests never write into the repository and can run
//! in parallel.
#![allow(dead_code)]

pub mod server;

use std::path::{Path, PathBuf};

use quorum::build::{self, BuildFailure, BuildOptions, BuildReport};

pub fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A private copy of fixture `name`.
pub fn fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(&fixture_path(name), dir.path());
    dir
}

pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk fixture");
        let rel = entry.path().strip_prefix(from).expect("prefix");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// The date the tests' builds take as today, after every fixture's
/// meetings: pages must not change with the day the tests run.
pub const TODAY: &str = "2024-06-01";

/// Build options for `root`, on [`TODAY`].
pub fn options(root: &Path) -> BuildOptions {
    let mut options = BuildOptions::new(root);
    options.today = on(TODAY);
    options
}

/// A build date.
pub fn on(date: &str) -> build::Today {
    build::Today::Date(quorum::dates::parse_iso(date).expect("a date"))
}

pub fn build(root: &Path) -> Result<BuildReport, BuildFailure> {
    build::build(&options(root))
}

/// Adds `toml` (a table and its settings) at the end of the archive's
/// quorum.toml; returns the file as it was, to put it back.
pub fn add_config(root: &Path, toml: &str) -> String {
    let path = root.join("quorum.toml");
    let config = std::fs::read_to_string(&path).expect("read quorum.toml");
    std::fs::write(&path, format!("{config}\n{toml}\n")).expect("write quorum.toml");
    config
}

pub fn build_ok(root: &Path) -> BuildReport {
    match build(root) {
        Ok(r) => r,
        Err(f) => panic!(
            "build failed:\n{}",
            f.diagnostics
                .sorted()
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

/// Runs `quorum build` on `root` in a process of its own, as a user does.
pub fn build_in_a_process(root: &Path) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_quorum"))
        .args(["build", "--root"])
        .arg(root)
        .output()
        .expect("run quorum build");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn build_drafts(root: &Path) -> Result<BuildReport, BuildFailure> {
    let mut options = options(root);
    options.drafts = true;
    build::build(&options)
}

/// A page of the built site, by URL path ("/a/b/" or "/feed.xml").
pub fn page(root: &Path, url: &str) -> String {
    let file = root.join("output").join(quorum::urls::output_file(url));
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

pub fn exists(root: &Path, url: &str) -> bool {
    root.join("output")
        .join(quorum::urls::output_file(url))
        .exists()
}

/// Every file of the output, as (relative path, bytes), sorted.
pub fn snapshot_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("prefix")
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).expect("read"))
        })
        .collect();
    files.sort();
    files
}

/// How the site in `live` differs from the one in `fresh`, if it does:
/// the files they hold, or the first file whose bytes differ. The search
/// index and the build marker (whose listing a live edit makes stale on
/// purpose) are left out.
pub fn site_difference(live: &Path, fresh: &Path) -> Option<String> {
    let site = |dir: &Path| -> Vec<(String, Vec<u8>)> {
        snapshot_tree(dir)
            .into_iter()
            .filter(|(rel, _)| !rel.starts_with("search-index") && rel != quorum::output::MARKER)
            .collect()
    };
    let (live, fresh) = (site(live), site(fresh));
    let names = |s: &[(String, Vec<u8>)]| s.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    if names(&live) != names(&fresh) {
        return Some(format!(
            "not the same files:\n--- live\n{:?}\n--- fresh\n{:?}",
            names(&live),
            names(&fresh)
        ));
    }
    let (rel, a, b) = live
        .iter()
        .zip(&fresh)
        .find(|((_, a), (_, b))| a != b)
        .map(|((rel, a), (_, b))| (rel, a, b))?;
    Some(format!(
        "{rel} differs from a fresh build:\n--- live\n{}\n--- fresh\n{}",
        String::from_utf8_lossy(a),
        String::from_utf8_lossy(b)
    ))
}

/// All text of the output, for "never appears anywhere" checks.
pub fn all_output(root: &Path) -> String {
    snapshot_tree(&root.join("output"))
        .into_iter()
        .map(|(path, bytes)| format!("== {path}\n{}", String::from_utf8_lossy(&bytes)))
        .collect()
}

pub fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// Dates the file at `path` `unix` seconds after 1970, as if last saved
/// then.
pub fn set_modified(path: &Path, unix: u64) {
    let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(unix);
    (std::fs::File::options().write(true).open(path))
        .and_then(|f| f.set_modified(when))
        .expect("date the file");
}

/// Messages of a failed build, rendered plainly.
pub fn messages(failure: &BuildFailure) -> String {
    failure
        .diagnostics
        .clone()
        .sorted()
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A private copy of the repository's example archive.
pub fn example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_tree(&repo.join("content"), &dir.path().join("content"));
    std::fs::copy(repo.join("quorum.toml"), dir.path().join("quorum.toml")).expect("copy config");
    dir
}

pub fn open_index(root: &Path) -> quorum::search::SearchIndex {
    quorum::search::SearchIndex::open(&root.join(quorum::build::INDEX_DIR)).expect("open index")
}

pub fn query(text: &str) -> quorum::search::SearchRequest {
    quorum::search::SearchRequest {
        query: text.to_owned(),
        ..Default::default()
    }
}
