//! Link check of the rendered site: every internal `href`/`src` must name a
//! file the build writes, and every `#fragment` an id on the target page.
//!
//! Pages are scanned as they are rendered; only what the final check needs
//! (ids, and links with fragments) is kept, so memory stays small.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::diagnostic::{self, Diagnostic};
use crate::load::markdown::is_external;
use crate::urls::percent_decode;
use rustc_hash::FxHashSet;

/// The internal links of one page, and where to report problems.
#[derive(Debug, Default)]
struct Deferred {
    source: Option<String>,
    template: &'static str,
    /// (link as written, target site path, fragment)
    fragments: Vec<(String, String, String)>,
}

/// Collects link facts from pages as they are rendered.
#[derive(Debug)]
pub struct LinkChecker {
    root: PathBuf,
    prefix: String,
    /// Every site path the build writes ("/a/b/", "/style.css").
    files: Arc<HashSet<String>>,
    /// Each page's element ids, as sorted fingerprints: kept for every
    /// page until the end, so they must be small (at 100,000 items the
    /// ids themselves took 300 MB).
    ids: Mutex<HashMap<String, Box<[u64]>>>,
    deferred: Mutex<Vec<(String, Deferred)>>,
    problems: Mutex<Vec<Diagnostic>>,
    /// Site paths of pages left unbuilt because their file failed to load
    /// (see `Archive::unloaded`): links into them are not reported again.
    unloaded: FxHashSet<String>,
}

impl LinkChecker {
    /// `files` holds every site path the build writes, percent-decoded
    /// (shared: a live edit checks its pages and its data files apart).
    pub fn new(root: &std::path::Path, prefix: &str, files: Arc<HashSet<String>>) -> LinkChecker {
        LinkChecker {
            root: root.to_owned(),
            prefix: prefix.to_owned(),
            files,
            ids: Mutex::default(),
            deferred: Mutex::default(),
            problems: Mutex::default(),
            unloaded: FxHashSet::default(),
        }
    }

    /// Links to these site paths, or under them, are not reported: the
    /// failed file that should have made them is.
    pub fn skipping(mut self, unloaded: FxHashSet<String>) -> LinkChecker {
        self.unloaded = unloaded;
        self
    }

    /// Whether `target` is, or lies under, an unloaded page.
    fn is_unloaded(&self, target: &str) -> bool {
        !self.unloaded.is_empty()
            && target
                .match_indices('/')
                .any(|(i, _)| self.unloaded.contains(&target[..=i]))
    }

