//! A hit's passage: the stretch of its text where the query's words weigh
//! most, with them marked, as escaped HTML.
//!
//! tantivy's `SnippetGenerator` chooses the stretch (fragments of at most
//! [`PASSAGE_CHARS`], scored by the weights of the query's words in them),
//! one generator per place a passage may come from: an attached file's
//! text, the body (read from its file), the decisions, purpose and title.
//! What is Quorum's: the places, in order, the page of a file a passage is
//! on, and showing it from the start of its sentence.

use std::ops::Range;

use std::collections::BTreeMap;

use tantivy::query::Query;
use tantivy::schema::{Field, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Searcher, TantivyDocument, Term};

use super::SearchError;
use super::schema::{self, Fields};
use crate::load::body::{Bodies, Body};

/// A passage's length at most, in bytes as tantivy's generator counted
/// them (and in characters for the opening shown when there is none).
const PASSAGE_CHARS: usize = 220;

/// Where a passage may come from.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Place {
    /// The body, read from its file.
    Body,
    /// An attached file's words, stored with its pages' starts.
    FileText,
    /// A field stored in the index.
    Stored(Field),
}

/// What finds a passage in one place: a generator of the query's words
/// that may be found there, with their weights.
struct Finder {
    place: Place,
    generator: SnippetGenerator,
}

/// The passage finders of one query, for the places a passage may come
/// from, best first.
pub(super) struct Passages {
    finders: Vec<Finder>,
    bodies: Bodies,
}

impl Passages {
    pub(super) fn new(
        searcher: &Searcher,
        query: &dyn Query,
        f: &Fields,
        bodies: Bodies,
    ) -> Result<Passages, SearchError> {
        // The query's words and the field each was searched in; a phrase's
        // pairs and triples stand for their words (no word holds the
        // separator, so splitting a word leaves it whole).
        let mut words: Vec<(Field, String)> = Vec::new();
        query.query_terms(&mut |term, _| {
            let value = term.value();
            let Some(text) = value.as_str() else {
                return;
            };
            let field = if term.field() == f.pairs {
                f.text
            } else {
                term.field()
            };
            words.extend(
                text.split(schema::PAIR_SEPARATOR)
                    .map(|w| (field, w.to_owned())),
            );
        });
        // Each word is weighed once (rarer ones count more, as in tantivy's
        // own generator), not again for every place it may be found in.
        let mut weights: Vec<(Field, String, f32)> = Vec::with_capacity(words.len());
        for (field, word) in words {
            let freq = searcher.doc_freq(&Term::from_field_text(field, &word))?;
            if freq > 0 {
                weights.push((field, word, 1.0 / (1.0 + freq as f32)));
            }
        }
        let mut finders = Vec::new();
        for place in [
            Place::FileText,
            Place::Body,
            Place::Stored(f.decisions),
            Place::Stored(f.purpose),
            Place::Stored(f.title),
        ] {
            // Bare words are searched in `text`, which holds every field.
            let weights: BTreeMap<String, f32> = weights
                .iter()
                .filter(|(field, ..)| *field == f.text || Place::Stored(*field) == place)
                .map(|(_, word, weight)| (word.clone(), *weight))
                .collect();
            // A field with no word to find has no passage to offer, and
            // looking would mean analysing all its text.
            if weights.is_empty() {
                continue;
            }
            finders.push(Finder::new(place, weights));
        }
        Ok(Passages { finders, bodies })
    }

    /// The passage of the first place that has one, as HTML, with its
    /// page in an attached file; else the opening of the purpose, body or
    /// file.
    pub(super) fn best(&self, doc: &TantivyDocument, f: &Fields) -> Passage {
        // Read from its file only if a passage is looked for in it. A body
        // whose file is gone or changed since the index was built offers
        // none (until the next build); the hit still shows.
        let body = std::cell::OnceCell::new();
        let body = || {
            body.get_or_init(|| stored_body(doc, f).and_then(|b| self.bodies.text(&b).ok()))
                .as_deref()
        };
        let file_text = doc.get_first(f.file_text).and_then(|v| v.as_str());
        for finder in &self.finders {
            let stored;
            let text = match finder.place {
                Place::Body => match body() {
                    Some(text) => text,
                    None => continue,
                },
                Place::FileText => match file_text {
                    Some(text) => text,
                    None => continue,
                },
                Place::Stored(field) => {
                    stored = stored_text(doc, field);
                    stored.as_str()
                }
            };
            if let Some(found) = finder.find(text) {
                // The page of its first marked word (a passage may begin
                // on the page before).
                let first = found.marked.first().map_or(found.start, |w| w.start);
                let page = (finder.place == Place::FileText)
                    .then(|| page_at(doc, f, first))
                    .flatten();
                return Passage {
                    html: found.html(text),
                    page,
                };
            }
        }
        let purpose = doc.get_first(f.purpose).and_then(|v| v.as_str());
        let html = match (purpose.filter(|p| !p.is_empty()))
            .or_else(body)
            .or(file_text)
        {
            Some(text) if !text.is_empty() => escape(&opening(text, PASSAGE_CHARS)),
            _ => String::new(),
        };
        Passage { html, page: None }
    }
}

