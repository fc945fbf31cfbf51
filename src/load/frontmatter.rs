//! Splitting a Markdown file into YAML front matter and body, and parsing
//! the front matter into a typed struct.
//!
//! This is the only module that knows the YAML library (serde_yaml_ng, the
//! maintained fork of the deprecated serde_yaml: the same libyaml parser,
//! so the same messages and positions), so it can be swapped without
//! touching anything else.

mod shape;

use serde::de::DeserializeOwned;

use crate::diagnostic::Diagnostic;
use crate::suggest;

pub use shape::{MAX_DEPTH, Position, Shape, ShapeError};

/// A file cut into its front matter and body, with where each starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the `---` lines ("" when the file has none).
    pub yaml: &'a str,
    /// 0-based line of the file on which `yaml` starts.
    pub yaml_line: usize,
    pub body: &'a str,
    /// 0-based line of the file on which `body` starts.
    pub body_line: usize,
    /// Byte offset of `body` in the file.
    pub body_offset: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    #[error("the front matter opened on line 1 is never closed")]
    Unclosed,
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

/// Whether the front matter of `text` marks its item as withheld:
/// `exempt:` set to anything but false, or `status: draft` when drafts are
/// not published. Read line by line, without YAML, so that it still
/// answers for front matter that does not parse; that is what keeps a
/// withheld file's words out of the live error overlay. Cautious on
/// purpose: an unclosed front matter is read to the end, and a value it
/// cannot read withholds; better a public item's error hidden from the
/// browser (the terminal shows it) than a withheld one's shown.
pub fn declares_withheld(text: &str, drafts: bool) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines();
    if !lines.next().is_some_and(is_fence) {
        return false;
    }
    let unquote = |s: &str| {
        s.trim()
            .trim_matches(|c: char| c == '"' || c == '\'' || c == '{' || c == '}' || c == ',')
            .trim()
            .to_ascii_lowercase()
    };
    for line in lines.take_while(|l| !is_fence(l)) {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = unquote(value.split(" #").next().unwrap_or_default());
        match unquote(key).as_str() {
            "exempt" if !matches!(value.as_str(), "false" | "no" | "off") => return true,
            "status" if !drafts && value == "draft" => return true,
            _ => {}
        }
    }
    false
}

/// Cuts `text` at its `---` fences. A file without an opening fence is all
/// body.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let text_start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[text_start..];
    let first_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    if !is_fence(&rest[..first_end]) {
        return Ok(Split {
            yaml: "",
            yaml_line: 0,
            body: text,
            body_line: 0,
            body_offset: 0,
        });
    }
    let yaml_start = text_start + first_end;
    let mut offset = yaml_start;
    for (line, l) in (1..).zip(text[yaml_start..].split_inclusive('\n')) {
        if is_fence(l) {
            let body_offset = offset + l.len();
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 1,
                body: &text[body_offset..],
                body_line: line + 1,
                body_offset,
            });
        }
        offset += l.len();
    }
    Err(SplitError::Unclosed)
}

/// Parses front matter into `T`. `file_text` is the whole file, so that the
/// diagnostic points at the file's own line numbers; `known_keys` feeds the
/// "did you mean" hint.
pub fn parse<T: DeserializeOwned>(
    split: &Split<'_>,
    file_text: &str,
    path: &std::path::Path,
    known_keys: &[&str],
) -> Result<T, Diagnostic> {
    let yaml = if split.yaml.trim().is_empty() {
        "{}"
    } else {
        split.yaml
    };
    // Before the parser, whose scanner is quadratic in nesting depth.
    let shape = shape::scan(yaml).map_err(|e| too_deep(&e, split, file_text, path))?;
    serde_yaml_ng::from_str(yaml).map_err(|e| {
        let raw = e.to_string();
        let message = strip_location(&raw);
        let message = message.as_str();
        let yaml_line = e.location().map(|loc| loc.line());
        if is_syntax_error(message)
            && let Some(d) = syntax_diagnostic(&shape, yaml_line, split, file_text, path)
        {
            return d;
        }
        let mut d = Diagnostic::error(path, suggest::restate(message));
        if let Some(loc) = e.location() {
            d = d.at(file_text, split.yaml_line + loc.line(), loc.column());
        } else {
            d = d.at(file_text, split.yaml_line.max(1), 1);
        }
        match hint_for(message, known_keys) {
            Some(h) => d.with_hint(h),
            None => d,
        }
    })
}

fn too_deep(
    error: &ShapeError,
    split: &Split<'_>,
    file_text: &str,
    path: &std::path::Path,
) -> Diagnostic {
    let ShapeError::TooDeep { at } = error;
    Diagnostic::error(path, format!("{error}, starting here"))
        .at(file_text, split.yaml_line + at.line + 1, at.column)
        .with_hint(
            "lists and `key: value` sets inside one another this deep are never needed; \
             look for a `[` or `{` that is opened but never closed, or write the value on fewer levels",
        )
}

