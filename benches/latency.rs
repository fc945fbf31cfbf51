//! Latency of the two interactive paths on a real archive: in-process
//! search queries (p50/p99 over a fixed query set) and a one-item edit to
//! rebuilt pages and index in `quorum serve`'s live site.
//!
//! `QUORUM_BENCH_ROOT=DIR cargo bench --bench latency` (bench/run does this
//! for each generated archive). Without the variable it uses a copy of the
//! example archive. `QUORUM_BENCH_SEARCH_ONLY=1` times the queries alone on
//! the index an earlier build left in DIR/.quorum, with each query's median.
//! It prints figures; it asserts nothing.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use quorum::build::BuildOptions;
use quorum::search::{SearchIndex, SearchRequest, Sort};
use quorum::serve::live::{Applied, LiveSite};

// The allocator `quorum serve` runs with (src/main.rs), so that these
// figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const QUERIES: &[&str] = &[
    "ofsted",
    "looked after children",
    "\"foster carers\"",
    "fostering OR adoption",
    "budget -overspend",
    "title:report",
    "topic:safeguarding",
    "caseloads social workers",
    "exclusions",
    "safegaurding",
    "school improvement plan",
    "\"children in care\" placements",
];

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    // `cargo bench` passes "--bench"; this harness takes no arguments.
    let root = match std::env::var_os("QUORUM_BENCH_ROOT") {
        Some(r) => PathBuf::from(r),
        None => example_copy(),
    };
    let options = BuildOptions::new(&root);
    if std::env::var_os("QUORUM_BENCH_SEARCH_ONLY").is_some() {
        let config = quorum::build::config(&options).expect("the archive's quorum.toml");
        let index = SearchIndex::open(&options.index_dir(&config))
            .expect("an index built before (run `quorum build` first)");
        time_queries(&index, true);
        return;
    }
    let started = Instant::now();
    let mut live = LiveSite::build(options.clone()).expect("the archive builds");
    let items = live.archive().items.len();
    println!(
        "archive: {} ({items} items), full build {:.0} ms",
        root.display(),
        ms(started.elapsed())
    );

    // Search, in process, on the index the build wrote.
    let index = SearchIndex::open(&live.index_dir()).expect("index");
    time_queries(&index, false);

    // One-item edits through the live site, as `quorum serve` applies them:
    // first edits in words (patched into the model), then edits adding a
    // link to another item (which re-resolve the whole archive).
    let archive = live.archive();
    let item = &archive.items[items / 2];
    let file = root.join("content").join(&item.source);
    let original = std::fs::read_to_string(&file).expect("item file");
    let words = |n: usize| format!("{original}\n\nEdited in benchmark round {n}.\n");
    // A different target each round, so that every save changes the links.
    let link = |n: usize| {
        let other = &archive.items[(items / 3 + n) % items].source;
        format!("{original}\n\nRound {n} follows [an earlier item](@/{other}).\n")
    };
    for (label, edit) in [
        ("edit in words", &words as &dyn Fn(usize) -> String),
        ("edit adding a link", &link),
    ] {
        let mut edits: Vec<(Duration, Duration)> = Vec::new();
        let mut pages = 0;
        for n in 0..9 {
            // A clerk saves at most a few times a second; the pause also
            // lets the previous edit's old model be freed, as in serve.
            std::thread::sleep(Duration::from_millis(300));
            std::fs::write(&file, edit(n)).expect("edit");
            timed_apply(&mut live, &file, label, &mut edits, &mut pages);
        }
        std::fs::write(&file, &original).expect("restore");
        let _ = live.apply(std::slice::from_ref(&file));
        print_edits(label, &mut edits, pages);
    }
    time_new_pages(&mut live, &file, &original);
}

