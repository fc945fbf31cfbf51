//! Search over built archives: ranking on the example minutes, the query
//! language, filters, typo fallback, facets, sorting, snippets, and that
//! exempt and draft text cannot be found.

mod common;

use common::*;
use quorum::search::{SearchError, SearchRequest, Sort};

fn first_url(index: &quorum::search::SearchIndex, q: &str) -> String {
    let r = index.search(&query(q)).expect("search");
    r.hits.first().map(|h| h.url.clone()).unwrap_or_default()
}

#[test]
fn topical_queries_put_the_right_item_first() {
    let dir = example();
    build_ok(dir.path());
    let index = open_index(dir.path());
    let cases = [
        (
            "bullying",
            "/blackpool-rcc/2017-12-07/childrens-services-update/",
        ),
        (
            "anti-bullying strategy",
            "/blackpool-rcc/2017-12-07/childrens-services-update/",
        ),
        (
            "ofsted improvement plan",
            "/blackpool-cyp/2023-11-09/childrens-social-care-improvement-plan/",
        ),
        (
            "fostering",
            "/blackpool-cyp/2023-11-09/childrens-social-care-improvement-plan/",
        ),
        (
            "looked after children christmas",
            "/blackpool-rcc/2017-12-07/childrens-services-update/",
        ),
        (
            "Surrey service priorities",
            "/surrey-ces/2017-11-16/service-priorities-update/",
        ),
    ];
    for (q, url) in cases {
        assert_eq!(first_url(&index, q), url, "query {q:?}");
    }
}

#[test]
fn stemming_and_folding_match_word_forms() {
    let dir = example();
    build_ok(dir.path());
    let index = open_index(dir.path());
    let plural = index.search(&query("inspections")).unwrap();
    let singular = index.search(&query("inspection")).unwrap();
    assert!(plural.total > 0);
    assert_eq!(
        plural.total, singular.total,
        "inspections and inspection find the same"
    );
    // Accents and case fold: "OFSTED" and "Ofstéd" are "ofsted".
    assert_eq!(
        index.search(&query("OFSTÉD")).unwrap().total,
        index.search(&query("ofsted")).unwrap().total
    );
}

#[test]
fn phrases_need_the_words_in_order() {
    let dir = example();
    build_ok(dir.path());
    let index = open_index(dir.path());
    let in_order = index.search(&query("\"looked after children\"")).unwrap();
    assert!(in_order.total >= 3);
    assert_eq!(
        index
            .search(&query("\"children after looked\""))
            .unwrap()
            .total,
        0
    );
}

#[test]
fn a_long_phrase_needs_every_word_next_to_the_last() {
    let dir = fixture("basic");
    // Each pair of the phrase occurs in the second item, but not in a row.
    write(
        dir.path(),
        "content/children/2024-02-01/06-together.md",
        "---\ntitle: Together\n---\n\nRespite for kinship carers in rural wards was reviewed.\n",
    );
    write(
        dir.path(),
        "content/children/2024-02-01/07-apart.md",
        "---\ntitle: Apart\n---\n\nKinship carers in towns, and families in rural wards.\n",
    );
    build_ok(dir.path());
    let index = open_index(dir.path());
    let urls = |q: &str| -> Vec<String> {
        let r = index.search(&query(q)).unwrap();
        r.hits.iter().map(|h| h.url.clone()).collect()
    };
    let together = "/children/2024-02-01/together/".to_owned();
    let apart = "/children/2024-02-01/apart/".to_owned();
    // (A stop word between two others: looked up as one term of its own.)
    assert_eq!(urls("\"carers in rural\""), vec![together.clone()]);
    let snippet = &index.search(&query("\"carers in rural\"")).unwrap().hits[0].snippet;
    assert!(
        snippet.contains("<mark>carers</mark> <mark>in</mark> <mark>rural</mark>"),
        "{snippet}"
    );
    assert_eq!(
        urls("\"Kinship carers in rural wards\""),
        vec![together.clone()]
    );
    let mut both = urls("\"in rural wards\"");
    both.sort();
    assert_eq!(both, vec![apart.clone(), together.clone()]);
    assert_eq!(urls("\"rural in\""), Vec::<String>::new());
    let mut both = urls("carers rural");
    both.sort();
    assert_eq!(both, vec![apart, together]);
}

