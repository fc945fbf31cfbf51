//! Open data, built from fixture archives: every JSON file validates
//! against its published schema, the bulk files hold each published record
//! exactly once, twins agree with their pages, and withheld business is in
//! no data file.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

fn data_files(root: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root.join("output"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| {
            let name = p.to_string_lossy();
            name.ends_with(".json") || name.ends_with(".ndjson")
        })
        .collect()
}

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Each line of an NDJSON file, parsed.
fn lines(root: &Path, url: &str) -> Vec<Value> {
    let text = page(root, url);
    assert!(text.ends_with('\n'), "{url} ends its last line");
    (text.lines())
        .enumerate()
        .map(|(n, line)| {
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{url} line {}: {e}", n + 1))
        })
        .collect()
}

fn validator(root: &Path, shape: &str) -> jsonschema::Validator {
    let schema = json(&root.join(format!("output/data/schema/{shape}.json")));
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{shape} schema: {e}"))
}

fn assert_valid(validator: &jsonschema::Validator, value: &Value, what: &str) {
    let errors: Vec<String> = (validator.iter_errors(value))
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}:\n{}", errors.join("\n"));
}

/// The schema a twin's shape has, from its `type`.
fn twin_shape(value: &Value) -> String {
    value["type"]
        .as_str()
        .expect("a twin has a type")
        .to_owned()
}

fn validate_all(root: &Path) -> usize {
    let mut checked = 0;
    for path in data_files(root) {
        let rel = path
            .strip_prefix(root.join("output"))
            .unwrap()
            .to_string_lossy();
        let rel = rel.as_ref();
        if rel.starts_with("data/schema/") || rel.starts_with("search-index") {
            continue;
        }
        let (shape, values) = match rel {
            "data/items.ndjson" => ("item".into(), lines(root, "/data/items.ndjson")),
            "data/meetings.ndjson" => ("meeting".into(), lines(root, "/data/meetings.ndjson")),
            "data/documents.ndjson" => ("document".into(), lines(root, "/data/documents.ndjson")),
            "data/popolo.json" => ("popolo".into(), vec![json(&path)]),
            "data/events.json" => ("events".into(), vec![json(&path)]),
            _ => {
                assert!(rel.ends_with("/index.json"), "unexpected data file {rel}");
                let value = json(&path);
                (twin_shape(&value), vec![value])
            }
        };
        let validator = validator(root, &shape);
        for value in &values {
            assert_valid(&validator, value, rel);
            checked += 1;
        }
    }
    checked
}

#[test]
fn every_data_file_validates_against_its_published_schema() {
    let dir = fixture("basic");
    let root = dir.path();
    build_ok(root);
    let checked = validate_all(root);
    // 2 committees, 3 meetings, 4 items, 3 documents, topics, people,
    // their bulk lines and the two standards' files.
    assert!(checked > 20, "only {checked} records checked");
    // The schemas are themselves valid JSON Schema.
    for shape in [
        "item",
        "meeting",
        "committee",
        "document",
        "topic",
        "person",
        "popolo",
        "events",
    ] {
        let schema = json(&root.join(format!("output/data/schema/{shape}.json")));
        assert!(jsonschema::meta::is_valid(&schema), "{shape}");
        assert!(
            schema["properties"].is_object(),
            "{shape} describes its keys"
        );
    }
}

#[test]
fn a_file_that_breaks_its_schema_is_caught() {
    // The validation above can fail: a twin with a field of the wrong
    // kind, or without a key every record has, does not pass.
    let dir = fixture("basic");
    let root = dir.path();
    build_ok(root);
    let validator = validator(root, "item");
    let mut twin = json(&root.join("output/finance/2024-01-10/budget/index.json"));
    assert!(validator.is_valid(&twin));
    twin["decisions"] = Value::String("not a list".into());
    assert!(!validator.is_valid(&twin));
    let mut twin = json(&root.join("output/finance/2024-01-10/budget/index.json"));
    twin.as_object_mut().unwrap().remove("title");
    assert!(!validator.is_valid(&twin));
}

/// The published item pages' paths, from the site's own pages.
fn item_pages(root: &Path) -> BTreeSet<String> {
    (lines(root, "/data/meetings.ndjson").iter())
        .flat_map(|m| m["agenda"].as_array().unwrap().clone())
        .filter_map(|line| line["url"].as_str().map(str::to_owned))
        .map(|url| {
            url.trim_start_matches("https://minutes.example.org")
                .to_owned()
        })
        .collect()
}

