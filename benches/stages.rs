//! The hot stages of a build, one at a time, on the example archive:
//! front-matter parsing, Markdown rendering, template rendering and index
//! building. `cargo bench --bench stages`. Query latency and the serve
//! path's edit-to-rebuilt time are in `benches/latency.rs`, which needs a
//! large generated archive.

use std::path::{Path, PathBuf};

use quorum::build::{self, BuildOptions};
use quorum::load::frontmatter;
use quorum::load::markdown;
use quorum::load::schema::ItemMatter;
use quorum::model::Archive;
use quorum::render::{self, PageJob, Theme};

fn main() {
    divan::main();
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The longest agenda item of the example archive: a real seed's minutes.
fn sample_item() -> String {
    // Items sit at content/<committee>/<meeting>/<NN-slug>.md.
    walkdir::WalkDir::new(repo().join("content"))
        .min_depth(3)
        .max_depth(3)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            name.ends_with(".md") && !name.starts_with('_')
        })
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .max_by_key(String::len)
        .expect("the example archive has items")
}

fn example() -> (Archive, Theme) {
    let options = BuildOptions::new(repo());
    let (archive, _) = build::load_archive(&options).expect("example resolves");
    let theme = Theme::load(&repo(), &archive.config.theme).expect("theme");
    (archive, theme)
}

#[divan::bench]
fn front_matter_parse(bencher: divan::Bencher) {
    let text = sample_item();
    bencher.bench(|| {
        let split = frontmatter::split(divan::black_box(&text)).expect("fenced");
        frontmatter::parse::<ItemMatter>(&split, &text, Path::new("item.md"), ItemMatter::KEYS)
            .expect("valid")
    });
}

#[divan::bench]
fn markdown_render(bencher: divan::Bencher) {
    let text = sample_item();
    let body = frontmatter::split(&text).expect("fenced").body.to_owned();
    bencher.bench(|| markdown::render(divan::black_box(&body), "", 2));
}

// The sink's error type is the render stage's own diagnostic.
#[allow(clippy::result_large_err)]
#[divan::bench]
fn template_render_item_page(bencher: divan::Bencher) {
    let (archive, theme) = example();
    let root = repo();
    bencher.bench(|| {
        render::render(&archive, &theme, &root, &[PageJob::Item(0)], |page| {
            divan::black_box(page.text().map(str::len));
            Ok(())
        })
    });
}

#[divan::bench(sample_count = 20)]
fn index_build(bencher: divan::Bencher) {
    let (archive, _) = example();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut n = 0;
    bencher.bench_local(|| {
        n += 1;
        quorum::search::index::write(&archive, &dir.path().join(n.to_string()), false, None)
            .expect("index")
    });
}