#[test]
fn or_and_exclusion() {
    let dir = example();
    build_ok(dir.path());
    let index = open_index(dir.path());
    let bullying = index.search(&query("bullying")).unwrap().total;
    let fostering = index.search(&query("fostering")).unwrap().total;
    let either = index.search(&query("bullying OR fostering")).unwrap().total;
    assert!(either >= bullying.max(fostering) && either <= bullying + fostering);
    let without = index.search(&query("ofsted -bullying")).unwrap();
    assert!(
        without.hits.iter().all(|h| !h.url.contains("2017-12-07")),
        "{:?}",
        without.hits
    );
}

#[test]
fn every_filter_narrows_results() {
    let dir = fixture("basic");
    build_ok(dir.path());
    let index = open_index(dir.path());
    let all = index.search(&query("")).unwrap().total;
    assert!(all >= 5, "items, documents and meetings are indexed");
    let with = |f: &dyn Fn(&mut SearchRequest)| {
        let mut r = query("");
        r.limit = 50;
        f(&mut r);
        index.search(&r).unwrap()
    };
    let children = with(&|r| r.committee = Some("children".into()));
    assert!(
        children.total > 0
            && children
                .hits
                .iter()
                .all(|h| h.committee == "Children's Committee")
    );
    let by_name = with(&|r| r.committee = Some("Children's Committee".into()));
    assert_eq!(by_name.total, children.total, "committee by name or slug");
    let lac = with(&|r| r.topic = Some("LAC".into()));
    assert!(
        lac.hits
            .iter()
            .all(|h| h.topics.contains(&"Looked after children".to_string()))
    );
    assert_eq!(
        lac.total,
        3 + 2,
        "three items, and the budget item's document and spreadsheet, via the alias"
    );
    let dee = with(&|r| r.person = Some("Dee Officer".into()));
    assert!(
        dee.hits.iter().any(|h| h.kind == "document"),
        "authors count"
    );
    assert!(dee.hits.iter().any(|h| h.title == "Budget Follow-up"));
    let meetings = with(&|r| r.kind = Some("meeting".into()));
    assert!(meetings.hits.iter().all(|h| h.kind == "meeting") && meetings.total == 3);
    let range = with(&|r| {
        r.from = chrono::NaiveDate::from_ymd_opt(2024, 1, 15);
        r.to = chrono::NaiveDate::from_ymd_opt(2024, 2, 28);
    });
    assert!(
        range.total > 0
            && range
                .hits
                .iter()
                .all(|h| h.date.as_str() >= "2024-01-15" && h.date.as_str() <= "2024-02-28")
    );
    let title = index.search(&query("title:fostering")).unwrap();
    assert_eq!(title.total, 1);
    let person = index.search(&query("person:\"dee officer\"")).unwrap();
    assert!(person.total >= 2);
    let topic = index.search(&query("topic:LAC")).unwrap();
    assert_eq!(topic.total, lac.total, "topic: folds aliases too");
    let committee = index.search(&query("committee:finance")).unwrap();
    assert!(
        committee
            .hits
            .iter()
            .all(|h| h.committee == "Finance Committee")
    );
}

#[test]
fn misspelt_words_fall_back_to_the_nearest_spelling() {
    let dir = example();
    build_ok(dir.path());
    let index = open_index(dir.path());
    let r = index.search(&query("fosterng")).unwrap();
    assert!(r.total > 0);
    assert_eq!(r.corrections.len(), 1);
    assert_eq!(r.corrections[0].from, "fosterng");
    assert_eq!(r.corrections[0].to, "fostering");
    // Long words tolerate two edits.
    let r = index.search(&query("safegaurdnig")).unwrap();
    assert_eq!(
        r.corrections.first().map(|c| c.to.as_str()),
        Some("safeguarding")
    );
    // A word that is found is never corrected.
    assert!(
        index
            .search(&query("bullying"))
            .unwrap()
            .corrections
            .is_empty()
    );
}

#[test]
fn facets_count_the_current_query() {
    let dir = example();
    build_ok(dir.path());
    let index = open_index(dir.path());
    let r = index.search(&query("children")).unwrap();
    let sum = |v: &[quorum::search::FacetCount]| v.iter().map(|f| f.count).sum::<u64>() as usize;
    assert_eq!(sum(&r.facets.committee), r.total);
    assert_eq!(sum(&r.facets.kind), r.total);
    assert_eq!(sum(&r.facets.year), r.total);
    assert!(
        r.facets
            .topic
            .iter()
            .any(|t| t.name == "Looked after children")
    );
    let narrow = index.search(&query("fostering")).unwrap();
    assert_eq!(sum(&narrow.facets.committee), narrow.total);
    assert!(narrow.total < r.total);
}

