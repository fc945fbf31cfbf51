//! The `quorum` binary: exit statuses, messages and JSON output.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

fn quorum(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_quorum"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run quorum")
}

#[test]
fn build_reports_errors_with_file_and_line_and_exits_1() {
    let dir = fixture("basic");
    let root = dir.path().to_str().unwrap();
    write(
        dir.path(),
        "content/finance/2024-03-05/07-typo.md",
        "---\ntitle: Typo\npresenter: [Dee Officer]\n---\n",
    );
    let out = quorum(&["build", "--root", root]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("content/finance/2024-03-05/07-typo.md:3"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `presenters`?"), "{stderr}");
    assert!(stderr.contains("1 error"), "{stderr}");
    assert!(!dir.path().join("output").exists(), "nothing written");
}

#[test]
fn search_prints_json_with_hits_and_facets() {
    let dir = fixture("basic");
    let root = dir.path().to_str().unwrap();
    assert!(quorum(&["build", "--root", root]).status.success());
    let out = quorum(&["search", "--root", root, "--json", "budget"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["query"], "budget");
    assert!(v["total"].as_u64().unwrap() >= 2);
    let hit = &v["hits"][0];
    for key in [
        "title",
        "url",
        "date",
        "committee",
        "kind",
        "topics",
        "score",
        "snippet",
    ] {
        assert!(hit.get(key).is_some(), "hit has {key}");
    }
    for key in ["committee", "topic", "year", "kind"] {
        assert!(v["facets"][key].is_array(), "facets.{key}");
    }
    let text = quorum(&["search", "--root", root, "budget", "--limit", "1"]);
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(stdout.contains("1. "), "{stdout}");
    assert!(stdout.contains("/finance/"), "{stdout}");
}

#[test]
fn malformed_queries_exit_2_with_a_json_error_when_strict() {
    let dir = fixture("basic");
    let root = dir.path().to_str().unwrap();
    assert!(quorum(&["build", "--root", root]).status.success());
    let out = quorum(&["search", "--root", root, "--json", "--strict", "title:("]);
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json error object");
    assert!(v["error"].as_str().unwrap().contains("never closed"));
    let plain = quorum(&["search", "--root", root, "--strict", "title:("]);
    assert_eq!(plain.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&plain.stderr).contains("never closed"));
}

#[test]
fn search_without_an_index_says_how_to_build_one() {
    let dir = fixture("basic");
    let out = quorum(&["search", "--root", dir.path().to_str().unwrap(), "budget"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("quorum build"));
}

#[test]
fn a_build_says_how_to_look_at_the_site() {
    let dir = fixture("basic");
    let out = quorum(&["build", "--root", dir.path().to_str().unwrap()]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("To look at it: `quorum serve`"), "{stderr}");
    assert!(
        stderr.contains("(file://) its links do not work"),
        "{stderr}"
    );
    assert!(!stderr.contains("base_url"), "it has one: {stderr}");
}

#[test]
fn a_build_without_base_url_warns_that_feeds_and_sitemap_need_it() {
    let dir = fixture("override");
    let root = dir.path().to_str().unwrap();
    let out = quorum(&["build", "--root", root]);
    assert!(out.status.success(), "a warning, not an error");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("warning: base_url is not set"), "{stderr}");
    assert!(stderr.contains("base_url = \"https://"), "{stderr}");
    let given = [
        "build",
        "--root",
        root,
        "--base-url",
        "https://minutes.example.org",
    ];
    let out = quorum(&given);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("base_url is not set"));
}

#[test]
fn check_writes_nothing_and_summarises() {
    let dir = fixture("basic");
    let root = dir.path().to_str().unwrap();
    let out = quorum(&["check", "--root", root]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!dir.path().join("output").exists());
    write(
        dir.path(),
        "content/finance/2024-03-05/_meeting.md",
        "---\ndate: 2024-03-06\n---\n",
    );
    let out = quorum(&["check", "--root", root]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("differs from the meeting folder's date"),
        "{stderr}"
    );
    assert!(stderr.contains("1 error, 0 warnings in 1 file"), "{stderr}");
}

#[test]
fn init_refuses_to_overwrite() {
    let dir = fixture("basic");
    let out = quorum(&["init", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not overwriting"));
}

#[test]
fn search_into_a_closed_pipe_ends_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let dir = example();
    build_ok(dir.path());
    let root = dir.path().to_str().unwrap();
    let search = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_quorum"))
            .args(["search", "--root", root, "--limit", "100"])
            .args(args)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run quorum")
    };
    for args in [&["children"][..], &["--json", "children"][..]] {
        // `quorum search ... | head -1`: one line read, then the pipe closed.
        let mut child = search(args);
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(!first.is_empty());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(out.status.success(), "{args:?}: {:?} {stderr}", out.status);
        // The reader gone before anything is written: every write fails.
        let mut child = search(args);
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
        assert!(out.status.success(), "{args:?}: {:?}", out.status);
    }
}

#[test]
fn the_build_date_comes_from_today_or_source_date_epoch() {
    let dir = fixture("basic");
    let root = dir.path().to_str().unwrap();
    let stamp = |root: &Path| {
        let ics = page(root, "/calendar.ics");
        ics.lines()
            .find(|l| l.starts_with("DTSTAMP:"))
            .map(str::to_owned)
            .unwrap_or_default()
    };
    // 2024-02-15 00:30 UTC: in London still 15 February.
    let out = Command::new(env!("CARGO_BIN_EXE_quorum"))
        .args(["build", "--root", root])
        .env("SOURCE_DATE_EPOCH", "1707957000")
        .output()
        .expect("run quorum");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stamp(dir.path()), "DTSTAMP:20240215T000000Z");
    assert!(
        page(dir.path(), "/").contains("Next meetings"),
        "March is upcoming"
    );
    // --today wins over it.
    let out = Command::new(env!("CARGO_BIN_EXE_quorum"))
        .args(["build", "--root", root, "--today", "2024-06-01"])
        .env("SOURCE_DATE_EPOCH", "1707957000")
        .output()
        .expect("run quorum");
    assert!(out.status.success());
    assert_eq!(stamp(dir.path()), "DTSTAMP:20240601T000000Z");
    // Either, malformed, is a usage error that says how to write it.
    let out = Command::new(env!("CARGO_BIN_EXE_quorum"))
        .args(["build", "--root", root])
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .output()
        .expect("run quorum");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SOURCE_DATE_EPOCH is `yesterday`"));
    let out = quorum(&["check", "--root", root, "--today", "1 June 2024"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("write it as YYYY-MM-DD"));
}
