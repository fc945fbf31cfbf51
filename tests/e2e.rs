//! End to end in a real browser: headless Chromium (driven through
//! chromedriver's WebDriver API) against `quorum serve` on loopback. A
//! member searches and follows a hit; a clerk edits that item; the open tab
//! reloads by itself and shows the new text.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::server::{Server, request};
use common::*;
use serde_json::{Value, json};

#[path = "common/pdf.rs"]
mod pdf;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

struct Driver {
    child: Child,
    base: String,
    session: String,
    _profile: tempfile::TempDir,
}

impl Driver {
    fn start() -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        wait("chromedriver to listen", || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
                && request("GET", &format!("{base}/status"), &[], None).json()["value"]["ready"]
                    == true
        });
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                format!("--user-data-dir={}", profile.path().display()),
            ]}
        }}});
        let r = request(
            "POST",
            &format!("{base}/session"),
            &[],
            Some(&caps.to_string()),
        )
        .json();
        let session = r["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {r}"))
            .to_owned();
        Driver {
            child,
            base,
            session,
            _profile: profile,
        }
    }

    fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let body = body.to_string();
        let r = request(
            method,
            &url,
            &[],
            if method == "GET" { None } else { Some(&body) },
        )
        .json();
        if r["value"].get("error").is_some() {
            panic!("webdriver {path}: {}", r["value"]);
        }
        r["value"].clone()
    }

    fn goto(&self, url: &str) {
        self.call("POST", "/url", json!({ "url": url }));
    }

    fn find(&self, css: &str) -> String {
        let v = self.call(
            "POST",
            "/element",
            json!({"using": "css selector", "value": css}),
        );
        v[ELEMENT].as_str().expect("element id").to_owned()
    }

    /// Types `text` into the element `css` selects.
    fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css);
        let path = format!("/element/{element}/value");
        self.call("POST", &path, json!({ "text": text }));
    }

    /// Clicks the element `css` selects.
    fn click(&self, css: &str) {
        let element = self.find(css);
        self.call("POST", &format!("/element/{element}/click"), json!({}));
    }

    fn script(&self, js: &str) -> Value {
        self.call("POST", "/execute/sync", json!({"script": js, "args": []}))
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = request(
            "DELETE",
            &format!("{}/session/{}", self.base, self.session),
            &[],
            None,
        );
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn browser_available() -> bool {
    let present = Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists();
    if !present {
        // CI installs both (see .ci/run); there, a missing browser is a failure.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium and chromium-driver"
        );
        eprintln!("skipped: install Debian's chromium and chromium-driver to run the browser test");
    }
    present
}

#[test]
fn search_follow_edit_and_see_the_tab_reload() {
    if !browser_available() {
        return;
    }
    let dir = example();
    let server = Server::start(dir.path(), &[]);
    let browser = Driver::start();

    // A member searches from the search page.
    browser.goto(&server.url("/search/"));
    browser.type_into("#q", "bullying");
    browser.click("form.search-form button");
    wait("search results", || {
        browser
            .script("return document.querySelectorAll('.hit-title a').length")
            .as_u64()
            .unwrap_or(0)
            > 0
    });
    let marks = browser.script("return document.querySelectorAll('.snippet mark').length");
    assert!(marks.as_u64().unwrap_or(0) > 0, "highlighted snippets");

    // ...and follows the first hit.
    browser.click(".hit-title a");
    let item_path = "/blackpool-rcc/2017-12-07/childrens-services-update/";
    wait("the item page", || {
        browser.script("return location.pathname") == item_path
    });
    assert_eq!(
        browser.script("return document.querySelector('h1').textContent.trim()"),
        "Children's Services Update Report"
    );
    wait("the live-reload connection", || {
        browser.script("return !!window.__quorumLive && window.__quorumLive.readyState === 1")
            == true
    });
    browser.script("window.__notReloadedYet = true; return null");

    // A clerk edits the item; the open tab reloads with the new text.
    let file = dir
        .path()
        .join("content/blackpool-rcc/2017-12-07/05-childrens-services-update.md");
    let text = std::fs::read_to_string(&file).unwrap();
    let edited = text.replacen(
        "The Chairman invited",
        "Zebra crossings near schools were raised first. The Chairman invited",
        1,
    );
    assert_ne!(text, edited);
    std::fs::write(&file, edited).unwrap();
    wait("the tab to reload with the edit", || {
        browser.script("return window.__notReloadedYet === undefined && document.body.innerText.includes('Zebra crossings near schools')") == true
    });

    // A broken save shows the error over the page, which stays readable
    // underneath; the next good save clears it.
    wait("the live-reload connection", || {
        browser.script("return !!window.__quorumLive && window.__quorumLive.readyState === 1")
            == true
    });
    let good = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, good.replacen("title:", "titel:", 1)).unwrap();
    wait("the error overlay", || {
        let text = browser.script(
            "var o = document.getElementById('quorum-error'); return o ? o.textContent : ''",
        );
        text.as_str()
            .is_some_and(|t| t.contains("05-childrens-services-update.md") && t.contains("titel"))
    });
    assert_eq!(
        browser.script("return document.querySelector('h1').textContent.trim()"),
        "Children's Services Update Report"
    );
    std::fs::write(
        &file,
        good.replacen("Zebra crossings", "Pelican crossings", 1),
    )
    .unwrap();
    wait("the fixed page without overlay", || {
        browser.script("return !document.getElementById('quorum-error') && document.body.innerText.includes('Pelican crossings')") == true
    });
}

