//! `quorum serve` over real HTTP on a loopback port: pages, search page and
//! API, errors, path traversal, caching, and live rebuilds after edits.

mod common;

use std::time::Duration;

use common::server::{EventStream, Server, request};
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
        narrowed.contains("committee: Children and Education Select Committee"),
        "active filter shown, by the committee's name: {narrowed}"
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
    let api = server.get("/api/search?q=title%3A(&strict=1");
    assert_eq!(api.status, 400);
    assert!(
        api.json()["error"]
            .as_str()
            .unwrap()
            .contains("never closed")
    );
    let page = server.get("/search/?q=title%3A(&strict=1");
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
    let report = build_ok(dir.path());
    let total = report.pages + report.files;
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

/// Opens a connection and sends the first part of a request's headers,
/// then stalls, as a slow or malicious client does.
fn half_sent_request(server: &Server) -> std::net::TcpStream {
    use std::io::Write;
    let mut stream = std::net::TcpStream::connect(server.host()).expect("connect");
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Ag")
        .expect("send");
    stream
}

#[test]
fn sigterm_stops_the_server_despite_open_streams_and_stalled_requests() {
    let dir = fixture("basic");
    let server = Server::start(dir.path(), &[]);
    let _events = EventStream::open(&server);
    let _stalled = half_sent_request(&server);
    // Let the server start reading the stalled request.
    std::thread::sleep(Duration::from_millis(200));
    let status = server.terminate_within(Duration::from_secs(5));
    assert!(status.success(), "{status:?}");
}

#[test]
fn a_stalled_request_is_dropped_after_the_header_timeout() {
    use std::io::Read;
    let dir = fixture("basic");
    let server = Server::start(dir.path(), &["--no-watch"]);
    let mut stalled = half_sent_request(&server);
    stalled
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let started = std::time::Instant::now();
    let mut buf = Vec::new();
    // The server gives up on the headers and closes the connection; it
    // may say 408 first.
    let _ = stalled.read_to_end(&mut buf);
    let waited = started.elapsed();
    assert!(
        waited < Duration::from_secs(15),
        "connection held for {waited:?}"
    );
    assert_eq!(server.get("/").status, 200, "still serving others");
}

#[test]
fn redirects_never_lead_off_the_site() {
    let dir = fixture("basic");
    let server = Server::start(dir.path(), &["--no-watch"]);
    for path in [
        "//finance",
        "///finance",
        "//finance?x=1",
        "//evil.example.com/x",
        "//evil.example.com",
        "/\\evil.com",
        "/%5Cevil.com",
        "/%2F%2Ffinance",
    ] {
        let r = server.get(path);
        let location = r.header("location").unwrap_or_default();
        assert!(
            !location.starts_with("//") && !location.starts_with("/\\"),
            "{path}: redirected to {location:?}"
        );
        if r.status == 301 {
            assert!(location.starts_with('/'), "{path}: {location:?}");
        } else {
            assert!(matches!(r.status, 400 | 404), "{path}: {}", r.status);
        }
    }
    let r = server.get("//finance");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location"), Some("/finance/"));
}

#[test]
fn malformed_percent_escapes_get_400() {
    let dir = fixture("basic");
    let server = Server::start(dir.path(), &["--no-watch"]);
    for path in [
        "/%ZZ",
        "/%C3%28",
        "/finance/%E2%82",
        "/finance/%",
        "/api/search?q=%ZZ",
        "/api/search?q=budget%C3%28",
        "/api/search?q=budget&committee=%FF",
        "/search/?q=%E2%82",
        "/search/?q=50%",
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 400, "{path}: {}", r.text());
    }
    assert_eq!(server.get("/api/search?q=caf%C3%A9").status, 200);
    assert_eq!(server.get("/api/search?q=budget+monitoring").status, 200);
}

