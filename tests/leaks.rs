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
            // Folder names too: a withheld item's folder is named for it.
            for entry in walkdir::WalkDir::new(&path) {
                all.push_str(&format!("== {}\n", entry.unwrap().path().display()));
            }
            for (rel, bytes) in snapshot_tree(&path) {
                all.push_str(&format!("== {name}/{rel}\n{}", readable(&bytes)));
            }
        }
    }
    all
}

/// A file's text as whoever downloads it reads it: the static search
/// bundle's gzip-compressed files decompressed.
fn readable(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut out = Vec::new();
    if bytes.starts_with(&[0x1f, 0x8b])
        && flate2::read::GzDecoder::new(bytes)
            .read_to_end(&mut out)
            .is_ok()
    {
        return String::from_utf8_lossy(&out).into_owned();
    }
    String::from_utf8_lossy(bytes).into_owned()
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
        !after.contains("Fostering Update") && !after.contains("2024-02-01/fostering"),
        "the withheld item's page is kept beside the site"
    );
}

#[test]
fn a_rebuild_taking_kept_files_unread_withholds_and_equals_a_fresh_build() {
    let dir = fixture("basic");
    let root = dir.path();
    // Each build is written over the one before last; from the fifth on,
    // that tree was sealed after its files last changed (see
    // `output::trust`), and its unchanged files are taken unread.
    for _ in 0..4 {
        build_ok(root);
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    // Made exempt, and another item's words changed.
    let budget = root.join("content/children/2024-02-01/04-fostering.md");
    let text = fs::read_to_string(&budget).unwrap();
    fs::write(&budget, text.replacen("---\n", "---\nexempt: true\n", 1)).unwrap();
    let other = root.join("content/finance/2024-03-05/02-budget-follow-up.md");
    let text = fs::read_to_string(&other).unwrap();
    fs::write(&other, format!("{text}\nA sentence added since.\n")).unwrap();
    let report = build_ok(root);
    assert!(report.unread > 10, "{} files taken unread", report.unread);
    let all = everything_published(root);
    assert!(!all.contains("Fostering Update"), "withheld page kept");
    let fresh = tempfile::tempdir().unwrap();
    copy_tree(&root.join("content"), &fresh.path().join("content"));
    fs::copy(root.join("quorum.toml"), fresh.path().join("quorum.toml")).unwrap();
    build_ok(fresh.path());
    let difference = site_difference(&root.join("output"), &fresh.path().join("output"));
    assert!(difference.is_none(), "{}", difference.unwrap_or_default());
}

const ITEM: &str = "content/children/2024-02-01/04-fostering.md";

fn item_with(root: &Path, purpose: &str, body: &str) {
    write(
        root,
        ITEM,
        &format!(
            "---\ntitle: Fostering Update\npurpose: {purpose:?}\ndecisions:\n  - \"Noted <b onclick=\\\"steal()\\\">it</b>\"\n---\n\n{body}\n"
        ),
    );
}

#[test]
fn raw_html_is_cleaned_unless_the_archive_trusts_it() {
    let dir = fixture("basic");
    let root = dir.path();
    let body = "Intro.\n\n<script>alert('body')</script>\n\n<p onmouseover=\"steal()\">Kept <em>words</em></p>\n\n<a href=\"javascript:alert(1)\">x</a> <img src=\"https://example.org/x.png\" onerror=\"steal()\">\n\n| a | b |\n|:-:|--:|\n| 1 | 2 |\n";
    item_with(root, "To <i onclick=\"steal()\">inform</i>", body);
    build_ok(root);
    let page = page(root, "/children/2024-02-01/fostering/");
    for bad in [
        "<script",
        "onmouseover",
        "onclick",
        "onerror",
        "javascript:",
        "steal()",
    ] {
        assert!(!page.contains(bad), "{bad} reached the page");
    }
    assert!(
        page.contains("Kept <em>words</em>"),
        "ordinary markup stays"
    );
    assert!(page.contains("text-align"), "table alignment stays");
    assert!(page.contains("<i>inform</i>"), "purpose markup stays");

    trust_html(root);
    item_with(root, "To inform", "<script>alert('trusted')</script>\n");
    build_ok(root);
    assert!(page_of(root).contains("<script>alert('trusted')</script>"));
}

/// Sets `trust_html = true` in the archive's quorum.toml.
fn trust_html(root: &Path) {
    let config = fs::read_to_string(root.join("quorum.toml")).unwrap();
    fs::write(
        root.join("quorum.toml"),
        format!("trust_html = true\n{config}"),
    )
    .unwrap();
}

fn page_of(root: &Path) -> String {
    page(root, "/children/2024-02-01/fostering/")
}

#[test]
fn a_link_that_runs_code_is_an_error_however_spelt_and_trusted() {
    let dir = fixture("basic");
    let root = dir.path();
    for link in [
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
    ] {
        item_with(root, "To inform", link);
        let failure = build(root).expect_err(link);
        let text = messages(&failure);
        assert!(text.contains("run code"), "{link}: {text}");
        assert!(text.contains("04-fostering.md"), "{link}: {text}");
    }
    trust_html(root);
    item_with(root, "To inform", "<a href=\"javascript:alert(1)\">x</a>");
    let failure = build(root).expect_err("trusted HTML still may not run code");
    assert!(messages(&failure).contains("run code"));
}

#[test]
fn draft_minutes_of_a_meeting_are_withheld_with_its_items_unless_drafts() {
    let dir = fixture("basic");
    let root = dir.path();
    write(
        root,
        "content/children/2024-02-01/_meeting.md",
        "---\nchair: Dee Chair\nstatus: draft\n---\nDRAFT-MINUTES-PREAMBLE\n",
    );
    build_ok(root);
    let all = everything_published(root);
    for withheld in [
        "DRAFT-MINUTES-PREAMBLE",
        "Fostering Update",
        "/children/2024-02-01/",
        "Dee Chair",
    ] {
        assert!(!all.contains(withheld), "{withheld} was published");
    }
    build_drafts(root).expect("a drafts build");
    let all = all_output(root);
    assert!(all.contains("DRAFT-MINUTES-PREAMBLE") && all.contains("Fostering Update"));
}

#[test]
fn draft_minutes_built_with_drafts_are_flagged() {
    let dir = fixture("basic");
    let root = dir.path();
    write(
        root,
        "content/finance/2024-03-05/_meeting.md",
        "---\nstatus: draft\n---\n",
    );
    build_drafts(root).expect("a drafts build");
    assert!(page(root, "/finance/2024-03-05/").contains("Draft"));
}

/// One generated agenda item: whether it is withheld, and what odd files
/// sit in its folder.
#[derive(Debug, Clone)]
struct GenItem {
    exempt: bool,
    draft: bool,
    /// A link to a file outside content/, named as an attachment.
    link_out: bool,
    /// A link to the exempt fixture item's document.
    link_exempt: bool,
    /// A pipe named as a supporting document.
    pipe: bool,
}

fn gen_item() -> impl proptest::strategy::Strategy<Value = GenItem> {
    use proptest::prelude::*;
    // Odd files are rare, so that most archives build and the kept
    // previous site is put to the test too.
    let odd = || prop::bool::weighted(0.1);
    (any::<bool>(), any::<bool>(), odd(), odd(), odd()).prop_map(
        |(exempt, draft, link_out, link_exempt, pipe)| GenItem {
            exempt,
            draft,
            link_out,
            link_exempt,
            pipe,
        },
    )
}

/// Writes `items` into a meeting of the basic fixture; the words of a
/// withheld item are `WITHHELD-<n>`, of its decision `WITHHELD-DECISION-<n>`
/// (which the decisions register and its feed would show), of its document
/// `WITHHELD-DOC-<n>`.
fn write_items(root: &Path, items: &[GenItem], secret: &Path) {
    let meeting = root.join("content/children/2024-02-01");
    for (n, item) in items.iter().enumerate() {
        let word = if item.exempt || item.draft {
            "WITHHELD"
        } else {
            "OPEN"
        };
        let status = if item.draft { "status: draft\n" } else { "" };
        let exempt = if item.exempt { "exempt: true\n" } else { "" };
        let stem = format!("{:02}-gen-{n}", n + 10);
        write(
            root,
            &format!("content/children/2024-02-01/{stem}.md"),
            &format!(
                "---\ntitle: Generated {n}\n{status}{exempt}topics: [T{n}]\ndecisions: [{word}-DECISION-{n}]\n---\n{word}-{n}\n"
            ),
        );
        write(
            root,
            &format!("content/children/2024-02-01/{stem}/paper.md"),
            &format!("---\ntitle: Paper {n}\n---\n{word}-DOC-{n}\n"),
        );
        let folder = meeting.join(&stem);
        #[cfg(unix)]
        {
            if item.link_out {
                let _ = std::os::unix::fs::symlink(secret, folder.join("outside.txt"));
            }
            if item.link_exempt {
                let _ = std::os::unix::fs::symlink(root.join(EXEMPT_DOC), folder.join("copy.md"));
            }
            if item.pipe {
                let _ = std::process::Command::new("mkfifo")
                    .arg(folder.join("pipe.md"))
                    .status();
            }
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 48, ..Default::default() })]

    /// Whatever is withheld, linked or special in an archive, and however
    /// builds follow one another (with and without drafts), no withheld
    /// word and no file from outside content/ is ever on disk beside the
    /// archive after a build, and every build ends.
    #[test]
    fn withheld_text_appears_nowhere(
        items in proptest::collection::vec(gen_item(), 1..5),
        drafts_first in proptest::prelude::any::<bool>(),
    ) {
        let dir = fixture("basic");
        let root = dir.path();
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret.txt");
        fs::write(&secret, "OUTSIDE-SECRET").unwrap();
        write_items(root, &items, &secret);
        // With the static search bundle too: its files are published.
        add_config(root, "[search]\nstatic = true");
        let special = items.iter().any(|i| i.link_out || i.link_exempt || i.pipe);
        if drafts_first {
            let _ = build_drafts(root);
        }
        let result = build(root);
        proptest::prop_assert_eq!(result.is_err(), special, "links and pipes are errors");
        if special {
            // Take the odd files away: the clerk fixes the errors.
            for entry in walkdir::WalkDir::new(root.join("content")) {
                let entry = entry.unwrap();
                if !entry.file_type().is_file() && !entry.file_type().is_dir() {
                    fs::remove_file(entry.path()).unwrap();
                }
            }
            build_ok(root);
        }
        // Lower-cased: the index keeps words as it analysed them.
        let all = everything_published(root).to_lowercase();
        for word in ["withheld", "confidential", "draft-phrase", "outside-secret"] {
            proptest::prop_assert!(!all.contains(word), "{} is on disk", word);
        }
        for (n, item) in items.iter().enumerate() {
            if !item.exempt && !item.draft {
                let word = format!("open-{n}");
                proptest::prop_assert!(all.contains(&word), "{} is missing", word);
                let register = common::page(root, "/decisions/2024/");
                let decision = format!("OPEN-DECISION-{n}");
                proptest::prop_assert!(register.contains(&decision), "{} is not in the register", decision);
            }
        }
    }
}

