use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use quorum::build::BuildOptions;
use quorum::config::Config;
use quorum::search::{SearchError, SearchIndex, SearchRequest, SearchResults, Sort};

#[derive(clap::Args)]
pub struct Args {
    /// The archive folder (holding quorum.toml and content/)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The index folder [default: from quorum.toml, else ROOT/.quorum/search-index]
    #[arg(long)]
    pub index: Option<PathBuf>,
    /// Only this committee (slug or name)
    #[arg(long)]
    pub committee: Option<String>,
    /// Only this topic (name, alias or slug)
    #[arg(long)]
    pub topic: Option<String>,
    /// Only items naming this person
    #[arg(long)]
    pub person: Option<String>,
    /// Only this kind: item, document, meeting or attachment
    #[arg(long)]
    pub kind: Option<String>,
    /// From this date (YYYY-MM-DD)
    #[arg(long, value_parser = parse_date)]
    pub from: Option<NaiveDate>,
    /// Up to this date (YYYY-MM-DD)
    #[arg(long, value_parser = parse_date)]
    pub to: Option<NaiveDate>,
    /// relevance (default), newest or oldest
    #[arg(long, default_value = "relevance", value_parser = ["relevance", "newest", "oldest"])]
    pub sort: String,
    /// Hits per page
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Page of hits (from 1)
    #[arg(long, default_value_t = 1)]
    pub page: usize,
    /// Print one JSON object instead of text
    #[arg(long)]
    pub json: bool,
    /// A query that cannot be read as the language says is an error (exit
    /// 2) instead of being searched as plain words
    #[arg(long)]
    pub strict: bool,
    /// The query: words, "phrases", OR, -word, title:, topic:, committee:, person:
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    quorum::load::schema::IsoDate::parse(s)
        .map(|d| d.0)
        .ok_or_else(|| format!("`{s}` is not a date: write YYYY-MM-DD"))
}

pub fn run(args: Args) -> ExitCode {
    let request = SearchRequest {
        query: args.query.join(" "),
        committee: args.committee.clone(),
        topic: args.topic.clone(),
        person: args.person.clone(),
        kind: args.kind.clone(),
        from: args.from,
        to: args.to,
        sort: Sort::from_name(&args.sort).unwrap_or_default(),
        limit: args.limit,
        page: args.page,
        strict: args.strict,
    };
    let index_dir = args.index.clone().unwrap_or_else(|| {
        let options = BuildOptions::new(&args.root);
        let config = Config::load(&args.root).unwrap_or_else(|_| Config::fallback());
        options.index_dir(&config)
    });
    let result = SearchIndex::open(&index_dir).and_then(|index| index.search(&request));
    let mut out = std::io::stdout().lock();
    match result {
        Ok(results) => {
            let written = if args.json {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&results).unwrap_or_default()
                )
            } else {
                print_results(&mut out, &results)
            };
            match written.and_then(|()| out.flush()) {
                Ok(()) => ExitCode::SUCCESS,
                // `quorum search ... | head`: the reader has all it wanted.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: cannot write the results: {e}");
                    super::failure(super::EXIT_ERRORS)
                }
            }
        }
        Err(e) => {
            let code = if e.is_bad_request() {
                super::EXIT_USAGE
            } else {
                super::EXIT_ERRORS
            };
            if args.json {
                let body = serde_json::json!({ "error": e.to_string(), "hint": e.hint() });
                // A closed pipe changes nothing: the exit status says it.
                let _ = writeln!(out, "{body}").and_then(|()| out.flush());
            } else {
                eprintln!("error: {e}");
                if let Some(hint) = e.hint() {
                    eprintln!("help: {hint}");
                }
                if let SearchError::Query(q) = &e {
                    eprintln!("  {}\n  {}^", request.query, " ".repeat(q.position));
                }
            }
            super::failure(code)
        }
    }
}

/// Writes the results as text. `println!` would panic when stdout is a
/// closed pipe; an error returned lets the caller end quietly.
fn print_results(out: &mut impl Write, results: &SearchResults) -> std::io::Result<()> {
    let styled = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for c in &results.corrections {
        writeln!(
            out,
            "No results for `{}`; showing results for `{}`.",
            c.from, c.to
        )?;
    }
    if let Some(notice) = &results.notice {
        writeln!(out, "{notice}")?;
    }
    if results.hits.is_empty() {
        return writeln!(out, "No results for {:?}.", results.query);
    }
    let first = (results.page - 1) * results.limit;
    writeln!(
        out,
        "{} {} for {:?} (showing {}-{}):\n",
        results.total,
        super::plural(results.total, "result", "results"),
        results.query,
        first + 1,
        first + results.hits.len()
    )?;
    for (i, hit) in results.hits.iter().enumerate() {
        let title = if styled {
            format!("\x1b[1m{}\x1b[0m", hit.title)
        } else {
            hit.title.clone()
        };
        writeln!(out, "{:>3}. {title}", first + i + 1)?;
        writeln!(out, "     {} · {} · {}", hit.committee, hit.date, hit.kind)?;
        writeln!(out, "     {}", hit.url)?;
        if let Some(parent) = &hit.parent {
            let page = hit
                .page
                .map(|p| format!("page {p} of a file"))
                .unwrap_or("a file".into());
            writeln!(
                out,
                "     {page} attached to {} ({})",
                parent.title, parent.url
            )?;
        }
        if !hit.snippet.is_empty() {
            writeln!(out, "     {}", terminal_snippet(&hit.snippet, styled))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// Snippet HTML for a terminal: highlights in reverse video (or `*...*`
/// when not a terminal), entities decoded.
fn terminal_snippet(html: &str, styled: bool) -> String {
    let (on, off) = if styled {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("", "")
    };
    html.replace("<mark>", on)
        .replace("</mark>", off)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
