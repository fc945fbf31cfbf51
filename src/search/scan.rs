//! One pass over every match of a query: its counts and facets, and the
//! top hits by score or by date, with the documents split into ranges that
//! the threads share.
//!
//! Counting has to visit every match, and a phrase or a conjunction has to
//! be checked at each; scoring a match in that same pass, instead of
//! finding the top hits in a second one, does that work once. Ranges of one
//! segment let both cores share it even when the index is a single segment.

use std::cmp::Ordering;
use std::ops::Range;

use rayon::prelude::*;
use tantivy::collector::Collector;
use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::{DocAddress, DocId, DocSet, Searcher, SegmentOrdinal, SegmentReader, TERMINATED};

use super::facets::{FacetCounter, MatchCounts, STRETCH, SegmentCounts};

/// What orders the hits kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rank {
    /// Highest score first.
    Score,
    /// Newest first (ties: the earlier document first).
    Date,
    /// Oldest first (ties likewise).
    OldestFirst,
}

/// A query's matches: how many, per facet, and the best `keep` of them.
pub struct Scanned {
    pub counts: MatchCounts,
    /// Best first: (score, or 0 when ranked by date; address).
    pub top: Vec<(f32, DocAddress)>,
}

/// Segments smaller than this are not split: a range's setup (a scorer, a
/// facet counter) would cost more than it saves.
const MIN_RANGE_DOCS: u32 = 8_192;

pub fn scan(
    searcher: &Searcher,
    query: &dyn Query,
    counter: &FacetCounter<'_>,
    rank: Rank,
    keep: usize,
) -> tantivy::Result<Scanned> {
    let scoring = match rank {
        Rank::Score => EnableScoring::enabled_from_searcher(searcher),
        Rank::Date | Rank::OldestFirst => EnableScoring::disabled_from_searcher(searcher),
    };
    let weight = query.weight(scoring)?;
    // The work is all CPU: ranges for the cores, not for every thread of
    // the pool.
    let threads = crate::cores() as u32;
    let tasks: Vec<(SegmentOrdinal, &SegmentReader, Range<DocId>)> = searcher
        .segment_readers()
        .iter()
        .enumerate()
        .flat_map(|(ord, reader)| {
            let docs = reader.max_doc();
            let parts = (docs / MIN_RANGE_DOCS).clamp(1, threads);
            // Ranges start on stretch boundaries, where the facet table
            // keeps totals (see `facets::STRETCH`).
            let step = docs.div_ceil(parts).next_multiple_of(STRETCH).max(STRETCH);
            (0..docs.div_ceil(step)).map(move |p| {
                let start = p * step;
                (
                    ord as SegmentOrdinal,
                    reader,
                    start..(start + step).min(docs),
                )
            })
        })
        .collect();
    let parts = tasks
        .into_par_iter()
        .map(|(ord, reader, range)| scan_range(&*weight, counter, rank, keep, ord, reader, range))
        .collect::<tantivy::Result<Vec<_>>>()?;

    let mut fruits = Vec::with_capacity(parts.len());
    let mut top: Vec<Ranked> = Vec::new();
    for (fruit, kept) in parts {
        fruits.push(fruit);
        top.extend(kept);
    }
    top.sort_unstable();
    top.truncate(keep);
    Ok(Scanned {
        counts: counter.merge_fruits(fruits)?,
        top: top
            .into_iter()
            .map(|r| {
                let score = match rank {
                    Rank::Score => r.key as f32,
                    Rank::Date | Rank::OldestFirst => 0.0,
                };
                (score, r.address)
            })
            .collect(),
    })
}

fn scan_range(
    weight: &dyn Weight,
    counter: &FacetCounter<'_>,
    rank: Rank,
    keep: usize,
    ord: SegmentOrdinal,
    reader: &SegmentReader,
    range: Range<DocId>,
) -> tantivy::Result<(SegmentCounts, Vec<Ranked>)> {
    let alive = reader.alive_bitset();
    let mut scorer = weight.scorer(reader, 1.0)?;
    if scorer.doc() < range.start {
        scorer.seek(range.start);
    }
    let mut counting = counter.for_range(ord, reader, range.end, scorer.size_hint())?;
    let mut kept = Kept::new(keep, scorer.size_hint() as usize);
    let mut doc = scorer.doc();
    while doc != TERMINATED && doc < range.end {
        let is_alive = alive.is_none_or(|a| a.is_alive(doc));
        counting.offer(doc, is_alive);
        if is_alive {
            let key = match rank {
                Rank::Date => counting.date(doc) as f64,
                // The best key is the highest: the earliest date, negated.
                Rank::OldestFirst => -(counting.date(doc) as f64),
                Rank::Score => f64::from(scorer.score()),
            };
            kept.offer(key, DocAddress::new(ord, doc));
        }
        doc = scorer.advance();
    }
    Ok((counting.harvest(), kept.into_vec()))
}

