//! Themes: the Tera templates and static assets a site is rendered with.
//!
//! The default theme is embedded in the binary, so an archive without a
//! `themes/` folder builds. A site's `themes/<name>/` overrides any single
//! template or asset by file name; the rest fall back to the default.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diagnostic::Diagnostic;

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/templates/", $name)))),*]
    };
}

/// The default theme's templates, by name.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = embed!(
    "base.html",
    "components.html",
    "index.html",
    "committee.html",
    "meeting.html",
    "item.html",
    "document.html",
    "attachment-text.html",
    "topics.html",
    "topic.html",
    "people.html",
    "person.html",
    "meetings.html",
    "decisions.html",
    "decision-year.html",
    "actions.html",
    "declarations.html",
    "data.html",
    "search.html",
    "404.html",
    "feed.xml",
);

/// The default theme's static assets, by path under `static/`.
pub const DEFAULT_STATIC: &[(&str, &[u8])] = &[
    (
        "style.css",
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/themes/default/static/style.css"
        )),
    ),
    (
        "favicon.svg",
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/themes/default/static/favicon.svg"
        )),
    ),
];

/// Where a template or asset came from, for error messages.
#[derive(Debug, Clone)]
enum Origin {
    Builtin,
    File(PathBuf),
}

/// A static asset to copy to the output root.
#[derive(Debug, Clone)]
pub enum Asset {
    Builtin(&'static [u8]),
    File(PathBuf),
}

/// A loaded, compiled theme.
pub struct Theme {
    tera: tera::Tera,
    origins: BTreeMap<String, Origin>,
    /// Output path -> source.
    pub assets: BTreeMap<String, Asset>,
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme")
            .field("templates", &self.origins.keys())
            .finish()
    }
}

impl Theme {
    /// Loads theme `name`: the default templates, overridden by any file in
    /// `root/themes/<name>/templates/`, compiled once.
    pub fn load(root: &Path, name: &str) -> Result<Theme, Vec<Diagnostic>> {
        let dir = root.join("themes").join(name);
        if name != "default" && !dir.is_dir() {
            return Err(vec![Diagnostic::error(
                crate::config::CONFIG_FILE,
                format!("theme `{name}` not found: there is no folder themes/{name}/"),
            )
            .with_hint("create the folder, or remove `theme` from quorum.toml to use the default theme")]);
        }
        let mut sources: BTreeMap<String, (String, Origin)> = DEFAULT_TEMPLATES
            .iter()
            .map(|(n, s)| (n.to_string(), (s.to_string(), Origin::Builtin)))
            .collect();
        let mut diagnostics = Vec::new();
        for (rel, path) in files_under(&dir.join("templates")) {
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    sources.insert(rel, (text, Origin::File(path)));
                }
                Err(e) => diagnostics.push(Diagnostic::error(
                    user_path(root, &path),
                    format!("cannot read template: {e}"),
                )),
            }
        }
        let mut assets: BTreeMap<String, Asset> = DEFAULT_STATIC
            .iter()
            .map(|(n, b)| (n.to_string(), Asset::Builtin(b)))
            .collect();
        for (rel, path) in files_under(&dir.join("static")) {
            assets.insert(rel, Asset::File(path));
        }
        if !diagnostics.is_empty() {
            return Err(diagnostics);
        }

        let origins: BTreeMap<String, Origin> = sources
            .iter()
            .map(|(n, (_, o))| (n.clone(), o.clone()))
            .collect();
        let mut tera = tera::Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        let result =
            tera.add_raw_templates(sources.iter().map(|(n, (s, _))| (n.as_str(), s.as_str())));
        let theme = Theme {
            tera,
            origins,
            assets,
        };
        match result {
            Ok(()) => Ok(theme),
            Err(e) => Err(vec![theme.diagnostic(root, None, &e)]),
        }
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.origins.contains_key(name)
    }

    /// Renders `template` with the standard variables and the page data.
    pub fn render<T: Serialize>(
        &self,
        template: &str,
        common: &tera::Context,
        data: &T,
    ) -> Result<String, tera::Error> {
        let mut context = tera::Context::from_serialize(data)?;
        context.extend(common.clone());
        self.tera.render(template, &context)
    }

    /// Turns a Tera error into a diagnostic naming the template and line.
    pub fn diagnostic(
        &self,
        root: &Path,
        template: Option<&str>,
        error: &tera::Error,
    ) -> Diagnostic {
        let (file, message, position) = match error.kind() {
            tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => (
                report.filename().to_owned(),
                report.message().to_owned(),
                Some((report.span().start_line, report.span().start_col + 1)),
            ),
            _ => (
                template.unwrap_or("theme").to_owned(),
                error_chain(error),
                None,
            ),
        };
        let shown = match self.origins.get(&file) {
            Some(Origin::File(path)) => user_path(root, path),
            _ => PathBuf::from(format!("(default theme) templates/{file}")),
        };
        let mut d = Diagnostic::error(shown, format!("template error: {message}"));
        if let Some((line, column)) = position {
            d.line = Some(line);
            d.column = Some(column);
            if let Some(text) = self.source_line(&file, line) {
                d.source_line = Some(text);
            }
        }
        if message.contains("not found") || message.contains("undefined") {
            d = d.with_hint("the page contexts are documented in src/render/context.rs; test optional values with `{% if x %}`");
        }
        d
    }

    fn source_line(&self, file: &str, line: usize) -> Option<String> {
        let text = match self.origins.get(file)? {
            Origin::File(path) => std::fs::read_to_string(path).ok()?,
            Origin::Builtin => DEFAULT_TEMPLATES
                .iter()
                .find(|(n, _)| *n == file)?
                .1
                .to_owned(),
        };
        text.lines().nth(line.checked_sub(1)?).map(str::to_owned)
    }
}

fn error_chain(error: &tera::Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}

fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?;
            let parts: Option<Vec<&str>> =
                rel.components().map(|c| c.as_os_str().to_str()).collect();
            Some((parts?.join("/"), e.into_path()))
        })
        .collect()
}

fn user_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map_or_else(|_| path.to_owned(), Path::to_owned)
}
