//! Search answers what members type: input the language cannot parse is
//! searched as plain words (and the answer says so), `AND` and `NOT` work
//! as people expect, and no hit for all the words gives the hits for any
//! of them. `--strict` and `strict=1` keep the errors for scripts.

mod common;

use std::process::Command;

use common::*;
use quorum::search::SearchRequest;

const TYPED: &[(&str, &str)] = &[
    ("\"home to school", "“home”, “to” and “school”"),
    ("(CAMHS", "“CAMHS”"),
    ("fostering OR", "“fostering”"),
    ("budget -", "“budget”"),
    ("colour:red budget", "“colour”, “red” and “budget”"),
    (
        "https://www.example.gov.uk/budget",
        "“https”, “www”, “example”, “gov”, “uk” and “budget”",
    ),
];

#[test]
fn what_cannot_be_parsed_is_searched_as_words_and_said() {
    let dir = fixture("basic");
    build_ok(dir.path());
    let index = open_index(dir.path());
    for (typed, words) in TYPED {
        let results = index.search(&query(typed)).expect(typed);
        let notice = results.notice.unwrap_or_default();
        assert!(
            notice.starts_with(&format!("Searched for {words} as plain words")),
            "{typed}: {notice}"
        );
        let strict = SearchRequest {
            strict: true,
            ..query(typed)
        };
        assert!(
            index.search(&strict).is_err(),
            "{typed} is an error when strict"
        );
    }
    // The words found what they say.
    assert!(index.search(&query("fostering OR")).unwrap().total > 0);
    assert!(index.search(&query("budget -")).unwrap().total > 0);
}

#[test]
fn and_and_not_mean_what_they_say() {
    let dir = example();
    build_ok(dir.path());
    let index = open_index(dir.path());
    let total = |q: &str| index.search(&query(q)).expect(q).total;
    let children = total("children");
    let with = total("children ofsted");
    assert!(with > 0 && with < children);
    assert_eq!(total("children NOT ofsted"), children - with);
    assert_eq!(total("children -ofsted"), children - with);
    assert_eq!(total("children AND ofsted"), with);
    let not = index.search(&query("NOT ofsted")).unwrap();
    assert_eq!(not.total, total("") - total("ofsted"));
}

#[test]
fn no_hit_for_all_the_words_gives_the_hits_for_any() {
    let dir = fixture("basic");
    build_ok(dir.path());
    let index = open_index(dir.path());
    // No one document has both words.
    let results = index.search(&query("fostering spreadsheet")).unwrap();
    assert!(results.total >= 2, "{results:#?}");
    assert!(
        (results.notice.as_deref().unwrap_or_default())
            .contains("No results have all of the words"),
        "{:?}",
        results.notice
    );
    let strict = SearchRequest {
        strict: true,
        ..query("fostering spreadsheet")
    };
    let results = index.search(&strict).unwrap();
    assert_eq!((results.total, results.notice), (0, None));
}

#[test]
fn the_command_line_the_api_and_the_page_answer_and_say_how() {
    let dir = fixture("basic");
    build_ok(dir.path());
    let root = dir.path().to_str().unwrap();
    let search = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_quorum"))
            .args(["search", "--root", root])
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .expect("run quorum")
    };
    let out = search(&["\"fostering"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("Searched for “fostering” as plain words"),
        "{stdout}"
    );
    assert!(
        stdout.contains("/children/2024-02-01/fostering/"),
        "{stdout}"
    );
    assert_eq!(search(&["--strict", "\"fostering"]).status.code(), Some(2));

    let server = common::server::Server::start(dir.path(), &["--no-watch"]);
    let api = server.get("/api/search?q=%22fostering");
    assert_eq!(api.status, 200);
    let json = api.json();
    assert!(
        json["notice"]
            .as_str()
            .unwrap_or_default()
            .contains("plain words")
    );
    assert!(json["total"].as_u64().unwrap_or_default() > 0);
    assert_eq!(
        server.get("/api/search?q=%22fostering&strict=1").status,
        400
    );
    let page = server.get("/search/?q=fostering+OR").text();
    assert!(
        page.contains("Searched for “fostering” as plain words"),
        "{page}"
    );
}

/// The basic fixture with items that mention a query's words in passing,
/// or in other forms, beside those that are about them.
fn ranking_fixture() -> tempfile::TempDir {
    let dir = fixture("basic");
    let meeting = "content/children/2024-02-01";
    write(
        dir.path(),
        &format!("{meeting}/05-care-leavers.md"),
        "---\ntitle: Housing for care leavers\ntopics: [Looked after children]\n---\n\n\
         Members heard how young people leaving care were housed.\n",
    );
    write(
        dir.path(),
        &format!("{meeting}/06-garden.md"),
        "---\ntitle: Garden party\n---\n\n\
         The children looked after the garden. Children were looked at by parents \
         after the party, and the children looked happy after lunch.\n",
    );
    write(
        dir.path(),
        &format!("{meeting}/07-inspection.md"),
        "---\ntitle: Review of the year\n---\n\nThe inspection of the service was passed.\n",
    );
    write(
        dir.path(),
        &format!("{meeting}/08-inspecting.md"),
        "---\ntitle: Review of the staff\n---\n\nOfficers inspecting the service found it good.\n",
    );
    write(
        dir.path(),
        &format!("{meeting}/09-outing.md"),
        "---\ntitle: Summer outing\n---\n\nThe children planned the day carefully.\n",
    );
    dir
}

#[test]
fn an_item_about_the_words_outranks_a_passing_mention() {
    let dir = ranking_fixture();
    build_ok(dir.path());
    let index = open_index(dir.path());
    let first = |q: &str| index.search(&query(q)).unwrap().hits[0].url.clone();
    // Filed under the topic, though its text says the words less often.
    assert_eq!(
        first("looked after children"),
        "/children/2024-02-01/care-leavers/"
    );
    // The form typed outranks another form of the word.
    assert_eq!(first("inspection"), "/children/2024-02-01/inspection/");
    assert_eq!(first("inspecting"), "/children/2024-02-01/inspecting/");
}

#[test]
fn a_word_that_only_shares_a_stem_is_no_match() {
    let dir = ranking_fixture();
    build_ok(dir.path());
    let index = open_index(dir.path());
    let urls = |q: &str| -> Vec<String> {
        let request = quorum::search::SearchRequest {
            limit: 50,
            ..query(q)
        };
        (index.search(&request).unwrap().hits.into_iter())
            .map(|h| h.url)
            .collect()
    };
    let outing = "/children/2024-02-01/outing/".to_owned();
    // "carefully" shares the stem of "care", not its meaning.
    assert!(!urls("care").contains(&outing));
    assert!(!urls("children care").contains(&outing));
    assert!(urls("carefully").contains(&outing));
    assert!(urls("careful").contains(&outing));
    // In a phrase too ("day care" is not "day carefully").
    assert!(!urls("\"day care\"").contains(&outing));
    assert!(urls("\"day carefully\"").contains(&outing));
    // The word's own forms still match: "leaving care", and "care leavers".
    assert!(urls("care").contains(&"/children/2024-02-01/care-leavers/".to_owned()));
    assert!(
        urls("planning").contains(&outing),
        "planned and planning are one word"
    );
}