#[test]
fn saves_after_a_bad_save_converge_to_the_files_on_disk() {
    let dir = fixture("basic");
    let server = Server::start(dir.path(), &[]);
    // The budget item links to the follow-up, which lists it as a
    // backlink: re-rendering either reads the other's words.
    let a = dir.path().join("content/finance/2024-01-10/01-budget.md");
    let b = dir
        .path()
        .join("content/finance/2024-03-05/02-budget-follow-up.md");
    let (a0, b0) = (
        std::fs::read_to_string(&a).unwrap(),
        std::fs::read_to_string(&b).unwrap(),
    );
    let bad_a = a0.replace(
        "title: Budget Monitoring",
        "title: Budget Monitoring\ntopcis: [x]",
    );
    let good_a = |word: &str| a0.replace("presented the forecast.", &format!("presented {word}."));
    let good_b =
        |word: &str| b0.replace("## Next steps", &format!("{word} noted.\n\n## Next steps"));
    for i in 0..6u64 {
        std::fs::write(&a, &bad_a).unwrap();
        std::thread::sleep(Duration::from_millis(40 * (i % 3)));
        std::fs::write(&b, good_b(&format!("Marker{i}"))).unwrap();
        std::thread::sleep(Duration::from_millis(60 * (i % 2)));
        std::fs::write(&a, good_a(&format!("Alpha{i}"))).unwrap();
        std::thread::sleep(Duration::from_millis(80 * (i % 3)));
    }
    // The last three saves each a rebuild of their own.
    std::fs::write(&a, &bad_a).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(&b, good_b("Wombatfinal")).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(&a, good_a("Quokkafinal")).unwrap();

    let a_page = "/finance/2024-01-10/budget/";
    let b_page = "/finance/2024-03-05/budget-follow-up/";
    server.wait_for(b_page, "the last edit of the follow-up", |r| {
        r.text().contains("Wombatfinal noted.")
    });
    server.wait_for(a_page, "the last edit of the budget item", |r| {
        r.text().contains("presented Quokkafinal.")
    });
    for word in ["wombatfinal", "quokkafinal"] {
        server.wait_for(&format!("/api/search?q={word}"), word, |r| {
            r.json()["total"] == 1
        });
    }
    assert_eq!(server.get("/api/search?q=marker4").json()["total"], 0);
    // Once the saves have settled, the served pages are a fresh build's.
    server.wait_until("the rebuilds to settle", || {
        let fresh_dir = tempfile::tempdir().unwrap();
        let mut options = quorum::build::BuildOptions::new(dir.path());
        options.output = Some(fresh_dir.path().join("out"));
        quorum::build::build(&options).expect("the final tree builds");
        let pages = |root: &std::path::Path| -> Vec<(String, Vec<u8>)> {
            snapshot_tree(root)
                .into_iter()
                .filter(|(p, _)| p.ends_with(".html"))
                .collect()
        };
        pages(&dir.path().join("output")) == pages(&fresh_dir.path().join("out"))
    });
}

#[test]
fn truncated_index_files_do_not_crash_the_search_server() {
    let dir = fixture("basic");
    let mut server = Server::start(dir.path(), &["--no-watch"]);
    // Two items, a document and the budget spreadsheet's words.
    assert_eq!(server.get("/api/search?q=budget").json()["total"], 4);
    let index = dir.path().join(quorum::build::INDEX_DIR);
    for entry in walkdir::WalkDir::new(&index) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            std::fs::File::create(entry.path()).unwrap(); // truncates
        }
    }
    for q in [
        "budget",
        "fostering",
        "care",
        "title:budget",
        "\"next steps\"",
    ] {
        let r = request(
            "GET",
            &server.url(&format!(
                "/api/search?q={}",
                q.replace('"', "%22").replace(' ', "+")
            )),
            &[],
            None,
        );
        assert!(matches!(r.status, 200 | 500 | 503), "{q}: {}", r.status);
    }
    assert_eq!(server.get("/search/?q=budget").status, 200);
    assert!(server.is_running(), "server died: {}", server.stderr());
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn the_error_overlay_never_shows_withheld_items() {
    let dir = fixture("basic");
    let server = Server::start(dir.path(), &[]);
    let mut events = EventStream::open(&server);
    let save = |rel: &str, text: String| std::fs::write(dir.path().join(rel), text).unwrap();
    let exempt = "content/finance/2024-01-10/02-land-deal.md";
    let draft = "content/finance/2024-01-10/03-draft-idea.md";
    let public = "content/finance/2024-01-10/01-budget.md";
    let original = |rel: &str| std::fs::read_to_string(dir.path().join(rel)).unwrap();
    let (exempt0, draft0, public0) = (original(exempt), original(draft), original(public));

    // A public item's error is shown in full: the check below is not idle.
    save(
        public,
        public0.replace(
            "title: Budget Monitoring",
            "title: Budget Monitoring\ntopcis: [PUBLIC-LINE]",
        ),
    );
    let shown = events.wait_for("the public error", |t| t.contains("event: error-report"));
    assert!(shown.contains("PUBLIC-LINE"), "{shown}");
    save(public, public0.clone());
    events.wait_for("the reload", |t| t.contains("event: reload"));

    let cases = [
        // A key the schema does not know: the front matter parses.
        (
            exempt,
            exempt0.replace(
                "title: Confidential Land Deal",
                "title: Confidential Land Deal\ntopcis: [SECRET-KEY-LINE]",
            ),
            "SECRET-KEY-LINE",
        ),
        // Front matter YAML cannot read: only a line scan sees `exempt`.
        (
            exempt,
            exempt0.replace(
                "title: Confidential Land Deal",
                "title: SECRET-YAML-LINE: here",
            ),
            "SECRET-YAML-LINE",
        ),
        (
            draft,
            draft0.replace("title: Draft Idea", "title: DRAFT-YAML-LINE: here"),
            "DRAFT-YAML-LINE",
        ),
        (
            draft,
            draft0.replace(
                "title: Draft Idea",
                "title: Draft Idea\ntopcis: [DRAFT-KEY-LINE]",
            ),
            "DRAFT-KEY-LINE",
        ),
    ];
    for (rel, text, secret) in cases {
        let restore = original(rel);
        save(rel, text);
        let shown = events.wait_for(secret, |t| t.contains("event: error-report"));
        assert!(
            !shown.contains(secret),
            "{secret} sent to the browser: {shown}"
        );
        assert!(shown.contains(rel), "{rel} not named: {shown}");
        assert!(shown.contains("withheld"), "{shown}");
        // A tab opened now is sent the current error: withheld too.
        let mut late = EventStream::open(&server);
        let replay = late.wait_for("the replayed error", |t| t.contains("event: error-report"));
        assert!(!replay.contains(secret), "{secret} replayed: {replay}");
        server.wait_until("the terminal to show the error", || {
            server.stderr().contains(secret)
        });
        save(rel, restore);
        events.wait_for("the reload", |t| t.contains("event: reload"));
    }
}

