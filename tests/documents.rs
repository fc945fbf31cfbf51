//! The words of attached files: PDFs (made here with `lopdf`, see
//! `common/pdf.rs`), text and CSV files are read at build time, indexed as
//! documents of their own with the page of each passage, given a text page
//! beside the file, and kept in a cache between builds; damaged, scanned,
//! protected, huge and slow files are warnings, never failures; withheld
//! items' files are never read.

mod common;

use std::path::Path;

use common::*;
use quorum::search::SearchRequest;

/// The basic fixture with a five-page PDF attached to its budget item
/// (finance), the word `zeppelin` only on page 3, and another PDF on the
/// fostering item (children).
fn with_reports() -> tempfile::TempDir {
    let dir = fixture("basic");
    let pages: [&[&str]; 5] = [
        &["Budget report to the Finance Committee.", "Contents."],
        &["Spending on placements rose this year."],
        &["The zeppelin hangar lease was renewed.", "It costs 2.1m."],
        &["Reserves stand at 4m."],
        &["Appendix: figures by ward."],
    ];
    let report = pdf::pdf(Some("Budget Book 2024"), &pages);
    attach(dir.path(), &format!("{BUDGET}/annual.pdf"), &report);
    let carers = pdf::pdf(None, &[&["Foster carers and the zeppelin museum trip."]]);
    attach(
        dir.path(),
        "content/children/2024-02-01/04-fostering/carers.pdf",
        &carers,
    );
    dir
}

/// The budget item's folder of supporting files.
const BUDGET: &str = "content/finance/2024-01-10/01-budget";

/// Puts `bytes` at `rel` in the archive at `root`, making its folder, and
/// returns its path.
fn attach(root: &Path, rel: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("a folder")).unwrap();
    std::fs::write(&path, bytes).unwrap();
    path
}

#[path = "common/pdf.rs"]
mod pdf;

fn search(root: &Path, request: SearchRequest) -> quorum::search::SearchResults {
    open_index(root).search(&request).expect("search")
}

#[test]
fn a_word_on_page_three_is_found_there() {
    let dir = with_reports();
    build_ok(dir.path());
    let results = search(dir.path(), query("hangar"));
    assert_eq!(results.total, 1, "{results:#?}");
    let hit = &results.hits[0];
    assert_eq!(hit.url, "/finance/2024-01-10/budget/annual.pdf#page=3");
    assert_eq!(hit.page, Some(3));
    assert_eq!(hit.kind, "attachment");
    // Its metadata's title, as the clerk gave none.
    assert_eq!(hit.title, "Budget Book 2024");
    assert!(
        hit.snippet.contains("<mark>hangar</mark>"),
        "{}",
        hit.snippet
    );
    let parent = hit.parent.as_ref().expect("the item it belongs to");
    assert_eq!(parent.title, "Budget Monitoring");
    assert_eq!(parent.url, "/finance/2024-01-10/budget/");
    // The link leads to a file that is there.
    assert!(exists(dir.path(), "/finance/2024-01-10/budget/annual.pdf"));
}

#[test]
fn filters_apply_to_attached_files() {
    let dir = with_reports();
    build_ok(dir.path());
    let all = search(dir.path(), query("zeppelin"));
    assert_eq!(all.total, 2, "{all:#?}");
    let narrowed = search(
        dir.path(),
        SearchRequest {
            committee: Some("children".into()),
            ..query("zeppelin")
        },
    );
    let urls: Vec<&str> = narrowed.hits.iter().map(|h| h.url.as_str()).collect();
    assert_eq!(urls, ["/children/2024-02-01/fostering/carers.pdf#page=1"]);
    // By the item's topic, year and kind too.
    for (request, expected) in [
        (
            SearchRequest {
                topic: Some("Budget".into()),
                ..query("zeppelin")
            },
            1,
        ),
        (
            SearchRequest {
                kind: Some("attachment".into()),
                ..query("zeppelin")
            },
            2,
        ),
        (
            SearchRequest {
                kind: Some("item".into()),
                ..query("zeppelin")
            },
            0,
        ),
        (
            SearchRequest {
                from: Some(quorum::dates::parse_iso("2024-02-01").expect("a date")),
                ..query("zeppelin")
            },
            1,
        ),
    ] {
        assert_eq!(
            search(dir.path(), request.clone()).total,
            expected,
            "{request:?}"
        );
    }
    // Presenters of the item find its files.
    assert_eq!(search(dir.path(), query("hangar \"dee officer\"")).total, 1);
}

