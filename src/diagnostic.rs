//! The one diagnostic type every stage reports through, and its rendering.
//!
//! A stage never prints: it returns [`Diagnostic`]s, which carry the file,
//! position, message and a hint for the fix. The CLI (or the live-preview
//! overlay) renders them once, at the edge, sorted by file and line.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A problem found in the input, pointing at where it is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path as the user knows it: relative to the archive root where possible.
    pub path: PathBuf,
    /// 1-based line in the file itself (front matter included).
    pub line: Option<usize>,
    /// 1-based column, in characters.
    pub column: Option<usize>,
    pub message: String,
    pub hint: Option<String>,
    /// The offending source line, kept so rendering needs no file access.
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn error(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            line: None,
            column: None,
            message: message.into(),
            hint: None,
            source_line: None,
        }
    }

    pub fn warning(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic::error(path, message).into_warning()
    }

    /// The same diagnostic, as a warning.
    pub fn into_warning(self) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..self
        }
    }

    /// Points the diagnostic at `line`/`column` of `source` (the whole file).
    pub fn at(mut self, source: &str, line: usize, column: usize) -> Self {
        self.line = Some(line.max(1));
        self.column = Some(column.max(1));
        self.source_line = source
            .lines()
            .nth(line.saturating_sub(1))
            .map(str::to_owned);
        self
    }

    /// Points at the line of `source` holding byte `offset`.
    pub fn at_offset(self, source: &str, offset: usize) -> Self {
        let (line, column) = line_col(source, offset);
        self.at(source, line, column)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    fn sort_key(&self) -> (&Path, usize, usize, Severity) {
        (
            &self.path,
            self.line.unwrap_or(0),
            self.column.unwrap_or(0),
            self.severity,
        )
    }
}

/// 1-based line and character column of byte `offset` in `source`.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = source.get(..offset).unwrap_or(source);
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Finds the first line of `text` containing `needle`, for pointing at a
/// front-matter value that was only checked after parsing.
pub fn find_line(text: &str, needle: &str) -> Option<(usize, usize)> {
    let offset = text.find(needle)?;
    Some(line_col(text, offset))
}

/// All diagnostics of one run, sorted for reporting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, more: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(more);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }

    pub fn file_count(&self) -> usize {
        let mut paths: Vec<&Path> = self.0.iter().map(|d| d.path.as_path()).collect();
        paths.sort();
        paths.dedup();
        paths.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Sorted by file, then line, so a report reads top to bottom.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.0.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.0.dedup();
        self.0
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    pub fn as_slice(&self) -> &[Diagnostic] {
        &self.0
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<T: IntoIterator<Item = Diagnostic>>(iter: T) -> Self {
        Diagnostics(iter.into_iter().collect())
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.sorted().into_iter()
    }
}

/// Renders one diagnostic with its source line and a caret under the column.
pub fn render(diagnostic: &Diagnostic, styled: bool) -> String {
    use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let path = diagnostic.path.display().to_string();
    let title = level.primary_title(diagnostic.message.as_str());
    let mut report = Vec::new();
    match (diagnostic.line, &diagnostic.source_line) {
        (Some(line), Some(text)) => {
            let column = diagnostic.column.unwrap_or(1);
            let start = text
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(text.len(), |(i, _)| i);
            let end = text[start..]
                .find(char::is_whitespace)
                .map_or(text.len(), |n| start + n)
                .max((start + 1).min(text.len()));
            report.push(
                title.element(
                    Snippet::source(text.as_str())
                        .line_start(line)
                        .path(path.as_str())
                        .annotation(AnnotationKind::Primary.span(start..end)),
                ),
            );
        }
        (line, _) => {
            let origin = annotate_snippets::Origin::path(path.as_str());
            let origin = match line {
                Some(line) => origin.line(line),
                None => origin,
            };
            report.push(title.element(origin));
        }
    }
    if let Some(hint) = &diagnostic.hint {
        report.push(Group::with_title(
            Level::HELP.secondary_title(hint.as_str()),
        ));
    }
    let renderer = if styled {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.render(&report)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render(self, false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_lines_and_chars() {
        let src = "a\nbé c\n";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 2), (2, 1));
        assert_eq!(line_col(src, 6), (2, 4));
    }

    #[test]
    fn renders_path_line_caret_and_hint() {
        let src = "---\ntitel: X\n---\n";
        let d = Diagnostic::error("content/a.md", "unknown key `titel`")
            .at(src, 2, 1)
            .with_hint("did you mean `title`?");
        let out = render(&d, false);
        assert!(out.contains("content/a.md:2:1"), "{out}");
        assert!(out.contains("titel: X"), "{out}");
        assert!(out.contains("^"), "{out}");
        assert!(out.contains("did you mean `title`?"), "{out}");
    }

    #[test]
    fn sorted_by_path_then_line() {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::error("b.md", "x"));
        ds.push(Diagnostic::error("a.md", "y").at("1\n2\n3", 3, 1));
        ds.push(Diagnostic::error("a.md", "z").at("1\n2\n3", 1, 1));
        let sorted: Vec<_> = ds.sorted().into_iter().map(|d| d.message).collect();
        assert_eq!(sorted, ["z", "y", "x"]);
    }
}
