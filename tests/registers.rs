//! The council's registers, built from fixture archives: the decisions
//! register (all committees and each one's, a page of years and the years'
//! pages), its feed, and the summary of decisions on meeting pages.

mod common;

use std::path::Path;

use common::{build_drafts, build_ok, exists, fixture, page};

/// The entries of a register page, in order: (decision text, link).
fn register_entries(html: &str) -> Vec<(String, String)> {
    html.split("<li class=\"register-entry\">")
        .skip(1)
        .map(|entry| {
            let text = between(entry, "<div class=\"register-text\">", "</div>");
            let meta = between(entry, "<p class=\"meta\">", "</p>");
            let link = meta
                .rsplit("href=\"")
                .next()
                .and_then(|s| s.split('"').next())
                .unwrap_or_default();
            (text.to_owned(), link.to_owned())
        })
        .collect()
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> &'a str {
    let from = s.find(start).map_or(s.len(), |i| i + start.len());
    let rest = &s[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

fn write_item(root: &Path, rel: &str, text: &str) {
    std::fs::write(root.join("content").join(rel), text).expect("item");
}

#[test]
fn the_register_lists_every_published_decision_newest_first_linking_to_it() {
    let dir = fixture("basic");
    let root = dir.path();
    write_item(
        root,
        "finance/2024-03-05/02-budget-follow-up.md",
        "---\ntitle: Budget Follow-up\ndecisions: [The Committee *approved* the revised budget.]\n---\n## Next steps\n\nFollow-up.\n",
    );
    build_ok(root);
    let register = page(root, "/decisions/2024/");
    let entries = register_entries(&register);
    let texts: Vec<&str> = entries.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        texts,
        [
            "The Committee <em>approved</em> the revised budget.",
            "The Committee noted the report.",
            "Officers to report again in March.",
        ],
        "newest meeting first, then in the order written"
    );
    assert!(register.contains("<h1>Decisions, 2024</h1>"));
    assert!(register.contains("3 decisions made in 2024, newest meeting first"));
    // The register's index lists its years and shows the latest.
    let index = page(root, "/decisions/");
    assert!(
        index.contains("<a href=\"/decisions/2024/\">2024</a> (3)"),
        "{index}"
    );
    assert_eq!(register_entries(&index), entries);
    // Each links to its decision on the item's page, which has that anchor.
    let (_, link) = &entries[2];
    assert_eq!(link, "/finance/2024-01-10/budget/#decision-2");
    let item = page(root, "/finance/2024-01-10/budget/");
    assert!(item.contains("<li id=\"decision-2\">Officers to report again in March.</li>"));
    // The meeting page sums up what was decided on its agenda.
    let meeting = page(root, "/finance/2024-01-10/");
    let summary = between(&meeting, "<section id=\"decisions\"", "</section>");
    assert!(
        summary.contains("The Committee noted the report."),
        "{summary}"
    );
    assert!(summary.contains("/finance/2024-01-10/budget/#decisions"));
    // A meeting whose items decided nothing has no such section.
    assert!(!page(root, "/children/2024-02-01/").contains("id=\"decisions\""));
}

#[test]
fn each_committee_has_its_own_register_and_one_with_none_says_so() {
    let dir = fixture("basic");
    let root = dir.path();
    build_ok(root);
    let finance = page(root, "/decisions/finance/");
    assert_eq!(register_entries(&finance).len(), 2);
    assert_eq!(
        register_entries(&page(root, "/decisions/finance/2024/")).len(),
        2
    );
    assert!(!exists(root, "/decisions/children/2024/"));
    assert!(finance.contains("Decisions of the Finance Committee"));
    assert!(finance.contains("aria-current=\"page\">Finance Committee</a> (2)"));
    let children = page(root, "/decisions/children/");
    assert!(register_entries(&children).is_empty());
    assert!(children.contains("No decisions have been published for this committee."));
    // The committee's page links its register.
    assert!(page(root, "/finance/").contains("href=\"/decisions/finance/\""));
    // Every page's main navigation leads to the register.
    assert!(page(root, "/topics/").contains("href=\"/decisions/\""));
}

#[test]
fn a_year_of_the_register_pages_past_a_hundred_decisions() {
    let dir = fixture("basic");
    let root = dir.path();
    let many: Vec<String> = (1..=101).map(|n| format!("Decision number {n}.")).collect();
    write_item(
        root,
        "children/2024-02-01/04-fostering.md",
        &format!(
            "---\ntitle: Fostering Update\ndecisions: [{}]\n---\nFostering rose.\n",
            many.join(", ")
        ),
    );
    build_ok(root);
    assert_eq!(register_entries(&page(root, "/decisions/2024/")).len(), 100);
    let second = page(root, "/decisions/2024/page/2/");
    let entries = register_entries(&second);
    // 101 from the children's item and 2 from the older finance meeting.
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0].0, "Decision number 101.");
    assert!(exists(root, "/decisions/children/2024/page/2/"));
    assert!(!exists(root, "/decisions/2024/page/3/"));
}

#[test]
fn the_feed_has_one_entry_per_decision_each_with_its_own_id() {
    let dir = fixture("basic");
    let root = dir.path();
    build_ok(root);
    let feed = page(root, "/decisions/feed.xml");
    assert!(feed.starts_with("<?xml"));
    let ids: Vec<&str> = feed
        .split("<id>")
        .skip(2) // the feed's own
        .map(|s| s.split("</id>").next().unwrap_or_default())
        .collect();
    assert_eq!(
        ids,
        [
            "https://minutes.example.org/finance/2024-01-10/budget/#decision-1",
            "https://minutes.example.org/finance/2024-01-10/budget/#decision-2",
        ]
    );
    assert!(feed.contains("<summary>Officers to report again in March.</summary>"));
}

#[test]
fn withheld_decisions_are_in_no_register_feed_or_summary() {
    let dir = fixture("basic");
    let root = dir.path();
    write_item(
        root,
        "finance/2024-01-10/02-land-deal.md",
        "---\ntitle: Confidential Land Deal\nexempt: true\ndecisions: [EXEMPT-DECISION-WORDS]\n---\nSecret.\n",
    );
    write_item(
        root,
        "finance/2024-01-10/03-draft-idea.md",
        "---\ntitle: Draft Idea\nstatus: draft\ndecisions: [DRAFT-DECISION-WORDS]\n---\nDraft.\n",
    );
    build_ok(root);
    for url in [
        "/decisions/",
        "/decisions/2024/",
        "/decisions/finance/",
        "/decisions/finance/2024/",
        "/decisions/feed.xml",
        "/finance/2024-01-10/",
    ] {
        let text = page(root, url);
        assert!(!text.contains("EXEMPT-DECISION-WORDS"), "{url}");
        assert!(!text.contains("DRAFT-DECISION-WORDS"), "{url}");
    }
    // With drafts published, the draft's decision is listed and marked;
    // the exempt one never is.
    build_drafts(root).expect("builds with drafts");
    let register = page(root, "/decisions/2024/");
    let draft = between(&register, "DRAFT-DECISION-WORDS", "</li>");
    assert!(draft.contains("tag-draft"), "{draft}");
    assert!(!register.contains("EXEMPT-DECISION-WORDS"));
}
