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

/// As [`for_unknown_field`] for a key inside an entry of a list (an
/// action, a person...), whose keys serde's message lists itself.
pub fn for_unknown_nested_field(message: &str, kind: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let field = &rest[..rest.find('`')?];
    let expected = rest.split_once("expected").map_or("", |(_, e)| e);
    let keys: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    match closest(field, &keys) {
        Some(k) => Some(format!("did you mean `{k}`?")),
        None if keys.is_empty() => None,
        None => Some(format!(
            "{kind} takes only these keys: {}",
            keys.iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
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
        .replace("a map", "a set of `key: value` lines")
        .replace("expected a boolean", "expected `true` or `false`")
        .replace("expected a string", "expected text");
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

    #[test]
    fn nested_keys_come_from_serdes_message() {
        let message = "unknown field `deu`, expected one of `action`, `owner`, `due`";
        assert_eq!(
            for_unknown_nested_field(message, "an action").as_deref(),
            Some("did you mean `due`?")
        );
        let message = "unknown field `colour`, expected `name` or `role`";
        assert_eq!(
            for_unknown_nested_field(message, "a person").as_deref(),
            Some("a person takes only these keys: `name`, `role`")
        );
    }
}
