//! Nothing lost: a build writes into and replaces only folders that Quorum
//! made, whatever path it is given, and a build that fails for lack of
//! space frees what it wrote. Each test is a reproduction of a way an
//! earlier version destroyed or moved a user's files.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::*;

fn quorum(root: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_quorum"))
        .arg("build")
        .arg("--root")
        .arg(root)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run quorum")
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn no_spelling_of_content_is_a_valid_output_folder() {
    let dir = fixture("basic");
    let root = dir.path();
    let content = snapshot_tree(&root.join("content"));
    #[cfg(unix)]
    std::os::unix::fs::symlink(".", root.join("here")).unwrap();
    for output in ["output/../content", "here/content", "content/x", "."] {
        let out = quorum(root, &["--output", &root.join(output).to_string_lossy()]);
        assert_eq!(out.status.code(), Some(1), "{output}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("refusing to build into"),
            "{}",
            stderr(&out)
        );
        assert_eq!(
            snapshot_tree(&root.join("content")),
            content,
            "{output} changed content/"
        );
    }
    let names: Vec<String> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names.iter().any(|n| n.starts_with(".content")),
        "{names:?}"
    );
}

#[test]
fn a_folder_of_the_users_is_refused_and_never_moved() {
    let dir = fixture("basic");
    let elsewhere = tempfile::tempdir().unwrap();
    let theirs = elsewhere.path().join("U");
    fs::create_dir_all(&theirs).unwrap();
    fs::write(theirs.join("thesis.txt"), "four years of work").unwrap();
    for _ in 0..2 {
        let out = quorum(dir.path(), &["--output", &theirs.to_string_lossy()]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    }
    assert_eq!(
        fs::read_to_string(theirs.join("thesis.txt")).unwrap(),
        "four years of work"
    );
    let names: Vec<_> = fs::read_dir(elsewhere.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "nothing was set aside beside U");
    // Asked to, it adopts the folder; from then on it is Quorum's.
    let out = quorum(
        dir.path(),
        &["--output", &theirs.to_string_lossy(), "--force"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(theirs.join(quorum::output::MARKER).exists());
    let out = quorum(dir.path(), &["--output", &theirs.to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
}

fn with_index_dir(root: &Path, dir: &str) {
    add_config(root, &format!("[search]\nindex_dir = {dir:?}"));
}

#[test]
fn an_index_folder_may_not_be_the_users_the_config_or_the_site() {
    let parent = tempfile::tempdir().unwrap();
    let root = parent.path().join("archive");
    copy_tree(&fixture_path("basic"), &root);
    let theirs = parent.path().join("U");
    fs::create_dir_all(&theirs).unwrap();
    fs::write(theirs.join("notes.txt"), "mine").unwrap();
    assert!(quorum(&root, &[]).status.success());
    let site = snapshot_tree(&root.join("output"));
    let config = fs::read_to_string(root.join("quorum.toml")).unwrap();
    for index_dir in [
        "../U",
        "quorum.toml",
        "output",
        "output/search-index",
        "content",
    ] {
        fs::write(root.join("quorum.toml"), &config).unwrap();
        with_index_dir(&root, index_dir);
        let written = fs::read_to_string(root.join("quorum.toml")).unwrap();
        let out = quorum(&root, &[]);
        assert_eq!(out.status.code(), Some(1), "{index_dir}: {}", stderr(&out));
        assert_eq!(
            fs::read_to_string(theirs.join("notes.txt")).unwrap(),
            "mine"
        );
        assert!(root.join("quorum.toml").is_file(), "{index_dir}");
        assert_eq!(
            fs::read_to_string(root.join("quorum.toml")).unwrap(),
            written
        );
        assert_eq!(
            snapshot_tree(&root.join("output")),
            site,
            "{index_dir} changed output/"
        );
    }
}

/// A tmpfs of `size` mounted for the life of the value (tests run as root
/// in CI; elsewhere the test says it could not mount, and passes).
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        fs::create_dir_all(at).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(at.to_owned()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn used_bytes(dir: &Path) -> u64 {
    snapshot_tree(dir).iter().map(|(_, b)| b.len() as u64).sum()
}

#[test]
fn a_build_that_runs_out_of_space_frees_what_it_wrote_and_the_next_one_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let disk = dir.path().join("disk");
    let Some(_mounted) = Tmpfs::mount(&disk, "4m") else {
        // CI runs as root, so there the test must run.
        assert!(
            std::env::var_os("CI").is_none(),
            "cannot mount a tmpfs in CI"
        );
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
        return;
    };
    let root = disk.join("archive");
    copy_tree(&fixture_path("basic"), &root);
    assert!(quorum(&root, &[]).status.success());
    assert!(quorum(&root, &[]).status.success());
    let site = snapshot_tree(&root.join("output"));
    let before = used_bytes(&disk);
    // An attachment too large for what is left fills the disk mid-build.
    let folder = root.join("content/finance/2024-01-10/01-budget");
    fs::create_dir_all(&folder).unwrap();
    let big = folder.join("appendix.bin");
    let free = 4 * 1024 * 1024 - before;
    fs::write(&big, vec![7u8; (free / 2 + free / 4) as usize]).unwrap();
    let out = quorum(&root, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("No space left on device"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        snapshot_tree(&root.join("output")),
        site,
        "the published site is intact"
    );
    let leftovers: Vec<String> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging") || n.contains(".old-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let big_bytes = fs::metadata(&big).unwrap().len();
    assert!(
        used_bytes(&disk) <= before + big_bytes,
        "the failed build freed what it wrote"
    );
    // Once the clerk makes room, the next build succeeds.
    fs::remove_file(&big).unwrap();
    let out = quorum(&root, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = quorum(&root, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
}
