//! The index schema and its text analysis.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};

/// Stemmed English, lower-cased, accents and typographic quotes folded.
pub const STEMMED: &str = "quorum_en";
/// The same without stemming: the real words, for spelling suggestions.
pub const PLAIN: &str = "quorum_plain";

/// Every field of the index, by role.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// "item", "document", "meeting"
    pub kind: Field,
    pub url: Field,
    pub title: Field,
    pub purpose: Field,
    pub body: Field,
    pub decisions: Field,
    pub actions: Field,
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

/// Text fields a bare word is looked up in, with their weight.
pub fn default_fields(f: &Fields) -> [(Field, f32); 8] {
    [
        (f.title, 3.0),
        (f.decisions, 2.0),
        (f.purpose, 2.0),
        (f.topic, 1.5),
        (f.body, 1.0),
        (f.actions, 1.0),
        (f.committee, 0.5),
        (f.person, 0.5),
    ]
}

pub fn build() -> (Schema, Fields) {
    let mut s = Schema::builder();
    let text = |stored: bool| {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(STEMMED)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let options = TextOptions::default().set_indexing_options(indexing);
        if stored {
            options.set_stored()
        } else {
            options
        }
    };
    let spelling = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(PLAIN)
            .set_index_option(IndexRecordOption::Basic),
    );
    let fields = Fields {
        kind: s.add_text_field("kind", STRING | STORED | FAST),
        url: s.add_text_field("url", STRING | STORED),
        title: s.add_text_field("title", text(true)),
        purpose: s.add_text_field("purpose", text(true)),
        body: s.add_text_field("body", text(true)),
        decisions: s.add_text_field("decisions", text(true)),
        actions: s.add_text_field("actions", text(false)),
        committee: s.add_text_field("committee", text(false)),
        committee_slug: s.add_text_field("committee_slug", STRING | STORED),
        topic: s.add_text_field("topic", text(false)),
        topic_slug: s.add_text_field("topic_slug", STRING),
        person: s.add_text_field("person", text(false)),
        person_slug: s.add_text_field("person_slug", STRING),
        date: s.add_i64_field("date", INDEXED | FAST),
        date_iso: s.add_text_field("date_iso", STORED),
        facets: s.add_facet_field("facets", tantivy::schema::FacetOptions::default()),
        topics_display: s.add_text_field("topics_display", STORED),
        committee_display: s.add_text_field("committee_display", STORED),
        spelling: s.add_text_field("spelling", spelling),
    };
    (s.build(), fields)
}

pub fn fields(schema: &Schema) -> tantivy::Result<Fields> {
    let f = |name: &str| schema.get_field(name);
    Ok(Fields {
        kind: f("kind")?,
        url: f("url")?,
        title: f("title")?,
        purpose: f("purpose")?,
        body: f("body")?,
        decisions: f("decisions")?,
        actions: f("actions")?,
        committee: f("committee")?,
        committee_slug: f("committee_slug")?,
        topic: f("topic")?,
        topic_slug: f("topic_slug")?,
        person: f("person")?,
        person_slug: f("person_slug")?,
        date: f("date")?,
        date_iso: f("date_iso")?,
        facets: f("facets")?,
        topics_display: f("topics_display")?,
        committee_display: f("committee_display")?,
        spelling: f("spelling")?,
    })
}

pub fn stemmed_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

pub fn plain_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Registers the analyzers on an index (needed after every open).
pub fn register(index: &tantivy::Index) {
    index.tokenizers().register(STEMMED, stemmed_analyzer());
    index.tokenizers().register(PLAIN, plain_analyzer());
}

/// The tokens `text` analyses to.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(t) = stream.next() {
        out.push(t.text.clone());
    }
    out
}