#[test]
fn bulk_files_hold_each_published_record_once() {
    let dir = fixture("basic");
    let root = dir.path();
    let report = build_ok(root);
    let items = lines(root, "/data/items.ndjson");
    let ids: BTreeSet<String> = items
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), items.len(), "no item twice");
    assert_eq!(
        items.len(),
        report.archive.items.len(),
        "every published item"
    );
    assert_eq!(ids, item_pages(root), "the items the agendas link");
    for id in &ids {
        assert!(exists(root, id), "{id} is a page");
    }
    let meetings = lines(root, "/data/meetings.ndjson");
    assert_eq!(meetings.len(), report.archive.meetings.len());
    let events = json(&root.join("output/data/events.json"));
    assert_eq!(
        events["events"].as_array().unwrap().len(),
        report.archive.meetings.len()
    );
    // Documents: the two of the budget item (a file and a page).
    let documents = lines(root, "/data/documents.ndjson");
    let kinds: Vec<&str> = documents
        .iter()
        .map(|d| d["type"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"attachment") && kinds.contains(&"document"),
        "{kinds:?}"
    );
    let sheet = documents
        .iter()
        .find(|d| d["type"] == "attachment")
        .unwrap();
    assert_eq!(sheet["media_type"], "text/csv");
    assert!(
        exists(root, sheet["id"].as_str().unwrap()),
        "the file is published"
    );
    // Each line is its twin, byte for byte.
    let text = page(root, "/data/items.ndjson");
    for (line, item) in text.lines().zip(&items) {
        let twin = page(root, &format!("{}index.json", item["id"].as_str().unwrap()));
        assert_eq!(format!("{line}\n"), twin);
    }
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> &'a str {
    let from = s.find(start).map_or(s.len(), |i| i + start.len());
    let rest = &s[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

#[test]
fn twins_and_pages_agree_on_titles_and_addresses() {
    let dir = fixture("basic");
    let root = dir.path();
    build_ok(root);
    let mut twins = 0;
    for path in data_files(root) {
        if !path.ends_with("index.json") {
            continue;
        }
        let twin = json(&path);
        let id = twin["id"].as_str().unwrap();
        let html = page(root, id);
        let title = twin["title"].as_str().or(twin["name"].as_str()).unwrap();
        let shown = unescape(between(&html, "<title>", "</title>"));
        assert!(
            shown.contains(title),
            "{id}: page title {shown:?}, twin {title:?}"
        );
        let canonical = between(&html, "<link rel=\"canonical\" href=\"", "\"");
        assert_eq!(twin["url"], canonical, "{id}");
        let alternate = between(
            &html,
            "type=\"application/json\" title=\"This page as data\" href=\"",
            "\"",
        );
        assert_eq!(alternate, format!("{id}index.json"), "{id} links its twin");
        assert_eq!(twin["data_url"], format!("{canonical}index.json"));
        // Page and twin share one rendering of an item's minutes.
        if let Some(minutes) = twin["minutes_html"].as_str() {
            assert!(html.contains(minutes), "{id}: the page's minutes differ");
        }
        twins += 1;
    }
    assert!(twins >= 15, "{twins} twins");
    // A page's links are its twin's: the item names its meeting's page.
    let item = json(&root.join("output/finance/2024-01-10/budget/index.json"));
    assert_eq!(
        item["meeting"]["url"],
        "https://minutes.example.org/finance/2024-01-10/"
    );
    assert_eq!(
        item["decisions"][0]["text"],
        "The Committee noted the report."
    );
    assert_eq!(item["actions"][0]["owner"]["name"], "Eve Owner");
    assert_eq!(item["declarations"][0]["member"]["name"], "Bob Member");
    assert!(item["minutes_html"].as_str().unwrap().contains("<table>"));
    assert!(
        item["minutes_text"]
            .as_str()
            .unwrap()
            .contains("The Treasurer presented")
    );
}

fn unescape(s: &str) -> String {
    (s.replace("&#39;", "'").replace("&#x27;", "'"))
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

#[test]
fn withheld_business_is_in_no_data_file() {
    let dir = fixture("basic");
    let root = dir.path();
    build_ok(root);
    let data: String = data_files(root)
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    for word in [
        "CONFIDENTIAL-PHRASE",
        "Confidential Land Deal",
        "Zed Hidden",
        "Secret Topic",
        "DRAFT-PHRASE",
        "Draft Idea",
    ] {
        assert!(!data.contains(word), "{word} is in a data file");
    }
    // The exempt item is on its meeting's agenda as the page shows it: a
    // line without a title or address of its own.
    let meeting = json(&root.join("output/finance/2024-01-10/index.json"));
    let exempt: Vec<&Value> = (meeting["agenda"].as_array().unwrap().iter())
        .filter(|line| line["exempt"] == true)
        .collect();
    assert_eq!(exempt.len(), 1);
    assert!(exempt[0]["url"].is_null());
    // Drafts are published, as data too, only when asked for.
    build_drafts(root).unwrap();
    let items = page(root, "/data/items.ndjson");
    assert!(items.contains("DRAFT-PHRASE-QRS"));
    assert!(items.contains("\"draft\":true"));
    assert!(!items.contains("CONFIDENTIAL-PHRASE"));
}

#[test]
fn popolo_names_people_councils_committees_and_memberships() {
    let dir = fixture("basic");
    let root = dir.path();
    build_ok(root);
    let popolo = json(&root.join("output/data/popolo.json"));
    let orgs = popolo["organizations"].as_array().unwrap();
    let council = orgs
        .iter()
        .find(|o| o["classification"] == "council")
        .unwrap();
    assert_eq!(council["name"], "Testshire Council");
    let committees: Vec<&Value> = orgs
        .iter()
        .filter(|o| o["classification"] == "committee")
        .collect();
    assert_eq!(committees.len(), 2);
    assert!(committees.iter().all(|c| c["parent_id"] == council["id"]));
    let persons = popolo["persons"].as_array().unwrap();
    let ids: BTreeSet<&str> = persons.iter().map(|p| p["id"].as_str().unwrap()).collect();
    for m in popolo["memberships"].as_array().unwrap() {
        assert!(ids.contains(m["person_id"].as_str().unwrap()), "{m}");
        assert!(orgs.iter().any(|o| o["id"] == m["organization_id"]), "{m}");
    }
}

#[test]
fn events_give_times_participants_and_agenda() {
    let dir = fixture("basic");
    let root = dir.path();
    build_ok(root);
    let events = json(&root.join("output/data/events.json"));
    let january = (events["events"].as_array().unwrap().iter())
        .find(|e| e["id"] == "/finance/2024-01-10/")
        .unwrap();
    // 18:00 in London in January is 18:00 UTC.
    assert_eq!(january["start_date"], "2024-01-10T18:00:00+00:00");
    assert_eq!(january["all_day"], false);
    assert_eq!(january["status"], "passed");
    assert_eq!(january["location"]["name"], "Room A, Town Hall");
    let notes: Vec<&str> = (january["participants"].as_array().unwrap().iter())
        .map(|p| p["note"].as_str().unwrap())
        .collect();
    assert_eq!(notes[0], "host");
    assert!(
        notes.contains(&"chair") && notes.contains(&"attendee"),
        "{notes:?}"
    );
    assert_eq!(january["extras"]["apologies"][0], "Cat Absent");
    let budget = &january["agenda"][0];
    assert_eq!(budget["description"], "Budget Monitoring");
    assert_eq!(budget["notes"][1], "The Committee noted the report.");
    assert!(
        budget["subjects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "Budget")
    );
    let documents = january["documents"].as_array().unwrap();
    assert!(
        documents
            .iter()
            .any(|d| d["links"][0]["media_type"] == "text/csv")
    );
}

#[test]
fn the_data_page_lists_the_files_and_the_licence() {
    let dir = fixture("basic");
    let root = dir.path();
    build_ok(root);
    let data = page(root, "/data/");
    for file in [
        "/data/items.ndjson",
        "/data/popolo.json",
        "/data/schema/item.json",
    ] {
        assert!(data.contains(&format!("href=\"{file}\"")), "{file}");
    }
    assert!(data.contains("does not state a licence"));
    let toml = std::fs::read_to_string(root.join("quorum.toml")).unwrap();
    let licence = "licence = \"Open Government Licence v3.0\"\nlicence_url = \"https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/\"\n";
    write(root, "quorum.toml", &format!("{licence}{toml}"));
    build_ok(root);
    let data = page(root, "/data/");
    assert!(data.contains(">Open Government Licence v3.0</a>"), "{data}");
    // Every page links to it.
    assert!(page(root, "/").contains("href=\"/data/\""));
}
