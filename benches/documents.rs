//! Reading the words of attached PDFs: `cargo bench --bench documents`.
//!
//! Makes 1,000 PDFs of 10 pages each (with `lopdf`, every one different),
//! then times (1) reading them all, in parallel as a build does, for the
//! time per page; (2) a full build of an archive holding them, from an empty
//! text cache and again with the cache warm, beside the same archive
//! without the PDFs. `QUORUM_BENCH_PDFS=N` changes the count.

use std::path::Path;
use std::time::{Duration, Instant};

use rayon::prelude::*;

#[path = "../tests/common/pdf.rs"]
mod pdf;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PAGES: usize = 10;
const ITEMS_PER_MEETING: usize = 10;

fn main() {
    let count: usize = std::env::var("QUORUM_BENCH_PDFS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000);
    let pdfs: Vec<Vec<u8>> = (0..count).into_par_iter().map(report).collect();
    let bytes: usize = pdfs.iter().map(Vec::len).sum();
    println!("{count} PDFs of {PAGES} pages, {} KiB", bytes / 1024);

    let started = Instant::now();
    let pages: usize = (pdfs.par_iter())
        .map(|data| {
            let text = quorum::load::text::read_pdf(data.clone(), Duration::from_secs(30));
            assert!(text.problem.is_none() && text.pages.len() == PAGES);
            text.pages.len()
        })
        .sum();
    let took = started.elapsed();
    println!(
        "read: {:.2} s for {pages} pages, {:.0} µs a page ({} threads)",
        took.as_secs_f64(),
        took.as_secs_f64() * 1e6 / pages as f64,
        rayon::current_num_threads()
    );

    let dir = tempfile::tempdir().expect("temp dir");
    archive(dir.path(), &pdfs);
    let plain = tempfile::tempdir().expect("temp dir");
    archive(plain.path(), &[]);
    let without = build(plain.path(), None);
    let cold = build(dir.path(), None);
    let warm = build(dir.path(), None);
    let warm_again = build(dir.path(), None);
    let without_again = build(plain.path(), None);
    // As `quorum build` reads them: each PDF in a process of its own.
    let cache = dir.path().join(quorum::build::TEXT_CACHE_DIR);
    std::fs::remove_dir_all(&cache).expect("empty the cache");
    let in_processes = build(dir.path(), Some(env!("CARGO_BIN_EXE_quorum").into()));
    println!(
        "build with {count} PDFs: empty cache {:.2} s (each PDF in a process of its own: \
         {:.2} s); warm cache {:.2} s, {:.2} s; the same archive without the PDFs {:.2} s, {:.2} s",
        cold.as_secs_f64(),
        in_processes.as_secs_f64(),
        warm.as_secs_f64(),
        warm_again.as_secs_f64(),
        without.as_secs_f64(),
        without_again.as_secs_f64()
    );
}

/// A report whose every page has words of its own.
fn report(n: usize) -> Vec<u8> {
    let lines: Vec<Vec<String>> = (1..=PAGES)
        .map(|p| {
            (0..30)
                .map(|l| {
                    format!(
                        "Report {n} page {p} line {l}: spending on placements and \
                         school transport rose by {} per cent against the budget.",
                        (n * 31 + p * 7 + l) % 97
                    )
                })
                .collect()
        })
        .collect();
    let refs: Vec<Vec<&str>> = (lines.iter())
        .map(|l| l.iter().map(String::as_str).collect())
        .collect();
    let pages: Vec<&[&str]> = refs.iter().map(Vec::as_slice).collect();
    pdf::pdf(Some(&format!("Report {n}")), &pages)
}

/// One committee, a meeting for every ten items, an item for each PDF (or
/// as many items with none, for `pdfs` empty: see `main`).
fn archive(root: &Path, pdfs: &[Vec<u8>]) {
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write("quorum.toml", "title = \"Bench\"\n");
    write(
        "content/finance/_committee.md",
        "---\ntitle: Finance\n---\n",
    );
    let items = pdfs.len().max(1_000);
    for i in 0..items {
        let meeting = format!("content/finance/{}", chrono_date(i / ITEMS_PER_MEETING));
        if i % ITEMS_PER_MEETING == 0 {
            write(
                &format!("{meeting}/_meeting.md"),
                "---\nstatus: approved\n---\n",
            );
        }
        let n = i % ITEMS_PER_MEETING + 1;
        write(
            &format!("{meeting}/{n:02}-report-{i}.md"),
            &format!("---\ntitle: Report {i}\n---\n\nThe report was noted.\n"),
        );
        if let Some(pdf) = pdfs.get(i) {
            let path = root.join(format!("{meeting}/{n:02}-report-{i}/report.pdf"));
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, pdf).expect("write");
        }
    }
}

/// The `k`th meeting's date: one a day from 2000-01-01.
fn chrono_date(k: usize) -> String {
    let start = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("a date");
    (start + chrono::Days::new(k as u64)).to_string()
}

fn build(root: &Path, pdf_reader: Option<std::path::PathBuf>) -> Duration {
    let mut options = quorum::build::BuildOptions::new(root);
    options.pdf_reader = pdf_reader;
    options.today =
        quorum::build::Today::Date(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("a date"));
    let started = Instant::now();
    if let Err(failure) = quorum::build::build(&options) {
        let first = failure.diagnostics.iter().next().map(ToString::to_string);
        panic!("the bench archive does not build: {first:?}");
    }
    started.elapsed()
}
