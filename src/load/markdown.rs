//! Markdown bodies to HTML (and plain text for search) in one pass.
//!
//! `@/` links are rewritten to page URLs here and recorded, so the resolve
//! stage can check each one against the archive and report its line.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::urls::{self, ContentPath};

/// A body, rendered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rendered {
    pub html: String,
    /// The text without markup, for search and summaries.
    pub text: String,
    /// Anchor ids of the headings, in order.
    pub anchors: Vec<String>,
    /// `@/` references found in links, for validation.
    pub references: Vec<Reference>,
    /// Whether the body holds raw HTML (which is then cleaned).
    pub raw_html: bool,
}

/// One `@/path#anchor` link in a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The path under `content/`.
    pub target: String,
    pub anchor: Option<String>,
    /// Byte offset of the link in the body.
    pub offset: usize,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// How a body's HTML is written.
pub struct Html<'a> {
    /// The site's path prefix, for rewritten `@/` links.
    pub prefix: &'a str,
    /// `@/` links to these content paths go to the URLs given (pages
    /// published away from their path's URL).
    pub moved: &'a FxHashMap<String, String>,
    /// Content paths withheld from this build: an `@/` link to one is
    /// written as its words alone (resolve warns about it).
    pub withheld: &'a FxHashSet<String>,
    /// Raw HTML is kept as written (`trust_html`), not cleaned.
    pub trusted: bool,
}

impl<'a> Html<'a> {
    /// Cleaned HTML with links under `prefix`: nothing moved, nothing
    /// withheld.
    pub fn clean(prefix: &'a str) -> Html<'a> {
        static NOTHING_MOVED: std::sync::LazyLock<FxHashMap<String, String>> =
            std::sync::LazyLock::new(FxHashMap::default);
        static NOTHING_WITHHELD: std::sync::LazyLock<FxHashSet<String>> =
            std::sync::LazyLock::new(FxHashSet::default);
        Html {
            prefix,
            moved: &NOTHING_MOVED,
            withheld: &NOTHING_WITHHELD,
            trusted: false,
        }
    }
}

/// Renders `body`. `prefix` is the site's path prefix for rewritten links;
/// `top_level` is the heading level the body's largest heading becomes, so
/// that it nests under the page's own headings whatever level the clerk
/// started at (and the page keeps a single h1). Raw HTML is cleaned.
pub fn render(body: &str, prefix: &str, top_level: u8) -> Rendered {
    render_linked(body, top_level, &Html::clean(prefix))
}

/// As [`render`], written as `html` says.
pub fn render_linked(body: &str, top_level: u8, html: &Html) -> Rendered {
    let (mut out, events) = walk(body, top_level, html, true);
    html::push_html(&mut out.html, events.into_iter());
    if out.raw_html && !html.trusted {
        out.html = sanitize(&out.html);
    }
    out
}

/// Raw HTML a clerk wrote (or pasted) into Markdown, made safe to publish:
/// scripts, styles, event handlers, forms and `javascript:` addresses go,
/// ordinary markup stays. Only a body that holds raw HTML pays for it;
/// the rest is Markdown that pulldown-cmark writes safely itself.
fn sanitize(html: &str) -> String {
    static CLEANER: std::sync::OnceLock<ammonia::Builder<'static>> = std::sync::OnceLock::new();
    CLEANER
        .get_or_init(|| {
            let mut cleaner = ammonia::Builder::default();
            cleaner
                // Pages link as the theme does; `rel` is the theme's call.
                .link_rel(None)
                // Heading anchors, footnotes and table alignment, as
                // pulldown-cmark writes them.
                .add_generic_attributes(["id", "class"])
                .add_tag_attributes("th", ["style"])
                .add_tag_attributes("td", ["style"])
                .filter_style_properties(["text-align"].into());
            cleaner
        })
        .clean(html)
        .to_string()
}

/// What loading needs of a body, its anchors and `@/` references, without
/// the HTML and plain text, which pages and the index make again from the
/// file when they need them.
pub fn scan(body: &str, prefix: &str, top_level: u8) -> Rendered {
    walk(body, top_level, &Html::clean(prefix), false).0
}

/// One pass over `body`: its anchors and references, and with `full` its
/// plain text and the events to make its HTML from.
fn walk<'a>(body: &'a str, top_level: u8, html: &Html, full: bool) -> (Rendered, Vec<Event<'a>>) {
    let mut out = Rendered::default();
    // Inside a link to withheld content, written as its words alone.
    let mut dropping_link = false;
    let mut events: Vec<Event> = Vec::new();
    let shift = top_level.saturating_sub(largest_heading(body));
    // The open heading: where its start event is, and its explicit id.
    let mut heading: Option<(usize, Option<CowStr>)> = None;
    let mut heading_text = String::new();
    let mut anchors = Anchors::default();

    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match event {
            // Attributes beyond an id and classes (`{onfocus=...}`) could
            // carry script past the cleaning of raw HTML: they are dropped.
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs: _,
            }) => {
                heading = Some((events.len(), id.clone()));
                heading_text.clear();
                if full {
                    let level = shifted(level, shift);
                    events.push(Event::Start(Tag::Heading {
                        level,
                        id,
                        classes,
                        attrs: Vec::new(),
                    }));
                }
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some((start, explicit)) = heading.take() {
                    let anchor = anchors.unique(&heading_text, explicit);
                    out.anchors.push(anchor.clone());
                    if let Some(Event::Start(Tag::Heading { id, .. })) = events.get_mut(start) {
                        *id = Some(CowStr::from(anchor));
                    }
                }
                if full {
                    push_text_break(&mut out.text);
                    events.push(Event::End(TagEnd::Heading(shifted(level, shift))));
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let recorded = out.references.len();
                let dest_url = rewrite_link(
                    &dest_url,
                    html.prefix,
                    html.moved,
                    range.start,
                    &mut out.references,
                )
                .map_or(dest_url, CowStr::from);
                // An `@/` link (just recorded) to withheld content.
                dropping_link = out.references[recorded..]
                    .first()
                    .is_some_and(|r| html.withheld.contains(r.target.trim_start_matches('/')));
                if full && !dropping_link {
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            Event::End(TagEnd::Link) if dropping_link => dropping_link = false,
            other => {
                if matches!(other, Event::Html(_) | Event::InlineHtml(_)) {
                    out.raw_html = true;
                }
                if let (Some(_), Event::Text(t) | Event::Code(t)) = (&heading, &other) {
                    heading_text.push_str(t);
                }
                if full {
                    add_text(&mut out.text, &other);
                    events.push(other);
                }
            }
        }
    }
    let trimmed = out.text.trim_end().len();
    out.text.truncate(trimmed);
    (out, events)
}

