//! Load stage: walks `content/`, classifies each file by where it sits, and
//! reads and parses every file in parallel (front matter and Markdown).
//!
//! Nothing here knows about other files: cross-file checks belong to
//! `resolve`. Exempt items (and drafts, unless asked for) are dropped here,
//! before any of their text can reach a later stage.

pub mod body;
pub mod frontmatter;
pub mod markdown;
pub mod schema;
pub mod text;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::de::DeserializeOwned;

use crate::diagnostic::{self, Diagnostic};
use crate::load::body::Body;
use crate::load::schema::{
    CommitteeMatter, DocumentMatter, ItemMatter, MeetingMatter, MinutesStatus, PublishStatus,
};
use crate::source;
use crate::urls::ContentPath;

pub use crate::source::{CONTENT_DIR, MAX_MARKDOWN_BYTES};

/// How the load is done.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub drafts: bool,
    /// Path prefix for rewritten `@/` links (from `base_url`).
    pub prefix: String,
    /// How attached files' words are read.
    pub text: text::TextOptions,
}

/// A position in a file, with the line's text for rendering diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub line: usize,
    pub column: usize,
    pub line_text: String,
}

impl Located {
    fn in_text(text: &str, offset: usize) -> Located {
        let (line, column) = diagnostic::line_col(text, offset);
        Located {
            line,
            column,
            line_text: text.lines().nth(line - 1).unwrap_or_default().to_owned(),
        }
    }
}

/// An `@/` link in a body, located in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatedRef {
    pub target: String,
    pub anchor: Option<String>,
    pub at: Located,
}

/// One parsed content file.
#[derive(Debug, Clone)]
pub struct Parsed<M> {
    /// Path under `content/`, `/`-separated.
    pub rel: String,
    pub path: ContentPath,
    pub matter: M,
    /// The raw front matter and the file line it starts on, kept so later
    /// stages can point at a value.
    pub yaml: String,
    pub yaml_line: usize,
    pub body: Body,
    pub references: Vec<LocatedRef>,
    /// When the file was last changed (seconds since 1970), for the
    /// sitemap's `<lastmod>`.
    pub modified: Option<i64>,
}

impl<M> Parsed<M> {
    /// The path as the user knows it (relative to the archive root).
    pub fn display_path(&self) -> PathBuf {
        Path::new(CONTENT_DIR).join(&self.rel)
    }

    /// An error pointing at the front-matter line that holds `needle`.
    pub fn error_at_value(&self, needle: &str, message: impl Into<String>) -> Diagnostic {
        let d = Diagnostic::error(self.display_path(), message);
        match diagnostic::find_line(&self.yaml, needle) {
            Some((line, column)) => {
                let text = self.yaml.lines().nth(line - 1).unwrap_or_default();
                let mut d = d;
                d.line = Some(self.yaml_line + line);
                d.column = Some(column);
                d.source_line = Some(text.to_owned());
                d
            }
            None => d,
        }
    }

    pub fn error_at(&self, at: &Located, message: impl Into<String>) -> Diagnostic {
        let mut d = Diagnostic::error(self.display_path(), message);
        d.line = Some(at.line);
        d.column = Some(at.column);
        d.source_line = Some(at.line_text.clone());
        d
    }
}

/// A file copied as is beside its item's pages.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub rel: String,
    pub path: ContentPath,
    pub source: PathBuf,
    pub bytes: u64,
    /// Its words, for a kind of file that has them (read once its item is
    /// known to be published).
    pub text: Option<Arc<text::FileText>>,
}

/// Why an item is left out of this build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withheld {
    Exempt,
    Draft,
}

/// What an exempt item's meeting may show of it: its place on the agenda,
/// and only what the clerk wrote for the public.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExemptNotice {
    /// The file's NN.
    pub order: u32,
    /// The agenda number as shown.
    pub number: String,
    pub reason: Option<String>,
    pub public_title: Option<String>,
}