/// A hit's passage.
pub(super) struct Passage {
    /// As HTML: escaped, its words in `<mark>`.
    pub html: String,
    /// The page of an attached file it is on (1-based).
    pub page: Option<u32>,
}

/// The page (1-based) of an attached file's words that `offset` is on;
/// `None` for a file without pages (text, CSV).
fn page_at(doc: &TantivyDocument, f: &Fields, offset: usize) -> Option<u32> {
    let mut starts = (doc.get_all(f.page_starts))
        .filter_map(|v| v.as_u64())
        .peekable();
    starts.peek()?;
    let before = starts.take_while(|&start| start <= offset as u64).count();
    Some(u32::try_from(before.max(1)).unwrap_or(u32::MAX))
}

/// A passage: a stretch of the text and the words in it to mark (byte
/// ranges of the text).
struct Fragment {
    start: usize,
    end: usize,
    marked: Vec<Range<usize>>,
}

impl Fragment {
    /// Where the passage is shown from: after the last end of a sentence
    /// or clause before its first marked word (so that it reads from a
    /// beginning), else where it starts; and whether that is inside a
    /// sentence (shown with an ellipsis).
    fn shown_start(&self, text: &str) -> (usize, bool) {
        if self.start == 0 {
            return (0, false);
        }
        let first = self.marked.first().map_or(self.end, |w| w.start);
        let before = &text[self.start..first];
        let boundary = [". ", "? ", "! ", "; ", ": ", "\n"]
            .iter()
            .filter_map(|b| before.rfind(b).map(|i| i + b.len()))
            .max();
        match boundary {
            Some(i) => {
                let rest = &before[i..];
                (
                    self.start + i + (rest.len() - rest.trim_start().len()),
                    false,
                )
            }
            None => (self.start, true),
        }
    }

    /// The passage as HTML: escaped, its words in `<mark>`, from a
    /// sentence's beginning where it can be.
    fn html(&self, text: &str) -> String {
        let mut out = String::with_capacity(self.end - self.start + 32);
        let (mut at, inside) = self.shown_start(text);
        if inside {
            out.push('…');
        }
        for word in &self.marked {
            // (Words are marked in order and never overlap.)
            if word.start < at {
                continue;
            }
            out.push_str(&escape(&text[at..word.start]));
            out.push_str("<mark>");
            out.push_str(&escape(&text[word.clone()]));
            out.push_str("</mark>");
            at = word.end;
        }
        out.push_str(&escape(&text[at..self.end]));
        out
    }
}

impl Finder {
    /// Finds `weights`' words in the place as the stemmed analyzer reads
    /// its text.
    fn new(place: Place, weights: BTreeMap<String, f32>) -> Finder {
        let analyzer = schema::passage_analyzer(weights.keys().map(String::as_str));
        // (The field is only for a generator that reads documents.)
        let field = Field::from_field_id(0);
        let generator = SnippetGenerator::new(weights, analyzer, field, PASSAGE_CHARS);
        Finder { place, generator }
    }

    /// The best passage of `text`, if any of the words is in it.
    fn find(&self, text: &str) -> Option<Fragment> {
        let snippet = self.generator.snippet(text);
        if snippet.is_empty() {
            return None;
        }
        let range = snippet.fragment_range();
        let marked = (snippet.highlighted().iter())
            .map(|word| range.start + word.start..range.start + word.end)
            .collect();
        Some(Fragment {
            start: range.start,
            end: range.end,
            marked,
        })
    }
}

/// A stored field's values, one after another (as tantivy's generator
/// joins them).
fn stored_text(doc: &TantivyDocument, field: Field) -> String {
    let mut text = String::new();
    for value in doc.get_all(field).filter_map(|v| v.as_str()) {
        text.push(' ');
        text.push_str(value);
    }
    text.trim().to_owned()
}

/// Where the body of an index document is, as its build found it.
fn stored_body(doc: &TantivyDocument, f: &Fields) -> Option<Body> {
    let number = |field: Field| doc.get_first(field).and_then(|v| v.as_u64());
    Some(Body {
        source: Some(doc.get_first(f.body_source)?.as_str()?.to_owned()),
        offset: usize::try_from(number(f.body_offset)?).ok()?,
        fingerprint: number(f.body_fingerprint)?,
        ..Body::default()
    })
}

