//! Mapping request paths to files of the built site, safely: nothing
//! outside the output folder can ever be named.

use std::path::{Path, PathBuf};

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    File(PathBuf),
    /// A folder asked for without its trailing slash.
    Redirect(String),
    NotFound,
    /// `..`, NUL, backslashes or undecodable escapes: refused outright.
    BadPath,
}

/// Resolves `raw` (the request path, still percent-encoded) under `root`,
/// the output folder, for a site published under `prefix` ("" or "/x").
pub fn resolve(root: &Path, prefix: &str, raw: &str) -> Target {
    let Some(rest) = raw.strip_prefix(prefix) else {
        return Target::NotFound;
    };
    if rest.is_empty() {
        return Target::Redirect(format!("{prefix}/"));
    }
    if !rest.starts_with('/') {
        return Target::NotFound;
    }
    let Some(decoded) = percent_decode_strict(rest) else {
        return Target::BadPath;
    };
    if decoded.contains('\0') || decoded.contains('\\') {
        return Target::BadPath;
    }
    let mut path = root.to_path_buf();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment == ".." || segment == "." {
            return Target::BadPath;
        }
        // Hidden files: staging leftovers, temp files of live writes.
        if segment.starts_with('.') {
            return Target::NotFound;
        }
        path.push(segment);
    }
    if path.is_dir() {
        if !decoded.ends_with('/') {
            // Slashes collapsed: `//people` must not send the browser to
            // `//people/`, which it reads as another host's address; and
            // never any protocol-relative address (`//host`, or `/\host`,
            // which browsers read alike): that would be an open redirect.
            let to = format!("{prefix}/{}/", rest.trim_start_matches('/'));
            if to.starts_with("//") || to.starts_with("/\\") {
                return Target::NotFound;
            }
            return Target::Redirect(to);
        }
        path.push("index.html");
    }
    if !path.is_file() {
        return Target::NotFound;
    }
    // A link inside the output folder must not lead out of it either.
    match (path.canonicalize(), root.canonicalize()) {
        (Ok(p), Ok(r)) if p.starts_with(&r) => Target::File(path),
        _ => Target::NotFound,
    }
}

/// Decodes `%XX`; `None` for a malformed escape or invalid UTF-8.
pub fn percent_decode_strict(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The content type of a file where the site's own is better than the
/// registry `ServeFile` guesses from (`None`: let it guess): the pages,
/// styles and text the generator writes are UTF-8, and the feed is Atom.
pub fn content_type(path: &Path) -> Option<&'static str> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if name == "feed.xml" {
        return Some("application/atom+xml; charset=utf-8");
    }
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("html") | Some("htm") => Some("text/html; charset=utf-8"),
        Some("css") => Some("text/css; charset=utf-8"),
        Some("js") => Some("text/javascript; charset=utf-8"),
        Some("xml") => Some("application/xml; charset=utf-8"),
        Some("txt") | Some("md") => Some("text/plain; charset=utf-8"),
        Some("csv") => Some("text/csv; charset=utf-8"),
        Some("json") => Some("application/json"),
        Some("ndjson") => Some("application/x-ndjson"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_pretty_urls_and_refuses_escapes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a")).unwrap();
        std::fs::write(dir.path().join("a/index.html"), "x").unwrap();
        std::fs::write(dir.path().join("a/b c.pdf"), "x").unwrap();
        let root = dir.path();
        assert_eq!(
            resolve(root, "", "/a/"),
            Target::File(root.join("a/index.html"))
        );
        assert_eq!(resolve(root, "", "/a"), Target::Redirect("/a/".into()));
        assert_eq!(
            resolve(root, "", "/a/b%20c.pdf"),
            Target::File(root.join("a/b c.pdf"))
        );
        assert_eq!(resolve(root, "", "/../etc/passwd"), Target::BadPath);
        assert_eq!(
            resolve(root, "", "/a/%2e%2e/%2e%2e/etc/passwd"),
            Target::BadPath
        );
        assert_eq!(resolve(root, "", "/a/..%2f..%2fetc"), Target::BadPath);
        assert_eq!(resolve(root, "", "/%ZZ"), Target::BadPath);
        assert_eq!(resolve(root, "", "/a/%5c..%5c"), Target::BadPath);
        assert_eq!(resolve(root, "", "//etc/passwd"), Target::NotFound);
        assert_eq!(resolve(root, "", "//a"), Target::Redirect("/a/".into()));
        assert_eq!(resolve(root, "", "///a"), Target::Redirect("/a/".into()));
        assert_eq!(
            resolve(root, "/m", "/m//a"),
            Target::Redirect("/m/a/".into())
        );
        assert_eq!(resolve(root, "/m", "/a/"), Target::NotFound);
        assert_eq!(resolve(root, "/m", "/m"), Target::Redirect("/m/".into()));
        assert_eq!(
            resolve(root, "/m", "/m/a/"),
            Target::File(root.join("a/index.html"))
        );
    }
}