/// Whether the YAML library's message is about the YAML text itself rather than
/// what it holds (a wrong type, an unknown key).
fn is_syntax_error(message: &str) -> bool {
    [
        "while scanning",
        "while parsing",
        "did not find expected",
        "found character",
        "found unexpected",
    ]
    .iter()
    .any(|m| message.contains(m))
}

/// A clearer report of a syntax error the shape scan explains: the parser
/// notices a tab or an unclosed `[`/quote only later (often at the closing
/// fence), so point at where it is instead. `error_line` is the parser's
/// 1-based line in the YAML; only causes at or before it are blamed.
fn syntax_diagnostic(
    shape: &Shape,
    error_line: Option<usize>,
    split: &Split<'_>,
    file_text: &str,
    path: &std::path::Path,
) -> Option<Diagnostic> {
    let mut causes: Vec<(Position, String, String)> = Vec::new();
    if let Some(at) = shape.tab_indent {
        causes.push((
            at,
            "this line is indented with a tab, and YAML cannot be indented with tabs".to_owned(),
            "indent with spaces instead (most editors can turn tabs into spaces)".to_owned(),
        ));
    }
    if let Some((at, bracket)) = shape.unclosed_bracket {
        let (closing, what) = if bracket == '[' {
            (']', "list")
        } else {
            ('}', "set of keys")
        };
        causes.push((
            at,
            format!("this `{bracket}` is never closed"),
            format!(
                "end the {what} with `{closing}` on the same value, or quote text that starts with `{bracket}`"
            ),
        ));
    }
    if let Some((at, quote)) = shape.unclosed_quote {
        causes.push((
            at,
            format!("this quote ({quote}) is never closed"),
            format!("close it with {quote} at the end of the same value"),
        ));
    }
    let (at, message, hint) = causes
        .into_iter()
        .filter(|(at, _, _)| error_line.is_none_or(|line| at.line < line))
        .min_by_key(|(at, _, _)| *at)?;
    Some(
        Diagnostic::error(path, message)
            .at(file_text, split.yaml_line + at.line + 1, at.column)
            .with_hint(hint),
    )
}

/// serde_yaml_ng puts " at line N column M" into messages, counted from the
/// start of the YAML; we print the file's own positions instead.
fn strip_location(message: &str) -> String {
    let mut out = message.to_owned();
    while let Some(i) = out.find(" at line ") {
        let rest = &out[i + " at line ".len()..];
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == ' ' || "column".contains(c)))
            .map_or(out.len(), |e| i + " at line ".len() + e);
        out.replace_range(i..end, "");
    }
    out
}

fn hint_for(message: &str, known_keys: &[&str]) -> Option<String> {
    // serde_yaml_ng prefixes where in the front matter it was, e.g.
    // `actions[0]: `; none at the top level.
    let (place, core) = match message.split_once(": ") {
        Some((p, m)) if !p.contains(' ') => (Some(p), m),
        _ => (None, message),
    };
    if let Some(at) = core.find("unknown field") {
        let unknown = &core[at..];
        return match place {
            None => suggest::for_unknown_field(unknown, known_keys),
            Some(place) => suggest::for_unknown_nested_field(unknown, entry_kind(place)),
        };
    }
    if let Some(hint) = place.and_then(|p| entry_hint(p, core)) {
        return Some(hint);
    }
    if let Some(rest) = core
        .find("missing field `")
        .map(|i| &core[i + "missing field `".len()..])
    {
        let key = &rest[..rest.find('`')?];
        return Some(format!("add `{key}: ...` to the front matter"));
    }
    if core.contains("a topic is empty") {
        return Some(
            "write the topic's name, e.g. `topics: [Budget]`, or remove the empty entry \
             (`null` and `~` mean nothing in YAML; quote them to mean the word)"
                .to_owned(),
        );
    }
    if core.contains("expected a sequence") {
        return Some("write a list, either `[first, second]` or one `- entry` per line".to_owned());
    }
    if place.is_none() && core.contains("invalid type") && core.contains("key: value") {
        return Some("front matter is `key: value` lines, e.g. `title: ...`".to_owned());
    }
    if core.contains("quoted scalar") {
        return Some(
            "a quote (\" or ') is opened but never closed; close it on the same value".to_owned(),
        );
    }
    if core.contains("did not find expected key") || core.contains("mapping values") {
        return Some(
            "check indentation, and quote values that contain `: ` or start with a special character"
                .to_owned(),
        );
    }
    None
}

