//! The index schema and its text analysis.

use rustc_hash::FxHashMap as HashMap;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
    TextAnalyzerBuilder, Token, TokenFilter, TokenStream, Tokenizer,
};

/// Stemmed English, lower-cased, accents and typographic quotes folded.
/// (The names of the stemmed analyzers change with what they make, so
/// that an index an older Quorum wrote is refused: "_v2" keeps the
/// endings of [`ANOTHER_MEANING`].)
pub const STEMMED: &str = "quorum_en_v2";
/// The same without stemming: the real words, for spelling suggestions.
pub const PLAIN: &str = "quorum_plain";
/// Stemmed words paired with the word after them, for phrases.
pub const PAIRS: &str = "quorum_pairs_v2";
/// The `text` field's: stemmed words, and each [connective triple] as one
/// more term.
///
/// [connective triple]: is_connective_triple
pub const TEXT: &str = "quorum_text_v2";

/// The date field's name (fast-field columns are opened by name).
pub const DATE: &str = "date";

/// The facet field's name (facet readers are opened by name).
pub const FACETS: &str = "facets";

/// Every field of the index, by role.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// "item", "document", "meeting"
    pub kind: Field,
    pub url: Field,
    /// Every word of a page, where bare words and phrases are looked up:
    /// one field, instead of a union over eight, keeps a query that matches
    /// most of the archive within milliseconds (one posting list to walk,
    /// one phrase to check per match). Each three words joined by a stop
    /// word ("children in care") are one more term here, so that the
    /// commonest shape of quoted phrase needs no positions checked. They
    /// count in a document's length, which BM25 weighs word scores by;
    /// as about one term in seven everywhere, they barely move a ranking,
    /// where a field of their own (its own analyzer pass over every text)
    /// took a 100k-item build's peak memory from 0.86 to 1.15 GB.
    pub text: Field,
    /// Every pair of adjacent words in `text`, with positions: a phrase is
    /// looked up as its word pairs, each far rarer in a document than its
    /// commonest word (the word "in" occurs some twenty times in an item,
    /// "children in" once or twice), so checking positions stays cheap.
    pub pairs: Field,
    pub title: Field,
    /// Stored for snippets; their words are searched through `text`.
    pub purpose: Field,
    pub decisions: Field,
    /// Where the body is (its file under `content/`, byte offset and
    /// fingerprint, as in [`crate::load::body::Body`]): snippets read it from
    /// there, which keeps the index to a fraction of the content's size.
    pub body_source: Field,
    pub body_offset: Field,
    pub body_fingerprint: Field,
    /// An attached file's words, stored for its passage (a file's text,
    /// unlike a body's, has no Markdown file to be read again from), and
    /// where each of its pages starts in them (byte offsets).
    pub file_text: Field,
    pub page_starts: Field,
    /// The agenda item an attached file belongs to: its title and URL.
    pub parent_title: Field,
    pub parent_url: Field,
    /// Committee name (text) and slug (exact).
    pub committee: Field,
    pub committee_slug: Field,
    /// Canonical topic names with their aliases (text) and slugs (exact).
    pub topic: Field,
    pub topic_slug: Field,
    pub person: Field,
    pub person_slug: Field,
    /// yyyymmdd, for ranges and newest-first sorting.
    pub date: Field,
    pub date_iso: Field,
    /// /committee/<slug>, /topic/<slug>, /year/<yyyy>, /kind/<kind>
    pub facets: Field,
    /// Display data for hits (topics, committee name), stored only.
    pub topics_display: Field,
    pub committee_display: Field,
    /// All words unstemmed, for typo fallback.
    pub spelling: Field,
}

/// Endings that make another word, and the ending its stem keeps: the
/// English stemmer folds *careful*, *carefully*, *carefulness* into
/// *care* (and *handfuls* into *hand*), but a search for *care* is not one
/// for *carefully*. Here they stem to *careful* (and *handful*), in the
/// index and in every query alike, so that words, phrases, `title:`
/// searches and the words marked in passages all tell them apart. (It
/// leaves *less* alone: *useless* and *careless* keep it already.)
/// Longest first.
const ANOTHER_MEANING: &[(&str, &str)] = &[
    ("fulness", "ful"),
    ("fully", "ful"),
    ("fuls", "ful"),
    ("ful", "ful"),
];