#[test]
fn newest_first_sorting() {
    let dir = example();
    build_ok(dir.path());
    let index = open_index(dir.path());
    let mut r = query("children");
    r.sort = Sort::Newest;
    r.limit = 50;
    let dates: Vec<String> = index
        .search(&r)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.date)
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
    assert!(dates.len() > 3);
}

#[test]
fn paging_walks_through_all_hits() {
    let dir = example();
    build_ok(dir.path());
    let index = open_index(dir.path());
    let mut r = query("children");
    r.limit = 2;
    let total = index.search(&r).unwrap().total;
    let mut seen = Vec::new();
    for page in 1..=total.div_ceil(2) {
        r.page = page;
        seen.extend(index.search(&r).unwrap().hits.into_iter().map(|h| h.url));
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), total);
}

#[test]
fn exempt_and_draft_text_cannot_be_found() {
    let dir = fixture("basic");
    build_ok(dir.path());
    let index = open_index(dir.path());
    for q in [
        "CONFIDENTIAL-PHRASE-XYZ",
        "confidential",
        "appendix",
        "\"land deal\"",
        "DRAFT-PHRASE-QRS",
        "title:draft",
    ] {
        assert_eq!(
            index.search(&query(q)).unwrap().total,
            0,
            "{q} must not be findable"
        );
    }
    build_drafts(dir.path()).expect("build with drafts");
    let index = open_index(dir.path());
    assert_eq!(
        index.search(&query("DRAFT-PHRASE-QRS")).unwrap().total,
        1,
        "drafts are indexed with --drafts"
    );
    assert_eq!(
        index.search(&query("confidential")).unwrap().total,
        0,
        "exempt never"
    );
}

#[test]
fn snippets_mark_terms_and_escape_everything_else() {
    let dir = fixture("basic");
    write(
        dir.path(),
        "content/children/2024-02-01/06-escaping.md",
        "---\ntitle: Escaping\n---\n\nThe `<script>alert(\"x\")</script>` payments & grants were discussed.\n",
    );
    build_ok(dir.path());
    let index = open_index(dir.path());
    let r = index.search(&query("payments")).unwrap();
    let snippet = &r.hits[0].snippet;
    assert!(snippet.contains("<mark>payments</mark>"), "{snippet}");
    assert!(
        snippet.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"),
        "{snippet}"
    );
    assert!(snippet.contains("&amp; grants"), "{snippet}");
    assert!(!snippet.contains("<script"), "{snippet}");
}

#[test]
fn passages_come_from_the_content_even_after_the_project_moves() {
    let dir = fixture("basic");
    let item = "content/children/2024-02-01/06-grants.md";
    write(
        dir.path(),
        item,
        "---\ntitle: Grants\npurpose: To agree the awards.\n---\n\nThe holiday grants were increased.\n",
    );
    build_ok(dir.path());
    // The index finds its content relative to itself.
    let moved = tempfile::tempdir().unwrap();
    copy_tree(dir.path(), moved.path());
    drop(dir);
    let index = open_index(moved.path());
    let r = index.search(&query("holiday")).unwrap();
    assert_eq!(
        r.hits[0].snippet,
        "The <mark>holiday</mark> grants were increased"
    );

    // Changed since the build: the hit stays, with no stale passage.
    write(
        moved.path(),
        item,
        "---\ntitle: Grants\npurpose: To agree the awards.\n---\n\nRewritten.\n",
    );
    let r = index.search(&query("holiday")).unwrap();
    assert_eq!(r.total, 1);
    assert_eq!(r.hits[0].snippet, "To agree the awards.");
}

#[test]
fn malformed_queries_and_options_are_rejected_cleanly() {
    let dir = fixture("basic");
    build_ok(dir.path());
    let index = open_index(dir.path());
    for q in ["title:(", "\"unclosed", "OR", "a OR", "nofield:x", ")"] {
        let strict = SearchRequest {
            strict: true,
            ..query(q)
        };
        match index.search(&strict) {
            Err(e @ SearchError::Query(_)) => assert!(e.is_bad_request()),
            other => panic!("{q}: expected a query error, got {other:?}"),
        }
        // Not strict, each is answered, and the answer says how it was read.
        let answer = index.search(&query(q)).expect(q);
        assert!(answer.notice.is_some(), "{q}");
    }
    let mut r = query("budget");
    r.limit = 0;
    assert!(matches!(index.search(&r), Err(SearchError::Option(_))));
    r.limit = 10;
    r.kind = Some("spaceship".into());
    assert!(matches!(index.search(&r), Err(SearchError::Option(_))));
}

