//! Site settings from `quorum.toml`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::suggest;

pub const CONFIG_FILE: &str = "quorum.toml";

/// A site address as Quorum keeps it: absolute http(s), no trailing `/`.
/// The error says what is wrong with `url`, after the name of its setting.
/// Where the site is published, parsed once: the whole address, its origin
/// (scheme and host, for absolute URLs in feeds and the sitemap) and its
/// path, which every root-relative URL of the site starts with.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct BaseUrl {
    /// Without a trailing `/`: "https://x.org/minutes".
    url: String,
    /// Where the origin ends in `url`: "https://x.org".
    origin_end: usize,
}

impl BaseUrl {
    pub fn parse(url: &str) -> Result<BaseUrl, String> {
        let url = url.trim().trim_end_matches('/');
        let Some(after_scheme) = ["https://", "http://"]
            .iter()
            .find_map(|s| url.strip_prefix(s).map(|rest| url.len() - rest.len()))
        else {
            return Err(format!("`{url}` is not an absolute http(s) URL"));
        };
        if url.len() == after_scheme {
            return Err(format!("`{url}` names no host"));
        }
        let origin_end = url[after_scheme..]
            .find('/')
            .map_or(url.len(), |slash| after_scheme + slash);
        Ok(BaseUrl {
            url: url.to_owned(),
            origin_end,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// "https://x.org/minutes" -> "https://x.org".
    pub fn origin(&self) -> &str {
        &self.url[..self.origin_end]
    }

    /// "https://x.org/minutes" -> "x.org".
    pub fn host(&self) -> &str {
        let origin = self.origin();
        origin.split_once("//").map_or(origin, |(_, host)| host)
    }

    /// "https://x.org/minutes" -> "/minutes"; "" at the host's root.
    pub fn path(&self) -> &str {
        &self.url[self.origin_end..]
    }
}

impl TryFrom<String> for BaseUrl {
    type Error = String;

    fn try_from(url: String) -> Result<BaseUrl, String> {
        BaseUrl::parse(&url).map_err(|message| format!("base_url {message}"))
    }
}

/// `quorum.toml`, validated.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    #[serde(default)]
    pub base_url: Option<BaseUrl>,
    #[serde(default)]
    pub authority: Option<String>,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default = "default_language")]
    pub language: String,
    /// Canonical topic name -> aliases.
    #[serde(default)]
    pub topics: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub search: SearchConfig,
    /// How the words of attached files are read.
    #[serde(default)]
    pub attachments: AttachmentsConfig,
    /// Settings for particular people, by name as written.
    #[serde(default)]
    pub people: BTreeMap<String, PersonConfig>,
    /// Let raw HTML in Markdown reach pages as written. Off by default:
    /// it is cleaned (no scripts, no event handlers, no `javascript:`).
    #[serde(default)]
    pub trust_html: bool,
    /// The archive's time zone (an IANA name): meeting times in calendars
    /// are in it, and so is the build date.
    #[serde(default = "default_timezone")]
    pub timezone: Timezone,
    /// The licence the open data (and the archive) is published under, as
    /// the data page names it ("Open Government Licence v3.0").
    #[serde(default)]
    pub licence: Option<String>,
    /// Where its terms are.
    #[serde(default)]
    pub licence_url: Option<String>,
    #[serde(default)]
    pub extra: toml::Table,
    /// The build date: meetings after it are upcoming and actions due
    /// before it overdue. Not a setting: `--today`, `SOURCE_DATE_EPOCH`
    /// or the clock give it (see `build::config`).
    #[serde(skip)]
    pub today: NaiveDate,
}

/// An IANA time zone, e.g. "Europe/London".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Timezone(pub chrono_tz::Tz);

impl TryFrom<String> for Timezone {
    type Error = String;

    fn try_from(name: String) -> Result<Timezone, String> {
        name.trim().parse().map(Timezone).map_err(|_| {
            format!(
                "timezone `{name}` is not a time zone name: write one such as \"Europe/London\""
            )
        })
    }
}

/// `[people."Name"]`.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct PersonConfig {
    /// How the name sorts, when its last word is not the surname:
    /// "de la Cruz, Maria".
    #[serde(default)]
    pub sort_as: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
#[derive(Default)]
pub struct SearchConfig {
    /// Where the index goes, relative to the archive root; by default
    /// `.quorum/search-index/`, outside the published site.
    #[serde(default)]
    pub index_dir: Option<PathBuf>,
    /// The address of a `quorum serve` that answers this site's searches,
    /// for a site published as plain files: its search forms and links
    /// go there.
    #[serde(default)]
    pub server: Option<SearchServer>,
    /// `static = true`: also write a Pagefind bundle under `/pagefind/`,
    /// which the search page uses where no server answers.
    #[serde(default, rename = "static")]
    pub static_bundle: bool,
    /// Set (not read from the file) when the site is served by `quorum
    /// serve`, which answers searches itself: its pages keep their search
    /// on the site, so a preview searches what it shows.
    #[serde(skip)]
    pub answered_here: bool,
}