#[test]
fn withholding_an_item_others_refer_to_takes_it_down_with_a_warning() {
    let dir = fixture("basic");
    let root = dir.path();
    let linking = "content/children/2024-02-01/04-fostering.md";
    let text = fs::read_to_string(root.join(linking)).unwrap();
    fs::write(
        root.join(linking),
        format!("{text}\nSee [the follow-up](@/finance/2024-03-05/02-budget-follow-up.md).\n"),
    )
    .unwrap();
    build_ok(root);
    assert!(exists(root, "/finance/2024-03-05/budget-follow-up/"));
    // The clerk marks it exempt; 01-budget.md lists it as related too.
    let target = root.join("content/finance/2024-03-05/02-budget-follow-up.md");
    let text = fs::read_to_string(&target).unwrap();
    fs::write(&target, text.replacen("---\n", "---\nexempt: true\n", 1)).unwrap();
    let report = build_ok(root);
    let warnings: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    // related: and a link in 01-budget.md, the new link here.
    assert_eq!(warnings.len(), 3, "{warnings:#?}");
    assert!(
        warnings.iter().all(|w| w.contains("exempt")),
        "{warnings:#?}"
    );
    let all = everything_published(root);
    assert!(
        !all.contains("budget-follow-up"),
        "the page and every link to it are gone"
    );
    assert!(page(root, "/children/2024-02-01/fostering/").contains("See the follow-up."));
}