/// axe-core's script, installed by `.ci/run` (`npm install axe-core` into
/// target/axe); `AXE_CORE_JS` names another copy.
fn axe_script() -> Option<String> {
    let path = std::env::var_os("AXE_CORE_JS").map_or_else(
        || {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("target/axe/node_modules/axe-core/axe.min.js")
        },
        std::path::PathBuf::from,
    );
    let script = std::fs::read_to_string(&path).ok();
    if script.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install axe-core (see .ci/run)"
        );
        eprintln!(
            "skipped: `npm install --prefix target/axe axe-core@4.10` to run the accessibility check"
        );
    }
    script
}

/// What axe-core finds wrong with the page open in `browser`, each named
/// after `path`.
fn axe_violations(browser: &Driver, axe: &str, path: &str) -> Vec<String> {
    browser.call(
        "POST",
        "/execute/sync",
        json!({"script": format!("{axe}\nreturn null;"), "args": []}),
    );
    let found = browser.call(
        "POST",
        "/execute/async",
        json!({"script": "var done = arguments[arguments.length - 1];
            axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']})
              .then(function (r) { done(r.violations.map(function (v) {
                return v.id + ' (' + v.nodes.map(function (n) { return n.target.join(' '); }).join(', ') + ')';
              })); }, function (e) { done(['axe failed: ' + e]); });", "args": []}),
    );
    (found.as_array().into_iter().flatten())
        .map(|v| format!("{path}: {}", v.as_str().unwrap_or_default()))
        .collect()
}

#[test]
fn the_record_pages_are_axe_clean() {
    if !browser_available() {
        return;
    }
    let Some(axe) = axe_script() else {
        return;
    };
    let dir = example();
    // An attached PDF, for its text page and its hits on the search page.
    std::fs::write(
        dir.path()
            .join("content/blackpool-rcc/2017-12-07/05-childrens-services-update/families.pdf"),
        pdf::pdf(
            Some("School families"),
            &[
                &["School families."],
                &[],
                &["Priority leads and governance."],
            ],
        ),
    )
    .expect("write the PDF");
    // On this date the example's November 2027 meeting is upcoming.
    let server = Server::start(dir.path(), &["--today", "2026-12-01"]);
    let browser = Driver::start();
    // More than six pages: each page's live-reload connection must be let
    // go when it is left, or a browser's six connections to the host run
    // out and the seventh page never loads.
    let pages = [
        "/",
        "/actions/",
        "/declarations/",
        "/data/",
        "/decisions/",
        "/decisions/2017/",
        "/meetings/",
        "/surrey-ces/",
        "/surrey-ces/2027-11-18/",
        "/blackpool-cyp/2023-11-09/childrens-social-care-improvement-plan/",
        "/people/chris-coyle/",
        "/search/?q=bullying",
        "/blackpool-rcc/2017-12-07/childrens-services-update/families.pdf.html",
        "/search/?q=governance",
    ];
    let mut problems = Vec::new();
    for path in pages {
        browser.goto(&server.url(path));
        problems.extend(axe_violations(&browser, &axe, path));
    }
    assert!(
        problems.is_empty(),
        "accessibility problems:\n{}",
        problems.join("\n")
    );
}

/// A loopback port free a moment ago.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Python's plain static file server (not Quorum) serving `dir`; killed
/// when dropped.
struct StaticHost {
    child: Child,
    base: String,
}

impl StaticHost {
    fn start(dir: &Path, port: u16) -> StaticHost {
        let child = Command::new("python3")
            .args([
                "-m",
                "http.server",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
            ])
            .arg("--directory")
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start python3 -m http.server");
        wait("the static host to listen", || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        StaticHost {
            child,
            base: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for StaticHost {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The example archive set to be published at `site`, and its
/// quorum.toml so set.
fn example_published_at(site: &str) -> (tempfile::TempDir, String) {
    let dir = example();
    let config = std::fs::read_to_string(dir.path().join("quorum.toml")).unwrap();
    let config = config.replace("https://minutes.example.org", site);
    (dir, config)
}

/// Searches for `words` from the home page of the site at `base`.
fn search_from_home(browser: &Driver, base: &str, words: &str) {
    browser.goto(&format!("{base}/"));
    browser.type_into("form.search-form input[name=q]", words);
    browser.click("form.search-form button");
}

/// Builds the archive at `root` with `config` and copies its site to
/// `public` (emptied first), as a council uploads it to its web host.
fn publish(root: &Path, config: &str, public: &Path) {
    std::fs::write(root.join("quorum.toml"), config).unwrap();
    build_in_a_process(root);
    let _ = std::fs::remove_dir_all(public);
    copy_tree(&root.join("output"), public);
}

#[test]
fn a_site_on_a_plain_static_host_searches_through_its_search_server() {
    if !browser_available() {
        return;
    }
    let public = tempfile::tempdir().unwrap();
    let (site_port, search_port) = (free_port(), free_port());
    let site = format!("http://127.0.0.1:{site_port}");
    let (dir, config) = example_published_at(&site);
    let with_server = format!("{config}\n[search]\nserver = \"http://127.0.0.1:{search_port}\"\n");
    publish(dir.path(), &with_server, public.path());
    assert!(
        !public.path().join("search-index").exists(),
        "the index is not uploaded with the site"
    );
    let host = StaticHost::start(public.path(), site_port);
    let search = Server::start_at(
        dir.path(),
        &format!("127.0.0.1:{search_port}"),
        &["--no-watch"],
    );
    let browser = Driver::start();

    // A member on the static site searches from the home page: the form
    // reaches the search server, whose hits lead back to the static site.
    search_from_home(&browser, &host.base, "bullying");
    wait("results from the search server", || {
        browser.script("return location.origin") == search.base.as_str()
            && browser
                .script("return document.querySelectorAll('.hit-title a').length")
                .as_u64()
                .unwrap_or(0)
                > 0
    });
    let first = browser.script("return document.querySelector('.hit-title a').href");
    assert!(
        first
            .as_str()
            .unwrap_or_default()
            .starts_with(&format!("{site}/")),
        "hits link to the static site: {first}"
    );
    browser.click(".hit-title a");
    wait("the item page on the static site", || {
        browser.script("return location.origin") == site.as_str()
            && browser.script("return document.querySelector('h1') !== null") == true
    });

    // The static site's own scripts may ask the server's API (CORS).
    let answer = browser.call(
        "POST",
        "/execute/async",
        json!({"script": format!("var done = arguments[arguments.length - 1];
            fetch('{}/api/search?q=bullying').then(function (r) {{ return r.json(); }})
              .then(function (j) {{ done(j.total); }}, function (e) {{ done('refused: ' + e); }});",
            search.base), "args": []}),
    );
    assert!(
        answer.as_u64().unwrap_or(0) > 0,
        "the API answered the site: {answer}"
    );

    // Without a search server the static search page says what to do,
    // and keeps the words that were typed.
    publish(dir.path(), &config, public.path());
    browser.goto(&format!("{}/search/?q=bullying", host.base));
    wait("the static search page", || {
        browser
            .script("return document.getElementById('q') ? document.getElementById('q').value : ''")
            == "bullying"
    });
    let note = browser.script("return document.querySelector('.notice').textContent");
    let note = note.as_str().unwrap_or_default();
    assert!(note.contains("without a search service"), "{note}");
    assert!(note.contains("[search] server"), "{note}");
}

/// The number at the start of Pagefind's "N results for ..." line.
fn result_count(browser: &Driver) -> u64 {
    let message = browser.script(
        "var m = document.querySelector('.pagefind-ui__message'); return m ? m.textContent : ''",
    );
    let message = message.as_str().unwrap_or_default();
    message
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[test]
fn a_site_on_a_plain_static_host_searches_in_the_browser_with_its_bundle() {
    if !browser_available() {
        return;
    }
    let public = tempfile::tempdir().unwrap();
    let site_port = free_port();
    let site = format!("http://127.0.0.1:{site_port}");
    let (dir, config) = example_published_at(&site);
    publish(
        dir.path(),
        &format!("{config}\n[search]\nstatic = true\n"),
        public.path(),
    );
    let host = StaticHost::start(public.path(), site_port);
    let browser = Driver::start();

    // The home page's search box leads to the search page, which searches
    // the bundle in the browser.
    search_from_home(&browser, &host.base, "children");
    wait("results from the bundle", || result_count(&browser) > 1);
    let all = result_count(&browser);

    // A filter narrows them: the committee with the fewest.
    wait("the filters", || {
        browser
            .script("return document.querySelectorAll('input.pagefind-ui__filter-checkbox').length")
            .as_u64()
            .unwrap_or(0)
            > 0
    });
    browser.script(
        "document.querySelectorAll('details.pagefind-ui__filter-panel, details.pagefind-ui__filter-block').forEach(function (d) { d.open = true; }); return null",
    );
    browser.click("input.pagefind-ui__filter-checkbox[id*='committee']");
    wait("fewer results", || {
        let n = result_count(&browser);
        n > 0 && n < all
    });
    if let Some(axe) = axe_script() {
        let problems = axe_violations(&browser, &axe, "/search/ (static)");
        assert!(
            problems.is_empty(),
            "accessibility problems:\n{}",
            problems.join("\n")
        );
    }

    // Each hit links to its page on the static site.
    let first = browser.script("return document.querySelector('.pagefind-ui__result-link').href");
    let first = first.as_str().unwrap_or_default().to_owned();
    assert!(first.starts_with(&format!("{site}/")), "{first}");
    browser.click(".pagefind-ui__result-link");
    wait("the hit's page", || {
        browser.script("return location.href") == first.as_str()
            && browser.script("return document.querySelector('h1') !== null") == true
    });
}
