//! A build over the index the last build left writes again only the
//! documents that changed, answers every query as a fresh build does, and
//! keeps nothing of what it no longer publishes.

mod common;

use std::collections::BTreeSet;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use common::*;
use quorum::search::{SearchIndex, SearchRequest};

const FOSTERING: &str = "content/children/2024-02-01/04-fostering.md";

fn index_dir(root: &Path) -> PathBuf {
    root.join(quorum::build::INDEX_DIR)
}

/// The index's segment files (tantivy's, by name and inode).
fn segment_files(root: &Path) -> BTreeSet<(String, u64)> {
    std::fs::read_dir(index_dir(root))
        .expect("index folder")
        .map(|e| e.expect("entry"))
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            !name.starts_with('.') && !name.ends_with(".json")
        })
        .map(|e| {
            let inode = e.metadata().expect("metadata").ino();
            (e.file_name().to_string_lossy().into_owned(), inode)
        })
        .collect()
}

/// What the index of `root` answers to queries over the fixture's words,
/// hits in order of score and then URL, scores to four places.
fn answers(root: &Path) -> String {
    let index = SearchIndex::open(&index_dir(root)).expect("open index");
    let mut all = String::new();
    for words in [
        "fostering",
        "budget",
        "zebrawords",
        "committee",
        "\"fostering rose\"",
        "children",
        "fosterng",
    ] {
        let request = SearchRequest {
            query: words.to_owned(),
            limit: 100,
            ..SearchRequest::default()
        };
        let mut result = index.search(&request).expect("search");
        result
            .hits
            .sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.url.cmp(&b.url)));
        for hit in &mut result.hits {
            hit.score = (hit.score * 1e4).round() / 1e4;
        }
        all.push_str(&format!("{words}: {result:#?}\n"));
    }
    all
}

/// The answers of a fresh build of a copy of `root`'s archive.
fn fresh_answers(root: &Path) -> String {
    let fresh = tempfile::tempdir().expect("temp dir");
    copy_tree(&root.join("content"), &fresh.path().join("content"));
    std::fs::copy(root.join("quorum.toml"), fresh.path().join("quorum.toml")).expect("config");
    build_ok(fresh.path());
    answers(fresh.path())
}

/// Every word of every indexed field, in every segment, that holds `part`.
fn words_holding(root: &Path, part: &str) -> Vec<String> {
    let index = tantivy::Index::open_in_dir(index_dir(root)).expect("open");
    let searcher = index.reader().expect("reader").searcher();
    let schema = index.schema();
    let mut found = Vec::new();
    for (field, entry) in schema.fields() {
        if !entry.is_indexed() {
            continue;
        }
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field).expect("inverted index");
            let mut terms = inverted.terms().stream().expect("terms");
            while terms.advance() {
                let word = String::from_utf8_lossy(terms.key()).into_owned();
                if word.contains(part) {
                    found.push(format!("{}: {word}", entry.name()));
                }
            }
        }
    }
    found
}

fn edit(root: &Path, rel: &str, change: impl Fn(&str) -> String) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, change(&text)).expect("write");
}

#[test]
fn an_unchanged_archive_keeps_every_segment_of_its_index() {
    let dir = fixture("basic");
    build_ok(dir.path());
    let before = segment_files(dir.path());
    assert!(!before.is_empty());
    build_ok(dir.path());
    assert_eq!(segment_files(dir.path()), before, "segments written again");
}

#[test]
fn a_second_run_of_the_program_keeps_every_segment_of_its_index() {
    // A program file changed moments ago is hashed every time: wait, so
    // that the first run signs with the file's identity too.
    let program = Path::new(env!("CARGO_BIN_EXE_quorum"));
    let settled = || quorum::output::settled(&std::fs::metadata(program).expect("program"));
    for _ in 0..150 {
        if settled() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let dir = fixture("basic");
    build_in_a_process(dir.path());
    let before = segment_files(dir.path());
    assert!(!before.is_empty());
    build_in_a_process(dir.path());
    assert_eq!(segment_files(dir.path()), before, "segments written again");

    // The same file, unchanged, is known by the name the index signed with
    // (a name no hash gives), not hashed again.
    let signature = index_dir(dir.path()).join("quorum-fingerprints.json");
    let mut signed: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&signature).expect("signature")).expect("json");
    assert_ne!(
        signed["program"], "",
        "the program's identity is not signed"
    );
    signed["writer"] = "planted".into();
    std::fs::write(&signature, signed.to_string()).expect("write signature");
    build_in_a_process(dir.path());
    assert_eq!(segment_files(dir.path()), before, "segments written again");
}

