//! The live site behind `quorum serve`: after any edit, its model must be
//! exactly what a fresh build of the edited archive resolves, whether the
//! edit was patched in (words only) or re-resolved (links, topics...).

mod common;

use std::path::Path;

use quorum::build::{self, BuildOptions};
use quorum::serve::live::{Applied, LiveSite};

const ITEM: &str = "content/children/2024-02-01/04-fostering.md";

fn edit(root: &Path, from: &str, to: &str) -> std::path::PathBuf {
    let file = root.join(ITEM);
    let text = std::fs::read_to_string(&file).expect("item");
    assert!(
        text.contains(from),
        "fixture changed: {from:?} not in {ITEM}"
    );
    std::fs::write(&file, text.replace(from, to)).expect("edit");
    // Saved in another second than the fixture was copied, always: the
    // live model must carry the new date (the sitemap's lastmod).
    common::set_modified(&file, 1_735_689_600);
    file
}

/// Applies one edit and checks the live model against a fresh resolve.
/// Returns the live site's output folder.
fn assert_live_matches_fresh(from: &str, to: &str, expect_text: &str) -> tempfile::TempDir {
    let dir = common::fixture("basic");
    let mut options = BuildOptions::new(dir.path());
    // As `quorum serve` builds (a live site answers its own searches).
    options.answers_search = true;
    let mut live = LiveSite::build(options.clone()).expect("builds");
    let file = edit(dir.path(), from, to);
    let applied = live.apply(&[file]).expect("edit applies");
    assert!(
        matches!(applied, Applied::Incremental { .. }),
        "{applied:?}"
    );

    let (fresh, _) = build::load_archive(&options).expect("fresh resolve");
    assert_eq!(format!("{:?}", live.archive()), format!("{fresh:?}"));
    let page = std::fs::read_to_string(
        live.output_dir()
            .join("children/2024-02-01/fostering/index.html"),
    )
    .expect("item page");
    assert!(
        page.contains(expect_text),
        "item page lacks {expect_text:?}"
    );
    dir
}

#[test]
fn an_edit_in_words_gives_the_model_a_fresh_build_would() {
    let _ = assert_live_matches_fresh(
        "Fostering rose",
        "Fostering rose sharply",
        "Fostering rose sharply",
    );
}

#[test]
fn a_new_title_gives_the_model_a_fresh_build_would() {
    let _ = assert_live_matches_fresh(
        "title: Fostering Update",
        "title: Fostering Review",
        "Fostering Review",
    );
}

#[test]
fn a_new_topic_gives_the_model_a_fresh_build_would() {
    let _ = assert_live_matches_fresh("Fostering]", "Fostering, Adoption]", "Adoption");
}

#[test]
fn a_new_link_gives_the_model_a_fresh_build_would() {
    let dir = assert_live_matches_fresh(
        "heard.",
        "heard, after [the budget](@/finance/2024-01-10/01-budget.md).",
        "the budget",
    );
    // The page linked to lists the item among its backlinks at once.
    let target = std::fs::read_to_string(
        dir.path()
            .join("output/finance/2024-01-10/budget/index.html"),
    )
    .expect("linked page");
    assert!(target.contains("Fostering Update"), "backlink missing");
}

#[test]
fn a_removed_link_gives_the_model_a_fresh_build_would() {
    let dir = assert_live_matches_fresh(
        "[Finance Committee](@/finance/_committee.md)",
        "Finance Committee",
        "Finance Committee heard",
    );
    let committee = std::fs::read_to_string(dir.path().join("output/finance/index.html"))
        .expect("committee page");
    assert!(
        !committee.contains("Fostering Update"),
        "stale backlink on the page no longer linked to"
    );
}

#[test]
fn everything_in_a_meeting_with_draft_minutes_is_withheld_from_the_overlay() {
    let dir = common::fixture("basic");
    let root = dir.path();
    let options = BuildOptions::new(root);
    common::write(
        root,
        "content/children/2024-02-01/_meeting.md",
        "---\nstatus: draft\n---\n",
    );
    let live = LiveSite::build(options).expect("builds");
    // A broken save of the minutes, or of an item under them, must not
    // reach the browsers.
    common::write(
        root,
        "content/children/2024-02-01/_meeting.md",
        "---\nstatus: draft\nchair: [unclosed\n---\n",
    );
    for rel in [
        "content/children/2024-02-01/_meeting.md",
        "content/children/2024-02-01/04-fostering.md",
        "content/children/2024-02-01/09-new.md",
    ] {
        assert!(live.withholds(Path::new(rel)), "{rel} is shown");
    }
    assert!(!live.withholds(Path::new("content/finance/2024-01-10/01-budget.md")));
}

