//! No input makes Quorum panic: property tests over the entry points a
//! fuzzer would target (front-matter splitting and parsing, Markdown and
//! reference rewriting, path classification, the query language) and over
//! whole builds with arbitrary bytes in a content file.
//!
//! cargo fuzz needs a nightly toolchain, which the project's machines do not
//! have; these properties run on stable in every `cargo test`.

mod common;

use common::*;
use proptest::prelude::*;
use quorum::load::schema::{CommitteeMatter, DocumentMatter, ItemMatter, MeetingMatter};

fn parse_all(text: &str) {
    let path = std::path::Path::new("content/c/2024-01-01/01-x.md");
    if let Ok(split) = quorum::load::frontmatter::split(text) {
        let _ =
            quorum::load::frontmatter::parse::<ItemMatter>(&split, text, path, ItemMatter::KEYS);
        let _ = quorum::load::frontmatter::parse::<MeetingMatter>(
            &split,
            text,
            path,
            MeetingMatter::KEYS,
        );
        let _ = quorum::load::frontmatter::parse::<CommitteeMatter>(
            &split,
            text,
            path,
            CommitteeMatter::KEYS,
        );
        let _ = quorum::load::frontmatter::parse::<DocumentMatter>(
            &split,
            text,
            path,
            DocumentMatter::KEYS,
        );
        let _ = quorum::load::markdown::render(split.body, "/p", 3);
    }
}

/// Front matter made of plausible pieces, so the parser gets past the
/// first character more often than with uniform noise.
fn front_matter() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("title: A".to_owned()),
        Just("topics: [a, b".to_owned()),
        Just("presenters:\n  - {name: X, role:".to_owned()),
        Just("related: [\"@/c/2024-01-01/02-y.md#x\"]".to_owned()),
        Just("actions:\n  - {action: a, due: 2024-02-30}".to_owned()),
        Just("item: -1".to_owned()),
        Just("exempt: maybe".to_owned()),
        "[a-z_]{1,8}: .{0,20}",
        ".{0,30}",
    ];
    (prop::collection::vec(line, 0..8), ".{0,200}")
        .prop_map(|(lines, body)| format!("---\n{}\n---\n{body}", lines.join("\n")))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn front_matter_never_panics(text in front_matter()) {
        parse_all(&text);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        parse_all(&text);
        parse_all(&format!("---\n{text}"));
        parse_all(&format!("---\n{text}\n---\n{text}"));
    }

    #[test]
    fn markdown_links_and_headings_never_panic(text in "([#\\[\\]()@/:.a-z0-9 \n*_`>|-]|\\PC){0,300}") {
        let r = quorum::load::markdown::render(&text, "/prefix", 3);
        for reference in &r.references {
            let _ = quorum::urls::ContentPath::classify(&reference.target);
        }
        let _ = quorum::load::markdown::render_inline(&text, &quorum::load::markdown::Html::clean(""));
    }

    #[test]
    fn path_classification_never_panics(path in "([a-z0-9_./-]|\\PC){0,80}") {
        if let Ok(p) = quorum::urls::ContentPath::classify(&path) {
            let _ = p.url();
            let _ = p.owner_item();
        }
    }

    #[test]
    fn the_query_language_never_panics(q in "([a-z :()\"-]|OR|\\PC){0,120}") {
        let _ = quorum::search::query::parse(&q);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Arbitrary bytes in an item file give a diagnostic or a page.
    #[test]
    fn any_bytes_in_a_content_file_build_or_fail_cleanly(bytes in prop::collection::vec(any::<u8>(), 0..600), as_text in any::<bool>()) {
        let dir = fixture("override");
        let file = dir.path().join("content/c/2024-01-01/02-fuzz.md");
        let bytes = if as_text { String::from_utf8_lossy(&bytes).into_owned().into_bytes() } else { bytes };
        std::fs::write(&file, &bytes).unwrap();
        match quorum::build::check(&quorum::build::BuildOptions::new(dir.path())) {
            Ok(_) => {}
            Err(failure) => prop_assert!(failure.diagnostics.has_errors()),
        }
    }
}