#[test]
fn an_index_written_by_another_quorum_version_is_refused_with_the_fix() {
    let dir = fixture("basic");
    build_ok(dir.path());
    let index_dir = dir.path().join(quorum::build::INDEX_DIR);
    // As before the stems kept endings such as "ful": the text field's
    // analyzer had its old name.
    let meta = index_dir.join("meta.json");
    let schema = std::fs::read_to_string(&meta).unwrap();
    assert!(schema.contains("\"quorum_text_v2\""));
    std::fs::write(
        &meta,
        schema.replace("\"quorum_text_v2\"", "\"quorum_text\""),
    )
    .unwrap();
    let e = quorum::search::SearchIndex::open(&index_dir).unwrap_err();
    assert!(matches!(e, SearchError::Outdated(_)), "{e}");
    assert!(e.to_string().contains("different version of Quorum"), "{e}");
    assert!(e.hint().unwrap().contains("quorum build"));
}

#[test]
fn a_missing_index_says_how_to_build_one() {
    let dir = fixture("basic");
    let e =
        quorum::search::SearchIndex::open(&dir.path().join(quorum::build::INDEX_DIR)).unwrap_err();
    assert!(matches!(e, SearchError::NoIndex(_)));
    assert!(e.hint().unwrap().contains("quorum build"));
}

/// The static search bundle's files, decompressed where Pagefind
/// compressed them, by path under `pagefind/`.
fn bundle_files(root: &std::path::Path) -> Vec<(String, String)> {
    use std::io::Read;
    snapshot_tree(&root.join("output/pagefind"))
        .into_iter()
        .map(|(rel, bytes)| {
            let mut out = Vec::new();
            let text = if flate2::read::GzDecoder::new(&bytes[..])
                .read_to_end(&mut out)
                .is_ok()
            {
                out
            } else {
                bytes
            };
            (rel, String::from_utf8_lossy(&text).into_owned())
        })
        .collect()
}

#[test]
fn a_static_bundle_holds_each_published_record_with_its_filters() {
    let dir = fixture("basic");
    let root = dir.path();
    add_config(root, "[search]\nstatic = true");
    let report = build_ok(root);
    let a = &report.archive;
    let records = a.items.len()
        + a.documents.len()
        + a.meetings.len()
        + a.attachments
            .iter()
            .filter(|f| f.text.as_ref().is_some_and(|t| t.has_words()))
            .count();
    assert_eq!(report.bundled, records);
    let files = bundle_files(root);
    let names: Vec<&str> = files.iter().map(|(rel, _)| rel.as_str()).collect();
    for needed in [
        "pagefind-ui.js",
        "pagefind-ui.css",
        "pagefind.js",
        "pagefind-entry.json",
    ] {
        assert!(names.contains(&needed), "{needed} in {names:?}");
    }
    let fragments: Vec<&str> = (files.iter())
        .filter(|(rel, _)| rel.starts_with("fragment/"))
        .map(|(_, text)| text.as_str())
        .collect();
    assert_eq!(fragments.len(), records, "a fragment per record");
    let budget = (fragments.iter())
        .find(|f| f.contains("\"url\":\"/finance/2024-01-10/budget/\""))
        .expect("the budget item's record");
    assert!(budget.contains("The Treasurer presented"), "{budget}");
    assert!(
        budget.contains("\"committee\":[\"Finance Committee\"]"),
        "{budget}"
    );
    assert!(budget.contains("\"year\":[\"2024\"]"), "{budget}");
    assert!(budget.contains("\"kind\":[\"Agenda items\"]"), "{budget}");
    assert!(budget.contains("\"date\":\"10 January 2024\""), "{budget}");
    // The search page uses it; a second build writes it whole again.
    assert!(page(root, "/search/").contains("/pagefind/pagefind-ui.js"));
    build_ok(root);
    assert_eq!(bundle_files(root).len(), files.len());
}
