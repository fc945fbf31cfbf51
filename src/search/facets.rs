//! Counting a query's matches and their facets (committee, topic, year,
//! kind), in the pass `scan` makes over them.
//!
//! Each segment's facets (and dates, for newest-first order) are laid out
//! per document once, when the index is opened: counting a match is then a
//! few array reads. tantivy's `FacetCollector` looks every match up in a
//! multi-valued column and maps it through the facet tree, which was most
//! of a broad query's time at 100,000 items.
//!
//! A query that matches most of a segment (on a large archive, most words
//! do) counts the documents it does not match instead, and subtracts their
//! facets from totals kept per stretch of documents.

use std::sync::Arc;

use rustc_hash::FxHashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::index::SegmentId;
use tantivy::schema::Facet;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// One segment's facets and dates, by document.
#[derive(Debug)]
pub struct DocTable {
    segment: SegmentId,
    /// Each document's date (i64::MIN if it has none).
    dates: Vec<i64>,
    /// (root, value) of each facet ordinal, e.g. ("topic", "fostering").
    names: Vec<(String, String)>,
    /// Document `d`'s facet ordinals are `ords[starts[d]..starts[d + 1]]`.
    starts: Vec<u32>,
    ords: Vec<u32>,
    /// Facet counts of all documents before each stretch boundary (and
    /// before `max_doc`): `names.len()` counts per boundary.
    totals: Vec<u32>,
}

/// Documents per stretch that `DocTable` keeps facet totals for; ranges
/// counted by complement start and end on a multiple of it (or at the
/// segment's end).
pub const STRETCH: u32 = 4096;

impl DocTable {
    pub fn build(reader: &SegmentReader, field: &str, date: &str) -> tantivy::Result<DocTable> {
        let column = reader.fast_fields().i64(date)?;
        let dates = (0..reader.max_doc())
            .map(|doc| column.first(doc).unwrap_or(i64::MIN))
            .collect();
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
        let mut running = vec![0u32; names.len()];
        let mut totals = running.clone();
        for doc in 0..reader.max_doc() {
            if doc > 0 && doc % STRETCH == 0 {
                totals.extend_from_slice(&running);
            }
            let first = ords.len();
            ords.extend(facets.facet_ords(doc).map(|o| o as u32));
            for &ord in &ords[first..] {
                running[ord as usize] += 1;
            }
            starts.push(ords.len() as u32);
        }
        totals.extend_from_slice(&running);
        Ok(DocTable {
            segment: reader.segment_id(),
            dates,
            names,
            starts,
            ords,
            totals,
        })
    }
}

impl DocTable {
    pub fn date(&self, doc: DocId) -> i64 {
        self.dates[doc as usize]
    }

    /// Facet counts of every document before `boundary`, a multiple of
    /// [`STRETCH`] or the segment's end.
    fn totals_before(&self, boundary: DocId) -> &[u32] {
        let n = self.names.len();
        let at = boundary.div_ceil(STRETCH) as usize * n;
        &self.totals[at..at + n]
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
pub type SegmentCounts = (Arc<DocTable>, usize, Vec<u64>);

/// Counts matches and facets, using the tables laid out when the index was
/// opened (a segment without one gets its table built on the spot).
pub struct FacetCounter<'a> {
    pub tables: &'a [Arc<DocTable>],
    /// The facet and date fields, for a segment without a table.
    pub field: &'a str,
    pub date: &'a str,
}

/// Counts kept per facet: consecutive documents add to different copies,
/// so that the few counts most matches share ("kind: item", this year)
/// are not each waiting on the previous addition to them.
const LANES: usize = 4;

pub struct SegmentCounter {
    table: Arc<DocTable>,
    total: usize,
    /// Facet `o`'s count is the sum of `counts[o * LANES..][..LANES]`.
    counts: Vec<u32>,
    /// Documents counted as not matching, laid out as `counts`...
    others: Vec<u32>,
    /// ...in the stretches counted by complement, whose totals these are:
    /// a facet's matches there are its total less its other documents.
    stretch_totals: Vec<u32>,
}

impl SegmentCounter {
    /// Counts the matches of `stretch` (from a stretch boundary to the next
    /// or to the segment's end) by complement: the documents that do not
    /// match (or are deleted) go to `collect_others`, and the number of
    /// matches to `add_matches`.
    fn count_by_complement(&mut self, stretch: Stretch) {
        let t = &*self.table;
        let (before, upto) = (t.totals_before(stretch.start), t.totals_before(stretch.end));
        for ((sum, b), u) in self.stretch_totals.iter_mut().zip(before).zip(upto) {
            *sum += u - b;
        }
    }

    fn collect_others(&mut self, docs: &[DocId]) {
        count(&self.table, &mut self.others, docs);
    }

    fn add_matches(&mut self, n: usize) {
        self.total += n;
    }
}

impl FacetCounter<'_> {
    /// A counter for the documents of segment `ord` from a stretch
    /// boundary up to `end`, as a scorer that expects `estimate` matches
    /// in the segment offers them.
    pub fn for_range(
        &self,
        ord: SegmentOrdinal,
        reader: &SegmentReader,
        end: DocId,
        estimate: u32,
    ) -> tantivy::Result<RangeCounter> {
        Ok(RangeCounter {
            counter: self.for_segment(ord, reader)?,
            block: [0; BLOCK],
            filled: 0,
            stretch: None,
            next: 0,
            matches: 0,
            dense: 2 * u64::from(estimate) > u64::from(reader.max_doc()),
            end,
        })
    }
}

/// Documents handed to the counter at once.
const BLOCK: usize = 64;