/// The English stem of `word` (lower-cased and folded), keeping an ending
/// of [`ANOTHER_MEANING`] on the stem of what comes before it.
pub fn english_stem(word: &str) -> String {
    for (ending, kept) in ANOTHER_MEANING {
        // "bless" and "less" are words of their own, not endings.
        if let Some(base) = word.strip_suffix(ending)
            && base.len() >= 2
        {
            return format!("{}{kept}", english().stem(base));
        }
    }
    english().stem(word).into_owned()
}

/// The title's own score's weight beside `text`'s, for bare words.
pub const TITLE_BOOST: f32 = 2.0;

/// The weight of a word found among an item's topics (names and aliases).
pub const TOPIC_BOOST: f32 = 2.0;

/// The weight of a word found in the form it was typed in (unstemmed).
pub const EXACT_BOOST: f32 = 0.5;

pub fn build() -> (Schema, Fields) {
    let mut s = Schema::builder();
    let indexed = |tokenizer: &str, record: IndexRecordOption| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(record),
        )
    };
    // Scoped words and phrases (`title:`, `topic:`...) are looked up in
    // these small fields directly, with positions.
    let scoped = indexed(STEMMED, IndexRecordOption::WithFreqsAndPositions);
    let fields = Fields {
        kind: s.add_text_field("kind", STRING | STORED | FAST),
        url: s.add_text_field("url", STRING | STORED),
        text: s.add_text_field("text", indexed(TEXT, IndexRecordOption::WithFreqs)),
        pairs: s.add_text_field(
            "pairs",
            indexed(PAIRS, IndexRecordOption::WithFreqsAndPositions),
        ),
        title: s.add_text_field("title", scoped.clone().set_stored()),
        purpose: s.add_text_field("purpose", STORED),
        body_source: s.add_text_field("body_source", STORED),
        body_offset: s.add_u64_field("body_offset", STORED),
        body_fingerprint: s.add_u64_field("body_fingerprint", STORED),
        decisions: s.add_text_field("decisions", STORED),
        file_text: s.add_text_field(FILE_TEXT, STORED),
        page_starts: s.add_u64_field("page_starts", STORED),
        parent_title: s.add_text_field("parent_title", STORED),
        parent_url: s.add_text_field("parent_url", STORED),
        committee: s.add_text_field("committee", scoped.clone()),
        committee_slug: s.add_text_field("committee_slug", STRING | STORED),
        topic: s.add_text_field("topic", scoped.clone()),
        topic_slug: s.add_text_field("topic_slug", STRING),
        person: s.add_text_field("person", scoped.clone()),
        person_slug: s.add_text_field("person_slug", STRING),
        date: s.add_i64_field(DATE, INDEXED | FAST),
        date_iso: s.add_text_field("date_iso", STORED),
        facets: s.add_facet_field(FACETS, tantivy::schema::FacetOptions::default()),
        topics_display: s.add_text_field("topics_display", STORED),
        committee_display: s.add_text_field("committee_display", STORED),
        spelling: s.add_text_field("spelling", indexed(PLAIN, IndexRecordOption::Basic)),
    };
    (s.build(), fields)
}

/// Whether an index's schema is the one this version writes (see
/// [`super::index::open`]).
pub fn is_current(schema: &Schema) -> bool {
    let text_analyzer = schema
        .get_field("text")
        .ok()
        .and_then(|f| match schema.get_field_entry(f).field_type() {
            tantivy::schema::FieldType::Str(options) => options.get_indexing_options(),
            _ => None,
        })
        .map(|indexing| indexing.tokenizer());
    text_analyzer == Some(TEXT) && schema.get_field(FILE_TEXT).is_ok()
}

/// The newest field: an index without it was written by an older Quorum.
const FILE_TEXT: &str = "file_text";