/// Applies `change` to a served copy of the basic fixture, then checks the
/// live output folder against a fresh build of the same tree, file by
/// file and byte by byte.
fn assert_live_site_equals_fresh(change: impl Fn(&Path) -> Vec<std::path::PathBuf>) {
    let dir = common::fixture("basic");
    let root = dir.path();
    let options = BuildOptions::new(root);
    let mut live = LiveSite::build(options.clone()).expect("builds");
    let changed = change(root);
    live.apply(&changed).expect("the change applies");
    let fresh_dir = tempfile::tempdir().unwrap();
    let mut fresh = options;
    fresh.output = Some(fresh_dir.path().join("site"));
    build::build(&fresh).expect("fresh build");
    if let Some(difference) =
        common::site_difference(&live.output_dir(), &fresh_dir.path().join("site"))
    {
        panic!("{difference}");
    }
}

#[test]
fn a_new_item_updates_every_page_a_fresh_build_would() {
    assert_live_site_equals_fresh(|root| {
        let rel = "content/finance/2024-01-10/04-late-report.md";
        common::write(
            root,
            rel,
            "---\ntitle: Late Report\npresenters: [Dee Officer]\ntopics: [Budget]\n---\nA late report.\n",
        );
        vec![root.join(rel)]
    });
}

#[test]
fn a_removed_item_updates_every_page_a_fresh_build_would() {
    assert_live_site_equals_fresh(|root| {
        let file = root.join("content/children/2024-02-01/04-fostering.md");
        std::fs::remove_file(&file).unwrap();
        vec![file]
    });
}

#[test]
fn an_edit_in_words_updates_every_page_a_fresh_build_would() {
    assert_live_site_equals_fresh(|root| vec![edit(root, "Fostering rose", "Fostering fell")]);
}

#[test]
fn a_new_title_updates_every_page_a_fresh_build_would() {
    assert_live_site_equals_fresh(|root| {
        vec![edit(
            root,
            "title: Fostering Update",
            "title: Fostering Review",
        )]
    });
}

/// The index is written only once every page of an edit rendered and
/// passed the link check: an edit whose pages fail (here a broken link)
/// must leave it as it was, and the next good edit must still reach it.
#[test]
fn an_edit_whose_pages_fail_leaves_the_index_as_it_was() {
    let dir = common::fixture("basic");
    let mut live = LiveSite::build(BuildOptions::new(dir.path())).expect("builds");
    let found = |word: &str| {
        common::open_index(dir.path())
            .search(&common::query(word))
            .expect("query")
            .total
    };
    let broken = edit(
        dir.path(),
        "Fostering rose",
        "Fostering rose zanzibarish, see [the plan](/no/such/page/)",
    );
    let failure = live
        .apply(&[broken])
        .expect_err("a broken link fails the edit");
    let messages = format!("{:?}", failure.diagnostics);
    assert!(messages.contains("broken link"), "{messages}");
    assert_eq!(found("zanzibarish"), 0, "the failed edit reached the index");

    let fixed = edit(dir.path(), "see [the plan](/no/such/page/)", "see the plan");
    live.apply(&[fixed]).expect("the fix applies");
    assert_eq!(found("zanzibarish"), 1);
}

#[test]
fn the_pages_go_live_before_the_open_data_files_and_all_are_written_on_return() {
    let dir = common::fixture("basic");
    let mut live = LiveSite::build(BuildOptions::new(dir.path())).expect("builds");
    let out = live.output_dir();
    let read = |rel: &str| std::fs::read_to_string(out.join(rel)).expect(rel);
    let file = edit(dir.path(), "Fostering rose", "Fostering rose sharply");
    let mut seen_when_live = None;
    live.apply_then(&[file], &mut |_| {
        seen_when_live = Some((
            read("children/2024-02-01/fostering/index.html"),
            read("data/items.ndjson"),
        ));
    })
    .expect("edit applies");
    let (page, data) = seen_when_live.expect("the pages went live");
    assert!(page.contains("Fostering rose sharply"));
    // Written after the browsers reload, not before...
    assert!(!data.contains("Fostering rose sharply"));
    // ...but before the edit is done.
    assert!(read("data/items.ndjson").contains("Fostering rose sharply"));
}

#[test]
fn the_pages_go_live_once_for_every_kind_of_change() {
    let dir = common::fixture("basic");
    let root = dir.path();
    let mut live = LiveSite::build(BuildOptions::new(root)).expect("builds");
    let mut times = 0;
    let mut count = |_: &quorum::serve::live::Shown| times += 1;
    // Words (patched in), a committee (a full rebuild from the
    // incremental path), and editor litter (nothing to make again).
    let item = edit(root, "Fostering rose", "Fostering rose sharply");
    let applied = live.apply_then(&[item], &mut count).expect("applies");
    assert!(
        matches!(applied, Applied::Incremental { .. }),
        "{applied:?}"
    );
    let committee = root.join("content/finance/_committee.md");
    let text = std::fs::read_to_string(&committee).expect("committee");
    std::fs::write(
        &committee,
        text.replace("Finance Committee", "Finance and Audit"),
    )
    .unwrap();
    let applied = live.apply_then(&[committee], &mut count).expect("applies");
    assert!(matches!(applied, Applied::Full { .. }), "{applied:?}");
    let litter = root.join("content/finance/.budget.md.swp");
    std::fs::write(&litter, "x").unwrap();
    live.apply_then(&[litter], &mut count).expect("applies");
    assert_eq!(times, 3);
}
