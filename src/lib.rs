//! Quorum: a static site generator for committee-minutes archives.
//!
//! The pipeline, one module per stage:
//! [`load`] (walk `content/`, parse front matter and Markdown) →
//! [`resolve`] (build the [`model::Archive`], check every reference) →
//! [`render`] (Tera themes) → [`output`] (staging and atomic swap) →
//! [`linkcheck`] → search index. [`build`] sequences them.

// A Diagnostic is the error type of every stage and is deliberately rich
// (file, position, source line, hint); errors are the cold path, so its
// size in a Result does not matter.
#![allow(clippy::result_large_err)]
#![warn(clippy::too_many_lines)]

pub mod build;
pub mod config;
pub mod dates;
pub mod diagnostic;
pub mod init;
pub mod linkcheck;
pub mod load;
pub mod model;
pub mod output;
pub mod publish;
pub mod reads;
pub mod render;
pub mod resolve;
pub mod search;
pub mod serve;
pub mod source;
pub mod suggest;
pub mod timing;
pub mod urls;

/// The machine's cores: what CPU-bound work is sized by (the tantivy
/// writer's threads, a query's ranges).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// Threads for the command line's rayon pool: more than the cores, since
/// reading content, comparing pages with the previous build's and writing
/// them wait on the disk whenever its cache is cold, and the spare threads
/// keep the cores busy meanwhile. (A 100,000-item build after the page
/// cache was dropped, on 2 cores: 87 s with a thread per core, 69 s with 8.)
pub fn pool_threads() -> usize {
    (2 * cores()).max(8)
}
