//! Watching the archive: debounced file events become `LiveSite::apply`
//! calls on a thread of their own; the server's snapshot is swapped and
//! open tabs are told to reload (or shown the error).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, DebouncedEvent, Debouncer, RecommendedCache};

use super::{AppState, LiveEvent, ServeError, Snapshot};
use crate::diagnostic::{self, Diagnostic};
use crate::search::SearchIndex;
use crate::serve::live::{Applied, LiveSite, Shown};

/// How long the debouncer holds an event, so that the steps of one save
/// (editors truncate, write and rename) reach the rebuild together.
const DEBOUNCE: Duration = Duration::from_millis(30);

/// Keeps the watcher alive; dropping it stops watching.
pub struct WatchGuard {
    _debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
}

pub fn start(live: LiveSite, state: Arc<AppState>) -> Result<WatchGuard, ServeError> {
    let (tx, rx) = mpsc::channel();
    let root = std::path::absolute(live.root()).unwrap_or_else(|_| live.root().to_owned());
    // The content folder itself as the changed path makes a full rebuild
    // (`LiveSite::apply` rebuilds everything for a directory), which reads
    // everything again.
    let everything = root.join(crate::load::CONTENT_DIR);
    let watch_error = |e: notify::Error| ServeError::Watch(plain_error(&e));
    let mut debouncer =
        notify_debouncer_full::new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
            let paths = match result {
                Ok(events) => changed_paths(events, &everything),
                Err(errors) => {
                    for error in &errors {
                        eprintln!("Watching for changes: {}", plain_error(error));
                    }
                    return;
                }
            };
            if !paths.is_empty() {
                // Fails only once the rebuild loop has ended, when the
                // server is stopping anyway.
                let _ = tx.send(paths);
            }
        })
        .map_err(watch_error)?;
    for dir in ["content", "themes"] {
        let path = root.join(dir);
        if path.is_dir() {
            debouncer
                .watch(&path, RecursiveMode::Recursive)
                .map_err(watch_error)?;
        }
    }
    // The root itself, for quorum.toml and a themes/ folder appearing.
    debouncer
        .watch(&root, RecursiveMode::NonRecursive)
        .map_err(watch_error)?;
    std::thread::spawn(move || rebuild_loop(live, &root, &rx, &state));
    Ok(WatchGuard {
        _debouncer: debouncer,
    })
}

/// The paths a batch of debounced events changed. A rescan event means the
/// system dropped events (its queue overflowed) and what changed is
/// unknown: then the whole site is rebuilt.
fn changed_paths(events: Vec<DebouncedEvent>, everything: &Path) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for debounced in events {
        let event = debounced.event;
        if event.need_rescan() {
            eprintln!(
                "Some changes to the files were not seen (too many at once); \
                 rebuilding the whole site."
            );
            return vec![everything.to_owned()];
        }
        // Reading a file (as every build does) is an event too; only
        // writes, creations, renames and removals matter.
        if is_change(&event.kind) {
            paths.extend(event.paths);
        }
    }
    paths
}

/// A watcher error in a clerk's words, with what to do about it.
fn plain_error(error: &notify::Error) -> String {
    use notify::ErrorKind;
    let paths: Vec<String> = error
        .paths
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let place = if paths.is_empty() {
        String::new()
    } else {
        format!(" ({})", paths.join(", "))
    };
    match &error.kind {
        ErrorKind::MaxFilesWatch => format!(
            "the system's limit on watched folders was reached{place}, so some changes will \
             not be noticed; raise it (on Linux: sysctl fs.inotify.max_user_watches) and \
             restart `quorum serve`"
        ),
        ErrorKind::PathNotFound => {
            format!("a folder being watched is gone{place}; restart `quorum serve` once it is back")
        }
        ErrorKind::WatchNotFound => format!("a folder was no longer being watched{place}"),
        ErrorKind::Io(e) => format!("could not read the file system{place}: {e}"),
        ErrorKind::InvalidConfig(_) => format!("the watcher's settings were refused{place}"),
        ErrorKind::Generic(message) => format!("{message}{place}"),
    }
}

fn is_change(kind: &notify::EventKind) -> bool {
    use notify::EventKind;
    use notify::event::{AccessKind, AccessMode, ModifyKind};
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Modify(_) => true,
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        _ => false,
    }
}