/// Saves of a new agenda item in the edited item's meeting: a page that
/// appears, and the lists and feeds that now show it.
fn time_new_pages(live: &mut LiveSite, file: &Path, original: &str) {
    let meeting = file.parent().expect("an item is in a meeting folder");
    let mut edits: Vec<(Duration, Duration)> = Vec::new();
    let mut pages = 0;
    let mut added = Vec::new();
    for n in 0..9 {
        std::thread::sleep(Duration::from_millis(300));
        let new = meeting.join(format!("{:02}-benchmark-added-{n}.md", 90 + n));
        std::fs::write(
            &new,
            format!("{original}\n\nAdded in benchmark round {n}.\n"),
        )
        .expect("new item");
        timed_apply(live, &new, "new item", &mut edits, &mut pages);
        added.push(new);
    }
    for new in &added {
        let _ = std::fs::remove_file(new);
    }
    let _ = live.apply(&added);
    print_edits("edit adding a page", &mut edits, pages);
}

/// Applies the save of `file`, noting how long an incremental rebuild
/// took and how many pages it rendered.
fn timed_apply(
    live: &mut LiveSite,
    file: &Path,
    label: &str,
    edits: &mut Vec<(Duration, Duration)>,
    pages: &mut usize,
) {
    // When the browsers would reload: the pages and index are live (the
    // open data files of /data/ are written after).
    let started = Instant::now();
    let mut live_after = None;
    let applied = live.apply_then(&[file.to_owned()], &mut |_| {
        live_after = Some(started.elapsed());
    });
    match applied {
        Ok(Applied::Incremental {
            rendered, elapsed, ..
        }) => {
            edits.push((live_after.expect("pages went live"), elapsed));
            *pages = rendered;
        }
        Ok(Applied::Full { elapsed, .. }) => {
            println!("{label}: took a full rebuild ({:.0} ms)", ms(elapsed))
        }
        Err(e) => panic!("edit failed: {e}"),
    }
}

fn print_edits(label: &str, edits: &mut [(Duration, Duration)], pages: usize) {
    if edits.is_empty() {
        return;
    }
    let line = |what: &str, mut times: Vec<Duration>| {
        times.sort();
        println!(
            "{label} to {what}: median {:.1} ms, min {:.1} ms, max {:.1} ms over {} edits ({pages} files each)",
            ms(percentile(&times, 0.5)),
            ms(times[0]),
            ms(*times.last().expect("timed")),
            times.len()
        );
    };
    line("pages + index live", edits.iter().map(|e| e.0).collect());
    line("every file written", edits.iter().map(|e| e.1).collect());
}

/// Runs the query set 30 times (the first round warms caches) and prints
/// p50/p99 over all, and with `each`, every query's median and slowest.
fn time_queries(index: &SearchIndex, each: bool) {
    let mut times = Vec::new();
    let mut by_query = vec![Vec::new(); QUERIES.len()];
    let mut totals = vec![0; QUERIES.len()];
    for round in 0..30 {
        for (i, q) in QUERIES.iter().enumerate() {
            let request = SearchRequest {
                query: (*q).to_owned(),
                sort: if i % 3 == 0 {
                    Sort::Newest
                } else {
                    Sort::Relevance
                },
                ..SearchRequest::default()
            };
            let t = Instant::now();
            let r = index.search(&request).expect("query");
            let took = t.elapsed();
            if round > 0 {
                times.push(took);
                by_query[i].push(took);
            }
            totals[i] = r.total;
            std::hint::black_box(r);
        }
    }
    times.sort();
    println!(
        "search: {} queries, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        times.len(),
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        ms(*times.last().expect("timed"))
    );
    if each {
        for ((q, mut t), total) in QUERIES.iter().zip(by_query).zip(totals) {
            t.sort();
            println!(
                "  {:>7.2} ms (max {:>6.2})  {total:>7} hits  {q}",
                ms(percentile(&t, 0.5)),
                ms(*t.last().expect("timed"))
            );
        }
    }
}

fn example_copy() -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("quorum-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for entry in walkdir::WalkDir::new(repo.join("content")) {
        let entry = entry.expect("walk");
        let target = dir.join(entry.path().strip_prefix(repo).expect("prefix"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
    std::fs::copy(repo.join("quorum.toml"), dir.join("quorum.toml")).expect("config");
    dir
}