pub fn fields(schema: &Schema) -> tantivy::Result<Fields> {
    let f = |name: &str| schema.get_field(name);
    Ok(Fields {
        kind: f("kind")?,
        url: f("url")?,
        text: f("text")?,
        pairs: f("pairs")?,
        title: f("title")?,
        purpose: f("purpose")?,
        body_source: f("body_source")?,
        body_offset: f("body_offset")?,
        body_fingerprint: f("body_fingerprint")?,
        decisions: f("decisions")?,
        file_text: f(FILE_TEXT)?,
        page_starts: f("page_starts")?,
        parent_title: f("parent_title")?,
        parent_url: f("parent_url")?,
        committee: f("committee")?,
        committee_slug: f("committee_slug")?,
        topic: f("topic")?,
        topic_slug: f("topic_slug")?,
        person: f("person")?,
        person_slug: f("person_slug")?,
        date: f(DATE)?,
        date_iso: f("date_iso")?,
        facets: f(FACETS)?,
        topics_display: f("topics_display")?,
        committee_display: f("committee_display")?,
        spelling: f("spelling")?,
    })
}

/// The longest word the analyzers keep, in bytes (less than this; see
/// `RemoveLongFilter`).
const MAX_WORD_BYTES: usize = 40;

/// Words lower-cased and folded to ASCII (the plain analyzer), which the
/// others build on: tantivy's chain. (A fused tokenizer doing the same in
/// one pass saved 5% of a 1,000-item build's instructions: not worth an
/// engine of our own.)
fn folded_words() -> TextAnalyzerBuilder<impl Tokenizer> {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
}

/// The stemmed analyzer as a passage reads a text for `terms`: the words
/// that cannot stem to one of them are blanked (see [`FirstLetters`]).
pub fn passage_analyzer<'t>(terms: impl IntoIterator<Item = &'t str>) -> TextAnalyzer {
    folded_words()
        .filter(FirstLetters::of(terms))
        .filter(CachedEnglishStemmer)
        .build()
}

/// Blanks each word that cannot stem to one of a set of terms, before it
/// is stemmed: English stemming alters only endings, so a word whose
/// first letter (folded) begins none of the terms never matches one. Most
/// words of a passage's text are such words; blanked, they still count
/// where tantivy's snippet generator measures its fragments, so the
/// passage is the one the plain analyzer gives (a test checks it). At
/// 100,000 items it took the latency benchmark's p50 from 2.88 ms (every
/// word stemmed) to 2.39-2.55 ms.
#[derive(Clone)]
pub struct FirstLetters {
    /// By ASCII byte: whether a term begins with it. A word beginning
    /// with any other character is always stemmed.
    letters: [bool; 128],
}

impl FirstLetters {
    pub fn of<'t>(terms: impl IntoIterator<Item = &'t str>) -> FirstLetters {
        let mut letters = [false; 128];
        for first in terms.into_iter().filter_map(|t| t.bytes().next()) {
            if first.is_ascii() {
                letters[usize::from(first)] = true;
            }
        }
        FirstLetters { letters }
    }
}

impl TokenFilter for FirstLetters {
    type Tokenizer<T: Tokenizer> = FirstLettersFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> FirstLettersFilter<T> {
        FirstLettersFilter {
            tokenizer,
            letters: self.letters,
        }
    }
}

#[derive(Clone)]
pub struct FirstLettersFilter<T> {
    tokenizer: T,
    letters: [bool; 128],
}

impl<T: Tokenizer> Tokenizer for FirstLettersFilter<T> {
    type TokenStream<'a> = FirstLettersStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        FirstLettersStream {
            tail: self.tokenizer.token_stream(text),
            letters: self.letters,
        }
    }
}

pub struct FirstLettersStream<S> {
    tail: S,
    letters: [bool; 128],
}

