//! Building fixture archives: every page kind, cross-links, topics, people,
//! documents, drafts, exempt items, theme overrides and atomic output.

mod common;

use common::*;

#[test]
fn writes_every_page_kind() {
    let dir = fixture("basic");
    let report = build_ok(dir.path());
    let root = dir.path();
    for url in [
        "/",
        "/finance/",
        "/finance/2024-01-10/",
        "/finance/2024-01-10/budget/",
        "/finance/2024-01-10/budget/report/",
        "/topics/",
        "/topics/budget/",
        "/people/",
        "/people/dee-officer/",
        "/meetings/",
        "/search/",
        "/404.html",
        "/feed.xml",
        "/finance/feed.xml",
        "/topics/budget/feed.xml",
        "/sitemap.xml",
        "/style.css",
    ] {
        assert!(exists(root, url), "missing {url}");
    }
    assert_eq!(
        report.archive.items.len(),
        3,
        "draft and exempt items left out"
    );
}

#[test]
fn meetings_show_agenda_in_order_and_link_to_neighbours() {
    let dir = fixture("basic");
    build_ok(dir.path());
    let html = page(dir.path(), "/finance/2024-01-10/");
    assert!(html.contains("Budget Monitoring"));
    assert!(
        html.contains(r#"href="/people/ann-chair/""#),
        "chair linked"
    );
    assert!(html.contains("Cat Absent"), "apologies listed");
    assert!(
        html.contains(r#"rel="next" href="/finance/2024-03-05/""#),
        "next meeting linked"
    );
    let march = page(dir.path(), "/finance/2024-03-05/");
    assert!(march.contains(r#"rel="prev" href="/finance/2024-01-10/""#));
    assert!(!march.contains("Draft"), "approved minutes");
    // A meeting folder without _meeting.md is still a meeting.
    assert!(exists(dir.path(), "/children/2024-02-01/"));
}

#[test]
fn topic_aliases_and_spellings_merge_into_one_topic() {
    let dir = fixture("basic");
    let report = build_ok(dir.path());
    let names: Vec<&str> = report
        .archive
        .topics
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(names, ["Budget", "Fostering", "Looked after children"]);
    assert!(!exists(dir.path(), "/topics/lac/"));
    assert!(!exists(dir.path(), "/topics/children-in-care/"));
    let lac = page(dir.path(), "/topics/looked-after-children/");
    for title in ["Budget Monitoring", "Budget Follow-up", "Fostering Update"] {
        assert!(lac.contains(title), "{title} on the topic timeline");
    }
    // Newest first.
    let follow_up = lac.find("Budget Follow-up").unwrap();
    let fostering = lac.find("Fostering Update").unwrap();
    let budget = lac.find("Budget Monitoring").unwrap();
    assert!(follow_up < fostering && fostering < budget);
    assert!(
        page(dir.path(), "/topics/").contains("LAC, children in care"),
        "aliases shown"
    );
}

#[test]
fn people_are_collected_from_every_field_that_names_a_person() {
    let dir = fixture("basic");
    build_ok(dir.path());
    let root = dir.path();
    let cases = [
        ("/people/ann-chair/", "Meetings chaired"), // chair + committee member
        ("/people/bob-member/", "Declarations of interest"), // declaration + attendee
        ("/people/cat-absent/", "Apologies sent"),  // apologies
        ("/people/dee-officer/", "Items presented"), // presenter
        ("/people/dee-officer/", "Documents written"), // document author
        ("/people/eve-owner/", "Circulate the revised forecast"), // action owner
        ("/people/ann-chair/", "Committee member"),
        ("/people/bob-member/", "Meetings attended"),
    ];
    for (url, text) in cases {
        assert!(page(root, url).contains(text), "{url} should show {text}");
    }
    // Her role as a member is hers; the role given as one meeting's chair
    // is that meeting's.
    let ann = page(root, "/people/ann-chair/");
    assert!(ann.contains("<p class=\"lead\">Chair</p>"), "{ann}");
    assert!(!ann.contains("Chair of the Finance Committee"), "{ann}");
    assert!(page(root, "/finance/2024-03-05/").contains("Chair of the Finance Committee"));
    assert!(
        !exists(root, "/people/zed-hidden/"),
        "people named only in exempt items stay hidden"
    );
}

#[test]
fn at_links_resolve_and_make_backlinks() {
    let dir = fixture("basic");
    build_ok(dir.path());
    let root = dir.path();
    let budget = page(root, "/finance/2024-01-10/budget/");
    assert!(budget.contains(r#"href="/finance/2024-03-05/budget-follow-up/#next-steps""#));
    assert!(
        budget.contains(r#"<h3 id="overview">Overview</h3>"#),
        "heading anchors, demoted under the page h1"
    );
    assert!(budget.contains("<table>"));
    assert!(
        budget.contains("<em>spending</em>"),
        "purpose rendered inline"
    );
    let follow_up = page(root, "/finance/2024-03-05/budget-follow-up/");
    assert!(follow_up.contains("Referenced by"));
    assert!(
        follow_up.contains(r#"href="/finance/2024-01-10/budget/""#),
        "backlink to the referring item"
    );
    let finance = page(root, "/finance/");
    assert!(
        finance.contains("Fostering Update"),
        "committee page lists pages that reference it"
    );
    assert!(page(root, "/children/").contains("Budget Follow-up"));
}

#[test]
fn supporting_documents_and_attachments_follow_their_item() {
    let dir = fixture("basic");
    build_ok(dir.path());
    let root = dir.path();
    let budget = page(root, "/finance/2024-01-10/budget/");
    let sheet = budget
        .find("Budget spreadsheet")
        .expect("attachment listed");
    let report = budget
        .find("Treasurer&#39;s report")
        .expect("document listed with its given title");
    assert!(sheet < report, "in the order documents: gives");
    assert!(budget.contains(r#"href="/finance/2024-01-10/budget/budget%20sheet.csv""#));
    assert!(budget.contains("CSV, 1 KB"));
    let copied =
        std::fs::read_to_string(root.join("output/finance/2024-01-10/budget/budget sheet.csv"))
            .unwrap();
    assert_eq!(copied, "area,spend\ncare,1000000\n");
    let doc = page(root, "/finance/2024-01-10/budget/report/");
    assert!(doc.contains("Spending is on track."));
    assert!(doc.contains(r#"href="/people/dee-officer/""#));
}

#[test]
fn exempt_items_never_reach_the_output() {
    let dir = fixture("basic");
    for drafts in [false, true] {
        let result = if drafts {
            build_drafts(dir.path())
        } else {
            build(dir.path())
        };
        assert!(result.is_ok());
        let all = all_output(dir.path());
        for secret in [
            "CONFIDENTIAL-PHRASE-XYZ",
            "CONFIDENTIAL-APPENDIX-XYZ",
            "Confidential Land Deal",
            "land-deal",
            "Secret Topic",
            "Zed Hidden",
        ] {
            assert!(!all.contains(secret), "{secret} leaked (drafts: {drafts})");
        }
    }
}

#[test]
fn drafts_only_with_the_drafts_flag() {
    let dir = fixture("basic");
    build_ok(dir.path());
    assert!(!all_output(dir.path()).contains("DRAFT-PHRASE-QRS"));
    assert!(!exists(dir.path(), "/finance/2024-01-10/draft-idea/"));
    build_drafts(dir.path()).expect("build with drafts");
    let draft = page(dir.path(), "/finance/2024-01-10/draft-idea/");
    assert!(draft.contains("DRAFT-PHRASE-QRS"));
    assert!(draft.contains("tag-draft"), "drafts are marked as such");
}

#[test]
fn a_site_template_overrides_the_default_one() {
    let dir = fixture("override");
    build_ok(dir.path());
    let item = page(dir.path(), "/c/2024-01-01/an-item/");
    assert!(item.contains("Rendered by the site's own item template."));
    let committee = page(dir.path(), "/c/");
    assert!(
        committee.contains("<h1>C Committee"),
        "other templates fall back to the default"
    );
    assert!(
        exists(dir.path(), "/extra.css"),
        "theme static files are copied"
    );
    assert!(
        exists(dir.path(), "/style.css"),
        "default assets still there"
    );
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let dir = fixture("basic");
    let root = dir.path();
    build_ok(root);
    let before = snapshot_tree(&root.join("output"));
    write(
        root,
        "content/finance/2024-03-05/05-broken.md",
        "---\ntitle: Broken\nrelated: [nowhere/2024-01-01/01-x.md]\n---\n",
    );
    let failure = build(root).expect_err("broken reference must fail the build");
    assert!(messages(&failure).contains("nowhere/2024-01-01/01-x.md"));
    assert_eq!(
        snapshot_tree(&root.join("output")),
        before,
        "output changed by a failed build"
    );
    let leftovers: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging") || n.contains(".old-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "staging folders left behind: {leftovers:?}"
    );
}

#[test]
fn a_broken_link_in_a_body_fails_the_build_naming_file_and_line() {
    let dir = fixture("basic");
    let root = dir.path();
    write(
        root,
        "content/children/2024-02-01/05-links.md",
        "---\ntitle: Links\n---\n\nText.\n\nSee [old page](../../no-such-page/).\n",
    );
    let failure = build(root).expect_err("broken relative link");
    let text = messages(&failure);
    assert!(
        text.contains("content/children/2024-02-01/05-links.md:7"),
        "{text}"
    );
    assert!(text.contains("../../no-such-page/"), "{text}");
}

#[test]
fn the_example_archive_builds_with_every_page_kind() {
    let dir = tempfile::tempdir().unwrap();
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_tree(&repo.join("content"), &dir.path().join("content"));
    std::fs::copy(repo.join("quorum.toml"), dir.path().join("quorum.toml")).unwrap();
    let report = build_ok(dir.path());
    let a = &report.archive;
    assert!(a.committees.len() >= 3 && a.items.len() >= 4 && !a.documents.is_empty());
    assert!(
        a.items.iter().any(|i| !i.related.is_empty()),
        "related items linked"
    );
    assert!(
        a.items.iter().any(|i| !i.referenced_by.is_empty()),
        "backlinks present"
    );
    assert!(exists(dir.path(), "/topics/looked-after-children/"));
}

#[test]
fn init_makes_an_archive_that_builds_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("new");
    quorum::init::init(&root).expect("init");
    build_ok(&root);
    assert!(exists(
        &root,
        "/example-committee/2025-01-15/childrens-services-update/"
    ));
    let before = std::fs::read_to_string(root.join("quorum.toml")).unwrap();
    assert!(quorum::init::init(&root).is_err());
    assert_eq!(
        std::fs::read_to_string(root.join("quorum.toml")).unwrap(),
        before
    );
}

#[test]
fn items_sharing_a_slug_are_an_error_naming_both_files() {
    // Which of the two would move to another address depended on file
    // order, so neither is published until one is renamed.
    let dir = fixture("basic");
    let root = dir.path();
    write(
        root,
        "content/children/2024-02-01/07-update.md",
        "---\ntitle: Update\n---\n\nFirst.\n",
    );
    write(
        root,
        "content/children/2024-02-01/09-update.md",
        "---\ntitle: Update\n---\n\nSecond.\n",
    );
    write(
        root,
        "content/finance/2024-03-05/03-links.md",
        "---\ntitle: Links\n---\n\n[second](@/children/2024-02-01/09-update.md)\n",
    );
    let failure = build(root).expect_err("two items at one address");
    let text = messages(&failure);
    assert_eq!(failure.diagnostics.error_count(), 1, "{text}");
    assert!(
        text.contains("content/children/2024-02-01/09-update.md"),
        "{text}"
    );
    assert!(
        text.contains("content/children/2024-02-01/07-update.md"),
        "{text}"
    );
    assert!(text.contains("rename one of the two files"), "{text}");
}

#[test]
fn long_lists_paginate_at_stable_urls() {
    let dir = fixture("override");
    let root = dir.path();
    // 230 items on one topic, presented by one person, over 230 meetings.
    for n in 0..230u32 {
        let day =
            chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Days::new(n.into());
        write(
            root,
            &format!("content/c/{day}/01-item-{n}.md"),
            &format!(
                "---\ntitle: Item {n}\ntopics: [Budget]\npresenters: [Pat Busy]\n---\n\nText.\n"
            ),
        );
    }
    build_ok(root);
    for url in [
        "/topics/budget/",
        "/topics/budget/page/2/",
        "/topics/budget/page/3/",
        "/people/pat-busy/page/3/",
        "/c/page/3/",
        "/meetings/page/3/",
    ] {
        assert!(exists(root, url), "missing {url}");
    }
    assert!(!exists(root, "/topics/budget/page/4/"));
    let first = page(root, "/topics/budget/");
    assert!(
        first.contains("Item 229") && !first.contains("Item 29<"),
        "newest first, 100 a page"
    );
    assert!(
        first.contains(r#"href="/topics/budget/page/2/""#),
        "pager links"
    );
    let last = page(root, "/people/pat-busy/page/3/");
    assert!(
        last.contains("Item 0<") || last.contains("Item 0 "),
        "oldest on the last page"
    );
    assert!(page(root, "/meetings/page/2/").contains("rel=\"prev\""));
}

#[test]
fn an_index_kept_outside_the_site_is_rebuilt_whole_beside_it() {
    let dir = fixture("basic");
    let root = dir.path();
    add_config(root, "[search]\nindex_dir = \"search-index\"");
    for _ in 0..2 {
        let report = build_ok(root);
        assert!(report.indexed > 0);
        let index = quorum::search::SearchIndex::open(&root.join("search-index")).expect("index");
        let found = index
            .search(&quorum::search::SearchRequest {
                query: "fostering".into(),
                ..Default::default()
            })
            .expect("query");
        assert!(found.total > 0, "the index answers");
    }
    assert!(!root.join("output/search-index").exists());
    // The site keeps its previous build to write over; the index does not.
    assert!(root.join(".output.previous").is_dir());
    assert!(!root.join(".search-index.previous").exists());
}

/// A committee folder named like one of the site's own folders would have
/// its pages and the site's written to one place: an error, before
/// anything is written.
#[test]
fn a_committee_folder_may_not_take_a_site_folder() {
    for folder in ["topics", "decisions", "2024"] {
        let dir = fixture("basic");
        let root = dir.path();
        write(
            root,
            &format!("content/{folder}/_committee.md"),
            "---\ntitle: Topics Committee\n---\n",
        );
        let failure = build(root).expect_err("a committee at a site folder");
        let messages = format!("{:?}", failure.diagnostics);
        assert!(
            messages.contains(&format!("would be published at /{folder}/"))
                || messages.contains(&format!("published at /decisions/{folder}/")),
            "{messages}"
        );
        assert!(!root.join("output").exists(), "nothing is written");
    }
}

#[test]
fn robots_txt_points_crawlers_at_the_sitemap_and_away_from_search() {
    let dir = fixture("basic");
    let root = dir.path();
    build_ok(root);
    assert_eq!(
        page(root, "/robots.txt"),
        "User-agent: *\nDisallow: /search/\nDisallow: /api/\n\nSitemap: https://minutes.example.org/sitemap.xml\n"
    );
    let sitemap = page(root, "/sitemap.xml");
    assert!(sitemap.contains("<loc>https://minutes.example.org/actions/</loc>"));
    assert!(
        !sitemap.contains("/search/"),
        "a form, not a page: {sitemap}"
    );
    assert!(exists(root, "/favicon.svg"));
    assert!(page(root, "/").contains("<link rel=\"icon\" href=\"/favicon.svg\""));
    // A site in a sub-folder of its host has no robots.txt: crawlers read
    // it at the host's root only.
    let toml = std::fs::read_to_string(root.join("quorum.toml")).unwrap();
    let moved = toml.replace("https://minutes.example.org", "https://example.org/minutes");
    std::fs::write(root.join("quorum.toml"), moved).unwrap();
    build_ok(root);
    assert!(!exists(root, "/robots.txt"));
}

#[test]
fn the_index_is_kept_outside_the_published_site() {
    let dir = fixture("basic");
    let root = dir.path();
    build_ok(root);
    assert!(root.join(".quorum/search-index/meta.json").is_file());
    let published = snapshot_tree(&root.join("output"));
    assert!(
        !published
            .iter()
            .any(|(rel, _)| rel.contains("search-index")),
        "uploading output/ uploads only the site"
    );
    assert!(open_index(root).search(&Default::default()).is_ok());
}

#[test]
fn an_index_an_older_quorum_left_in_the_site_is_removed_by_the_next_build() {
    let dir = fixture("basic");
    let root = dir.path();
    build_ok(root);
    // As an older Quorum left it: the index inside the site, listed in
    // the site's marker as a folder written whole.
    let old = root.join("output/search-index");
    std::fs::create_dir_all(&old).unwrap();
    std::fs::write(old.join("meta.json"), "{}").unwrap();
    let marker = root.join("output").join(quorum::output::MARKER);
    let listing = std::fs::read_to_string(&marker).unwrap();
    std::fs::write(&marker, format!("{listing}fresh search-index\n")).unwrap();
    for _ in 0..2 {
        build_ok(root);
        assert!(!old.exists(), "the old index is not published");
        assert!(
            !root.join(".output.previous/search-index").exists(),
            "nor kept in the previous site"
        );
    }
    assert!(root.join(".quorum/search-index/meta.json").is_file());
}

#[test]
fn a_site_searched_elsewhere_sends_its_searches_to_that_server() {
    let dir = fixture("basic");
    let root = dir.path();
    let config = add_config(root, "[search]\nserver = \"https://search.example.org/\"");
    build_ok(root);
    let read = |page: &str| std::fs::read_to_string(root.join("output").join(page)).unwrap();
    let home = read("index.html");
    assert!(
        home.contains("action=\"https://search.example.org/search/\""),
        "{home}"
    );
    assert!(
        home.contains("href=\"https://search.example.org/search/\""),
        "the Search link"
    );
    let search = read("search/index.html");
    assert!(search.contains("answered by the archive's search service at search.example.org"));
    assert!(!search.contains("without a search service"));
    // Without one, the static search page says what to do.
    std::fs::write(root.join("quorum.toml"), &config).unwrap();
    build_ok(root);
    assert!(read("index.html").contains("action=\"/search/\""));
    assert!(read("search/index.html").contains("without a search service"));
    // A server address that is not one is an error naming the setting.
    add_config(root, "[search]\nserver = \"search.example.org\"");
    let shown = messages(&quorum::build::build(&options(root)).unwrap_err());
    assert!(shown.contains("[search] server"), "{shown}");
    assert!(shown.contains("https://search.example.org"), "{shown}");
}

#[test]
fn the_sitemap_dates_each_page_by_its_file_never_after_the_build_date() {
    let dir = fixture("basic");
    let root = dir.path();
    let set_modified =
        |rel: &str, unix| common::set_modified(&root.join("content").join(rel), unix);
    set_modified("finance/2024-01-10/01-budget.md", 1_706_961_600); // 2024-02-03 12:00 UTC
    set_modified("finance/2024-01-10/_meeting.md", 1_798_761_600); // 2027
    build_ok(root); // on 2024-06-01
    let sitemap = std::fs::read_to_string(root.join("output/sitemap.xml")).unwrap();
    let entry = |path: &str| {
        let loc = format!("<loc>https://minutes.example.org{path}</loc>");
        let line = sitemap.lines().find(|l| l.contains(&loc));
        line.unwrap_or_else(|| panic!("{path} not in {sitemap}"))
            .to_owned()
    };
    assert!(
        entry("/finance/2024-01-10/budget/").contains("<lastmod>2024-02-03</lastmod>"),
        "{sitemap}"
    );
    assert!(
        entry("/finance/2024-01-10/").contains("<lastmod>2024-06-01</lastmod>"),
        "a file dated after the build date: the build date"
    );
    assert!(!entry("/topics/").contains("lastmod"), "a list has no file");
    assert!(!sitemap.contains("/search/"), "the search page is a form");
}