/// The plain text of `body`, as [`render`] gives it, without making HTML:
/// what the search index needs, at a fraction of the cost.
pub fn text(body: &str) -> String {
    let mut text = String::with_capacity(body.len());
    for event in Parser::new_ext(body, options()) {
        add_text(&mut text, &event);
    }
    let trimmed = text.trim_end().len();
    text.truncate(trimmed);
    text
}

/// What `event` adds to a body's plain text.
fn add_text(text: &mut String, event: &Event) {
    match event {
        Event::Text(t) | Event::Code(t) => text.push_str(t),
        Event::SoftBreak | Event::HardBreak => text.push(' '),
        Event::End(TagEnd::Heading(_) | TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
            push_text_break(text)
        }
        _ => {}
    }
}

/// Renders a one-paragraph field (a purpose, a decision) inline: emphasis
/// and links, without the wrapping `<p>`.
pub fn render_inline(text: &str, html: &Html) -> String {
    let rendered = render_linked(text, 6, html);
    let html = rendered.html.trim();
    match html
        .strip_prefix("<p>")
        .and_then(|h| h.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_owned(),
        _ => html.to_owned(),
    }
}

/// The plain text of a short Markdown field (for meta descriptions, feeds).
pub fn plain_text(text: &str) -> String {
    render(text, "", 6).text
}

fn push_text_break(text: &mut String) {
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
}

/// The level (1-6) of the largest heading in `body`; 6 when it has none.
fn largest_heading(body: &str) -> u8 {
    // Cheap pre-check: most bodies have no `#` at a line start at all.
    if !body.lines().any(|l| l.trim_start().starts_with('#'))
        && !body.contains("\n---")
        && !body.contains("\n===")
    {
        return 6;
    }
    Parser::new_ext(body, options())
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { level, .. }) => Some(level as u8),
            _ => None,
        })
        .min()
        .unwrap_or(6)
}

