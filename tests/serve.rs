//! `quorum serve` over real HTTP on a loopback port: pages, search page and
//! API, errors, path traversal, caching, and live rebuilds after edits.

mod common;

use std::time::Duration;

use common::server::{Server, request};
use common::*;

#[test]
fn serves_pages_with_types_caching_and_compression() {
    let dir = fixture("basic");
    let server = Server::start(dir.path(), &["--no-watch"]);
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(home.text().contains("Testshire minutes"));
    assert!(
        !home.text().contains("EventSource"),
        "no reload script without watching"
    );
    let item = server.get("/finance/2024-01-10/budget/");
    assert!(item.text().contains("Budget Monitoring"));
    assert_eq!(
        server.get("/finance/2024-01-10/budget").status,
        301,
        "folder without slash redirects"
    );
    assert_eq!(
        server.get("/style.css").header("content-type"),
        Some("text/css; charset=utf-8")
    );
    assert_eq!(
        server.get("/feed.xml").header("content-type"),
        Some("application/atom+xml; charset=utf-8")
    );
    let csv = server.get("/finance/2024-01-10/budget/budget%20sheet.csv");
    assert_eq!(csv.status, 200);
    assert_eq!(csv.text(), "area,spend\ncare,1000000\n");

    let etag = item.header("etag").expect("etag").to_owned();
    assert!(item.header("last-modified").is_some());
    let again = request(
        "GET",
        &server.url("/finance/2024-01-10/budget/"),
        &[("If-None-Match", &etag)],
        None,
    );
    assert_eq!(again.status, 304);
    let gz = request(
        "GET",
        &server.url("/finance/2024-01-10/budget/"),
        &[("Accept-Encoding", "gzip")],
        None,
    );
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    let br = request(
        "GET",
        &server.url("/finance/2024-01-10/budget/"),
        &[("Accept-Encoding", "br")],
        None,
    );
    assert_eq!(br.header("content-encoding"), Some("br"));
}

#[test]
fn unknown_pages_get_the_themed_404() {
    let dir = fixture("basic");
    let server = Server::start(dir.path(), &["--no-watch"]);
    let r = server.get("/no/such/page/");
    assert_eq!(r.status, 404);
    assert!(r.text().contains("Page not found"));
    assert!(r.text().contains("class=\"site-header\""), "themed");
}

#[test]
fn path_traversal_never_escapes_the_output_folder() {
    let dir = fixture("basic");
    std::fs::write(dir.path().join("secret.txt"), "TOP-SECRET").unwrap();
    let server = Server::start(dir.path(), &["--no-watch"]);
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fsecret.txt",
        "/finance/..%2f..%2fsecret.txt",
        "/%5c..%5csecret.txt",
        "//etc/passwd",
        "/.output.staging/x",
        "/content/finance/_committee.md",
        "/..",
    ] {
        let r = server.get(path);
        assert!(matches!(r.status, 400 | 404), "{path}: {}", r.status);
        let body = r.text();
        assert!(
            !body.contains("TOP-SECRET") && !body.contains("root:x:"),
            "{path} leaked"
        );
    }
}

#[test]
fn the_search_page_renders_results_facets_and_corrections() {
    let dir = example();
    let server = Server::start(dir.path(), &["--no-watch"]);
    let empty = server.get("/search/");
    assert_eq!(empty.status, 200);
    assert!(empty.text().contains("name=\"q\""));
    assert!(
        !empty.text().contains("needs the archive's search server"),
        "the server does search"
    );
    let r = server.get("/search/?q=bullying");
    assert_eq!(r.status, 200);
    let html = r.text();
    assert!(html.contains("class=\"hit-title\""), "{html}");
    assert!(html.contains("<mark>bullying</mark>"));
    assert!(html.contains("class=\"facets\""));
    assert!(
        html.contains("committee=blackpool-rcc"),
        "facet links narrow the search"
    );
    let fuzzy = server.get("/search/?q=fosterng").text();
    assert!(
        fuzzy.contains("showing results for <strong>fostering</strong>"),
        "{fuzzy}"
    );
    let narrowed = server
        .get("/search/?q=children&committee=surrey-ces")
        .text();
    assert!(
        narrowed.contains("committee: surrey-ces"),
        "active filter shown"
    );
    assert!(!narrowed.contains("/blackpool-rcc/2017-12-07/childrens-services-update/\">"));
}