impl<S: TokenStream> TokenStream for FirstLettersStream<S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(&first) = token.text.as_bytes().first()
            && first.is_ascii()
            && !self.letters[usize::from(first)]
        {
            token.text.clear();
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

pub fn stemmed_analyzer() -> TextAnalyzer {
    folded_words().filter(CachedEnglishStemmer).build()
}

/// The stemmed words and, after the last word of each connective triple,
/// that triple as one term.
pub fn text_analyzer() -> TextAnalyzer {
    folded_words()
        .filter(CachedEnglishStemmer)
        .filter(ConnectiveTriples)
        .build()
}

/// The stemmed analyzer's words, each joined to the next as "a b" at the
/// first one's position.
pub fn pairs_analyzer() -> TextAnalyzer {
    folded_words()
        .filter(CachedEnglishStemmer)
        .filter(WordPairs)
        .build()
}

/// Joins each word to the next one, where they are adjacent (a word
/// dropped as too long leaves a gap no pair spans).
#[derive(Clone)]
pub struct WordPairs;

impl TokenFilter for WordPairs {
    type Tokenizer<T: Tokenizer> = WordPairsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> WordPairsFilter<T> {
        WordPairsFilter { tokenizer }
    }
}

#[derive(Clone)]
pub struct WordPairsFilter<T> {
    tokenizer: T,
}

impl<T: Tokenizer> Tokenizer for WordPairsFilter<T> {
    type TokenStream<'a> = WordPairsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        WordPairsStream {
            tail: self.tokenizer.token_stream(text),
            previous: Token::default(),
            pair: Token::default(),
            started: false,
        }
    }
}

pub struct WordPairsStream<S> {
    tail: S,
    previous: Token,
    pair: Token,
    started: bool,
}

impl<S: TokenStream> TokenStream for WordPairsStream<S> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            let word = self.tail.token();
            let adjacent = self.started && word.position == self.previous.position + 1;
            if adjacent {
                self.pair.text.clear();
                push_pair(&mut self.pair.text, &self.previous.text, &word.text);
                self.pair.position = self.previous.position;
                self.pair.offset_from = self.previous.offset_from;
                self.pair.offset_to = word.offset_to;
                self.pair.position_length = 1;
            }
            self.previous.clone_from(word);
            self.started = true;
            if adjacent {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        &self.pair
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.pair
    }
}

/// Between the two words of a pair (no word holds a space).
pub const PAIR_SEPARATOR: char = ' ';

/// Appends the `pairs` term of `first` followed by `second`: how the index
/// writes a pair and a phrase looks one up.
pub fn push_pair(out: &mut String, first: &str, second: &str) {
    out.push_str(first);
    out.push(PAIR_SEPARATOR);
    out.push_str(second);
}

/// Whether a stem is one of the English stop words (Lucene's classic
/// list): the words that occur in nearly every item, so that phrases
/// through them are the costly ones to check by position. The list is part
/// of what [`TEXT`] means: changing it needs a new analyzer name, so that
/// indexes written with the old list are refused.
pub fn is_stop_word(stem: &str) -> bool {
    matches!(
        stem,
        "a" | "an"
            | "and"
            | "are"
            | "as"
            | "at"
            | "be"
            | "but"
            | "by"
            | "for"
            | "if"
            | "in"
            | "into"
            | "is"
            | "it"
            | "no"
            | "not"
            | "of"
            | "on"
            | "or"
            | "such"
            | "that"
            | "the"
            | "their"
            | "then"
            | "there"
            | "these"
            | "they"
            | "this"
            | "to"
            | "was"
            | "will"
            | "with"
    )
}

/// Whether three adjacent stems make a connective triple: a stop word
/// between two others ("children in care", "head of service"). Such a
/// phrase is two pairs that each occur in most items, and its positions
/// were the slowest thing a query checked; as one term it is a posting
/// list like any word's. Triples with a stop word at either end are
/// left out: they are the commonest ("out of the") and the index would
/// grow by far more than they are worth as phrases.
pub fn is_connective_triple(first: &str, middle: &str, last: &str) -> bool {
    is_stop_word(middle) && !is_stop_word(first) && !is_stop_word(last)
}

/// Appends the `text` term of a connective triple: how the index writes
/// it and a phrase looks it up.
pub fn push_triple(out: &mut String, first: &str, middle: &str, last: &str) {
    push_pair(out, first, middle);
    out.push(PAIR_SEPARATOR);
    out.push_str(last);
}

/// Adds each connective triple as a term after its last word.
#[derive(Clone)]
pub struct ConnectiveTriples;

impl TokenFilter for ConnectiveTriples {
    type Tokenizer<T: Tokenizer> = ConnectiveTriplesFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> ConnectiveTriplesFilter<T> {
        ConnectiveTriplesFilter { tokenizer }
    }
}