#[test]
fn range_requests_get_206_with_the_bytes_asked_for() {
    let dir = fixture("basic");
    let server = Server::start(dir.path(), &["--no-watch"]);
    let url = server.url("/finance/2024-01-10/budget/budget%20sheet.csv");
    let whole = "area,spend\ncare,1000000\n";
    let r = request("GET", &url, &[("Range", "bytes=5-9")], None);
    assert_eq!(r.status, 206, "{}", r.text());
    assert_eq!(r.text(), &whole[5..=9]);
    assert_eq!(
        r.header("content-range"),
        Some(format!("bytes 5-9/{}", whole.len()).as_str())
    );
    let past_the_end = request("GET", &url, &[("Range", "bytes=1000-")], None);
    assert_eq!(past_the_end.status, 416);
}

#[test]
fn conditional_requests_get_304_by_date_or_tag() {
    let dir = fixture("basic");
    let server = Server::start(dir.path(), &["--no-watch"]);
    let url = server.url("/style.css");
    let first = request("GET", &url, &[], None);
    let modified = first.header("last-modified").expect("last-modified");
    let r = request("GET", &url, &[("If-Modified-Since", modified)], None);
    assert_eq!(r.status, 304);
    let etag = first.header("etag").expect("etag");
    let r = request("GET", &url, &[("If-None-Match", etag)], None);
    assert_eq!(r.status, 304);
    // A tag that no longer matches wins over a date that would.
    let r = request(
        "GET",
        &url,
        &[
            ("If-None-Match", "\"stale\""),
            ("If-Modified-Since", modified),
        ],
        None,
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.body, first.body);
}

