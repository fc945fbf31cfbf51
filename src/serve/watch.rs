//! Watching the archive: debounced file events become `LiveSite::apply`
//! calls on a thread of their own; the server's snapshot is swapped and
//! open tabs are told to reload (or shown the error).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use super::{AppState, LiveEvent, ServeError, Snapshot};
use crate::diagnostic::{self, Diagnostic};
use crate::live::{Applied, LiveSite};
use crate::search::SearchIndex;

/// Quiet time that ends a burst of events (editors write in several steps).
const DEBOUNCE: Duration = Duration::from_millis(30);
/// The longest a burst is collected before rebuilding anyway.
const MAX_BATCH: Duration = Duration::from_millis(500);

/// Keeps the watcher alive; dropping it stops watching.
pub struct WatchGuard {
    _watcher: notify::RecommendedWatcher,
}

pub fn start(live: LiveSite, state: Arc<AppState>) -> Result<WatchGuard, ServeError> {
    let (tx, rx) = mpsc::channel();
    let root = std::path::absolute(live.root()).unwrap_or_else(|_| live.root().to_owned());
    // The content folder itself as the changed path makes a full rebuild,
    // which reads everything again.
    let everything = root.join(crate::load::CONTENT_DIR);
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        match event {
            // Reading a file (as every build does) is an event too; only
            // writes, creations, renames and removals matter.
            Ok(event) if is_change(&event.kind) => {
                let _ = tx.send(event.paths);
            }
            // Events were lost (the kernel's queue overflowed): what
            // changed is unknown.
            Ok(event) if event.need_rescan() => {
                let _ = tx.send(vec![everything.clone()]);
            }
            Ok(_) => {}
            Err(_) => {
                let _ = tx.send(vec![everything.clone()]);
            }
        }
    })
    .map_err(|e| ServeError::Watch(e.to_string()))?;
    for dir in ["content", "themes"] {
        let path = root.join(dir);
        if path.is_dir() {
            watcher
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|e| ServeError::Watch(e.to_string()))?;
        }
    }
    // The root itself, for quorum.toml and a themes/ folder appearing.
    watcher
        .watch(&root, RecursiveMode::NonRecursive)
        .map_err(|e| ServeError::Watch(e.to_string()))?;
    std::thread::spawn(move || rebuild_loop(live, &root, &rx, &state));
    Ok(WatchGuard { _watcher: watcher })
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
        let started = Instant::now();
        while started.elapsed() < MAX_BATCH {
            match rx.recv_timeout(DEBOUNCE) {
                Ok(more) => paths.extend(more),
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
        paths.retain(|p| relevant(root, p));
        paths.sort();
        paths.dedup();
        if paths.is_empty() {
            continue;
        }
        match live.apply(&paths) {
            Ok(applied) => {
                let search = SearchIndex::open(&live.index_dir()).ok().map(Arc::new);
                {
                    let mut s = state.snapshot.write().unwrap_or_else(|e| e.into_inner());
                    *s = Snapshot {
                        archive: live.archive(),
                        theme: live.theme(),
                        search,
                        error: None,
                    };
                }
                match applied {
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
                }
                let _ = state.events.send(LiveEvent::Reload);
            }
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