#[derive(Clone)]
pub struct ConnectiveTriplesFilter<T> {
    tokenizer: T,
}

impl<T: Tokenizer> Tokenizer for ConnectiveTriplesFilter<T> {
    type TokenStream<'a> = ConnectiveTriplesStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        ConnectiveTriplesStream {
            tail: self.tokenizer.token_stream(text),
            before: [Token::default(), Token::default()],
            seen: 0,
            triple: Token::default(),
            triple_next: false,
            at_triple: false,
        }
    }
}

pub struct ConnectiveTriplesStream<S> {
    tail: S,
    /// The two words before the current one (`seen` of them so far).
    before: [Token; 2],
    seen: usize,
    triple: Token,
    /// A triple was completed by the current word and comes next.
    triple_next: bool,
    /// The stream stands on `triple` rather than on a word.
    at_triple: bool,
}

impl<S: TokenStream> TokenStream for ConnectiveTriplesStream<S> {
    fn advance(&mut self) -> bool {
        if std::mem::take(&mut self.triple_next) {
            self.at_triple = true;
            return true;
        }
        self.at_triple = false;
        if !self.tail.advance() {
            return false;
        }
        let word = self.tail.token();
        let [first, middle] = &self.before;
        if self.seen == 2
            && middle.position + 1 == word.position
            && first.position + 1 == middle.position
            && is_connective_triple(&first.text, &middle.text, &word.text)
        {
            self.triple.text.clear();
            push_triple(&mut self.triple.text, &first.text, &middle.text, &word.text);
            self.triple.position = first.position;
            self.triple.offset_from = first.offset_from;
            self.triple.offset_to = word.offset_to;
            self.triple.position_length = 1;
            self.triple_next = true;
        }
        self.before.swap(0, 1);
        self.before[1].clone_from(word);
        self.seen = (self.seen + 1).min(2);
        true
    }

    fn token(&self) -> &Token {
        if self.at_triple {
            &self.triple
        } else {
            self.tail.token()
        }
    }

    fn token_mut(&mut self) -> &mut Token {
        if self.at_triple {
            &mut self.triple
        } else {
            self.tail.token_mut()
        }
    }
}

/// English stemming ([`english_stem`]: tantivy's `Stemmer`'s Snowball
/// algorithm, but for the endings of another meaning) with a cache of the
/// words already stemmed. Minutes reuse a small
/// vocabulary, and stemming each occurrence afresh was the largest cost
/// of building the index.
#[derive(Clone)]
pub struct CachedEnglishStemmer;

/// Words cached per analyzer before the cache starts afresh, so memory
/// stays bounded on any archive.
const STEM_CACHE_WORDS: usize = 200_000;

impl TokenFilter for CachedEnglishStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            tokenizer,
            cache: HashMap::default(),
        }
    }
}

pub struct CachedStemmerFilter<T> {
    tokenizer: T,
    cache: HashMap<String, String>,
}

impl<T: Clone> Clone for CachedStemmerFilter<T> {
    fn clone(&self) -> Self {
        // Each clone (one per indexing thread) keeps its own cache.
        CachedStemmerFilter {
            tokenizer: self.tokenizer.clone(),
            cache: HashMap::default(),
        }
    }
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        if self.cache.len() > STEM_CACHE_WORDS {
            self.cache.clear();
        }
        CachedStemmerStream {
            tail: self.tokenizer.token_stream(text),
            cache: &mut self.cache,
        }
    }
}

pub struct CachedStemmerStream<'a, S> {
    tail: S,
    cache: &'a mut HashMap<String, String>,
}

fn english() -> &'static rust_stemmers::Stemmer {
    static ENGLISH: std::sync::OnceLock<rust_stemmers::Stemmer> = std::sync::OnceLock::new();
    ENGLISH.get_or_init(|| rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English))
}

