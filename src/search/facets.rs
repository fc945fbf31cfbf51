//! Counting a query's matches and their facets (committee, topic, year,
//! kind), as a collector beside tantivy's `TopDocs` in one pass.
//!
//! Each segment's facets are laid out per document once, when the index is
//! opened: counting a match is then a few array reads. tantivy's
//! `FacetCollector` looks every match up in a multi-valued column and maps
//! it through the facet tree, which was most of a broad query's time at
//! 100,000 items; and it counts one facet root at a time, where a results
//! page shows four. The test below checks both count the same.

use std::sync::Arc;

use rustc_hash::FxHashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::index::SegmentId;
use tantivy::schema::Facet;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// One segment's facets, by document.
#[derive(Debug)]
pub struct DocTable {
    segment: SegmentId,
    /// (root, value) of each facet ordinal, e.g. ("topic", "fostering").
    names: Vec<(String, String)>,
    /// Document `d`'s facet ordinals are `ords[starts[d]..starts[d + 1]]`.
    starts: Vec<u32>,
    ords: Vec<u32>,
}

impl DocTable {
    pub fn build(reader: &SegmentReader, field: &str) -> tantivy::Result<DocTable> {
        let facets = reader.facet_reader(field)?;
        let mut names = Vec::with_capacity(facets.num_facets());
        let mut facet = Facet::root();
        for ord in 0..facets.num_facets() as u64 {
            facets.facet_from_ord(ord, &mut facet)?;
            let path = facet.to_path();
            let (root, value) = match path.as_slice() {
                [root, value, ..] => (root.to_string(), value.to_string()),
                [root] => (root.to_string(), String::new()),
                [] => (String::new(), String::new()),
            };
            names.push((root, value));
        }
        let mut starts = Vec::with_capacity(reader.max_doc() as usize + 1);
        let mut ords = Vec::new();
        starts.push(0);
        for doc in 0..reader.max_doc() {
            ords.extend(facets.facet_ords(doc).map(|o| o as u32));
            starts.push(ords.len() as u32);
        }
        Ok(DocTable {
            segment: reader.segment_id(),
            names,
            starts,
            ords,
        })
    }
}

/// What a query matched: how many documents, and how many per facet.
#[derive(Debug, Default)]
pub struct MatchCounts {
    pub total: usize,
    /// (root, value) -> documents, e.g. ("year", "2017") -> 12.
    pub facets: FxHashMap<(String, String), u64>,
}

impl MatchCounts {
    /// The values under `root` with their counts.
    pub fn under<'a>(&'a self, root: &'a str) -> impl Iterator<Item = (&'a str, u64)> + 'a {
        self.facets
            .iter()
            .filter(move |((r, _), _)| r == root)
            .map(|((_, value), &count)| (value.as_str(), count))
    }
}

/// One segment's counts: its table, its matches, and its matches per facet
/// ordinal.
pub type SegmentCounts = (Arc<DocTable>, usize, Vec<u32>);

/// Counts matches and facets, using the tables laid out when the index was
/// opened (a segment without one gets its table built on the spot).
pub struct FacetCounter<'a> {
    pub tables: &'a [Arc<DocTable>],
    /// The facet field, for a segment without a table.
    pub field: &'a str,
}

pub struct SegmentCounter {
    table: Arc<DocTable>,
    total: usize,
    /// Matches per facet ordinal.
    counts: Vec<u32>,
}

impl Collector for FacetCounter<'_> {
    type Fruit = MatchCounts;
    type Child = SegmentCounter;

    fn for_segment(
        &self,
        _ordinal: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentCounter> {
        let table = match self
            .tables
            .iter()
            .find(|t| t.segment == reader.segment_id())
        {
            Some(t) => Arc::clone(t),
            None => Arc::new(DocTable::build(reader, self.field)?),
        };
        let facets = table.names.len();
        Ok(SegmentCounter {
            table,
            total: 0,
            counts: vec![0; facets],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<SegmentCounts>) -> tantivy::Result<MatchCounts> {
        let mut merged = MatchCounts::default();
        for (table, total, counts) in fruits {
            merged.total += total;
            for (name, count) in table.names.iter().zip(counts) {
                // Names are cloned once, not once per segment.
                match merged.facets.get_mut(name) {
                    Some(sum) => *sum += u64::from(count),
                    None if count > 0 => {
                        merged.facets.insert(name.clone(), u64::from(count));
                    }
                    None => {}
                }
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for SegmentCounter {
    type Fruit = SegmentCounts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.collect_block(&[doc]);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        self.total += docs.len();
        let t = &*self.table;
        for &doc in docs {
            let (start, end) = (t.starts[doc as usize], t.starts[doc as usize + 1]);
            for &ord in &t.ords[start as usize..end as usize] {
                self.counts[ord as usize] += 1;
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        (self.table, self.total, self.counts)
    }
}

/// Every segment's table, as the tests of counting build them.
#[cfg(test)]
pub(crate) fn tables(searcher: &tantivy::Searcher) -> Vec<Arc<DocTable>> {
    searcher
        .segment_readers()
        .iter()
        .map(|r| Arc::new(DocTable::build(r, "facets").expect("a facets field")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Count, FacetCollector};
    use tantivy::query::AllQuery;
    use tantivy::schema::{FacetOptions, STRING, Schema};
    use tantivy::{Index, IndexWriter, TantivyDocument, Term};

    #[test]
    fn counts_what_tantivys_facet_collector_counts_and_skips_deleted_documents() {
        let mut schema = Schema::builder();
        let facets = schema.add_facet_field("facets", FacetOptions::default());
        let id = schema.add_text_field("id", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for (n, (topic, year)) in [("a", "2020"), ("b", "2020"), ("a", "2021"), ("a", "2019")]
            .iter()
            .enumerate()
        {
            let mut d = TantivyDocument::default();
            d.add_text(id, n.to_string());
            d.add_facet(facets, Facet::from_path(["topic", topic]));
            d.add_facet(facets, Facet::from_path(["year", year]));
            writer.add_document(d).unwrap();
            // Two segments, so that tables are found per segment.
            if n == 1 {
                writer.commit().unwrap();
            }
        }
        writer.delete_term(Term::from_field_text(id, "3"));
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let tables = tables(&searcher);
        let counter = FacetCounter {
            tables: &tables,
            field: "facets",
        };
        let ours = searcher.search(&AllQuery, &counter).unwrap();
        let mut theirs = FacetCollector::for_field("facets");
        theirs.add_facet("/topic");
        theirs.add_facet("/year");
        let (total, theirs) = searcher.search(&AllQuery, &(Count, theirs)).unwrap();
        assert_eq!(ours.total, total);
        assert_eq!(ours.total, 3);
        for root in ["topic", "year"] {
            let mut expected: Vec<(String, u64)> = theirs
                .get(&format!("/{root}"))
                .map(|(f, c)| (f.to_path().last().unwrap().to_string(), c))
                .collect();
            let mut got: Vec<(String, u64)> =
                ours.under(root).map(|(v, c)| (v.to_owned(), c)).collect();
            expected.sort();
            got.sort();
            assert_eq!(got, expected, "{root}");
        }
        assert_eq!(ours.facets.get(&("year".into(), "2019".into())), None);
    }
}
