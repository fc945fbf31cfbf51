//! Nothing leaked: withheld business (exempt items, drafts) and files from
//! outside content/ reach no published file by any path: links in the
//! content folder, special files, the previous site kept beside the
//! output, raw HTML.

mod common;

use std::fs;
use std::path::Path;

use common::*;

const EXEMPT_DOC: &str = "content/finance/2024-01-10/02-land-deal/appendix.md";

/// Everything on disk beside the archive that a web server could serve:
/// the output folder and any folder next to it.
fn everything_published(root: &Path) -> String {
    let mut all = String::new();
    for entry in fs::read_dir(root).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() && name != "content" && name != "themes" {
            for (rel, bytes) in snapshot_tree(&path) {
                all.push_str(&format!(
                    "== {name}/{rel}\n{}",
                    String::from_utf8_lossy(&bytes)
                ));
            }
        }
    }
    all
}

#[cfg(unix)]
#[test]
fn a_link_in_content_is_refused_not_followed() {
    let dir = fixture("basic");
    let root = dir.path();
    let item = root.join("content/finance/2024-03-05/02-budget-follow-up");
    fs::create_dir_all(&item).unwrap();
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret.txt"), "OUTSIDE-SECRET-123").unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), item.join("passwd.txt")).unwrap();
    std::os::unix::fs::symlink(root.join(EXEMPT_DOC), item.join("appendix.md")).unwrap();
    std::os::unix::fs::symlink(outside.path(), root.join("content/linked-committee")).unwrap();
    let failure = build(root).expect_err("links are errors");
    let text = messages(&failure);
    for name in ["passwd.txt", "appendix.md", "linked-committee"] {
        assert!(text.contains(name), "{name} not reported:\n{text}");
    }
    assert!(text.contains("symbolic link"), "{text}");
    assert!(text.contains("copy the file"), "{text}");
    let all = everything_published(root);
    assert!(!all.contains("OUTSIDE-SECRET-123"));
    assert!(!all.contains("CONFIDENTIAL-APPENDIX-XYZ"));
}

#[cfg(unix)]
#[test]
fn pipes_and_devices_in_content_are_errors_not_hangs() {
    let dir = fixture("basic");
    let root = dir.path();
    let fifo = root.join("content/finance/2024-03-05/03-pipe.md");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.unwrap().success());
    std::os::unix::fs::symlink(
        "/dev/zero",
        root.join("content/finance/2024-03-05/04-zero.md"),
    )
    .unwrap();
    // A pipe with no writer would block a plain read forever; this test
    // would then never finish.
    let failure = quorum::build::check(&quorum::build::BuildOptions::new(root))
        .expect_err("special files are errors");
    let text = messages(&failure);
    assert!(text.contains("03-pipe.md"), "{text}");
    assert!(text.contains("not an ordinary file"), "{text}");
    assert!(text.contains("04-zero.md"), "{text}");
}

#[test]
fn the_previous_site_never_keeps_a_page_since_withheld() {
    let dir = fixture("basic");
    let root = dir.path();
    build_drafts(root).expect("drafts build");
    assert!(all_output(root).contains("DRAFT-PHRASE-QRS"));
    build_ok(root);
    let all = everything_published(root);
    assert!(
        !all.contains("DRAFT-PHRASE-QRS"),
        "a draft is kept beside the site"
    );
    build_ok(root);
    // The page was published before, made exempt now.
    let budget = root.join("content/children/2024-02-01/04-fostering.md");
    let text = fs::read_to_string(&budget).unwrap();
    fs::write(&budget, text.replacen("---\n", "---\nexempt: true\n", 1)).unwrap();
    let before = everything_published(root);
    assert!(before.contains("Fostering Update"), "published before");
    build_ok(root);
    let after = everything_published(root);
    assert!(
        !after.contains("DRAFT-PHRASE-QRS"),
        "a draft is kept beside the site"
    );
    assert!(
        !after.contains("Fostering Update") && !after.contains("fostering-update"),
        "the withheld item's page is kept beside the site"
    );
}