fn opening(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    match cut.rfind(' ') {
        Some(i) => format!("{}…", &cut[..i]),
        None => format!("{cut}…"),
    }
}

/// HTML-escapes `s`, folding line breaks into spaces (a passage is one
/// line).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Texts with the words at the start, at the end, across several
    /// fragments and tied between them.
    const TEXTS: &[&str] = &[
        "Fostering allowances were reviewed. The panel noted that fostering \
         households in rural wards had fallen, and asked for a report on \
         recruitment of foster carers, with figures for each ward, by March.",
        "Budget monitoring: the children's services budget is forecast to \
         overspend by 2.1m, mainly on placements. Members asked how the \
         overspend on placements compares with last year's. The director \
         explained that placements for children in care cost more each year; \
         a recovery plan for the budget was agreed, and the budget will be \
         reported again in June. Placements! Placements? Budget.",
        "Nothing here is about the words looked for, for several sentences, \
         and so the passage must come from far further on, after a long \
         stretch of text that fills more than one fragment of two hundred and \
         twenty bytes: only then does the caf\u{e9} d\u{e9}cor of the Ofsted \
         inspection appear, twice: Ofsted.",
        "Ofsted visited the service in May and found that it requires \
         improvement in several areas, which the panel discussed at some \
         length before agreeing a plan of action with the director and the \
         lead member and the chair of the board. Ofsted will visit again \
         within the year to check.",
        "",
        "Ofsted",
        "Dying skies, early \u{c9}tudes: the \u{e9}tude was dying early under skies.",
    ];

    #[test]
    fn blanking_words_that_cannot_match_leaves_the_passage_as_it_was() {
        // Irregular stems ("dying" -> "die", "skies" -> "sky"), capitals
        // and accents among the words looked for.
        let term_sets: &[&[(&str, f32)]] = &[
            &[("foster", 0.5)],
            &[("budget", 0.2), ("placement", 0.3), ("overspend", 0.25)],
            &[("ofst", 1.0), ("cafe", 0.1), ("decor", 0.1)],
            &[("children", 0.5), ("in", 0.01), ("care", 0.2)],
            &[("die", 0.5), ("sky", 0.5), ("earli", 0.5), ("etud", 0.5)],
            &[("absent", 1.0)],
        ];
        for terms in term_sets {
            let weights: BTreeMap<String, f32> =
                terms.iter().map(|(w, s)| (w.to_string(), *s)).collect();
            let every_word = SnippetGenerator::new(
                weights.clone(),
                schema::stemmed_analyzer(),
                Field::from_field_id(0),
                PASSAGE_CHARS,
            );
            let finder = Finder::new(Place::Body, weights.clone());
            for text in TEXTS {
                let (ours, theirs) = (finder.generator.snippet(text), every_word.snippet(text));
                assert_eq!(
                    ours.fragment_range(),
                    theirs.fragment_range(),
                    "{terms:?} {text}"
                );
                assert_eq!(ours.highlighted(), theirs.highlighted(), "{terms:?} {text}");
            }
        }
    }

    #[test]
    fn a_passage_is_escaped_with_its_words_marked() {
        let text = "Grants & <b>payments</b>: \"payments\" were made.";
        let finder = Finder::new(Place::Body, [("payment".to_owned(), 1.0)].into());
        let found = finder.find(text).expect("a passage");
        assert_eq!(
            found.html(text),
            "Grants &amp; &lt;b&gt;<mark>payments</mark>&lt;/b&gt;: \
             &quot;<mark>payments</mark>&quot; were made"
        );
    }

    #[test]
    fn a_passage_is_shown_from_the_start_of_its_sentence() {
        let finder = Finder::new(Place::Body, [("ofst".to_owned(), 1.0)].into());
        let long = "The panel met in the spring and heard from many officers about \
                    budgets, buildings and the roads, at great length and in detail, \
                    with questions from members on each point, and answers from the \
                    director, the treasurer, the head of legal services and the chief \
                    executive, who spoke last. Then Ofsted was discussed; the inspection went well.";
        let found = finder.find(long).expect("a passage");
        assert!(found.start > 0, "the passage starts inside the text");
        assert!(
            found
                .html(long)
                .starts_with("Then <mark>Ofsted</mark> was discussed"),
            "{}",
            found.html(long)
        );
        // With no boundary before the word, an ellipsis says it is cut.
        let run_on = "word ".repeat(60) + "Ofsted";
        let found = finder.find(&run_on).expect("a passage");
        assert!(
            found.html(&run_on).starts_with('…'),
            "{}",
            found.html(&run_on)
        );
    }
}