#[test]
fn the_reload_script_goes_into_html_of_any_encoding_and_nothing_else() {
    let dir = fixture("basic");
    let server = Server::start(dir.path(), &[]);
    // "Café" in Latin-1: not UTF-8.
    let page: &[u8] = b"<html><head><meta charset=\"iso-8859-1\"></head>\
                        <body><p>Caf\xe9 \xa3100</p></BODY></html>";
    std::fs::write(dir.path().join("output/latin1.html"), page).unwrap();
    let r = server.get("/latin1.html");
    assert_eq!(r.status, 200);
    let close = r
        .body
        .windows(7)
        .rposition(|w| w == b"</BODY>")
        .expect("</BODY> kept");
    let script = r
        .body
        .windows(b"<script>".len())
        .position(|w| w == b"<script>")
        .expect("script added");
    assert!(script < close, "before </BODY>");
    let before = b"<html><head><meta charset=\"iso-8859-1\"></head><body><p>Caf\xe9 \xa3100</p>";
    assert_eq!(&r.body[..script], before, "bytes before the script kept");
    assert_eq!(&r.body[close..], b"</BODY></html>", "bytes after it kept");
    assert!(r.text().contains("EventSource"));
    // Asked for in pieces, the page with the script comes whole.
    let whole = request(
        "GET",
        &server.url("/latin1.html"),
        &[("Range", "bytes=0-9")],
        None,
    );
    assert_eq!(whole.status, 200);
    assert_eq!(whole.body, r.body);

    for path in [
        "/style.css",
        "/feed.xml",
        "/finance/2024-01-10/budget/budget%20sheet.csv",
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert!(!r.text().contains("EventSource"), "{path}: script added");
    }
    let search = server.get("/search/?q=budget");
    assert!(search.text().contains("EventSource"), "the search page too");
    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("EventSource"), "the 404 page too");
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_output_folder_are_not_followed() {
    let dir = fixture("basic");
    std::fs::write(dir.path().join("secret.txt"), "TOP-SECRET").unwrap();
    let server = Server::start(dir.path(), &["--no-watch"]);
    let output = dir.path().join("output");
    std::os::unix::fs::symlink(dir.path().join("secret.txt"), output.join("leak.txt")).unwrap();
    std::os::unix::fs::symlink(dir.path(), output.join("up")).unwrap();
    std::os::unix::fs::symlink(output.join("style.css"), output.join("inside.css")).unwrap();
    for path in ["/leak.txt", "/up/secret.txt", "/up/"] {
        let r = server.get(path);
        assert_eq!(r.status, 404, "{path}");
        assert!(!r.text().contains("TOP-SECRET"), "{path} leaked");
    }
    assert_eq!(
        server.get("/inside.css").status,
        200,
        "links inside are fine"
    );
}

#[test]
fn the_search_page_offers_every_filter_and_writes_as_the_other_pages() {
    let dir = fixture("basic");
    let server = Server::start(dir.path(), &["--no-watch"]);
    let page = server.get("/search/?q=budget").text();
    // The form: committee (by name), person, a date range, kind, order.
    for field in [
        r#"<option value="finance">Finance Committee</option>"#,
        r#"<input id="person" name="person" type="text""#,
        r#"<input id="from" name="from" type="date""#,
        r#"<input id="to" name="to" type="date""#,
        r#"<option value="attachment">Attached files</option>"#,
        r#"<option value="oldest">Oldest first</option>"#,
    ] {
        assert!(page.contains(field), "{field} not in\n{page}");
    }
    // Kinds as people call them, dates as every page writes them, and the
    // filters before the results (a phone shows them first).
    assert!(page.contains("Agenda items</a>"), "{page}");
    assert!(page.contains(r#"<time datetime="2024-01-10">10 January 2024</time> · Agenda item"#));
    let filters = page.find(r#"<details class="facets">"#).expect("filters");
    let hits = page.find(r#"<ol class="hits""#).expect("hits");
    assert!(filters < hits);
    // The chosen values stay chosen.
    let page = server
        .get("/search/?q=budget&committee=finance&from=2024-01-01&sort=oldest")
        .text();
    assert!(page.contains(r#"<option value="finance" selected>"#));
    assert!(page.contains(r#"<input id="from" name="from" type="date" value="2024-01-01">"#));
    assert!(page.contains(r#"<option value="oldest" selected>"#));
    assert!(
        page.contains("committee: Finance Committee"),
        "the filter by name"
    );
    // Oldest first is the reverse of newest first.
    let dates = |sort: &str| -> Vec<String> {
        let json = server
            .get(&format!("/api/search?q=budget&sort={sort}"))
            .json();
        (json["hits"].as_array().unwrap().iter())
            .map(|h| h["date"].as_str().unwrap().to_owned())
            .collect()
    };
    let (newest, oldest) = (dates("newest"), dates("oldest"));
    assert!(
        newest.len() > 1 && newest.windows(2).all(|w| w[0] >= w[1]),
        "{newest:?}"
    );
    assert!(oldest.windows(2).all(|w| w[0] <= w[1]), "{oldest:?}");
    assert_eq!(newest.first(), oldest.last());
}

#[test]
fn a_preview_searches_itself_even_when_a_search_server_is_set() {
    let dir = fixture("basic");
    add_config(
        dir.path(),
        "[search]\nserver = \"https://search.example.org\"",
    );
    let server = Server::start(dir.path(), &[]);
    let home = server.get("/").text();
    assert!(home.contains("action=\"/search/\""), "{home}");
    // Watching, result links stay on the preview; the API still lets the
    // published site call it.
    let r = server.get("/search/?q=budget");
    assert!(r.text().contains("href=\"/finance/"), "{}", r.text());
    let api = request(
        "GET",
        &server.url("/api/search?q=budget"),
        &[("Origin", "https://minutes.example.org")],
        None,
    );
    assert_eq!(
        api.header("access-control-allow-origin"),
        Some("https://minutes.example.org")
    );
}