/// The notice of an exempt item, when `p` is one.
pub fn exempt_notice(p: &Parsed<ItemMatter>) -> Option<ExemptNotice> {
    let ContentPath::Item { number, .. } = &p.path else {
        return None;
    };
    let m = &p.matter;
    let given = schema::given;
    m.exempt.then(|| ExemptNotice {
        order: *number,
        number: m.item.clone().unwrap_or_else(|| number.to_string()),
        reason: given(&m.exempt_reason),
        public_title: given(&m.public_title),
    })
}

/// Everything under `content/`, parsed, in path order.
#[derive(Debug, Default, Clone)]
pub struct Loaded {
    /// The `content/` folder read, where bodies are read again from.
    pub content_dir: PathBuf,
    // Shared, so that `quorum serve` keeps a copy of the last good state
    // for the cost of reference counts.
    pub committees: Vec<Arc<Parsed<CommitteeMatter>>>,
    pub meetings: Vec<Arc<Parsed<MeetingMatter>>>,
    /// Meeting folders, whether or not they have a `_meeting.md`.
    pub meeting_folders: Vec<(String, String)>,
    pub items: Vec<Arc<Parsed<ItemMatter>>>,
    pub documents: Vec<Arc<Parsed<DocumentMatter>>>,
    pub attachments: Vec<Attachment>,
    /// How many attachments' words were read, and how many of those from
    /// the cache.
    pub texts: text::Counts,
    /// Items left out, by path, so references to them get a clear error.
    pub withheld: BTreeMap<String, Withheld>,
    /// Of those, the exempt ones' notices, by path.
    pub exempt: BTreeMap<String, ExemptNotice>,
    /// Files that could not be read or parsed, by path. Their own error is
    /// reported; references to them (or to what lies under them) are not
    /// reported again as missing.
    pub failed: BTreeSet<String>,
    /// Number of files read.
    pub files: usize,
}

/// One content file, read and parsed.
#[derive(Debug, Clone)]
pub enum File {
    Committee(Parsed<CommitteeMatter>),
    Meeting(Parsed<MeetingMatter>),
    Item(Parsed<ItemMatter>),
    Document(Parsed<DocumentMatter>),
    Attachment(Attachment),
}

/// Why an item is left out of a build (`drafts`: built with --drafts), if
/// it is.
pub fn withheld(p: &Parsed<ItemMatter>, drafts: bool) -> Option<Withheld> {
    if p.matter.exempt {
        Some(Withheld::Exempt)
    } else if p.matter.status == PublishStatus::Draft && !drafts {
        Some(Withheld::Draft)
    } else {
        None
    }
}

/// Whether a meeting's minutes are a draft left out of this build.
pub fn is_draft_meeting(p: &Parsed<MeetingMatter>, drafts: bool) -> bool {
    p.matter.status == Some(MinutesStatus::Draft) && !drafts
}

/// A content file found: its path under `content/`, its kind, and where
/// it is read from.
type Found = (String, ContentPath, PathBuf);