impl SearchConfig {
    /// Whether the site gets a static search bundle (`quorum serve`
    /// answers searches itself, and makes none).
    pub fn bundled(&self) -> bool {
        self.static_bundle && !self.answered_here
    }

    /// The search server the pages send their searches to, when it is
    /// elsewhere.
    pub fn elsewhere(&self) -> Option<&BaseUrl> {
        (self.server.as_ref())
            .filter(|_| !self.answered_here)
            .map(|s| &s.0)
    }
}

/// `[search] server`: an absolute http(s) address, as `base_url` is.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct SearchServer(pub BaseUrl);

impl TryFrom<String> for SearchServer {
    type Error = String;

    fn try_from(url: String) -> Result<SearchServer, String> {
        BaseUrl::parse(&url)
            .map(SearchServer)
            .map_err(|message| format!("[search] server {message}"))
    }
}

/// `[attachments]`: limits on reading the words of attached files (a
/// file over either is published, with a warning, but not searchable).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AttachmentsConfig {
    /// Files larger than this many megabytes are not read.
    #[serde(default = "default_text_max_mb")]
    pub text_max_mb: u64,
    /// Reading one file stops after this many seconds.
    #[serde(default = "default_text_max_seconds")]
    pub text_max_seconds: u64,
}

impl Default for AttachmentsConfig {
    fn default() -> Self {
        AttachmentsConfig {
            text_max_mb: default_text_max_mb(),
            text_max_seconds: default_text_max_seconds(),
        }
    }
}

/// The default size limit, in MB: council report packs run to tens of MB.
pub const DEFAULT_TEXT_MAX_MB: u64 = 100;
/// The default time limit per file, in seconds: a 300-page report reads in
/// about a second.
pub const DEFAULT_TEXT_MAX_SECONDS: u64 = 30;

fn default_text_max_mb() -> u64 {
    DEFAULT_TEXT_MAX_MB
}
fn default_text_max_seconds() -> u64 {
    DEFAULT_TEXT_MAX_SECONDS
}

fn default_theme() -> String {
    "default".into()
}
fn default_language() -> String {
    "en-GB".into()
}
fn default_timezone() -> Timezone {
    Timezone(chrono_tz::Europe::London)
}

const KEYS: &[&str] = &[
    "title",
    "base_url",
    "authority",
    "theme",
    "language",
    "topics",
    "search",
    "people",
    "trust_html",
    "timezone",
    "extra",
];

impl Config {
    /// Reads `quorum.toml` under `root`.
    pub fn load(root: &Path) -> Result<Config, Diagnostic> {
        let path = root.join(CONFIG_FILE);
        // As content is read: only a regular file, and not without end.
        let bytes = crate::source::read(&path, 1024 * 1024).map_err(|e| {
            let d = Diagnostic::error(CONFIG_FILE, format!("{CONFIG_FILE} {e}"));
            if matches!(&e, crate::source::SourceError::Io(io) if io.kind() == std::io::ErrorKind::NotFound) {
                d.with_hint(format!(
                    "run quorum in an archive folder, pass --root DIR, or create one with `quorum init DIR` (looked in {})",
                    root.display()
                ))
            } else {
                d
            }
        })?;
        let text = String::from_utf8(bytes).map_err(|_| {
            Diagnostic::error(CONFIG_FILE, format!("{CONFIG_FILE} is not UTF-8 text"))
                .with_hint("save it as UTF-8 in your editor")
        })?;
        Config::parse(&text)
    }

    /// Stands in for a quorum.toml with errors while the rest is checked;
    /// never used to write a site (the errors stop the build).
    pub fn fallback() -> Config {
        Config {
            title: "(quorum.toml has errors)".into(),
            base_url: None,
            authority: None,
            theme: default_theme(),
            language: default_language(),
            topics: BTreeMap::new(),
            search: SearchConfig::default(),
            attachments: AttachmentsConfig::default(),
            people: BTreeMap::new(),
            trust_html: false,
            timezone: default_timezone(),
            licence: None,
            licence_url: None,
            extra: toml::Table::new(),
            today: NaiveDate::default(),
        }
    }

    pub fn parse(text: &str) -> Result<Config, Diagnostic> {
        toml::from_str(text).map_err(|e| {
            let message = e.message().trim().to_owned();
            let mut d = Diagnostic::error(CONFIG_FILE, suggest::restate(&message));
            if let Some(span) = e.span() {
                d = d.at_offset(text, span.start);
            }
            if let Some(hint) = suggest::for_unknown_field(&message, KEYS) {
                d = d.with_hint(hint);
            } else if message.starts_with("base_url ") {
                d = d.with_hint("write it as e.g. base_url = \"https://minutes.example.org\"");
            } else if message.starts_with("[search] server ") {
                d = d.with_hint(
                    "write it as the address of the `quorum serve` that answers searches, \
                     e.g. server = \"https://search.example.org\"",
                );
            }
            d
        })
    }