/// A hit kept for the top: ordered best first (higher key, then the
/// earlier document), so a sorted list starts with the best.
#[derive(Debug, Clone, Copy)]
struct Ranked {
    key: f64,
    address: DocAddress,
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .key
            .total_cmp(&self.key)
            .then_with(|| self.address.cmp(&other.address))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ranked {}

/// The best `limit` hits offered so far.
///
/// Hits better than the worst kept are gathered unsorted and cut back to
/// the best `limit` when twice that many (at least) have gathered: a hit is
/// one comparison and a push. Newest first, on an archive indexed in date
/// order nearly every match is newer than those kept, and a heap spent
/// more on replacing its worst than the rest of the scan did per match.
struct Kept {
    limit: usize,
    hits: Vec<Ranked>,
    /// The worst hit kept when `hits` was last cut back.
    worst: Option<Ranked>,
}

impl Kept {
    /// Room is made for the hits gathered before a cut, or for
    /// `matches_at_most` if fewer: a deep page's `limit` can be 100,000,
    /// and most ranges of most queries match far fewer.
    fn new(limit: usize, matches_at_most: usize) -> Kept {
        Kept {
            limit,
            hits: Vec::with_capacity(Self::gathered(limit).min(matches_at_most)),
            worst: None,
        }
    }

    /// Hits gathered before a cut.
    fn gathered(limit: usize) -> usize {
        (2 * limit).max(64)
    }

    #[inline]
    fn offer(&mut self, key: f64, address: DocAddress) {
        let hit = Ranked { key, address };
        if self.worst.is_some_and(|worst| hit > worst) {
            return;
        }
        self.hits.push(hit);
        if self.hits.len() >= Self::gathered(self.limit) {
            self.cut();
        }
    }

    fn cut(&mut self) {
        if self.limit == 0 {
            self.hits.clear();
            return;
        }
        if self.hits.len() > self.limit {
            self.hits.select_nth_unstable(self.limit - 1);
            self.hits.truncate(self.limit);
        }
        if self.hits.len() == self.limit {
            self.worst = self.hits.iter().max().copied();
        }
    }

    fn into_vec(mut self) -> Vec<Ranked> {
        self.cut();
        self.hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Count, FacetCollector, TopDocs};
    use tantivy::query::{BooleanQuery, Occur, PhraseQuery, TermQuery};
    use tantivy::schema::{
        FAST, Facet, FacetOptions, INDEXED, IndexRecordOption, STRING, Schema, TEXT,
    };
    use tantivy::{Index, IndexWriter, Order, TantivyDocument, Term};

    /// An index of `n` documents over three segments with deletes, and a
    /// field with words repeated so that scores differ.
    fn index(n: usize) -> (Index, tantivy::schema::Field) {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT);
        let id = schema.add_text_field("id", STRING);
        let date = schema.add_i64_field("date", INDEXED | FAST);
        let facets = schema.add_facet_field("facets", FacetOptions::default());
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for i in 0..n {
            let mut d = TantivyDocument::default();
            let words = match i % 4 {
                0 => "children in care",
                1 => "care of children in care placements",
                2 => "children placements",
                _ => "budget",
            };
            // Dense in the first quarter only: counting changes course.
            let early = if i < n / 4 || i % 5 == 0 { "early" } else { "" };
            d.add_text(text, format!("{words} {early} {}", "filler ".repeat(i % 7)));
            d.add_text(id, i.to_string());
            d.add_i64(date, (i * 7919 % 1000) as i64);
            d.add_facet(facets, Facet::from_path(["year", &(i % 3).to_string()]));
            writer.add_document(d).unwrap();
            if i == n / 3 || i == n / 2 {
                writer.commit().unwrap();
            }
        }
        for i in (0..n).step_by(11) {
            writer.delete_term(Term::from_field_text(id, &i.to_string()));
        }
        writer.commit().unwrap();
        (index, text)
    }