/// Counts a range's matches a stretch at a time: the matches of a stretch
/// where few match, else its other documents (by complement). Each stretch
/// goes the way the last one with a match would have been cheaper; the
/// first, as the scorer's estimate of its matches says.
pub struct RangeCounter {
    counter: SegmentCounter,
    block: [DocId; BLOCK],
    filled: usize,
    /// The stretch being counted, if any.
    stretch: Option<Stretch>,
    /// Next document of a stretch counted by complement not yet handed on.
    next: DocId,
    /// Matches in the stretch so far.
    matches: usize,
    /// Whether more than half of the last stretch matched.
    dense: bool,
    end: DocId,
}

#[derive(Debug, Clone, Copy)]
struct Stretch {
    start: DocId,
    end: DocId,
    by_complement: bool,
}

impl RangeCounter {
    /// Offers the scorer's next document (in order): a match, if alive.
    #[inline]
    pub fn offer(&mut self, doc: DocId, is_alive: bool) {
        // Where most documents match, most are the one after the last:
        // counted, with nothing to hand on.
        if let Some(Stretch {
            end,
            by_complement: true,
            ..
        }) = self.stretch
            && doc == self.next
            && doc < end
            && is_alive
        {
            self.next += 1;
            self.matches += 1;
            return;
        }
        self.offer_slowly(doc, is_alive);
    }

    fn offer_slowly(&mut self, doc: DocId, is_alive: bool) {
        let stretch = match self.stretch {
            Some(s) if doc < s.end => s,
            _ => self.start_stretch(doc),
        };
        if stretch.by_complement {
            for other in self.next..doc {
                self.push(other);
            }
            self.next = doc + 1;
        }
        if is_alive {
            self.matches += 1;
        }
        if is_alive != stretch.by_complement {
            self.push(doc);
        }
    }

    pub fn date(&self, doc: DocId) -> i64 {
        self.counter.table.date(doc)
    }

    pub fn harvest(mut self) -> SegmentCounts {
        self.finish_stretch();
        self.counter.harvest()
    }

    /// Completes the stretch being counted and starts the one `doc` is in.
    fn start_stretch(&mut self, doc: DocId) -> Stretch {
        self.finish_stretch();
        let start = doc - doc % STRETCH;
        let stretch = Stretch {
            start,
            end: (start + STRETCH).min(self.end),
            by_complement: self.dense,
        };
        if stretch.by_complement {
            self.counter.count_by_complement(stretch);
        }
        self.stretch = Some(stretch);
        self.next = start;
        stretch
    }

    fn finish_stretch(&mut self) {
        let Some(stretch) = self.stretch else {
            return;
        };
        if stretch.by_complement {
            for other in self.next..stretch.end {
                self.push(other);
            }
            self.counter.add_matches(self.matches);
        }
        self.flush();
        self.dense = 2 * self.matches > (stretch.end - stretch.start) as usize;
        self.matches = 0;
        self.stretch = None;
    }

    fn push(&mut self, doc: DocId) {
        self.block[self.filled] = doc;
        self.filled += 1;
        if self.filled == BLOCK {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let docs = &self.block[..self.filled];
        match self.stretch {
            Some(Stretch {
                by_complement: true,
                ..
            }) => self.counter.collect_others(docs),
            _ => self.counter.collect_block(docs),
        }
        self.filled = 0;
    }
}

/// Adds the facets of `docs` to `counts` (`LANES` per facet).
fn count(t: &DocTable, counts: &mut [u32], docs: &[DocId]) {
    for (i, &doc) in docs.iter().enumerate() {
        let lane = i % LANES;
        let (start, end) = (t.starts[doc as usize], t.starts[doc as usize + 1]);
        for &ord in &t.ords[start as usize..end as usize] {
            counts[ord as usize * LANES + lane] += 1;
        }
    }
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
            None => Arc::new(DocTable::build(reader, self.field, self.date)?),
        };
        let facets = table.names.len();
        Ok(SegmentCounter {
            table,
            total: 0,
            counts: vec![0; facets * LANES],
            others: vec![0; facets * LANES],
            stretch_totals: vec![0; facets],
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
                    Some(sum) => *sum += count,
                    None if count > 0 => {
                        merged.facets.insert(name.clone(), count);
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
        count(&self.table, &mut self.counts, docs);
    }

    fn harvest(self) -> Self::Fruit {
        let sum = |lanes: &[u32]| lanes.iter().map(|&c| u64::from(c)).sum::<u64>();
        let counts = self
            .counts
            .chunks_exact(LANES)
            .zip(self.others.chunks_exact(LANES))
            .zip(&self.stretch_totals)
            .map(|((counted, others), &total)| sum(counted) + u64::from(total) - sum(others))
            .collect();
        (self.table, self.total, counts)
    }
}

/// Every segment's table, as the tests of counting build them.
#[cfg(test)]
pub(crate) fn tables(searcher: &tantivy::Searcher) -> Vec<Arc<DocTable>> {
    searcher
        .segment_readers()
        .iter()
        .map(|r| Arc::new(DocTable::build(r, "facets", "date").expect("a facets and a date field")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Count, FacetCollector};
    use tantivy::query::AllQuery;
    use tantivy::schema::{FAST, FacetOptions, STRING, Schema};
    use tantivy::{Index, IndexWriter, TantivyDocument, Term};

    #[test]
    fn counts_what_tantivys_facet_collector_counts_and_skips_deleted_documents() {
        let mut schema = Schema::builder();
        let facets = schema.add_facet_field("facets", FacetOptions::default());
        let id = schema.add_text_field("id", STRING);
        schema.add_i64_field("date", FAST);
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
            date: "date",
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
