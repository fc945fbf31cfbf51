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

/// Names longer than this are not checked for typos: the one-edit index
/// costs the square of a name's length.
const MAX_TYPO_CHARS: usize = 64;

/// For each name of `names` (each with how often it is used) that is used
/// once, the index of a name used more often that it is most likely a typo
/// of: one edit away (a letter added, dropped, changed or two swapped), or
/// the same but for case, spaces and punctuation. Linear in the number of
/// names: a name is compared only with those sharing a one-deletion form.
pub fn likely_typos(names: &[(&str, usize)]) -> Vec<(usize, usize)> {
    let squash = |name: &str| -> String {
        name.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    // Lower-cased once: the candidates of a rare name are compared in it.
    let lower: Vec<String> = names.iter().map(|(n, _)| n.to_lowercase()).collect();
    let mut by_squashed: rustc_hash::FxHashMap<String, usize> = Default::default();
    let mut by_deletion: rustc_hash::FxHashMap<String, Vec<usize>> = Default::default();
    for (known, &(name, uses)) in names.iter().enumerate() {
        let chars: Vec<char> = lower[known].chars().collect();
        if uses < 2 || chars.len() > MAX_TYPO_CHARS {
            continue;
        }
        by_squashed.entry(squash(name)).or_insert(known);
        for form in one_deletion_forms(&chars) {
            by_deletion.entry(form).or_default().push(known);
        }
    }
    let mut typos = Vec::new();
    for (rare, &(name, uses)) in names.iter().enumerate() {
        let chars: Vec<char> = lower[rare].chars().collect();
        if uses != 1 || chars.len() > MAX_TYPO_CHARS {
            continue;
        }
        let one_edit = one_deletion_forms(&chars)
            .filter_map(|form| by_deletion.get(&form))
            // A few candidates per form: many names sharing one form means
            // none of them is a telling match.
            .flat_map(|known| known.iter().take(8))
            .copied()
            .filter(|&k| strsim::damerau_levenshtein(&lower[rare], &lower[k]) == 1)
            .max_by_key(|&k| (names[k].1, std::cmp::Reverse(k)));
        if let Some(known) = by_squashed.get(&squash(name)).copied().or(one_edit) {
            typos.push((rare, known));
        }
    }
    typos
}

/// `chars` as a string, and with each one character left out in turn.
fn one_deletion_forms(chars: &[char]) -> impl Iterator<Item = String> + '_ {
    std::iter::once(chars.iter().collect()).chain((0..chars.len()).map(move |skip| {
        chars
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != skip)
            .map(|(_, c)| c)
            .collect()
    }))
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
    fn a_name_used_once_and_one_edit_from_a_common_one_is_a_likely_typo() {
        let names = [
            ("Budget", 5),
            ("Budgte", 1),
            ("Looked after children", 2),
            ("Lookedafter Children", 1),
            ("Parking", 1),
            ("Diane Booth", 3),
            ("Diane Boothe", 1),
            ("Dianne Boothe", 1),
        ];
        assert_eq!(likely_typos(&names), [(1, 0), (3, 2), (6, 5)]);
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