#[test]
fn the_text_page_gives_every_page_and_the_item_links_it() {
    let dir = with_reports();
    build_ok(dir.path());
    let text = page(dir.path(), "/finance/2024-01-10/budget/annual.pdf.html");
    assert!(text.contains(r#"<h2 id="page-3">Page 3</h2>"#), "{text}");
    assert!(text.contains("The zeppelin hangar lease was renewed."));
    assert!(text.contains(r#"href="/finance/2024-01-10/budget/annual.pdf""#));
    let item = page(dir.path(), "/finance/2024-01-10/budget/");
    assert!(
        item.contains(r#"<a href="/finance/2024-01-10/budget/annual.pdf.html">read as text</a>"#),
        "{item}"
    );
    // A CSV file is read too.
    let csv = page(
        dir.path(),
        "/finance/2024-01-10/budget/budget sheet.csv.html",
    );
    assert!(csv.contains("area,spend care,1000000"), "{csv}");
    // And the bulk data gives the words, page by page.
    let ndjson = std::fs::read_to_string(dir.path().join("output/data/documents.ndjson")).unwrap();
    let line: serde_json::Value = (ndjson.lines())
        .map(|l| serde_json::from_str(l).unwrap())
        .find(|v: &serde_json::Value| v["file_name"] == "annual.pdf")
        .expect("the PDF's line");
    let words = line["body_text"].as_str().expect("its words");
    assert_eq!(words.split('\u{c}').count(), 5);
    assert!(
        words
            .split('\u{c}')
            .nth(2)
            .unwrap()
            .contains("zeppelin hangar")
    );
}

/// The cache entries under the archive.
fn cache_entries(root: &Path) -> Vec<std::path::PathBuf> {
    let dir = root.join(quorum::build::TEXT_CACHE_DIR);
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

#[test]
fn a_rebuild_reads_pdfs_from_the_cache() {
    let dir = with_reports();
    let first = build_ok(dir.path());
    assert_eq!(first.texts.read, 3, "two PDFs and a CSV file");
    assert_eq!(first.texts.cached, 0);
    let entries = cache_entries(dir.path());
    assert_eq!(entries.len(), 2, "one entry a PDF: {entries:?}");
    // Rewrite every entry: a rebuild that shows the new words read them
    // from the cache, not from the files.
    for entry in &entries {
        let json = std::fs::read_to_string(entry).unwrap();
        std::fs::write(entry, json.replace("zeppelin", "airship")).unwrap();
    }
    let second = build_ok(dir.path());
    assert_eq!(second.texts.cached, 2);
    assert_eq!(search(dir.path(), query("airship")).total, 2);
    assert_eq!(search(dir.path(), query("zeppelin")).total, 0);
    // A changed file is read again.
    let blimp = pdf::pdf(None, &[&["Blimp budget."]]);
    attach(dir.path(), &format!("{BUDGET}/annual.pdf"), &blimp);
    let third = build_ok(dir.path());
    assert_eq!(third.texts.cached, 1);
    assert_eq!(search(dir.path(), query("blimp")).total, 1);
    assert!(!all_output(dir.path()).contains("cache/text"));
}

#[test]
fn bad_pdfs_are_warnings_that_name_the_file() {
    let dir = with_reports();
    let good = pdf::report(4, "Placements");
    for (name, bytes) in [
        ("cut.pdf", &good[..good.len() / 2]),
        ("noise.pdf", b"this is not a PDF at all"),
        ("scan.pdf", &pdf::scan(2)),
    ] {
        attach(dir.path(), &format!("{BUDGET}/{name}"), bytes);
    }
    let report = build_ok(dir.path());
    let warnings: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    let about = |name: &str| {
        warnings
            .iter()
            .find(|w| w.contains(name))
            .unwrap_or_else(|| panic!("no warning about {name}: {warnings:#?}"))
            .clone()
    };
    assert!(about("scan.pdf").contains("no text, only images"));
    assert!(about("scan.pdf").contains("ocrmypdf"));
    assert!(about("noise.pdf").contains("could not be read as a PDF"));
    assert!(about("cut.pdf").contains("PDF"));
    // The files are published all the same.
    for name in ["cut.pdf", "noise.pdf", "scan.pdf"] {
        assert!(exists(
            dir.path(),
            &format!("/finance/2024-01-10/budget/{name}")
        ));
    }
    // And the good one is still found.
    assert_eq!(search(dir.path(), query("hangar")).total, 1);
}

/// Sets `[attachments]` in the archive's quorum.toml to `settings`.
fn set_limits(root: &Path, settings: &str) {
    let config = root.join("quorum.toml");
    let toml = std::fs::read_to_string(&config).unwrap();
    let kept = toml.split("\n[attachments]").next().unwrap_or_default();
    std::fs::write(&config, format!("{kept}\n[attachments]\n{settings}\n")).unwrap();
}

/// Whether a build of `root` warns about `file`, naming `setting`.
fn warns(root: &Path, file: &str, setting: &str) -> bool {
    let report = build_ok(root);
    (report.diagnostics.iter())
        .map(|d| d.to_string())
        .any(|w| w.contains(file) && w.contains(setting))
}

#[test]
fn limits_on_size_and_time_are_warnings() {
    let dir = with_reports();
    set_limits(dir.path(), "text_max_mb = 0");
    assert!(warns(dir.path(), "annual.pdf", "text_max_mb"));
    assert_eq!(search(dir.path(), query("hangar")).total, 0);
    // No time at all: the file is published, its words are not read, and
    // the next build with time reads them (the cut-short text it kept is
    // not reused under a longer limit).
    set_limits(dir.path(), "text_max_seconds = 0");
    assert!(warns(dir.path(), "annual.pdf", "text_max_seconds"));
    assert_eq!(search(dir.path(), query("hangar")).total, 0);
    set_limits(dir.path(), "text_max_seconds = 30");
    assert!(!warns(dir.path(), "annual.pdf", "text_max_seconds"));
    assert_eq!(search(dir.path(), query("hangar")).total, 1);
}

#[test]
fn a_pdf_encrypted_without_a_password_is_read() {
    for (name, data) in [
        ("aes.pdf", pdf::encrypted("")),
        ("rc4.pdf", pdf::encrypted_rc4("")),
    ] {
        let text = quorum::load::text::read_pdf(data, std::time::Duration::from_secs(10));
        assert_eq!(text.problem, None, "{name}");
        assert!(
            text.pages[0].contains("Locked words."),
            "{name}: {:?}",
            text.pages
        );
    }
}

#[test]
fn a_drawing_that_contains_itself_is_a_warning_not_a_crash() {
    // Read in a process of its own, as `quorum build` reads PDFs: on a
    // thread, the reader's endless recursion would abort the build.
    let dir = with_reports();
    let drawing = pdf::drawing_in_itself();
    attach(dir.path(), &format!("{BUDGET}/loop.pdf"), &drawing);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_quorum"))
        .args(["build", "--root", dir.path().to_str().unwrap()])
        .env("NO_COLOR", "1")
        .output()
        .expect("run quorum");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("loop.pdf"), "{stderr}");
    assert!(stderr.contains("could not be read as a PDF"), "{stderr}");
    // The other PDFs were read in their processes.
    assert_eq!(search(dir.path(), query("hangar")).total, 1);
}

#[test]
fn a_protected_pdf_is_a_warning() {
    let dir = with_reports();
    let locked = pdf::encrypted("secret");
    attach(dir.path(), &format!("{BUDGET}/locked.pdf"), &locked);
    let report = build_ok(dir.path());
    let warning = (report.diagnostics.iter().map(|d| d.to_string()))
        .find(|w| w.contains("locked.pdf"))
        .expect("a warning");
    assert!(warning.contains("password"), "{warning}");
}

#[test]
fn withheld_items_files_are_never_read() {
    let dir = with_reports();
    // The exempt item's folder, and a draft item's.
    for (folder, word) in [
        ("content/finance/2024-01-10/02-land-deal", "exemptword"),
        ("content/finance/2024-01-10/03-draft-idea", "draftword"),
    ] {
        let text = format!("The {word} is here.");
        let secret = pdf::pdf(None, &[&[&text]]);
        attach(dir.path(), &format!("{folder}/secret.pdf"), &secret);
    }
    let report = build_ok(dir.path());
    assert_eq!(report.texts.read, 3, "only the published items' files");
    assert_eq!(cache_entries(dir.path()).len(), 2);
    let output = all_output(dir.path());
    assert!(!output.contains("exemptword") && !output.contains("draftword"));
    assert_eq!(search(dir.path(), query("exemptword")).total, 0);
    // With --drafts the draft's file is read; the exempt one's never.
    build_drafts(dir.path()).expect("a build with drafts");
    assert_eq!(search(dir.path(), query("draftword")).total, 1);
    assert_eq!(search(dir.path(), query("exemptword")).total, 0);
    assert_eq!(cache_entries(dir.path()).len(), 3);
}

#[test]
fn serve_reads_again_only_the_pdf_that_changed() {
    use quorum::serve::live::LiveSite;
    let dir = with_reports();
    let mut live = LiveSite::build(options(dir.path())).expect("builds");
    let entries = cache_entries(dir.path());
    assert_eq!(entries.len(), 2);
    let modified = |path: &Path| std::fs::metadata(path).unwrap().modified().unwrap();
    let before: Vec<_> = entries.iter().map(|e| modified(e)).collect();
    let dirigible = pdf::pdf(None, &[&["Dirigible costs."]]);
    let path = attach(dir.path(), &format!("{BUDGET}/annual.pdf"), &dirigible);
    live.apply(&[path]).expect("the edit applies");
    // The other PDF's entry was read, not written again; one entry is new.
    let after = cache_entries(dir.path());
    assert_eq!(after.len(), 3);
    let kept = entries
        .iter()
        .zip(&before)
        .filter(|(e, m)| modified(e) == **m);
    assert_eq!(kept.count(), 2);
    let index = quorum::search::SearchIndex::open(&live.index_dir()).expect("index");
    assert_eq!(index.search(&query("dirigible")).expect("search").total, 1);
    assert_eq!(index.search(&query("hangar")).expect("search").total, 0);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// Cut and scrambled PDFs give text or a problem, never a panic, and
    /// within their time limit.
    #[test]
    fn a_damaged_pdf_never_panics_or_hangs(
        cut in 0.0f64..1.0,
        flips in proptest::collection::vec((0.0f64..1.0, proptest::prelude::any::<u8>()), 0..24),
    ) {
        let mut data = pdf::report(3, "Placements");
        data.truncate((data.len() as f64 * cut.max(0.05)) as usize);
        for (at, byte) in flips {
            let i = ((data.len() - 1) as f64 * at) as usize;
            data[i] = byte;
        }
        let started = std::time::Instant::now();
        let text = quorum::load::text::read_pdf(data, std::time::Duration::from_secs(2));
        proptest::prop_assert!(started.elapsed() < std::time::Duration::from_secs(5));
        proptest::prop_assert!(text.problem.is_some() || !text.pages.is_empty());
    }
}

#[test]
fn an_item_that_cannot_be_read_does_not_have_its_files_read() {
    // Its front matter is broken, so whether it is exempt is unknown.
    let dir = with_reports();
    write(
        dir.path(),
        "content/finance/2024-01-10/05-sale.md",
        "---\ntitle: [Sale of land\nexempt: true\n---\n",
    );
    let valuation = pdf::pdf(None, &[&["Valuation."]]);
    attach(
        dir.path(),
        "content/finance/2024-01-10/05-sale/valuation.pdf",
        &valuation,
    );
    assert!(build(dir.path()).is_err());
    assert_eq!(
        cache_entries(dir.path()).len(),
        2,
        "only the published items' PDFs"
    );
}

#[test]
fn a_check_reads_pdfs_but_keeps_nothing() {
    let dir = with_reports();
    let report = quorum::build::check(&options(dir.path())).expect("the archive is good");
    assert_eq!(report.texts.read, 3);
    assert!(
        !dir.path().join(".quorum").exists(),
        "a check writes nothing"
    );
    assert!(!dir.path().join("output").exists());
}

#[test]
fn the_page_the_api_and_the_command_line_give_the_page_and_the_item() {
    let dir = with_reports();
    build_ok(dir.path());
    let server = common::server::Server::start(dir.path(), &["--no-watch"]);
    let api = server.get("/api/search?q=hangar").json();
    assert_eq!(api["hits"][0]["page"], 3);
    assert_eq!(api["hits"][0]["parent"]["title"], "Budget Monitoring");
    let page = server.get("/search/?q=hangar").text();
    assert!(
        page.contains(r#"href="/finance/2024-01-10/budget/annual.pdf#page=3""#),
        "{page}"
    );
    assert!(page.contains(
        r#"Page 3 of a file attached to <a href="/finance/2024-01-10/budget/">Budget Monitoring</a>"#
    ));
    drop(server);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_quorum"))
        .args(["search", "--root", dir.path().to_str().unwrap(), "hangar"])
        .env("NO_COLOR", "1")
        .output()
        .expect("run quorum");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("page 3 of a file attached to Budget Monitoring"),
        "{stdout}"
    );
}

#[test]
fn a_text_file_hit_has_no_page() {
    let dir = with_reports();
    build_ok(dir.path());
    let results = search(dir.path(), query("1000000"));
    let hit = (results.hits.iter())
        .find(|h| h.kind == "attachment")
        .expect("the CSV file");
    assert_eq!(hit.page, None);
    assert!(hit.url.ends_with("budget%20sheet.csv"), "{}", hit.url);
}

#[test]
fn a_reader_program_that_is_gone_leaves_the_pdf_to_a_thread() {
    // As when the binary `quorum serve` runs from is replaced under it.
    let dir = with_reports();
    let mut options = options(dir.path());
    options.pdf_reader = Some(dir.path().join("no-such-quorum"));
    let report = quorum::build::build(&options).expect("builds");
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let results = search(dir.path(), query("hangar"));
    assert_eq!(results.hits[0].page, Some(3), "{results:#?}");
}