    #[test]
    fn keeps_the_best_whatever_the_order_offered() {
        // Rising keys (each better than all before), falling, and mixed
        // with ties, for limits below, at and above the gathering size.
        let orders: [fn(u32) -> f64; 3] = [
            |i| f64::from(i),
            |i| -f64::from(i),
            |i| f64::from(i.wrapping_mul(2_654_435_761) % 97),
        ];
        for key in orders {
            for (limit, offers) in [
                (0, 1000),
                (1, 1000),
                (10, 1000),
                (64, 1000),
                (300, 1000),
                (300, 100),
            ] {
                let mut kept = Kept::new(limit, offers as usize);
                let mut all = Vec::new();
                for i in 0..offers {
                    let address = DocAddress::new(i % 3, i);
                    kept.offer(key(i), address);
                    all.push(Ranked {
                        key: key(i),
                        address,
                    });
                }
                all.sort();
                all.truncate(limit);
                let mut ours = kept.into_vec();
                ours.sort();
                let pairs = |v: &[Ranked]| v.iter().map(|r| (r.key, r.address)).collect::<Vec<_>>();
                assert_eq!(pairs(&ours), pairs(&all), "limit {limit}, {offers} offers");
            }
        }
    }

    #[test]
    fn finds_what_tantivys_collectors_find_across_ranges_and_segments() {
        let (index, text) = index(40_000);
        let searcher = index.reader().unwrap().searcher();
        let tables = crate::search::facets::tables(&searcher);
        let counter = FacetCounter {
            tables: &tables,
            field: "facets",
            date: "date",
        };
        let term = |w: &str| Term::from_field_text(text, w);
        let word = |w: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(term(w), IndexRecordOption::WithFreqs))
        };
        // Words in a quarter, a half and three quarters of the documents
        // (the last counted by its complement), one dense only at first,
        // a query whose matches are far fewer than its estimate, and a
        // conjunction (stepped through by Quorum's own intersection, past
        // the deleted documents).
        let queries: Vec<Box<dyn Query>> = vec![
            word("budget"),
            word("placements"),
            word("children"),
            word("early"),
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, word("children")),
                (
                    Occur::MustNot,
                    Box::new(TermQuery::new(term("placements"), IndexRecordOption::Basic)),
                ),
            ])),
            Box::new(PhraseQuery::new(vec![
                term("children"),
                term("in"),
                term("care"),
            ])),
            Box::new(crate::search::conjunction::Conjunction::new(vec![
                word("children"),
                word("placements"),
            ])),
        ];
        for query in &queries {
            let ours = scan(&searcher, &**query, &counter, Rank::Score, 25).unwrap();
            let (total, theirs) = searcher
                .search(&**query, &(Count, TopDocs::with_limit(25).order_by_score()))
                .unwrap();
            assert_eq!(ours.counts.total, total);
            let mut facets = FacetCollector::for_field("facets");
            facets.add_facet("/year");
            let counted = searcher.search(&**query, &facets).unwrap();
            let expected: Vec<(String, u64)> = counted
                .get("/year")
                .map(|(f, n)| (f.to_path()[1].to_owned(), n))
                .collect();
            let mut years: Vec<(String, u64)> = ours
                .counts
                .under("year")
                .map(|(y, n)| (y.to_owned(), n))
                .collect();
            years.sort();
            assert_eq!(years, expected);
            let scores = |v: &[(f32, DocAddress)]| v.iter().map(|(s, _)| *s).collect::<Vec<_>>();
            assert_eq!(scores(&ours.top), scores(&theirs));

            let ours = scan(&searcher, &**query, &counter, Rank::Date, 25).unwrap();
            let theirs = searcher
                .search(
                    &**query,
                    &TopDocs::with_limit(25).order_by_fast_field::<i64>("date", Order::Desc),
                )
                .unwrap();
            let date = |a: DocAddress| {
                searcher
                    .segment_reader(a.segment_ord)
                    .fast_fields()
                    .i64("date")
                    .unwrap()
                    .first(a.doc_id)
            };
            let ours: Vec<_> = ours.top.iter().map(|(_, a)| date(*a)).collect();
            let theirs: Vec<_> = theirs.iter().map(|(d, _)| *d).collect();
            assert_eq!(ours, theirs);
        }
    }
}
