//! The live site behind `quorum serve`: what the last good build read, kept
//! in memory, so that an edit re-reads only the changed files, re-resolves
//! in memory, and re-renders only the files that read what changed.
//! A change that reshapes the archive (a new folder, a template, the
//! settings) takes a full, atomic rebuild instead.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::build::{self, BuildFailure, BuildOptions};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{self, File, Loaded, Parsed};
use crate::model::Archive;
use crate::publish::{self, LiveOutput, Step};
use crate::render::{self, PageJob, Theme};
use crate::resolve;
use crate::search;
use crate::serve::depends::Dependencies;
use crate::urls::ContentPath;

/// What applying a change did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// Only these pages were re-rendered (and these removed).
    Incremental {
        rendered: usize,
        removed: usize,
        elapsed: Duration,
    },
    /// The whole site was rebuilt.
    Full { pages: usize, elapsed: Duration },
}

/// What a server shows of the live site: the model, the theme and where
/// the search index is.
pub struct Shown {
    pub archive: Arc<Archive>,
    pub theme: Arc<Theme>,
    pub index_dir: PathBuf,
}

pub struct LiveSite {
    options: BuildOptions,
    config: Config,
    loaded: Loaded,
    theme: Arc<Theme>,
    archive: Arc<Archive>,
    /// What each file and search document read, to know what an edit
    /// affects.
    depends: Dependencies,
    /// Set when an edit was written only in part (the disk failed, or its
    /// pages went live and its data files failed): the next change
    /// rebuilds everything.
    damaged: bool,
}

impl LiveSite {
    /// A full build, keeping what it read.
    pub fn build(mut options: BuildOptions) -> Result<LiveSite, BuildFailure> {
        // A served site answers its own searches: it sends them nowhere
        // else and makes no static bundle (which an edit would not redo).
        options.answers_search = true;
        let (report, loaded, theme) = build::build_keeping_sources(&options)?;
        let reads = report.reads;
        let depends = Dependencies::new(&report.archive, &theme, reads.files, reads.documents);
        Ok(LiveSite {
            config: report.archive.config.clone(),
            options,
            loaded,
            theme: Arc::new(theme),
            archive: Arc::new(report.archive),
            depends,
            damaged: false,
        })
    }

    pub fn archive(&self) -> Arc<Archive> {
        Arc::clone(&self.archive)
    }

    pub fn theme(&self) -> Arc<Theme> {
        Arc::clone(&self.theme)
    }

    pub fn options(&self) -> &BuildOptions {
        &self.options
    }

    /// Applies changes to the files at `paths` (created, edited or deleted).
    /// On an error in the pages the live site is left exactly as it was;
    /// one in the open data files, after the pages went live, makes the
    /// next change rebuild everything.
    pub fn apply(&mut self, paths: &[PathBuf]) -> Result<Applied, BuildFailure> {
        self.apply_then(paths, &mut |_| {})
    }

    /// [`apply`](Self::apply), calling `pages_live` once the pages and
    /// the search index are in place, before the open data files of
    /// `/data/` are made again: `quorum serve` reloads the browsers then.
    /// Those files hold the whole archive (`items.ndjson` is 130 MiB at
    /// 10,000 items) and took most of an edit's time; no one previewing
    /// an edit waits on them. Called once when the pages succeed (after a
    /// full rebuild too, or a change with nothing to make again); when
    /// this returns Ok, every file is written.
    pub fn apply_then(
        &mut self,
        paths: &[PathBuf],
        pages_live: &mut dyn FnMut(&Shown),
    ) -> Result<Applied, BuildFailure> {
        let started = Instant::now();
        match self.incremental_sources(paths) {
            Some(rels) if !self.damaged => self.incremental(&rels, started, pages_live),
            _ => self.apply_full(started, pages_live),
        }
    }

    /// What the server shows now.
    fn shown(&self) -> Shown {
        Shown {
            archive: self.archive(),
            theme: self.theme(),
            index_dir: self.index_dir(),
        }
    }