#[test]
fn attachments_a_browser_would_run_are_refused_unless_trusted() {
    let dir = fixture("basic");
    let root = dir.path();
    let folder = "content/finance/2024-01-10/01-budget";
    write(
        root,
        &format!("{folder}/map.svg"),
        "<svg onload=\"steal()\"/>",
    );
    write(
        root,
        &format!("{folder}/page.HTML"),
        "<script>steal()</script>",
    );
    write(
        root,
        &format!("{folder}/index.html"),
        "<p>not the item page</p>",
    );
    let text = messages(&build(root).expect_err("active attachments"));
    for name in ["map.svg", "page.HTML", "index.html"] {
        assert!(text.contains(name), "{name} passed:\n{text}");
    }
    assert!(text.contains("take the place of a page"), "{text}");
    trust_html(root);
    let text = messages(&build(root).expect_err("a page's place is never an attachment's"));
    assert!(
        text.contains("index.html") && !text.contains("map.svg"),
        "{text}"
    );
    fs::remove_file(root.join(folder).join("index.html")).unwrap();
    build_ok(root);
    assert!(exists(root, "/finance/2024-01-10/budget/map.svg"));
}

#[cfg(unix)]
#[test]
fn odd_file_names_and_a_piped_config_are_errors_not_hangs() {
    let dir = fixture("basic");
    let root = dir.path();
    write(root, "content/finance/2024-01-10/01-budget/a\nb.csv", "x");
    let text = messages(&build(root).expect_err("a line break in a name"));
    assert!(text.contains("line break"), "{text}");
    fs::remove_file(root.join("content/finance/2024-01-10/01-budget/a\nb.csv")).unwrap();
    fs::remove_file(root.join("quorum.toml")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(root.join("quorum.toml"))
        .status();
    assert!(made.unwrap().success());
    let text = messages(&build(root).expect_err("a piped quorum.toml"));
    assert!(text.contains("not an ordinary file"), "{text}");
}