/// The content files under `content` that may be loaded, with their
/// kinds, and the meeting folders; problems with the tree go to
/// `diagnostics`.
fn walk(
    root: &Path,
    content: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Found>, Vec<(String, String)>) {
    let mut paths: Vec<Found> = Vec::new();
    let mut meeting_folders = Vec::new();
    let mut walker = walkdir::WalkDir::new(content)
        .min_depth(1)
        .max_depth(4)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !is_ignored(e.file_name().to_string_lossy().as_ref()));
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map_or_else(|| PathBuf::from(CONTENT_DIR), |p| user_path(root, p));
                diagnostics.push(Diagnostic::error(path, format!("cannot read: {e}")));
                continue;
            }
        };
        let Some(rel) = rel_path(content, entry.path()).filter(|r| !r.contains(char::is_control))
        else {
            diagnostics.push(
                Diagnostic::error(
                    user_path(root, entry.path()),
                    "file name is not valid UTF-8, or holds a line break or another control character",
                )
                .with_hint("rename it using letters, digits and hyphens"),
            );
            continue;
        };
        if entry.path_is_symlink() || !(entry.file_type().is_dir() || entry.file_type().is_file()) {
            // Never followed: see `source`.
            let why = if entry.path_is_symlink() {
                source::SourceError::Link
            } else {
                source::SourceError::NotAFile
            };
            diagnostics.push(
                Diagnostic::error(user_path(root, entry.path()), why.to_string())
                    .with_hint(why.hint()),
            );
            continue;
        }
        if entry.file_type().is_dir() {
            match entry.depth() {
                2 => {
                    if let Some((committee, meeting)) = rel.split_once('/') {
                        if crate::urls::meeting_date(meeting).is_some() {
                            meeting_folders.push((committee.to_owned(), meeting.to_owned()));
                        } else {
                            // One error for the folder, not one per file in it.
                            diagnostics.push(misplaced(root, &entry, &format!("{rel}/_meeting.md")));
                            walker.skip_current_dir();
                        }
                    }
                }
                4 => diagnostics.push(
                    Diagnostic::error(
                        user_path(root, entry.path()),
                        "folder is nested deeper than the content layout allows",
                    )
                    .with_hint("supporting documents sit directly in content/<committee>/<date>/<NN>-<slug>/"),
                ),
                _ => {}
            }
            continue;
        }
        match ContentPath::classify(&rel) {
            Ok(path) => paths.push((rel, path, entry.into_path())),
            Err(m) => diagnostics.push(
                Diagnostic::error(user_path(root, entry.path()), m.message).with_hint(m.hint),
            ),
        }
    }

    (paths, meeting_folders)
}

/// Loads the archive's content. Returns what could be parsed and every
/// problem found; the caller decides whether errors stop the build.
pub fn load(root: &Path, options: &LoadOptions) -> (Loaded, Vec<Diagnostic>) {
    let content = root.join(CONTENT_DIR);
    let mut diagnostics = Vec::new();
    if !content.is_dir() {
        diagnostics.push(
            Diagnostic::error(CONTENT_DIR, "there is no content/ folder")
                .with_hint("create content/<committee>/_committee.md, or start with `quorum init`"),
        );
        return (Loaded::default(), diagnostics);
    }

    let (paths, meeting_folders) = walk(root, &content, &mut diagnostics);
    let files = paths.len();
    let results: Vec<(String, Result<File, Diagnostic>)> = paths
        .into_par_iter()
        .map(|(rel, path, source)| (rel.clone(), read_file(rel, path, source, options)))
        .collect();

    let mut loaded = Loaded {
        content_dir: content.clone(),
        files,
        meeting_folders,
        ..Loaded::default()
    };
    // Draft minutes are not for publication: a draft meeting is left out
    // whole, with its items, as a draft item is (unless --drafts).
    let draft_meetings: BTreeSet<(String, String)> = results
        .iter()
        .filter_map(|(_, r)| match r {
            Ok(File::Meeting(p)) if is_draft_meeting(p, options.drafts) => p.path.meeting_key(),
            _ => None,
        })
        .collect();
    loaded
        .meeting_folders
        .retain(|folder| !draft_meetings.contains(folder));
    for (rel, result) in results {
        match result {
            Ok(File::Committee(p)) => loaded.committees.push(Arc::new(p)),
            Ok(File::Meeting(p)) if is_draft_meeting(&p, options.drafts) => {}
            Ok(File::Meeting(p)) => loaded.meetings.push(Arc::new(p)),
            Ok(File::Item(p))
                if p.path
                    .meeting_key()
                    .is_some_and(|k| draft_meetings.contains(&k)) =>
            {
                loaded.withheld.insert(p.rel, Withheld::Draft);
            }
            Ok(File::Item(p)) => match withheld(&p, options.drafts) {
                Some(w) => {
                    if let Some(notice) = exempt_notice(&p) {
                        loaded.exempt.insert(p.rel.clone(), notice);
                    }
                    loaded.withheld.insert(p.rel, w);
                }
                None => loaded.items.push(Arc::new(p)),
            },
            Ok(File::Document(p)) => loaded.documents.push(Arc::new(p)),
            Ok(File::Attachment(a)) => loaded.attachments.push(a),
            Err(d) => {
                loaded.failed.insert(rel);
                diagnostics.push(d);
            }
        }
    }
    // Path order, as strings: `live` finds entries by binary search.
    loaded.committees.sort_by(|a, b| a.rel.cmp(&b.rel));
    loaded.meetings.sort_by(|a, b| a.rel.cmp(&b.rel));
    loaded.items.sort_by(|a, b| a.rel.cmp(&b.rel));
    loaded.documents.sort_by(|a, b| a.rel.cmp(&b.rel));
    loaded.attachments.sort_by(|a, b| a.rel.cmp(&b.rel));
    // A withheld item's documents and attachments go with it.
    let withheld = &loaded.withheld;
    let is_withheld = |path: &ContentPath| {
        path.owner_item()
            .is_some_and(|item| withheld.contains_key(&item))
    };
    loaded.documents.retain(|d| !is_withheld(&d.path));
    loaded.attachments.retain(|a| !is_withheld(&a.path));
    read_texts(&mut loaded, &options.text, &mut diagnostics);
    (loaded, diagnostics)
}