    /// Scans one rendered HTML page at site path `url`. Every page of a
    /// build passes through here, with dozens of links each: values are
    /// borrowed from the page, and a link already written as a site path
    /// (as the theme writes them) is looked up as it is.
    pub fn scan(&self, url: &str, body: &str, source: Option<&str>, template: &'static str) {
        let [ids, hrefs, srcs] = attributes(body);
        let ids: FxHashSet<Cow<str>> = ids.into_iter().map(decode_entities).collect();
        let mut deferred = Deferred {
            source: source.map(str::to_owned),
            template,
            fragments: Vec::new(),
        };
        let mut problems = Vec::new();
        let mut seen = FxHashSet::default();
        for raw in hrefs.into_iter().chain(srcs) {
            let link = decode_entities(raw);
            if let Some(scheme) = dangerous_scheme(&link) {
                problems.push(self.broken(
                    url,
                    &deferred,
                    &link,
                    &format!(
                        "uses a `{scheme}:` address, which would run code or hide content in a \
                         reader's browser; link to a page or an http(s) address instead"
                    ),
                ));
                continue;
            }
            if is_external(&link) || !seen.insert(link.clone()) {
                continue;
            }
            let (path_part, fragment) = match link.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (link.as_ref(), None),
            };
            let path_part = path_part.split('?').next().unwrap_or_default();
            let target = if path_part.is_empty() {
                Cow::Borrowed(url)
            } else {
                match self.site_path(url, path_part) {
                    Some(t) => t,
                    None => {
                        problems.push(self.broken(
                            url,
                            &deferred,
                            &link,
                            "leaves the site's folder",
                        ));
                        continue;
                    }
                }
            };
            if !self.files.contains(target.as_ref()) {
                if self.is_unloaded(&target) {
                    continue;
                }
                problems.push(self.broken(
                    url,
                    &deferred,
                    &link,
                    "points to no page or file of the site",
                ));
                continue;
            }
            if let Some(f) = fragment.filter(|f| !f.is_empty()) {
                let f = percent_decode(f);
                if target == url {
                    if !ids.contains(f.as_str()) {
                        problems.push(self.broken(
                            url,
                            &deferred,
                            &link,
                            "points to no id on this page",
                        ));
                    }
                } else {
                    deferred
                        .fragments
                        .push((link.to_string(), target.into_owned(), f));
                }
            }
        }
        let mut fingerprints: Vec<u64> = ids.iter().map(|id| fingerprint(id)).collect();
        fingerprints.sort_unstable();
        fingerprints.dedup();
        self.ids
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(url.to_owned(), fingerprints.into_boxed_slice());
        if !deferred.fragments.is_empty() {
            self.deferred
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((url.to_owned(), deferred));
        }
        if !problems.is_empty() {
            self.problems
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend(problems);
        }
    }

    /// Every broken link, except in files that already have errors of
    /// their own among `known`: their broken links are the same mistakes
    /// seen again in the output.
    pub fn finish_except(self, known: &[&Diagnostic]) -> Vec<Diagnostic> {
        let with_errors: std::collections::HashSet<&std::path::Path> = known
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.path.as_path())
            .collect();
        let mut problems = self.finish();
        problems.retain(|d| !with_errors.contains(d.path.as_path()));
        problems
    }

    /// Checks fragments across pages and returns every broken link.
    pub fn finish(self) -> Vec<Diagnostic> {
        let ids = self.ids.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut problems = self
            .problems
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        for (url, d) in self
            .deferred
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
        {
            for (link, target, fragment) in &d.fragments {
                // Fragments into non-HTML files cannot be checked.
                let Some(target_ids) = ids.get(target) else {
                    continue;
                };
                if target_ids.binary_search(&fingerprint(fragment)).is_err() {
                    problems.push(report(
                        &self.root,
                        &url,
                        &d,
                        link,
                        &format!("points to no id `{fragment}` on {target}"),
                    ));
                }
            }
        }
        problems
    }

    fn broken(&self, url: &str, d: &Deferred, link: &str, why: &str) -> Diagnostic {
        report(&self.root, url, d, link, why)
    }

    /// The site path a link on page `url` names, without the prefix.
    fn site_path<'l>(&self, url: &str, link: &'l str) -> Option<Cow<'l, str>> {
        match self.plain_site_path(link) {
            Some(path) => Some(Cow::Borrowed(path)),
            None => self.normalised_site_path(url, link).map(Cow::Owned),
        }
    }

    /// The site path of any link: joined to the page's folder, decoded,
    /// and with its `.` and `..` segments resolved.
    fn normalised_site_path(&self, url: &str, link: &str) -> Option<String> {
        let joined = if let Some(rest) = link.strip_prefix('/') {
            let rest = format!("/{rest}");
            match rest.strip_prefix(&self.prefix) {
                Some(r) if self.prefix.is_empty() || r.is_empty() || r.starts_with('/') => {
                    r.to_owned()
                }
                _ => return None,
            }
        } else {
            let dir = &url[..url.rfind('/').map_or(0, |i| i + 1)];
            format!("{dir}{link}")
        };
        let decoded = percent_decode(&joined);
        let mut parts: Vec<&str> = Vec::new();
        for seg in decoded.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    parts.pop()?;
                }
                s => parts.push(s),
            }
        }
        let trailing = decoded.ends_with('/') || decoded.ends_with("/.") || decoded.is_empty();
        let mut path = format!("/{}", parts.join("/"));
        if path.ends_with("/index.html") {
            path.truncate(path.len() - "index.html".len());
        } else if trailing && !path.ends_with('/') {
            path.push('/');
        }
        Some(path)
    }

    /// The site path of an absolute link under the prefix that has
    /// nothing to decode or normalise (no `%`, `//`, `.` or `..` segment,
    /// no `index.html`): the part after the prefix, as
    /// `normalised_site_path` would make it.
    fn plain_site_path<'l>(&self, link: &'l str) -> Option<&'l str> {
        let rest = link.strip_prefix(self.prefix.as_str())?;
        let plain = rest.starts_with('/')
            && !rest.contains('%')
            && !rest.contains("//")
            && !rest.ends_with("/index.html")
            && !rest.split('/').any(|seg| seg == "." || seg == "..");
        plain.then_some(rest)
    }
}

