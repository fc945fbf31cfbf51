//! Bad archives, one per kind of mistake (and one with several): each
//! build must fail with exit status 1, name the file and line, leave the
//! previous output untouched, and print exactly the messages snapshotted
//! here (review changes with `cargo insta review`).

mod common;

use std::process::Command;

use common::*;

/// Builds `tests/fixtures/bad/<name>` over a previous output and returns
/// the rendered messages, with the temporary folder's path redacted.
fn failed_build(name: &str) -> String {
    let dir = fixture(&format!("bad/{name}"));
    let root = dir.path();
    write(root, "output/index.html", "previous site");
    write(root, &format!("output/{}", quorum::output::MARKER), "");
    let before = snapshot_tree(&root.join("output"));
    let out = Command::new(env!("CARGO_BIN_EXE_quorum"))
        .args(["build", "--root"])
        .arg(root)
        .env("NO_COLOR", "1")
        .output()
        .expect("run quorum");
    let stderr =
        String::from_utf8_lossy(&out.stderr).replace(&root.display().to_string(), "[ROOT]");
    assert_eq!(out.status.code(), Some(1), "{name} must fail:\n{stderr}");
    assert_eq!(
        snapshot_tree(&root.join("output")),
        before,
        "{name}: previous output changed"
    );
    assert!(stderr.contains("Nothing was written"), "{stderr}");
    stderr
}

macro_rules! bad_archive {
    ($($test:ident: $name:literal => $located:literal,)*) => {$(
        #[test]
        fn $test() {
            let messages = failed_build($name);
            assert!(messages.contains($located), "{} should name {}:\n{messages}", $name, $located);
            insta::assert_snapshot!($name, messages);
        }
    )*};
}

bad_archive! {
    yaml_syntax: "yaml-syntax" => "content/c/2024-01-01/02-bad.md:",
    type_error: "type-error" => "content/c/2024-01-01/02-bad.md:3:",
    missing_title: "missing-title" => "content/c/2024-01-01/02-bad.md:2:",
    unknown_key: "unknown-key" => "content/c/2024-01-01/02-bad.md:3:1",
    bad_date: "bad-date" => "content/c/2024-01-01/02-bad.md:4:",
    broken_at_link: "broken-at-link" => "content/c/2024-01-01/02-bad.md:7:5",
    broken_anchor: "broken-anchor" => "content/c/2024-01-01/02-bad.md:5:5",
    meeting_folder_not_date: "meeting-folder-not-date" => "content/c/december",
    meeting_date_mismatch: "meeting-date-mismatch" => "content/c/2024-01-01/_meeting.md:2:1",
    item_outside_meeting: "item-outside-meeting" => "content/c/01-stray.md",
    related_missing: "related-missing" => "content/c/2024-01-01/02-bad.md:5:",
    documents_missing: "documents-missing" => "content/c/2024-01-01/02-bad.md:4:",
    not_utf8: "not-utf8" => "content/c/2024-01-01/02-bad.md:5",
    unclosed_front_matter: "unclosed-front-matter" => "content/c/2024-01-01/02-bad.md:1:1",
    empty_file: "empty-file" => "content/c/2024-01-01/02-bad.md",
    binary_file: "binary-file" => "content/c/2024-01-01/02-bad.md",
    broken_relative_link: "broken-relative-link" => "content/c/2024-01-01/02-bad.md:5:",
    template_error: "template-error" => "themes/default/templates/item.html:4:",
    missing_committee_file: "missing-committee-file" => "content/d",
    several_mistakes: "several-mistakes" => "quorum.toml:2:1",
}

/// As `bad_archive!`, and the messages must say each of `says` (in a
/// clerk's words) and none of `never` (Rust type names, false errors).
macro_rules! clear_message {
    ($($test:ident: $name:literal => $located:literal, says [$($says:literal),*], never [$($never:literal),*],)*) => {$(
        #[test]
        fn $test() {
            let messages = failed_build($name);
            assert!(messages.contains($located), "{} should name {}:\n{messages}", $name, $located);
            $(assert!(messages.contains($says), "{} should say {:?}:\n{messages}", $name, $says);)*
            $(assert!(!messages.contains($never), "{} should not say {:?}:\n{messages}", $name, $never);)*
            insta::assert_snapshot!($name, messages);
        }
    )*};
}