/// What an entry of a list is called, from the place serde_yaml_ng names
/// (`actions[0]`, `presenters[1]`).
fn entry_kind(place: &str) -> &'static str {
    let list = place.split(['[', '.']).next().unwrap_or(place);
    match list {
        "actions" => "an action",
        "declarations" => "a declaration",
        "documents" => "a document entry",
        "presenters" | "members" | "attendees" | "apologies" | "chair" | "author" => "a person",
        _ => "this entry",
    }
}

/// How to write an entry of `actions`, `declarations` or `documents` that
/// has the wrong shape (e.g. plain text) or lacks its required key.
fn entry_hint(place: &str, core: &str) -> Option<String> {
    if !(core.contains("invalid type") || core.contains("missing field")) {
        return None;
    }
    let example = match place.split('[').next()? {
        "actions" => {
            "an action needs `action:` (what is to be done) and may have `owner:` (who) and \
             `due:` (by when, YYYY-MM-DD), e.g. \
             `- {action: Circulate the figures, owner: Diane Booth, due: 2024-02-01}`"
        }
        "declarations" => {
            "a declaration needs `member:` (who) and `interest:` (what), e.g. \
             `- {member: Cllr Amy Lee, interest: Governor of a local school}`"
        }
        "documents" => {
            "a document entry needs `title:` and `file:` (its name in the item's folder), e.g. \
             `- {title: Budget report, file: report.pdf}`"
        }
        _ => return None,
    };
    Some(example.to_owned())
}

/// Parses a bare YAML string (no fences, no positions); for tests and tools.
pub fn from_yaml<T: DeserializeOwned>(yaml: &str) -> Result<T, String> {
    shape::scan(yaml).map_err(|e| e.to_string())?;
    serde_yaml_ng::from_str(yaml).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::path::Path;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        title: String,
        #[serde(default)]
        topics: Vec<String>,
    }

    #[test]
    fn a_line_scan_finds_withheld_items_in_front_matter_yaml_cannot_read() {
        let withheld = |text: &str| declares_withheld(text, false);
        assert!(withheld("---\ntitle: [unclosed\nexempt: true\n---\nx\n"));
        assert!(withheld("---\n  \"exempt\" : yes # confidential\n---\n"));
        assert!(withheld("---\nexempt: tru\n---\n"), "unreadable: withheld");
        assert!(
            withheld("---\nstatus: 'Draft'\n"),
            "unclosed: read to the end"
        );
        assert!(withheld("\u{feff}---\r\nstatus: draft\r\n---\r\n"));
        assert!(!declares_withheld("---\nstatus: draft\n---\n", true));
        assert!(!withheld("---\nexempt: false\nstatus: approved\n---\n"));
        assert!(!withheld("---\ntitle: A\n---\nexempt: true\n"), "body");
        assert!(!withheld("exempt: true\n"), "no front matter");
    }

    #[test]
    fn splits_front_matter_and_body() {
        let s = split("---\ntitle: A\n---\nBody\n").unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.body, "Body\n");
        assert_eq!(s.body_line, 3);
    }

    #[test]
    fn no_front_matter_is_all_body() {
        let s = split("Just text\n").unwrap();
        assert_eq!(s.yaml, "");
        assert_eq!(s.body, "Just text\n");
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        assert_eq!(split("---\ntitle: A\nBody\n"), Err(SplitError::Unclosed));
    }

    #[test]
    fn errors_point_at_file_lines() {
        let text = "---\ntitle: A\ntopics: nope\n---\n";
        let s = split(text).unwrap();
        let d = parse::<T>(&s, text, Path::new("a.md"), &["title", "topics"]).unwrap_err();
        assert_eq!(d.line, Some(3), "{d:?}");
        assert!(d.message.contains("expected a list"), "{}", d.message);
        assert!(d.hint.is_some());
    }

    #[test]
    fn unknown_key_suggests_nearest() {
        let text = "---\ntitle: A\ntopcs: [x]\n---\n";
        let s = split(text).unwrap();
        let d = parse::<T>(&s, text, Path::new("a.md"), &["title", "topics"]).unwrap_err();
        assert_eq!(d.line, Some(3), "{d:?}");
        assert_eq!(d.message, "unknown key `topcs`");
        assert_eq!(d.hint.as_deref(), Some("did you mean `topics`?"));
    }

    #[test]
    fn missing_required_key() {
        let text = "---\ntopics: [x]\n---\n";
        let s = split(text).unwrap();
        let d = parse::<T>(&s, text, Path::new("a.md"), &["title", "topics"]).unwrap_err();
        assert_eq!(d.message, "missing required key `title`");
        assert_eq!(
            d.hint.as_deref(),
            Some("add `title: ...` to the front matter")
        );
    }
}
