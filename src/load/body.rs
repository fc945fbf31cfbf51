//! Markdown bodies held by reference. The archive keeps where a body is and
//! what its headings are, not its words: pages and the search index read the
//! file again and render it when they need it, one at a time. That keeps a
//! build's memory proportional to the front matter, not to every word of
//! every minute (at 100,000 items, the difference between gigabytes and
//! hundreds of megabytes).
//!
//! A fingerprint taken at load time makes sure the text rendered is the
//! text whose links were checked: a file changed in between is an error,
//! never a page built from unchecked words.

use std::hash::BuildHasher;
use std::path::{Path, PathBuf};

use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet};

use crate::diagnostic::Diagnostic;
use crate::load::markdown::{self, Rendered};

/// Where a body is, and what the rest of the archive may know about it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Body {
    /// Path under `content/`; `None` for a body no file holds (empty).
    pub source: Option<String>,
    /// Byte offset of the body in its file, after the front matter.
    pub offset: usize,
    pub fingerprint: u64,
    /// The heading level the body's largest heading becomes.
    pub top_level: u8,
    /// Anchor ids of its headings, for checking `#anchor` links.
    pub anchors: Vec<String>,
}

impl Body {
    /// Describes `body`, which starts at `offset` in the file at `source`
    /// and has headings with `anchors`.
    pub fn new(
        source: &str,
        offset: usize,
        body: &str,
        top_level: u8,
        anchors: Vec<String>,
    ) -> Body {
        Body {
            source: Some(source.to_owned()),
            offset,
            fingerprint: FxBuildHasher.hash_one(body),
            top_level,
            anchors,
        }
    }
}

/// Where bodies are read from and how their `@/` links are written.
#[derive(Debug, Clone, Default)]
pub struct Bodies {
    /// The archive's `content/` folder.
    pub content_dir: PathBuf,
    /// URL path prefix (from `base_url`).
    pub prefix: String,
    /// Content path -> URL, for pages published away from the URL their
    /// path implies (slug collisions); links to them follow.
    pub moved: FxHashMap<String, String>,
    /// Raw HTML in bodies is kept as written (`trust_html`), not cleaned.
    pub trust_html: bool,
    /// Content paths withheld from the build: links to them are dropped.
    pub withheld: FxHashSet<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error("{path} {source}")]
    Read {
        path: PathBuf,
        source: crate::source::SourceError,
    },
    #[error("{path} changed while the site was being built")]
    Changed { path: PathBuf },
}

impl From<BodyError> for Diagnostic {
    fn from(e: BodyError) -> Diagnostic {
        let path = match &e {
            BodyError::Read { path, .. } | BodyError::Changed { path } => path.clone(),
        };
        Diagnostic::error(path, e.to_string()).with_hint("build again once the file is saved")
    }
}

impl Bodies {
    /// How bodies and short Markdown fields of this archive are written.
    pub fn html(&self) -> markdown::Html<'_> {
        markdown::Html {
            prefix: &self.prefix,
            moved: &self.moved,
            withheld: &self.withheld,
            trusted: self.trust_html,
        }
    }

    /// Reads `body` again and renders it.
    pub fn render(&self, body: &Body) -> Result<Rendered, BodyError> {
        self.with_text(body, |text| {
            markdown::render_linked(text, body.top_level, &self.html())
        })
    }

    /// Reads `body` again and returns its plain text (for the index).
    pub fn text(&self, body: &Body) -> Result<String, BodyError> {
        self.with_text(body, markdown::text)
    }

    fn with_text<T: Default>(
        &self,
        body: &Body,
        f: impl FnOnce(&str) -> T,
    ) -> Result<T, BodyError> {
        let Some(source) = &body.source else {
            return Ok(T::default());
        };
        let shown = Path::new(crate::source::CONTENT_DIR).join(source);
        let read = crate::source::read(
            &self.content_dir.join(source),
            crate::source::MAX_MARKDOWN_BYTES,
        )
        .map_err(|e| BodyError::Read {
            path: shown.clone(),
            source: e,
        })?;
        let Ok(text) = String::from_utf8(read) else {
            return Err(BodyError::Changed { path: shown });
        };
        match text.get(body.offset..) {
            Some(words) if FxBuildHasher.hash_one(words) == body.fingerprint => Ok(f(words)),
            _ => Err(BodyError::Changed { path: shown }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(text: &str) -> (tempfile::TempDir, Bodies, Body) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), text).unwrap();
        let offset = text.find("\n---\n").map_or(0, |i| i + 5);
        let words = &text[offset..];
        let body = Body::new(
            "a.md",
            offset,
            words,
            3,
            markdown::render(words, "", 3).anchors,
        );
        let bodies = Bodies {
            content_dir: dir.path().to_owned(),
            ..Bodies::default()
        };
        (dir, bodies, body)
    }

    #[test]
    fn renders_the_body_again_from_its_file() {
        let (_dir, bodies, body) = setup("---\ntitle: A\n---\n# Budget\n\nThe **plan**.\n");
        assert_eq!(body.anchors, ["budget"]);
        let r = bodies.render(&body).unwrap();
        assert!(r.html.contains("<h3 id=\"budget\">"), "{}", r.html);
        assert_eq!(bodies.text(&body).unwrap(), "Budget\nThe plan.");
    }

    #[test]
    fn a_file_changed_since_loading_is_an_error() {
        let (dir, bodies, body) = setup("---\ntitle: A\n---\nOld words.\n");
        std::fs::write(dir.path().join("a.md"), "---\ntitle: A\n---\nNew words.\n").unwrap();
        let err = bodies.render(&body).unwrap_err();
        assert!(matches!(err, BodyError::Changed { .. }), "{err}");
        assert_eq!(Diagnostic::from(err).path, Path::new("content/a.md"));
        std::fs::remove_file(dir.path().join("a.md")).unwrap();
        assert!(matches!(bodies.text(&body), Err(BodyError::Read { .. })));
    }

    #[test]
    fn links_to_moved_pages_follow_them() {
        let (_dir, mut bodies, body) = setup("---\nt: 1\n---\nSee [it](@/c/2020-01-01/01-x.md).\n");
        bodies
            .moved
            .insert("c/2020-01-01/01-x.md".into(), "/c/2020-01-01/x-01/".into());
        let r = bodies.render(&body).unwrap();
        assert!(
            r.html.contains("href=\"/c/2020-01-01/x-01/\""),
            "{}",
            r.html
        );
    }

    #[test]
    fn a_body_without_a_file_is_empty() {
        let bodies = Bodies::default();
        assert_eq!(
            bodies.render(&Body::default()).unwrap(),
            Rendered::default()
        );
    }
}