fn shifted(level: HeadingLevel, by: u8) -> HeadingLevel {
    HeadingLevel::try_from((level as usize + by as usize).min(6)).unwrap_or(HeadingLevel::H6)
}

/// The anchors already given on a page, kept so that making one more
/// unique costs constant time: a `Vec` scan per heading made N identical
/// headings cubic (thousands of them took minutes).
#[derive(Debug, Default)]
struct Anchors {
    taken: FxHashSet<String>,
    /// Per slug, the smallest suffix not yet tried. Anchors are never
    /// given back, so every smaller suffix is known to be taken.
    next_suffix: FxHashMap<String, usize>,
}

impl Anchors {
    /// An explicit `{#id}` wins; otherwise the slugified text, made unique
    /// in the page with the first free numeric suffix (`intro`, `intro-1`).
    fn unique(&mut self, text: &str, explicit: Option<CowStr>) -> String {
        if let Some(id) = explicit {
            self.taken.insert(id.to_string());
            return id.to_string();
        }
        let base = match urls::slugify(text) {
            s if s.is_empty() => "section".to_owned(),
            s => s,
        };
        if self.taken.insert(base.clone()) {
            return base;
        }
        let n = self.next_suffix.entry(base.clone()).or_insert(1);
        let mut candidate = format!("{base}-{n}");
        while self.taken.contains(&candidate) {
            *n += 1;
            candidate = format!("{base}-{n}");
        }
        *n += 1;
        self.taken.insert(candidate.clone());
        candidate
    }
}

/// `@/path#anchor` -> the page URL; anything else is left alone.
fn rewrite_link(
    dest: &str,
    prefix: &str,
    moved: &FxHashMap<String, String>,
    offset: usize,
    references: &mut Vec<Reference>,
) -> Option<String> {
    let rest = dest.strip_prefix("@/")?;
    let (path, anchor) = match rest.split_once('#') {
        Some((p, a)) => (p, Some(a.to_owned())),
        None => (rest, None),
    };
    references.push(Reference {
        target: path.to_owned(),
        anchor: anchor.clone(),
        offset,
    });
    // An unclassifiable target is reported by resolve; the link keeps a
    // harmless placeholder meanwhile.
    let url = match moved.get(path.trim_start_matches('/')) {
        Some(url) => url.clone(),
        None => ContentPath::classify(path).ok()?.url(),
    };
    Some(match anchor {
        Some(a) => format!("{prefix}{url}#{a}"),
        None => format!("{prefix}{url}"),
    })
}

