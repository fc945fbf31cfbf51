//! Splitting a Markdown file into YAML front matter and body, and parsing
//! the front matter into a typed struct.
//!
//! This is the only module that knows the YAML library, so it can be swapped
//! for a maintained fork without touching anything else.

use serde::de::DeserializeOwned;

use crate::diagnostic::Diagnostic;
use crate::suggest;

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
    serde_yaml::from_str(yaml).map_err(|e| {
        let raw = e.to_string();
        let message = strip_location(&raw);
        let message = message.as_str();
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

/// serde_yaml puts " at line N column M" into messages, counted from the
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
    let core = message.rsplit(": ").next().unwrap_or(message);
    if core.starts_with("unknown field") || message.contains("unknown field") {
        let at = message.find("unknown field")?;
        return suggest::for_unknown_field(&message[at..], known_keys);
    }
    if let Some(rest) = message
        .find("missing field `")
        .map(|i| &message[i + "missing field `".len()..])
    {
        let key = &rest[..rest.find('`')?];
        return Some(format!("add `{key}: ...` to the front matter"));
    }
    if message.contains("expected a sequence") {
        return Some("write a list, either `[first, second]` or one `- entry` per line".to_owned());
    }
    if message.contains("quoted scalar") {
        return Some(
            "a quote (\" or ') is opened but never closed; close it on the same value".to_owned(),
        );
    }
    if message.contains("did not find expected key") || message.contains("mapping values") {
        return Some(
            "check indentation, and quote values that contain `: ` or start with a special character"
                .to_owned(),
        );
    }
    None
}

/// Parses a bare YAML string (no fences, no positions); for tests and tools.
pub fn from_yaml<T: DeserializeOwned>(yaml: &str) -> Result<T, String> {
    serde_yaml::from_str(yaml).map_err(|e| e.to_string())
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