    /// The changed content files, when every change can be applied alone.
    fn incremental_sources(&self, paths: &[PathBuf]) -> Option<Vec<String>> {
        let content = self.options.root.join(load::CONTENT_DIR);
        let content = std::path::absolute(&content).unwrap_or(content);
        let mut rels = BTreeSet::new();
        for path in paths {
            let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
            let rel = load::rel_path(&content, &path)?;
            // A folder (or the content folder itself, even once deleted:
            // the watcher names it when it lost events) reshapes the tree.
            if rel.is_empty() || path.is_dir() {
                return None;
            }
            let name = rel.rsplit('/').next().unwrap_or_default();
            if name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") {
                continue; // editor litter
            }
            rels.insert(rel);
        }
        Some(rels.into_iter().collect())
    }

    fn incremental(
        &mut self,
        rels: &[String],
        started: Instant,
        pages_live: &mut dyn FnMut(&Shown),
    ) -> Result<Applied, BuildFailure> {
        if rels.is_empty() {
            pages_live(&self.shown());
            return Ok(Applied::Incremental {
                rendered: 0,
                removed: 0,
                elapsed: started.elapsed(),
            });
        }
        let backup = self.loaded.clone();
        let before = match rels {
            [rel] => find(&self.loaded.items, rel),
            _ => None,
        };
        match self.update_sources(rels) {
            Ok(true) => {
                // The files of an item that could not be read before.
                let options = build::load_options(&self.options, &self.config);
                load::read_texts(&mut self.loaded, &options.text, &mut Vec::new());
            }
            Ok(false) => {
                self.loaded = backup;
                return self.apply_full(started, pages_live);
            }
            Err(d) => {
                self.loaded = backup;
                return Err(d.into());
            }
        }
        // An edit to an item's words patches the model; anything that
        // could move links, lists or names re-resolves the whole archive.
        let patched = before.and_then(|old| {
            let new = find(&self.loaded.items, &old.rel)?;
            let i = self
                .archive
                .items
                .iter()
                .position(|it| it.source == old.rel)?;
            resolve::patch_item(&self.archive, i, &old, &new, &self.loaded.withheld)
        });
        let (archive, problems) = match patched {
            Some(archive) => (archive, Vec::new()),
            None => resolve::resolve(self.config.clone(), &self.loaded),
        };
        let diagnostics: Diagnostics = problems.into_iter().collect();
        if diagnostics.has_errors() {
            self.loaded = backup;
            return Err(BuildFailure { diagnostics });
        }
        match self.write_changes(Arc::new(archive), rels, pages_live) {
            Ok((rendered, removed)) => Ok(Applied::Incremental {
                rendered,
                removed,
                elapsed: started.elapsed(),
            }),
            Err(failure) => {
                self.loaded = backup;
                Err(failure)
            }
        }
    }

    fn apply_full(
        &mut self,
        started: Instant,
        pages_live: &mut dyn FnMut(&Shown),
    ) -> Result<Applied, BuildFailure> {
        *self = LiveSite::build(self.options.clone())?;
        pages_live(&self.shown());
        Ok(Applied::Full {
            pages: render::jobs(&self.archive, &self.theme).len(),
            elapsed: started.elapsed(),
        })
    }

    /// Re-reads `rels` into the cache. `Ok(false)`: the change reshapes the
    /// archive and needs a full build.
    fn update_sources(&mut self, rels: &[String]) -> Result<bool, Diagnostic> {
        let options = build::load_options(&self.options, &self.config);
        let root = self.options.root.clone();
        let content = root.join(load::CONTENT_DIR);
        for rel in rels {
            let exists = content.join(rel).is_file();
            if !exists && ContentPath::classify(rel).is_err() {
                continue; // an editor's temporary file, already gone
            }
            let file = if exists {
                Some(load::load_file(&root, rel, &options)?)
            } else {
                None
            };
            // It loaded (or is gone): references to it are checked again.
            self.loaded.failed.remove(rel.as_str());
            let path = ContentPath::classify(rel).ok();
            let l = &mut self.loaded;
            match (path, file) {
                (Some(ContentPath::Meeting { committee, meeting }), file) => {
                    if !l.meeting_folders.contains(&(committee, meeting)) {
                        return Ok(false);
                    }
                    let new = match file {
                        Some(File::Meeting(p)) => Some(p),
                        _ => None,
                    };
                    // Minutes made draft withhold the meeting's items.
                    if new
                        .as_ref()
                        .is_some_and(|p| load::is_draft_meeting(p, options.drafts))
                    {
                        return Ok(false);
                    }
                    upsert(&mut l.meetings, rel, new);
                }
                (
                    Some(ContentPath::Item {
                        committee, meeting, ..
                    }),
                    file,
                ) => {
                    if !l.meeting_folders.contains(&(committee, meeting)) {
                        return Ok(false);
                    }
                    let new = match file {
                        Some(File::Item(p)) => Some(p),
                        _ => None,
                    };
                    let was_withheld = l.withheld.contains_key(rel);
                    let now_withheld = new.as_ref().and_then(|p| load::withheld(p, options.drafts));
                    let had_supporting = l
                        .documents
                        .iter()
                        .any(|d| d.path.owner_item().as_deref() == Some(rel.as_str()))
                        || l.attachments
                            .iter()
                            .any(|a| a.path.owner_item().as_deref() == Some(rel.as_str()));
                    // Publishing, withholding or deleting an item with
                    // supporting files changes which files are read.
                    if was_withheld != now_withheld.is_some() && (exists || was_withheld)
                        || (new.is_none() && had_supporting)
                    {
                        return Ok(false);
                    }
                    l.exempt.remove(rel);
                    match now_withheld {
                        Some(w) => {
                            if let Some(notice) = new.as_ref().and_then(load::exempt_notice) {
                                l.exempt.insert(rel.clone(), notice);
                            }
                            l.withheld.insert(rel.clone(), w);
                        }
                        None => {
                            l.withheld.remove(rel);
                            upsert(&mut l.items, rel, new);
                        }
                    }
                }
                (Some(ContentPath::Document { .. }), file) => {
                    let owner = ContentPath::classify(rel).ok().and_then(|p| p.owner_item());
                    if owner.is_some_and(|o| l.withheld.contains_key(&o)) {
                        continue; // stays out with its item
                    }
                    let new = match file {
                        Some(File::Document(p)) => Some(p),
                        _ => None,
                    };
                    upsert(&mut l.documents, rel, new);
                }
                // Committees, attachments and anything else reshape more
                // than one page tree: rebuild.
                _ => return Ok(false),
            }
        }
        Ok(true)
    }

    /// Makes again the files and search documents that read what the
    /// edit of `rels` changed, through the same step as a full build, and
    /// removes those that are gone; `archive` is live from then on. Nothing
    /// is written unless every page is good; the files of `/data/` are
    /// made after the pages are live (see [`apply_then`](Self::apply_then)).
    fn write_changes(
        &mut self,
        archive: Arc<Archive>,
        rels: &[String],
        pages_live: &mut dyn FnMut(&Shown),
    ) -> Result<(usize, usize), BuildFailure> {
        let out_dir = self.options.output_dir();
        let changes = self.depends.changes(&archive, &self.theme, rels);
        let (jobs, gone) = self.depends.affected_files(&changes);
        let (site_files, clashes) = publish::site_files(&archive, &changes.jobs);
        let site_files = Arc::new(site_files);
        if !clashes.is_empty() {
            return Err(BuildFailure {
                diagnostics: clashes.into_iter().collect(),
            });
        }
        // The open data files go after the pages: the bulk ones hold the
        // whole archive (events.json is re-made whenever a meeting's item
        // is, 80 ms of a one-word edit at 10,000 items).
        let (data, pages): (Vec<_>, Vec<_>) =
            (jobs.iter()).partition(|job| matches!(job, PageJob::Data(_)));
        let (theme, root) = (Arc::clone(&self.theme), self.options.root.clone());
        let live = LiveOutput::new(out_dir.clone());
        let (mut published, problems) =
            Step::live(&archive, &theme, &root, &live).run(&pages, Arc::clone(&site_files), &[]);
        let diagnostics: Diagnostics = problems.into_iter().collect();
        if diagnostics.has_errors() {
            return Err(BuildFailure { diagnostics });
        }
        let documents = search::index::documents(&archive);
        let (redo, removed) = self.depends.affected_documents(&changes, &documents);
        let index_dir = self.options.index_dir(&archive.config);
        // Files and index are independent once every file has rendered
        // cleanly: write both at once.
        let (written, indexed) = rayon::join(
            || live.commit(&gone),
            || search::index::update(&archive, &index_dir, &redo, &removed),
        );
        let written = written.map_err(|e| Diagnostic::error(&out_dir, e.to_string()));
        let indexed = indexed.map_err(|e| e.diagnostic(&index_dir));
        let document_reads = match (written, indexed) {
            (Ok(()), Ok(reads)) => reads,
            (Err(d), _) | (_, Err(d)) => {
                self.damaged = true;
                return Err(d.into());
            }
        };
        // Freeing ten thousand items takes longer than rendering a page:
        // let the pool do it after the change is live.
        let old = std::mem::replace(&mut self.archive, Arc::clone(&archive));
        rayon::spawn(move || drop(old));
        pages_live(&self.shown());

        // The files joining others read the pages just put in place.
        let live = LiveOutput::new(out_dir.clone());
        let (joined, problems) =
            Step::live(&archive, &theme, &root, &live).run(&data, site_files, &[]);
        let mut diagnostics: Diagnostics = problems.into_iter().collect();
        if !diagnostics.has_errors()
            && let Err(e) = live.commit(&[])
        {
            diagnostics.push(Diagnostic::error(&out_dir, e.to_string()));
        }
        if diagnostics.has_errors() {
            // The pages are live, the data files are not (none of them
            // written): the next change rebuilds everything.
            self.damaged = true;
            return Err(BuildFailure { diagnostics });
        }
        published.reads.extend(joined.reads);
        let counts = (jobs.len(), gone.len());
        self.depends.update(
            changes,
            (published.reads, &gone),
            (document_reads, &removed),
        );
        Ok(counts)
    }

    /// Whether the file at `path` (as a diagnostic names it) is, or belongs
    /// to, an item withheld from the site: exempt, or a draft when drafts
    /// are not published. Its errors may quote its words, so they must not
    /// reach a browser. Withheld if the last good build withheld it, or if
    /// its front matter says so now, read even when it does not parse.
    pub fn withholds(&self, path: &Path) -> bool {
        let content = self.options.root.join(load::CONTENT_DIR);
        let absolute = std::path::absolute(&content).ok();
        let rel = [
            Some(Path::new(load::CONTENT_DIR)),
            Some(&*content),
            absolute.as_deref(),
        ]
        .into_iter()
        .flatten()
        .find_map(|prefix| load::rel_path(prefix, path));
        let Some(rel) = rel else {
            return false;
        };
        let Ok(path) = ContentPath::classify(&rel) else {
            return false;
        };
        // Read as every content file is: a pipe must not hang the server.
        let declares = |rel: &str| {
            crate::source::read(&content.join(rel), load::MAX_MARKDOWN_BYTES).is_ok_and(|bytes| {
                crate::load::frontmatter::declares_withheld(
                    &String::from_utf8_lossy(&bytes),
                    self.options.drafts,
                )
            })
        };
        // Draft minutes withhold everything of their meeting.
        if let Some((committee, meeting)) = path.meeting_key()
            && declares(&format!("{committee}/{meeting}/_meeting.md"))
        {
            return true;
        }
        let item = match path {
            ContentPath::Item { .. } => rel,
            other => match other.owner_item() {
                Some(owner) => owner,
                None => return false,
            },
        };
        self.loaded.withheld.contains_key(&item) || declares(&item)
    }

    /// Where the site is written.
    pub fn output_dir(&self) -> PathBuf {
        self.options.output_dir()
    }

    /// Where the search index is.
    pub fn index_dir(&self) -> PathBuf {
        self.options.index_dir(&self.config)
    }

    pub fn root(&self) -> &Path {
        &self.options.root
    }
}

fn find<M>(v: &[Arc<Parsed<M>>], rel: &str) -> Option<Arc<Parsed<M>>> {
    let i = v.binary_search_by(|p| p.rel.as_str().cmp(rel)).ok()?;
    Some(Arc::clone(&v[i]))
}

/// Puts `new` in place of the entry for `rel` (keeping path order), or
/// removes the entry when `new` is `None`.
fn upsert<M>(v: &mut Vec<Arc<Parsed<M>>>, rel: &str, new: Option<Parsed<M>>) {
    let found = v.binary_search_by(|p| p.rel.as_str().cmp(rel));
    match (found, new) {
        (Ok(i), Some(p)) => v[i] = Arc::new(p),
        (Ok(i), None) => {
            v.remove(i);
        }
        (Err(i), Some(p)) => v.insert(i, Arc::new(p)),
        (Err(_), None) => {}
    }
}