/// Whether a link in rendered output leaves the site.
pub fn is_external(href: &str) -> bool {
    href.contains("://") || href.starts_with("mailto:") || href.starts_with("tel:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_to_withheld_content_keep_their_words_only() {
        let mut withheld = FxHashSet::default();
        withheld.insert("c/2024-01-01/02-secret.md".to_owned());
        let html = Html {
            withheld: &withheld,
            ..Html::clean("")
        };
        let r = render_linked(
            "See [the plan](@/c/2024-01-01/02-secret.md#x) now.",
            3,
            &html,
        );
        assert_eq!(r.html.trim(), "<p>See the plan now.</p>");
        let r = render_linked("[it](@/c/2024-01-01/01-open.md)", 3, &html);
        assert!(r.html.contains("<a href="), "{}", r.html);
    }

    #[test]
    fn heading_attributes_other_than_id_and_class_are_dropped() {
        let r = render("## Budget {#plan .wide onfocus=alert(1) tabindex=0}", "", 3);
        assert!(
            !r.html.contains("onfocus") && !r.html.contains("tabindex"),
            "{}",
            r.html
        );
        assert!(r.html.contains("id=\"plan\""), "{}", r.html);
    }

    #[test]
    fn renders_extensions() {
        let r = render(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ \"quoted\"[^1]\n\n[^1]: note\n",
            "",
            2,
        );
        assert!(r.html.contains("<table>"), "{}", r.html);
        assert!(r.html.contains("<del>old</del>"), "{}", r.html);
        assert!(r.html.contains("“quoted”"), "{}", r.html);
        assert!(r.html.contains("footnote"), "{}", r.html);
    }

    #[test]
    fn headings_get_unique_anchors_and_are_demoted_under_h1() {
        let r = render("# Intro\n\n## Intro\n\ntext\n", "", 2);
        assert_eq!(r.anchors, ["intro", "intro-1"]);
        assert!(r.html.contains("<h2 id=\"intro\">Intro</h2>"), "{}", r.html);
        assert!(r.html.contains("<h3 id=\"intro-1\">"), "{}", r.html);
        let r = render("### Deep\n\n#### Deeper\n", "", 3);
        assert!(r.html.contains("<h3 id=\"deep\">"), "{}", r.html);
        let r = render("## Two\n", "", 3);
        assert!(r.html.contains("<h3 id=\"two\">"), "{}", r.html);
    }

    /// The anchors the quadratic scan gave, which pages and links rely on.
    fn anchors_as_before(headings: &[(&str, Option<&str>)]) -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        for (text, explicit) in headings {
            if let Some(id) = explicit {
                seen.push(id.to_string());
                continue;
            }
            let base = match urls::slugify(text) {
                s if s.is_empty() => "section".to_owned(),
                s => s,
            };
            let mut candidate = base.clone();
            let mut n = 1;
            while seen.contains(&candidate) {
                candidate = format!("{base}-{n}");
                n += 1;
            }
            seen.push(candidate);
        }
        seen
    }

    #[test]
    fn unique_anchors_are_those_of_before() {
        let headings: &[(&str, Option<&str>)] = &[
            ("Intro", None),
            ("Intro 1", None),
            ("Intro", None),
            ("Intro", None),
            ("", None),
            ("?", None),
            ("Budget", Some("intro-3")),
            ("Intro", None),
            ("Intro 1", None),
            ("Budget", Some("budget")),
            ("Budget", None),
            ("Intro", Some("intro")),
            ("Intro", None),
        ];
        let mut anchors = Anchors::default();
        let given: Vec<String> = headings
            .iter()
            .map(|(text, explicit)| anchors.unique(text, explicit.map(CowStr::from)))
            .collect();
        assert_eq!(given, anchors_as_before(headings));
    }

    #[test]
    fn at_links_are_rewritten_and_recorded() {
        let body = "See [the update](@/rcc/2017-12-07/05-update.md#budget).\n";
        let r = render(body, "/minutes", 2);
        assert!(
            r.html
                .contains("href=\"/minutes/rcc/2017-12-07/update/#budget\""),
            "{}",
            r.html
        );
        assert_eq!(r.references.len(), 1);
        assert_eq!(r.references[0].target, "rcc/2017-12-07/05-update.md");
        assert_eq!(r.references[0].anchor.as_deref(), Some("budget"));
        assert_eq!(r.references[0].offset, 4);
    }

    #[test]
    fn plain_text_drops_markup() {
        let r = render(
            "Some **bold** and [a link](https://x.org).\n\n- one\n- two\n",
            "",
            2,
        );
        assert_eq!(r.text, "Some bold and a link.\none\ntwo");
    }

    #[test]
    fn a_scan_finds_what_a_render_finds_without_making_html_or_text() {
        let body = "# Budget {#money}\n\n## Budget\n\nSee [the plan](@/rcc/2017-12-07/05-update.md#budget).\n";
        let full = render(body, "/m", 3);
        assert!(!full.html.is_empty() && !full.text.is_empty());
        assert_eq!(
            scan(body, "/m", 3),
            Rendered {
                html: String::new(),
                text: String::new(),
                ..full
            }
        );
    }

    #[test]
    fn text_alone_matches_the_text_of_a_full_render() {
        let body = "# Budget\n\nSome **bold**, `code` and [a link](@/x.md).\nNext line  \nhard.\n\n\
                    | a | b |\n|---|---|\n| 1 | 2 |\n\n- one\n- two\n\n> quoted\n";
        assert_eq!(text(body), render(body, "", 2).text);
    }

    #[test]
    fn inline_render_drops_paragraph() {
        assert_eq!(
            render_inline("To *note* it", &Html::clean("")),
            "To <em>note</em> it"
        );
    }
}