#[test]
fn the_query_is_escaped_when_echoed() {
    let dir = fixture("basic");
    let server = Server::start(dir.path(), &["--no-watch"]);
    let r = server.get("/search/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
    let html = r.text();
    assert!(
        !html.contains("<script>alert(1)</script>"),
        "query echoed raw"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[test]
fn the_api_answers_like_the_cli() {
    let dir = fixture("basic");
    let server = Server::start(dir.path(), &["--no-watch"]);
    let r = server.get("/api/search?q=budget&limit=2&sort=newest");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let v = r.json();
    assert_eq!(v["query"], "budget");
    assert_eq!(v["hits"].as_array().unwrap().len(), 2);
    assert!(v["facets"]["committee"].is_array());
    let cli = std::process::Command::new(env!("CARGO_BIN_EXE_quorum"))
        .args([
            "search",
            "--root",
            dir.path().to_str().unwrap(),
            "--json",
            "--limit",
            "2",
            "--sort",
            "newest",
            "budget",
        ])
        .output()
        .unwrap();
    let cli: serde_json::Value = serde_json::from_slice(&cli.stdout).unwrap();
    assert_eq!(cli, v, "same answer from the CLI and the API");
}

#[test]
fn bad_requests_get_400s_and_oversized_ones_are_refused() {
    let dir = fixture("basic");
    let server = Server::start(dir.path(), &["--no-watch"]);
    let api = server.get("/api/search?q=title%3A(");
    assert_eq!(api.status, 400);
    assert!(
        api.json()["error"]
            .as_str()
            .unwrap()
            .contains("never closed")
    );
    let page = server.get("/search/?q=title%3A(");
    assert_eq!(page.status, 400);
    assert!(
        page.text().contains("never closed"),
        "readable message on the page"
    );
    for bad in [
        "/api/search?q=x&from=yesterday",
        "/api/search?q=x&limit=100000",
        "/api/search?q=x&bogus=1",
        "/api/search?q=x&sort=sideways",
    ] {
        assert_eq!(server.get(bad).status, 400, "{bad}");
    }
    let long = format!("/api/search?q={}", "a".repeat(2000));
    assert_eq!(server.get(&long).status, 400);
    let huge = format!("/search/?q={}", "a".repeat(5000));
    assert_eq!(server.get(&huge).status, 414);
}

#[test]
fn an_edited_item_is_served_and_found_after_the_rebuild() {
    let dir = fixture("basic");
    let server = Server::start(dir.path(), &[]);
    let page = "/finance/2024-03-05/budget-follow-up/";
    assert!(
        server.get(page).text().contains("EventSource"),
        "reload script injected while watching"
    );
    let file = dir
        .path()
        .join("content/finance/2024-03-05/02-budget-follow-up.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace(
            "## Next steps",
            "Zanzibar allotments were discussed.\n\n## Next steps",
        ),
    )
    .unwrap();
    server.wait_for(page, "the edit", |r| {
        r.text().contains("Zanzibar allotments")
    });
    server.wait_for("/api/search?q=zanzibar", "the edit in the index", |r| {
        r.json()["total"] == 1
    });
    assert!(server.stderr().contains("Rebuilt"), "{}", server.stderr());
    // Only the pages depending on the item were re-rendered.
    let log = server.stderr();
    let rendered: usize = log
        .lines()
        .find_map(|l| {
            l.strip_prefix("Rebuilt ")
                .and_then(|r| r.split(' ').next())
                .and_then(|n| n.parse().ok())
        })
        .expect("incremental rebuild line");
    let total = quorum::render::jobs(&build_ok(dir.path()).archive).len();
    assert!(rendered < total, "{rendered} of {total} pages re-rendered");
}

#[test]
fn a_broken_edit_keeps_the_last_good_page() {
    let dir = fixture("basic");
    let server = Server::start(dir.path(), &[]);
    let page = "/finance/2024-03-05/budget-follow-up/";
    let before = server.get(page).text();
    let file = dir
        .path()
        .join("content/finance/2024-03-05/02-budget-follow-up.md");
    let good = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        good.replace(
            "title: Budget Follow-up",
            "title: Budget Follow-up\ntopcis: [x]",
        ),
    )
    .unwrap();
    let started = std::time::Instant::now();
    while !server.stderr().contains("unknown key `topcis`") {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no error reported: {}",
            server.stderr()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        server.stderr().contains("02-budget-follow-up.md:3"),
        "{}",
        server.stderr()
    );
    assert_eq!(
        server.get(page).text(),
        before,
        "last good page still served"
    );
    std::fs::write(
        &file,
        good.replace("## Next steps", "Fixed and saved.\n\n## Next steps"),
    )
    .unwrap();
    server.wait_for(page, "the fixed edit", |r| {
        r.text().contains("Fixed and saved.")
    });
}

#[test]
fn no_watch_mode_stops_cleanly_on_sigterm() {
    let dir = fixture("basic");
    let server = Server::start(dir.path(), &["--no-watch"]);
    assert_eq!(server.get("/").status, 200);
    let status = server.terminate();
    assert!(status.success(), "{status:?}");
}