    /// These settings with `base_url` given on the command line instead.
    pub fn with_base_url(mut self, url: &str) -> Result<Config, Diagnostic> {
        let base = BaseUrl::parse(url).map_err(|message| {
            Diagnostic::error("--base-url", format!("--base-url {message}"))
                .with_hint("give it as e.g. --base-url https://minutes.example.org")
        })?;
        self.base_url = Some(base);
        Ok(self)
    }

    /// The date it is now where the archive is, at `seconds` after
    /// 1970-01-01 UTC.
    pub fn date_at(&self, seconds: i64) -> Option<NaiveDate> {
        let utc = chrono::DateTime::from_timestamp(seconds, 0)?;
        Some(utc.with_timezone(&self.timezone.0).date_naive())
    }

    /// A warning for a site about to be published without `base_url`:
    /// its feeds and calendars then give addresses without the host (which
    /// readers cannot follow from a feed reader), and it has no sitemap.
    pub fn base_url_warning(&self) -> Option<Diagnostic> {
        if self.base_url.is_some() {
            return None;
        }
        Some(
            Diagnostic::warning(
                CONFIG_FILE,
                "base_url is not set, so the feeds and calendars link to pages without the \
                 site's address, and there is no sitemap.xml for search engines",
            )
            .with_hint(
                "add the address the site will be published at, e.g. \
                 base_url = \"https://minutes.example.org\", to quorum.toml (or pass --base-url)",
            ),
        )
    }

    /// Scheme and host of `base_url`, for absolute addresses; empty
    /// without one.
    pub fn origin(&self) -> &str {
        self.base_url.as_ref().map_or("", BaseUrl::origin)
    }

    /// The path prefix every root-relative URL gets, from `base_url`'s path,
    /// so the site can live in a sub-folder of a host.
    pub fn path_prefix(&self) -> String {
        self.base_url
            .as_ref()
            .map_or_else(String::new, |b| b.path().to_owned())
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_base_url_is_parsed_once_into_origin_and_path() {
        let b = BaseUrl::parse("https://x.org/minutes/").expect("valid");
        assert_eq!(
            (b.as_str(), b.origin(), b.path()),
            ("https://x.org/minutes", "https://x.org", "/minutes")
        );
        let root = BaseUrl::parse("http://x.org").expect("valid");
        assert_eq!((root.origin(), root.path()), ("http://x.org", ""));
        assert!(BaseUrl::parse("x.org").is_err());
        assert!(BaseUrl::parse("https://").is_err());
    }

    use super::*;

    #[test]
    fn minimal_config_gets_defaults() {
        let c = Config::parse("title = \"Minutes\"\n").unwrap();
        assert_eq!(c.theme, "default");
        assert_eq!(c.language, "en-GB");
        assert_eq!(c.path_prefix(), "");
    }

    #[test]
    fn unknown_key_is_an_error_with_a_suggestion() {
        let d = Config::parse("title = \"M\"\nlanguge = \"cy\"\n").unwrap_err();
        assert_eq!(d.line, Some(2));
        assert_eq!(d.message, "unknown key `languge`");
        assert_eq!(d.hint.as_deref(), Some("did you mean `language`?"));
    }

    #[test]
    fn the_time_zone_is_checked_and_gives_the_local_date() {
        let c = Config::parse("title = \"M\"\n").unwrap();
        assert_eq!(c.timezone.0, chrono_tz::Europe::London);
        // 2024-06-30 23:30 UTC is already 1 July in London (summer time).
        let late = 1_719_790_200;
        assert_eq!(c.date_at(late), NaiveDate::from_ymd_opt(2024, 7, 1));
        let c = Config::parse("title = \"M\"\ntimezone = \"America/New_York\"\n").unwrap();
        assert_eq!(c.date_at(late), NaiveDate::from_ymd_opt(2024, 6, 30));
        let e = Config::parse("title = \"M\"\ntimezone = \"Europe/Londn\"\n").unwrap_err();
        assert!(
            e.message.contains("`Europe/Londn` is not a time zone"),
            "{}",
            e.message
        );
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn base_url_path_becomes_prefix() {
        let c = Config::parse("title = \"M\"\nbase_url = \"https://x.org/minutes/\"\n").unwrap();
        assert_eq!(
            c.base_url.as_ref().map(BaseUrl::as_str),
            Some("https://x.org/minutes")
        );
        assert_eq!(c.path_prefix(), "/minutes");
    }

    #[test]
    fn a_command_line_base_url_is_checked_and_kept_as_given() {
        let c = Config::parse("title = \"Quote \\\" and \\u0007 bell\"\n").unwrap();
        let c = c.with_base_url("https://x.org/minutes/").unwrap();
        assert_eq!(
            c.base_url.as_ref().map(BaseUrl::as_str),
            Some("https://x.org/minutes")
        );
        assert_eq!(c.origin(), "https://x.org");
        assert_eq!(c.path_prefix(), "/minutes");
        let e = Config::fallback().with_base_url("x.org").unwrap_err();
        assert!(e.message.contains("--base-url `x.org`"), "{}", e.message);
    }
}