fn relevant(root: &Path, path: &Path) -> bool {
    path.starts_with(root.join("content"))
        || path.starts_with(root.join("themes"))
        || path == root.join(crate::config::CONFIG_FILE)
}

fn rebuild_loop(
    mut live: LiveSite,
    root: &Path,
    rx: &mpsc::Receiver<Vec<PathBuf>>,
    state: &AppState,
) {
    // Paths whose change has not been applied yet. A failed rebuild keeps
    // the last good site, which read these files as they were before: they
    // are read again with every later change until a rebuild takes them.
    // Dropping them instead left the live site believing stale files, so
    // that every later rebuild found a file "changed while the site was
    // being built" and none was ever applied again.
    let mut pending: Vec<PathBuf> = Vec::new();
    while let Ok(first) = rx.recv() {
        let mut paths: Vec<PathBuf> = std::mem::take(&mut pending);
        paths.extend(first);
        // Saves that arrived while the last rebuild ran are applied in one
        // rebuild, not one each.
        paths.extend(rx.try_iter().flatten());
        paths.retain(|p| relevant(root, p));
        paths.sort();
        paths.dedup();
        if paths.is_empty() {
            continue;
        }
        // The browsers reload as soon as the pages and the index are live
        // (the open data files of /data/ are written after).
        let mut show = |shown: &Shown| {
            let search = SearchIndex::open(&shown.index_dir).ok().map(Arc::new);
            {
                let mut s = state.snapshot.write().unwrap_or_else(|e| e.into_inner());
                *s = Snapshot {
                    archive: Arc::clone(&shown.archive),
                    theme: Arc::clone(&shown.theme),
                    search,
                    error: None,
                };
            }
            let _ = state.events.send(LiveEvent::Reload);
        };
        match live.apply_then(&paths, &mut show) {
            Ok(applied) => match applied {
                Applied::Incremental {
                    rendered,
                    removed,
                    elapsed,
                } => eprintln!(
                    "Rebuilt {rendered} pages{} in {} ms after a change to {}",
                    if removed > 0 {
                        format!(" (removed {removed})")
                    } else {
                        String::new()
                    },
                    elapsed.as_millis(),
                    describe(root, &paths)
                ),
                Applied::Full { pages, elapsed } => {
                    eprintln!(
                        "Rebuilt the whole site ({pages} pages) in {} ms",
                        elapsed.as_millis()
                    )
                }
            },
            Err(failure) => {
                pending = paths;
                let diagnostics = failure.diagnostics.sorted();
                let text: Vec<String> = diagnostics
                    .iter()
                    .map(|d| diagnostic::render(d, false))
                    .collect();
                eprintln!(
                    "{}\nThe last good site is still being served; fix the error and save again.",
                    text.join("\n")
                );
                let shown = browser_text(&live, &diagnostics, &text);
                state
                    .snapshot
                    .write()
                    .unwrap_or_else(|e| e.into_inner())
                    .error = Some(shown.clone());
                let _ = state.events.send(LiveEvent::Error(shown));
            }
        }
    }
}

/// The diagnostics (as the terminal shows them: `text`) as every open tab
/// is shown them. An error in a withheld item (or one of its files) may
/// quote its words, and anyone with the page open would see them: the
/// browser gets only the file's path.
fn browser_text(live: &LiveSite, diagnostics: &[Diagnostic], text: &[String]) -> String {
    let shown: Vec<String> = diagnostics
        .iter()
        .zip(text)
        .map(|(d, rendered)| {
            if live.withholds(&d.path) {
                let notice = Diagnostic {
                    severity: d.severity,
                    ..Diagnostic::error(
                        &d.path,
                        "this item is withheld; the terminal shows the error",
                    )
                };
                diagnostic::render(&notice, false)
            } else {
                rendered.clone()
            }
        })
        .collect();
    shown.join("\n")
}

fn describe(root: &Path, paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths
        .iter()
        .take(3)
        .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
        .collect();
    let more = paths.len().saturating_sub(3);
    if more > 0 {
        format!("{} and {more} more", names.join(", "))
    } else {
        names.join(", ")
    }
}