/// Reads the words of the attachments of published items (an item that
/// could not be read may be an exempt one: its files are not opened).
pub fn read_texts(
    loaded: &mut Loaded,
    options: &text::TextOptions,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let items = &loaded.items;
    let published = |a: &Attachment| {
        a.path.owner_item().is_some_and(|owner| {
            items
                .binary_search_by(|item| item.rel.as_str().cmp(owner.as_str()))
                .is_ok()
        })
    };
    let (counts, warnings) = text::read_all(&mut loaded.attachments, &published, options);
    loaded.texts = counts;
    diagnostics.extend(warnings);
}

/// Reads and parses the one file at `rel` (under `content/`): the path an
/// edit takes in `quorum serve`.
pub fn load_file(root: &Path, rel: &str, options: &LoadOptions) -> Result<File, Diagnostic> {
    let shown = Path::new(CONTENT_DIR).join(rel);
    let path = ContentPath::classify(rel)
        .map_err(|m| Diagnostic::error(&shown, m.message).with_hint(m.hint))?;
    read_file(
        rel.to_owned(),
        path,
        root.join(CONTENT_DIR).join(rel),
        options,
    )
}

fn misplaced(root: &Path, entry: &walkdir::DirEntry, probe: &str) -> Diagnostic {
    let message = ContentPath::classify(probe).err().map_or_else(
        || {
            (
                "folder does not fit the content layout".to_owned(),
                String::new(),
            )
        },
        |m| (m.message, m.hint),
    );
    Diagnostic::error(user_path(root, entry.path()), message.0).with_hint(message.1)
}

/// Dot-files, editor backups and OS litter are not content.
fn is_ignored(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") || name == "Thumbs.db"
}

/// `path` as a `/`-separated path under `content`, if it lies there and
/// its name is UTF-8.
pub(crate) fn rel_path(content: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(content).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

fn user_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map_or_else(|_| path.to_owned(), Path::to_owned)
}