/// The basic fixture built, given "Zebrawords" in one item, and built again
/// over its first build.
fn rebuilt_with_a_new_word() -> tempfile::TempDir {
    let dir = fixture("basic");
    build_ok(dir.path());
    edit(dir.path(), FOSTERING, |t| {
        format!("{t}\nZebrawords were counted.\n")
    });
    build_ok(dir.path());
    dir
}

#[test]
fn a_rebuild_over_the_last_index_answers_as_a_fresh_build_does() {
    let dir = rebuilt_with_a_new_word();
    let root = dir.path();
    assert_eq!(answers(root), fresh_answers(root));
    assert_eq!(
        open_index(root).search(&query("zebrawords")).unwrap().total,
        1
    );

    // Withheld now: gone from the answers and from every word list of the
    // index, where spelling suggestions would find it.
    edit(root, FOSTERING, |t| {
        t.replacen("---\n", "---\nexempt: true\n", 1)
    });
    build_ok(root);
    assert_eq!(answers(root), fresh_answers(root));
    assert_eq!(
        open_index(root).search(&query("zebrawords")).unwrap().total,
        0
    );
    assert_eq!(words_holding(root, "zebraword"), Vec::<String>::new());

    // Removed, and another file's words changed.
    std::fs::remove_file(root.join(FOSTERING)).expect("remove");
    edit(
        root,
        "content/finance/2024-03-05/02-budget-follow-up.md",
        |t| format!("{t}\nThe committee asked about fostering budgets.\n"),
    );
    build_ok(root);
    assert_eq!(answers(root), fresh_answers(root));
    assert_eq!(words_holding(root, "zebraword"), Vec::<String>::new());
}

#[test]
fn segments_replaced_by_a_rebuild_leave_no_files_behind() {
    let dir = rebuilt_with_a_new_word();
    let root = dir.path();
    let index = tantivy::Index::open_in_dir(index_dir(root)).expect("open");
    let live: BTreeSet<String> = (index.searchable_segment_metas().expect("segments"))
        .iter()
        .map(|segment| segment.id().uuid_string())
        .collect();
    let ours = [
        "meta.json",
        ".managed.json",
        "quorum-fingerprints.json",
        "quorum-search.json",
        ".quorum-build",
    ];
    for entry in std::fs::read_dir(index_dir(root)).expect("index folder") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        let of_live_segment = name
            .split_once('.')
            .is_some_and(|(id, _)| live.contains(id));
        assert!(
            of_live_segment || ours.contains(&name.as_str()) || name.starts_with(".tantivy-"),
            "{name} is left in the index"
        );
    }
}

#[test]
fn an_index_changed_in_place_is_written_afresh_by_the_next_build() {
    let dir = fixture("basic");
    let root = dir.path();
    let report = build_ok(root);
    let before = segment_files(root);
    // What `quorum serve` does on a save.
    quorum::search::index::update(&report.archive, &index_dir(root), &[], &[]).expect("update");
    build_ok(root);
    let after = segment_files(root);
    assert!(
        before.is_disjoint(&after),
        "an index changed in place was reused"
    );
}

#[test]
fn a_word_only_a_deleted_document_holds_is_never_offered_as_a_correction() {
    let dir = fixture("basic");
    let root = dir.path();
    edit(root, FOSTERING, |t| {
        format!("{t}\nZebrawords were counted.\n")
    });
    let report = build_ok(root);
    let corrected = |root: &Path| {
        let result = open_index(root)
            .search(&query("zebrawordz"))
            .expect("search");
        result
            .corrections
            .iter()
            .map(|c| c.to.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(corrected(root), ["zebrawords"]);
    // What `quorum serve` does when the item is withheld: its document is
    // deleted in place, and its words stay in the segment until a merge.
    quorum::search::index::update(
        &report.archive,
        &index_dir(root),
        &[],
        &["/children/2024-02-01/fostering/".to_owned()],
    )
    .expect("update");
    assert_eq!(
        open_index(root).search(&query("zebrawords")).unwrap().total,
        0
    );
    assert_eq!(corrected(root), Vec::<String>::new());
}