clear_message! {
    type_names_are_clerk_words: "type-names" => "content/c/2024-01-01/03-worse.md:3:",
        says ["an agenda number", "a declaration", "a document", "a set of `key: value` lines"],
        never ["Matter", "DocumentEntry", "untagged", "Num", "struct"],
    action_as_plain_text_shows_an_action: "action-as-text" => "content/c/2024-01-01/02-bad.md:3:",
        says ["an action", "action:", "owner:", "due:"],
        never ["ActionMatter"],
    tab_in_indentation_says_use_spaces: "tab-indent" => "content/c/2024-01-01/02-bad.md:4:1",
        says ["tab", "spaces"],
        never [],
    unknown_key_in_an_action_suggests_its_keys: "unknown-action-key" => "content/c/2024-01-01/02-bad.md:5:",
        says ["unknown key `deu`", "did you mean `due`?"],
        never ["extra"],
    related_url_suggests_the_content_file: "related-url" => "content/c/2024-01-01/02-bad.md:4:",
        says ["`c/2024-01-01/01-good.md`", "web address"],
        never [],
    unclosed_bracket_is_reported_where_it_opened: "unclosed-bracket" => "content/c/2024-01-01/02-bad.md:3:9",
        says ["never closed", "`]`"],
        never [":5:"],
    null_topic_is_an_empty_topic: "null-topic" => "content/c/2024-01-01/02-bad.md:3:",
        says ["empty", "topic"],
        never [],
    too_deep_nesting_is_refused_where_it_starts: "too-deep" => "content/c/2024-01-01/02-bad.md:4:9",
        says ["nested more than 32"],
        never [],
    duplicate_slug_is_an_error_naming_both_files: "duplicate-slug" => "content/c/2024-01-01/03-good.md",
        says ["content/c/2024-01-01/01-good.md", "rename"],
        never ["warning:", "good-03"],
    bad_committee_is_reported_once: "bad-committee" => "content/c/_committee.md:2:1",
        says ["1 error"],
        never ["does not exist", "has no _committee.md"],
}

#[test]
fn a_misspelt_topic_or_person_seen_once_is_a_warning_with_a_suggestion() {
    let dir = fixture("warn/misspelt-names");
    let out = Command::new(env!("CARGO_BIN_EXE_quorum"))
        .args(["check", "--root"])
        .arg(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("run quorum");
    let stderr =
        String::from_utf8_lossy(&out.stderr).replace(&dir.path().display().to_string(), "[ROOT]");
    assert_eq!(out.status.code(), Some(0), "warnings only:\n{stderr}");
    for says in [
        "did you mean `Budget`?",
        "did you mean `Looked after children`?",
        "did you mean `Diane Booth`?",
    ] {
        assert!(stderr.contains(says), "should say {says:?}:\n{stderr}");
    }
    // Names seen once with nothing close are new, not typos.
    assert!(!stderr.contains("topic `Parking`"), "{stderr}");
    assert!(!stderr.contains("`Bob Grant` is named"), "{stderr}");
    insta::assert_snapshot!("misspelt-names", stderr);
}

#[test]
fn several_mistakes_are_all_reported_sorted_by_file_and_line() {
    let messages = failed_build("several-mistakes");
    let order: Vec<usize> = [
        "content/c/2024-01-01/02-bad.md:3",
        // A file whose front matter fails to parse is reported for that;
        // its other keys cannot be checked until it parses.
        "content/c/2024-01-01/03-worse.md:4",
        "content/c/2024-01-01/_meeting.md:2",
        "quorum.toml:2",
    ]
    .iter()
    .map(|at| {
        messages
            .find(at)
            .unwrap_or_else(|| panic!("{at} missing:\n{messages}"))
    })
    .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted, "sorted by file then line:\n{messages}");
}

#[test]
fn check_reports_the_same_without_writing() {
    let dir = fixture("bad/several-mistakes");
    let out = Command::new(env!("CARGO_BIN_EXE_quorum"))
        .args(["check", "--root"])
        .arg(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("errors, 0 warnings in 4 files"), "{stderr}");
    assert!(!dir.path().join("output").exists());
}
