//! `quorum init`: a new archive that builds as it is.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error(
        "{0} already holds an archive (it has a quorum.toml or a content/ folder); not overwriting it"
    )]
    Exists(PathBuf),
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
}

const FILES: &[(&str, &str)] = &[
    (
        "quorum.toml",
        r#"title = "Committee minutes"
# base_url = "https://minutes.example.org"
authority = "Example Council"
language = "en-GB"

[topics]
"Looked after children" = ["LAC", "children in care"]
"#,
    ),
    (
        "content/example-committee/_committee.md",
        r#"---
title: Example Scrutiny Committee
short: ESC
members:
  - {name: Alex Example, role: Chair}
  - Sam Sample
---

The committee reviews and scrutinises decisions of the council's executive.
"#,
    ),
    (
        "content/example-committee/2025-01-15/_meeting.md",
        r#"---
date: 2025-01-15
time: "18:00"
venue: Committee Room A, Town Hall
chair: Alex Example
attendees: [Alex Example, Sam Sample]
apologies: []
status: approved
---
"#,
    ),
    (
        "content/example-committee/2025-01-15/04-childrens-services-update.md",
        r#"---
title: Children's Services Update
purpose: To update the Committee on the work of Children's Services.
presenters:
  - {name: Jo Officer, role: Director of Children's Services}
topics: [Looked after children, Fostering]
decisions:
  - The Committee noted the report.
actions:
  - {action: Circulate the fostering figures, owner: Jo Officer, due: 2025-02-15}
---

The Director introduced the report and answered members' questions.

### Fostering

Members asked about recruitment of foster carers.
"#,
    ),
    (".gitignore", "/output\n/.output.*\n/.quorum\n"),
];

/// Writes a new archive into `dir`, refusing to touch an existing one.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, InitError> {
    if dir.join("quorum.toml").exists() || dir.join("content").exists() {
        return Err(InitError::Exists(dir.to_owned()));
    }
    let mut written = Vec::new();
    for (rel, text) in FILES {
        let path = dir.join(rel);
        let err = |source| InitError::Write {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(err)?;
        }
        // create_new: never overwrite, even a file that appeared meanwhile.
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(err)?;
        io::Write::write_all(&mut file, text.as_bytes()).map_err(err)?;
        written.push(path);
    }
    Ok(written)
}