impl<S: TokenStream> TokenStream for CachedStemmerStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        // (A snippet's analyzer blanks most words before they get here.)
        if token.text.is_empty() {
            return true;
        }
        let stem = match self.cache.get(token.text.as_str()) {
            Some(stem) => stem,
            None => {
                let stem = english_stem(&token.text);
                self.cache.entry(token.text.clone()).or_insert(stem)
            }
        };
        if *stem != token.text {
            token.text.clear();
            token.text.push_str(stem);
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

pub fn plain_analyzer() -> TextAnalyzer {
    folded_words().build()
}

/// Registers the analyzers on an index (needed after every open).
pub fn register(index: &tantivy::Index) {
    index.tokenizers().register(STEMMED, stemmed_analyzer());
    index.tokenizers().register(TEXT, text_analyzer());
    index.tokenizers().register(PLAIN, plain_analyzer());
    index.tokenizers().register(PAIRS, pairs_analyzer());
}

/// The tokens `text` analyses to.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    positioned_tokens(analyzer, text)
        .into_iter()
        .map(|(_, t)| t)
        .collect()
}

/// The tokens `text` analyses to, with their positions (a word dropped as
/// too long leaves a gap).
pub fn positioned_tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(t) = stream.next() {
        out.push((t.position, t.text.clone()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endings_that_make_another_word_keep_their_own_stem() {
        let stems = tokens(
            &mut stemmed_analyzer(),
            "care cares caring cared careful carefully carefulness careless \
             use useless uselessly bless less unless helpfully handfuls handful hand",
        );
        assert_eq!(
            stems,
            [
                "care", "care", "care", "care", "careful", "careful", "careful", "careless", "use",
                "useless", "useless", "bless", "less", "unless", "helpful", "handful", "handful",
                "hand"
            ]
        );
    }

    #[test]
    fn folded_words_fold_and_count_as_the_chain_does() {
        let long = "x".repeat(MAX_WORD_BYTES);
        let text =
            format!("Caf\u{e9} STRASSE Stra\u{df}e {long} \u{130}stanbul na\u{ef}ve \u{fb01}nance");
        let words = positioned_tokens(&mut plain_analyzer(), &text);
        let expected = [
            (0, "cafe"),
            (1, "strasse"),
            (2, "strasse"),
            (4, "i\u{307}stanbul"),
            (5, "naive"),
            (6, "finance"),
        ]
        .map(|(position, word)| (position, word.to_owned()));
        assert_eq!(words, expected);
    }

    #[test]
    fn the_text_analyzer_adds_each_connective_triple_after_its_words() {
        let text = "Children in care, and the head of services' plans; \
                    cost of aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa living";
        let mut stemmed = tokens(&mut stemmed_analyzer(), text);
        let mut expected: Vec<String> = Vec::new();
        for word in stemmed.drain(..) {
            let after = match word.as_str() {
                "care" => Some("children in care"),
                "servic" => Some("head of servic"),
                _ => None,
            };
            expected.push(word);
            expected.extend(after.map(str::to_owned));
        }
        // "care and the" and "and the head" have a stop word at an end;
        // "cost of living" has a dropped word in its middle.
        assert_eq!(tokens(&mut text_analyzer(), text), expected);
    }

    #[test]
    fn stop_words_are_their_own_stems() {
        // Triples are recognised after stemming, so every stop word must
        // still be itself there.
        let stop_words = "a an and are as at be but by for if in into is it no not of on \
                          or such that the their then there these they this to was will with";
        let stems = tokens(&mut stemmed_analyzer(), stop_words);
        assert_eq!(stems.len(), 33);
        for stem in stems {
            assert!(is_stop_word(&stem), "{stem}");
        }
    }

    #[test]
    fn the_cached_stemmer_stems_as_tantivy_does_but_for_endings_of_another_meaning() {
        use tantivy::tokenizer::{Language, Stemmer};
        let mut reference = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::English))
            .build();
        let text = "Inspections inspected; the Fostering service's carers fostered \
                    children. Inspections again: caf\u{e9} d\u{e9}cor, generously, skies, dying.";
        let mut cached = stemmed_analyzer();
        // Twice through the same analyzer: the second pass is all hits.
        assert_eq!(tokens(&mut cached, text), tokens(&mut reference, text));
        assert_eq!(tokens(&mut cached, text), tokens(&mut reference, text));
    }
}