fn read_file(
    rel: String,
    path: ContentPath,
    source: PathBuf,
    options: &LoadOptions,
) -> Result<File, Diagnostic> {
    let shown = Path::new(CONTENT_DIR).join(&rel);
    if let ContentPath::Attachment { .. } = path {
        let bytes = crate::source::check(&source)
            .map_err(|e| Diagnostic::error(&shown, e.to_string()).with_hint(e.hint()))?;
        return Ok(File::Attachment(Attachment {
            rel,
            path,
            source,
            bytes,
            text: None,
        }));
    }
    let (text, modified) = read_markdown(&source, &shown)?;
    let file = MarkdownFile {
        rel,
        path,
        text: &text,
        modified,
    };
    Ok(match file.path {
        ContentPath::Committee { .. } => {
            File::Committee(parse(file, options, CommitteeMatter::KEYS)?)
        }
        ContentPath::Meeting { .. } => File::Meeting(parse(file, options, MeetingMatter::KEYS)?),
        ContentPath::Item { .. } => File::Item(parse(file, options, ItemMatter::KEYS)?),
        ContentPath::Document { .. } => File::Document(parse(file, options, DocumentMatter::KEYS)?),
        ContentPath::Attachment { .. } => unreachable!("handled above"),
    })
}

/// Reads a Markdown file, refusing what cannot be Markdown.
fn read_markdown(path: &Path, shown: &Path) -> Result<(String, Option<i64>), Diagnostic> {
    let (bytes, modified) = source::read_dated(path, MAX_MARKDOWN_BYTES).map_err(|e| match e {
        source::SourceError::TooLarge { .. } => Diagnostic::error(
            shown,
            format!(
                "file is more than the {} MiB a Markdown file may have",
                MAX_MARKDOWN_BYTES / (1024 * 1024)
            ),
        )
        .with_hint(e.hint()),
        e => Diagnostic::error(shown, e.to_string()).with_hint(e.hint()),
    })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Diagnostic::error(shown, "file is empty").with_hint(
            "add front matter between `---` lines (e.g. `title: ...`), or delete the file",
        ));
    }
    if bytes.contains(&0) {
        return Err(Diagnostic::error(shown, "file is binary, not Markdown text")
            .with_hint("only .md text files are rendered; give other files another extension to attach them"));
    }
    String::from_utf8(bytes)
        .map_err(|e| {
            let offset = e.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
            let (line, column) = diagnostic::line_col(&valid, offset);
            let mut d = Diagnostic::error(shown, "file is not valid UTF-8 text")
                .with_hint("save the file as UTF-8 in your editor");
            d.line = Some(line);
            d.column = Some(column);
            d
        })
        .map(|text| (text, modified))
}

/// A Markdown file as read, to be parsed.
struct MarkdownFile<'a> {
    rel: String,
    path: ContentPath,
    text: &'a str,
    modified: Option<i64>,
}

fn parse<M: DeserializeOwned>(
    file: MarkdownFile,
    options: &LoadOptions,
    keys: &[&str],
) -> Result<Parsed<M>, Diagnostic> {
    let MarkdownFile {
        rel,
        path,
        text,
        modified,
    } = file;
    let shown = Path::new(CONTENT_DIR).join(&rel);
    let split = frontmatter::split(text).map_err(|e| {
        Diagnostic::error(&shown, e.to_string())
            .at(text, 1, 1)
            .with_hint("end the front matter with a line holding only `---`")
    })?;
    let matter: M = frontmatter::parse(&split, text, &shown, keys)?;
    // Items, meetings and committees show their body under a section
    // heading (h2); a document's body sits right under the page's h1.
    let top_level = if matches!(path, ContentPath::Document { .. }) {
        2
    } else {
        3
    };
    let rendered = markdown::scan(split.body, &options.prefix, top_level);
    let references = rendered
        .references
        .iter()
        .map(|r| LocatedRef {
            target: r.target.clone(),
            anchor: r.anchor.clone(),
            at: Located::in_text(text, split.body_offset + r.offset),
        })
        .collect();
    let body = Body::new(
        &rel,
        split.body_offset,
        split.body,
        top_level,
        rendered.anchors,
    );
    Ok(Parsed {
        rel,
        path,
        matter,
        yaml: split.yaml.to_owned(),
        yaml_line: split.yaml_line,
        body,
        references,
        modified,
    })
}
