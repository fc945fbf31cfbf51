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

pub mod body;
pub mod build;
pub mod config;
pub mod depends;
pub mod diagnostic;
pub mod frontmatter;
pub mod init;
pub mod linkcheck;
pub mod live;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
pub mod render;
pub mod resolve;
pub mod schema;
pub mod search;
pub mod serve;
pub mod suggest;
pub mod urls;