fn report(root: &std::path::Path, url: &str, d: &Deferred, link: &str, why: &str) -> Diagnostic {
    let message = format!("broken link `{link}` on page {url}: it {why}");
    match &d.source {
        Some(source) => {
            let path = PathBuf::from("content").join(source);
            let mut diag = Diagnostic::error(&path, message)
                .with_hint("correct the link in the file; link to other content with `@/path/under/content.md`");
            // Point at the link in the source when it is written there as is.
            if let Ok(text) = std::fs::read_to_string(root.join(&path))
                && let Some((line, column)) = diagnostic::find_line(&text, link)
            {
                diag = diag.at(&text, line, column);
            }
            diag
        }
        None => Diagnostic::error(format!("templates/{}", d.template), message)
            .with_hint("the link comes from the theme template; correct it there"),
    }
}

/// The scheme of `link` if it is one a page must never link to, however
/// it is spelt: browsers ignore case, and spaces, tabs and newlines in
/// and before a scheme (`JaVaScRiPt:`, `java\tscript:`).
fn dangerous_scheme(link: &str) -> Option<&'static str> {
    const DANGEROUS: [&str; 3] = ["javascript", "vbscript", "data"];
    let colon = link.find(':')?;
    let scheme: String = link[..colon]
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    DANGEROUS.into_iter().find(|d| *d == scheme)
}

/// The values (quoted with " or ', as written) of the attributes the
/// check reads, `id`, `href` and `src`, in that order, from one pass over
/// `html`. An attribute is a name preceded by whitespace and followed by
/// `=` and a quote; a value of one name is not searched for that name
/// again, and one whose quote never closes ends that name's values.
///
/// One `memchr` pass over the `=` signs, where a search of the page for
/// each name (`str::find`, three passes) was before: the link check went
/// from 6.1% to 3.7% of a 10,000-item build's CPU samples (`perf`, DWARF
/// call graphs, one build each). It finds what those searches found
/// (`tests::one_pass_finds_what_a_search_for_each_name_finds`).
fn attributes(html: &str) -> [Vec<&str>; 3] {
    const NAMES: [&str; 3] = ["id", "href", "src"];
    let bytes = html.as_bytes();
    let mut found: [Vec<&str>; 3] = Default::default();
    // Where each name's next match may start; None once a value of that
    // name ran to the end of the page.
    let mut from: [Option<usize>; 3] = [Some(0); 3];
    for eq in memchr::memchr_iter(b'=', bytes) {
        for (k, name) in NAMES.iter().enumerate() {
            let Some(start) = eq.checked_sub(name.len()) else {
                continue;
            };
            if from[k].is_none_or(|f| start < f) || &bytes[start..eq] != name.as_bytes() {
                continue;
            }
            from[k] = Some(eq + 1);
            // A whole attribute name (start is a character boundary: the
            // name's bytes are ASCII).
            if !html[..start]
                .chars()
                .next_back()
                .is_some_and(char::is_whitespace)
            {
                continue;
            }
            let Some(&quote) = bytes.get(eq + 1).filter(|q| matches!(q, b'"' | b'\'')) else {
                continue;
            };
            let value_start = eq + 2;
            match memchr::memchr(quote, &bytes[value_start..]) {
                Some(len) => {
                    found[k].push(&html[value_start..value_start + len]);
                    from[k] = Some(value_start + len + 1);
                }
                None => from[k] = None,
            }
        }
    }
    found
}

fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e < 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e if e.starts_with("#x") || e.starts_with("#X") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// A 64-bit fingerprint of an id. A broken fragment link would go unseen
/// only if its id shared a fingerprint with one the page has: with a few
/// dozen ids a page, practically never.
fn fingerprint(id: &str) -> u64 {
    rustc_hash::FxBuildHasher.hash_one(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checker() -> LinkChecker {
        let files = ["/", "/a/", "/a/b/", "/style.css", "/a/b/doc x.pdf"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        LinkChecker::new(std::path::Path::new("."), "", Arc::new(files))
    }

    #[test]
    fn accepts_good_links_of_every_form() {
        let c = checker();
        c.scan("/a/b/", r##"<a href="/a/">x</a><a href="../">y</a><a href="/style.css">s</a><a href="#top">t</a><h2 id="top">T</h2><a href="/a/b/index.html">i</a><a href="https://x.org/">e</a>"##, None, "t");
        c.scan("/a/", r#"<a href="b/#top">x</a>"#, None, "t");
        assert!(c.finish().is_empty());
    }

    #[test]
    fn reports_missing_pages_fragments_and_escapes() {
        let c = checker();
        c.scan("/a/", r##"<a href="/nope/">x</a> <a href="b/#missing">y</a> <a href="../../../etc/passwd">z</a> <a href="#gone">w</a>"##, None, "item.html");
        c.scan("/a/b/", "<p>no ids here</p>", None, "item.html");
        let problems = c.finish();
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(
            problems
                .iter()
                .all(|p| p.path == std::path::Path::new("templates/item.html"))
        );
    }

    #[test]
    fn plain_links_are_the_site_paths_normalising_would_make() {
        for prefix in ["", "/council"] {
            let mut c = checker();
            c.prefix = prefix.to_owned();
            for link in [
                "/",
                "/a/",
                "/a/b/",
                "/style.css",
                "/a/b",
                "/a/index.html",
                "/a//b/",
                "/a/./b/",
                "/a/../b/",
                "/a/.",
                "/a/..",
                "/doc%20x.pdf",
                "/a/.hidden",
                "/a/b..c/",
                "a/b/",
                "../a/",
            ] {
                let link = format!("{prefix}{link}");
                if let Some(plain) = c.plain_site_path(&link) {
                    assert_eq!(
                        Some(plain.to_owned()),
                        c.normalised_site_path("/x/y/", &link),
                        "{link}"
                    );
                }
            }
            // The commonest links are looked up without normalising.
            assert_eq!(c.plain_site_path(&format!("{prefix}/a/b/")), Some("/a/b/"));
            assert_eq!(c.plain_site_path(&format!("{prefix}/a/index.html")), None);
        }
    }

    #[test]
    fn links_that_run_code_are_broken_however_spelt() {
        for link in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " java\tscript:x",
            "&#106;avascript:x",
            "vbscript:x",
            "data:text/html,x",
        ] {
            let c = checker();
            c.scan("/a/", &format!("<a href=\"{link}\">x</a>"), None, "t.html");
            let problems = c.finish();
            assert_eq!(problems.len(), 1, "{link} passed");
            assert!(
                problems[0].message.contains("run code"),
                "{}",
                problems[0].message
            );
        }
        assert_eq!(dangerous_scheme("https://x.org/java:script"), None);
        assert_eq!(dangerous_scheme("/javascript-guide/"), None);
    }

    #[test]
    fn decodes_entities_and_percent_escapes() {
        assert_eq!(decode_entities("a&amp;b&#x2F;c&#39;"), "a&b/c'");
        assert_eq!(crate::urls::percent_decode("doc%20x.pdf"), "doc x.pdf");
    }

    /// What `attributes` replaced, kept as the reference it must agree
    /// with: a search of the page for each name in turn.
    fn values_of<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
        let needle = format!("{name}=");
        let mut values = Vec::new();
        let mut pos = 0;
        while let Some(found) = html[pos..].find(&needle) {
            let start = pos + found;
            pos = start + needle.len();
            if !html[..start]
                .chars()
                .next_back()
                .is_some_and(char::is_whitespace)
            {
                continue;
            }
            let Some(quote) = html[pos..].chars().next() else {
                break;
            };
            if quote != '"' && quote != '\'' {
                continue;
            }
            let value_start = pos + 1;
            let Some(len) = html[value_start..].find(quote) else {
                break;
            };
            pos = value_start + len + 1;
            values.push(&html[value_start..pos - 1]);
        }
        values
    }

    #[test]
    fn finds_each_attribute_once_in_order() {
        let html = "<a id=\"x\" href='/a/' class=\"c\"><img src=\"/s.png\" data-id=\"no\" \
                    srcset=\"no\"><p\u{a0}id=\"y\" title=\"a id='z'\">";
        assert_eq!(
            attributes(html),
            [vec!["x", "y", "z"], vec!["/a/"], vec!["/s.png"]]
        );
    }

    #[test]
    fn a_value_left_open_ends_that_names_values() {
        let html = "<a href='/a/ id=\"x\" href=\"/b/\"><img src=\"/s.png\">";
        assert_eq!(attributes(html), [vec!["x"], vec![], vec!["/s.png"]]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn one_pass_finds_what_a_search_for_each_name_finds(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                " href=", "href=", " id=", "\tid=", " src=", "src", "srcset=", "=", "\"", "'",
                "x", " ", "\u{a0}", "é", "<a", ">", "/p/", "&amp;",
            ]), 0..40)
        ) {
            let html: String = pieces.concat();
            let expected = ["id", "href", "src"].map(|name| values_of(&html, name));
            proptest::prop_assert_eq!(attributes(&html), expected, "{:?}", html);
        }
    }
}