#[test]
fn very_large_and_deeply_nested_input_is_refused_with_a_message() {
    let dir = fixture("override");
    let big = "a".repeat((quorum::load::MAX_MARKDOWN_BYTES + 1) as usize);
    write(
        dir.path(),
        "content/c/2024-01-01/03-huge.md",
        &format!("---\ntitle: Huge\n---\n{big}"),
    );
    let mut deep = String::from("content/c/2024-01-01/04-x");
    for i in 0..40 {
        deep.push_str(&format!("/d{i}"));
    }
    write(
        dir.path(),
        &format!("{deep}/file.md"),
        "---\ntitle: Deep\n---\n",
    );
    let failure = build(dir.path()).expect_err("refused");
    let text = messages(&failure);
    assert!(
        text.contains("more than the 8 MiB a Markdown file may have"),
        "{text}"
    );
    assert!(
        text.contains("nested deeper than the content layout allows"),
        "{text}"
    );
    // Deeply nested Markdown structures render without overflowing the stack.
    let nested = format!("{}text", "> ".repeat(5000));
    let _ = quorum::load::markdown::render(&nested, "", 3);
}

/// Front matter nested `depth` deep, in flow (`[`/`{`) or block
/// (indentation) style, or a mix.
fn nested_front_matter(depth: usize, style: u8) -> String {
    match style % 3 {
        0 => format!(
            "title: A\ntopics: {}{}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        ),
        1 => {
            let mut yaml = String::from("title: A\nextra:\n");
            for level in 1..=depth {
                yaml.push_str(&format!("{}k{level}:\n", "  ".repeat(level)));
            }
            yaml
        }
        _ => format!("title: A\nextra: {}\n", "{a: [".repeat(depth / 2)),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Deep nesting and many identical headings end in a diagnostic or a
    /// page, never a hang: each is linear in the size of the file.
    #[test]
    fn deep_nesting_and_repeated_headings_build_or_fail_cleanly(
        depth in 0usize..3000,
        style in any::<u8>(),
        headings in 0usize..2000,
        heading in "[A-Za-z ]{0,12}",
    ) {
        let dir = fixture("override");
        let body = format!("## {heading}\n\ntext\n\n").repeat(headings);
        write(
            dir.path(),
            "content/c/2024-01-01/02-fuzz.md",
            &format!("---\n{}---\n{body}", nested_front_matter(depth, style)),
        );
        match quorum::build::check(&quorum::build::BuildOptions::new(dir.path())) {
            Ok(_) => prop_assert!(depth <= 30, "depth {depth} accepted"),
            Err(failure) => prop_assert!(failure.diagnostics.has_errors()),
        }
    }
}

#[test]
fn a_hundred_thousand_nested_brackets_are_refused_at_once() {
    let text = format!("---\ntitle: A\ntopics: {}\n---\n", "[".repeat(100_000));
    let split = quorum::load::frontmatter::split(&text).expect("split");
    let path = std::path::Path::new("content/c/2024-01-01/01-x.md");
    let d = quorum::load::frontmatter::parse::<ItemMatter>(&split, &text, path, ItemMatter::KEYS)
        .expect_err("too deep");
    assert_eq!(d.line, Some(3), "{d:?}");
    assert!(d.message.contains("nested more than 32"), "{}", d.message);
}

#[test]
fn five_thousand_identical_headings_get_distinct_anchors() {
    let body = "## Update\n\ntext\n\n".repeat(5000);
    let r = quorum::load::markdown::render(&body, "", 3);
    assert_eq!(r.anchors.len(), 5000);
    assert_eq!(r.anchors[0], "update");
    assert_eq!(r.anchors[4999], "update-4999");
    let distinct: std::collections::HashSet<&String> = r.anchors.iter().collect();
    assert_eq!(distinct.len(), 5000);
}
