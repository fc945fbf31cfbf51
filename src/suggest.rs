//! "Did you mean" hints for misspelt keys.

/// The closest of `candidates` to `word`, if it is close enough to be a typo.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(&word, c), *c))
        .filter(|(d, c)| *d <= (c.len() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Reads a serde "unknown field `x`, expected ..." message and suggests the
/// nearest known key.
pub fn for_unknown_field(message: &str, known: &[&str]) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let field = &rest[..rest.find('`')?];
    match closest(field, known) {
        Some(k) => Some(format!("did you mean `{k}`?")),
        None => Some(format!(
            "known keys here are: {}; put anything else under `extra`",
            known.join(", ")
        )),
    }
}

/// Restates serde's wording in a clerk's terms: keys, lists, text.
pub fn restate(message: &str) -> String {
    let (path, msg) = match message.split_once(": ") {
        Some((p, m)) if !p.contains(' ') => (Some(p), m),
        _ => (None, message),
    };
    let msg = msg
        .replace("missing field", "missing required key")
        .replace("unknown field", "unknown key")
        .replace("a sequence", "a list")
        .replace("struct ", "")
        .replace("a map", "a set of `key: value` lines");
    let msg = match msg.find(", expected") {
        Some(i) if msg.starts_with("unknown key") => msg[..i].to_owned(),
        _ => msg,
    };
    match path {
        Some(p) => format!("{p}: {msg}"),
        None => msg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_near_misses_only() {
        assert_eq!(closest("titel", &["title", "topics"]), Some("title"));
        assert_eq!(closest("presenter", &["presenters"]), Some("presenters"));
        assert_eq!(closest("zzzzzz", &["title"]), None);
    }
}
