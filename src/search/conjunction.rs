//! Documents that match every one of several queries, scored by the sum
//! of their scores: tantivy's intersection, walked differently.
//!
//! On a large archive most words of a query are in most documents, so
//! the next document a list must reach is usually one or two on. tantivy's
//! intersection seeks each list to every candidate: a skip-list check and
//! a binary search of a block of 128 documents, which was about 40% of a
//! three-word query's instructions at 100,000 items. Here a list steps to
//! a near target one document at a time, and seeks only to a far one; and
//! a conjunction of words (the usual query) reads their postings directly,
//! scored as tantivy's term scorer scores them, instead of through boxed
//! scorers whose every step is a virtual call.
//!
//! A word's postings are read with frequencies whenever hits are scored,
//! whatever record option its `TermQuery` was made with (tantivy does not
//! show it): every scored word Quorum asks for is made `WithFreqs`, and
//! the unscored ones (filters) are on untokenized fields that keep no
//! frequencies, where tantivy reads the same postings either way.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{
    Bm25Weight, EmptyQuery, EnableScoring, Explanation, Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

/// Targets at most this many documents on are reached by stepping: at
/// worst a few steps, each far cheaper than a seek.
const NEAR: DocId = 8;

#[derive(Debug)]
pub struct Conjunction {
    parts: Vec<Box<dyn Query>>,
}

impl Clone for Conjunction {
    fn clone(&self) -> Self {
        Conjunction {
            parts: self.parts.iter().map(|part| part.box_clone()).collect(),
        }
    }
}

impl Conjunction {
    /// All of `parts`; no parts match nothing, as an empty intersection
    /// would otherwise match every document.
    pub fn new(parts: Vec<Box<dyn Query>>) -> Conjunction {
        Conjunction { parts }
    }
}

impl Query for Conjunction {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        // Fewer than two parts intersect nothing: no layer of our own.
        match self.parts.as_slice() {
            [] => return EmptyQuery.weight(scoring),
            [one] => return one.weight(scoring),
            _ => {}
        }
        let words: Option<Vec<&Term>> = self
            .parts
            .iter()
            .map(|part| part.downcast_ref::<TermQuery>().map(TermQuery::term))
            .collect();
        if let Some(words) = words {
            let words = words
                .into_iter()
                .map(|term| {
                    // As a TermQuery weighs its term.
                    let bm25 = match scoring {
                        EnableScoring::Enabled {
                            statistics_provider,
                            ..
                        } => Some(Bm25Weight::for_terms(
                            statistics_provider,
                            std::slice::from_ref(term),
                        )?),
                        EnableScoring::Disabled { .. } => None,
                    };
                    Ok((term.clone(), bm25))
                })
                .collect::<tantivy::Result<_>>()?;
            return Ok(Box::new(WordsWeight { words }));
        }
        let weights = self
            .parts
            .iter()
            .map(|part| part.weight(scoring))
            .collect::<tantivy::Result<_>>()?;
        Ok(Box::new(ConjunctionWeight { weights }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for part in &self.parts {
            part.query_terms(visitor);
        }
    }
}

struct ConjunctionWeight {
    weights: Vec<Box<dyn Weight>>,
}

impl Weight for ConjunctionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let lists = self
            .weights
            .iter()
            .map(|w| w.scorer(reader, boost))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(AllOf::new(lists)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.doc() > doc || scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        let mut explanation = Explanation::new("sum of", scorer.score());
        for weight in &self.weights {
            explanation.add_detail(weight.explain(reader, doc)?);
        }
        Ok(explanation)
    }
}

/// A conjunction of words, each with its BM25 weight (`None` when hits
/// are not scored).
struct WordsWeight {
    words: Vec<(Term, Option<Bm25Weight>)>,
}

impl WordsWeight {
    fn lists(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Vec<WordScorer>> {
        self.words
            .iter()
            .map(|(term, bm25)| WordScorer::new(reader, term, bm25.as_ref(), boost))
            .collect()
    }
}

impl Weight for WordsWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(AllOf::new(self.lists(reader, boost)?)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut words = self.lists(reader, 1.0)?;
        let mut details = Vec::with_capacity(words.len());
        for word in &mut words {
            if reach(word, doc) != doc {
                return Err(TantivyError::InvalidArgument(format!(
                    "document {doc} does not match"
                )));
            }
            details.push((word.score(), word.explain()));
        }
        let mut explanation = Explanation::new("sum of", details.iter().map(|(s, _)| s).sum());
        for (_, detail) in details {
            explanation.add_detail(detail);
        }
        Ok(explanation)
    }
}

/// One word's postings, scored as tantivy's TermScorer scores them.
struct WordScorer {
    postings: SegmentPostings,
    fieldnorms: FieldNormReader,
    bm25: Option<Bm25Weight>,
}

impl WordScorer {
    fn new(
        reader: &SegmentReader,
        term: &Term,
        bm25: Option<&Bm25Weight>,
        boost: Score,
    ) -> tantivy::Result<WordScorer> {
        let record = match bm25 {
            Some(_) => IndexRecordOption::WithFreqs,
            None => IndexRecordOption::Basic,
        };
        let postings = reader
            .inverted_index(term.field())?
            .read_postings(term, record)?
            .unwrap_or_else(SegmentPostings::empty);
        let fieldnorms = match bm25 {
            Some(_) => reader.fieldnorms_readers().get_field(term.field())?,
            None => None,
        };
        Ok(WordScorer {
            postings,
            fieldnorms: fieldnorms
                .unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1)),
            bm25: bm25.map(|w| w.boost_by(boost)),
        })
    }

    fn fieldnorm_id(&self) -> u8 {
        self.fieldnorms.fieldnorm_id(self.postings.doc())
    }

    fn explain(&self) -> Explanation {
        match &self.bm25 {
            Some(bm25) => bm25.explain(self.fieldnorm_id(), self.postings.term_freq()),
            None => Explanation::new("not scored", 0.0),
        }
    }
}

impl DocSet for WordScorer {
    #[inline]
    fn advance(&mut self) -> DocId {
        self.postings.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.postings.seek(target)
    }

    #[inline]
    fn doc(&self) -> DocId {
        self.postings.doc()
    }

    fn size_hint(&self) -> u32 {
        self.postings.size_hint()
    }
}

impl Scorer for WordScorer {
    #[inline]
    fn score(&mut self) -> Score {
        match &self.bm25 {
            Some(bm25) => bm25.score(self.fieldnorm_id(), self.postings.term_freq()),
            None => 0.0,
        }
    }
}

/// The intersection of `lists` (two or more), the rarest first: each
/// document of the first that all the others reach.
struct AllOf<S> {
    lists: Vec<S>,
}

impl<S: DocSet> AllOf<S> {
    fn new(mut lists: Vec<S>) -> AllOf<S> {
        lists.sort_by_key(|list| list.size_hint());
        let mut all = AllOf { lists };
        let first = all.lists[0].doc();
        all.align(first);
        all
    }

    /// Moves every list to the first document at or after `candidate` (a
    /// document of the first list) that all of them hold.
    fn align(&mut self, mut candidate: DocId) -> DocId {
        let (first, others) = self.lists.split_at_mut(1);
        let first = &mut first[0];
        'candidates: while candidate != TERMINATED {
            for list in others.iter_mut() {
                let doc = reach(list, candidate);
                if doc > candidate {
                    candidate = reach(first, doc);
                    continue 'candidates;
                }
            }
            break;
        }
        candidate
    }
}

/// Moves `list` to its first document at or after `target`.
#[inline]
fn reach<S: DocSet>(list: &mut S, target: DocId) -> DocId {
    let mut doc = list.doc();
    if doc >= target {
        return doc;
    }
    if target - doc > NEAR {
        return list.seek(target);
    }
    while doc < target {
        doc = list.advance();
    }
    doc
}

impl<S: DocSet> DocSet for AllOf<S> {
    fn advance(&mut self) -> DocId {
        let next = self.lists[0].advance();
        self.align(next)
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let first = reach(&mut self.lists[0], target);
        self.align(first)
    }

    fn doc(&self) -> DocId {
        self.lists[0].doc()
    }

    fn size_hint(&self) -> u32 {
        self.lists[0].size_hint()
    }
}

impl<S: Scorer> Scorer for AllOf<S> {
    // Summed in list order: from four lists on, tantivy's intersection
    // adds in another order, so a score may differ from its in the last
    // bit (and two such tied hits may swap places).
    fn score(&mut self) -> Score {
        self.lists.iter_mut().map(Scorer::score).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, PhraseQuery};
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{DocAddress, Index, IndexWriter, TantivyDocument};

    /// Words in every document but a few ("common"), in most ("most"),
    /// in one in seven ("seventh"), in the first segment only ("early"),
    /// and none ("absent"), over three segments.
    fn index() -> (Index, tantivy::schema::Field) {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for i in 0..6_000u32 {
            let mut words = vec!["filler"; (i % 5) as usize];
            if i % 97 != 3 {
                words.push("common");
            }
            if i % 4 != 0 {
                words.extend(["most"; 2]);
            }
            if i % 7 == 0 {
                words.push("seventh");
            }
            if i < 1_000 {
                words.push("early");
            }
            let mut d = TantivyDocument::default();
            d.add_text(text, words.join(" "));
            writer.add_document(d).unwrap();
            if i == 1_999 || i == 3_999 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        (index, text)
    }

    fn word(field: tantivy::schema::Field, w: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, w),
            IndexRecordOption::WithFreqs,
        ))
    }

    /// "most most": a phrase, which takes the boxed path.
    fn most_most(field: tantivy::schema::Field) -> Box<dyn Query> {
        Box::new(PhraseQuery::new(vec![
            Term::from_field_text(field, "most"),
            Term::from_field_text(field, "most"),
        ]))
    }

    #[test]
    fn matches_and_scores_as_tantivys_intersection() {
        let (index, text) = index();
        let searcher = index.reader().unwrap().searcher();
        let phrase = most_most(text);
        let sets: Vec<Vec<Box<dyn Query>>> = vec![
            vec![word(text, "common"), word(text, "most")],
            vec![
                word(text, "most"),
                word(text, "seventh"),
                word(text, "common"),
            ],
            vec![word(text, "early"), word(text, "common")],
            vec![word(text, "common"), word(text, "absent")],
            // Not all words: the boxed path.
            vec![word(text, "seventh"), phrase],
        ];
        for parts in sets {
            let ours = Conjunction::new(parts.iter().map(|p| p.box_clone()).collect());
            let theirs = BooleanQuery::intersection(parts);
            let (total, top) = searcher
                .search(&ours, &(Count, TopDocs::with_limit(6_000).order_by_score()))
                .unwrap();
            let (expected_total, expected_top) = searcher
                .search(
                    &theirs,
                    &(Count, TopDocs::with_limit(6_000).order_by_score()),
                )
                .unwrap();
            assert_eq!(total, expected_total, "{ours:?}");
            assert_eq!(top.len(), expected_top.len(), "{ours:?}");
            let by_doc = |mut v: Vec<(f32, DocAddress)>| {
                v.sort_by_key(|(_, a)| *a);
                v
            };
            for ((s, a), (e, b)) in by_doc(top).into_iter().zip(by_doc(expected_top)) {
                assert_eq!(a, b);
                assert!((s - e).abs() < 1e-5, "{s} vs {e} at {a:?}");
            }
            // Unscored, it matches the same documents.
            let unscored = searcher.search(&ours, &Count).unwrap();
            assert_eq!(unscored, expected_total);
        }
    }

    #[test]
    fn seeks_near_and_far() {
        let (index, text) = index();
        let searcher = index.reader().unwrap().searcher();
        let phrase = most_most(text);
        let queries = [
            Conjunction::new(vec![word(text, "common"), word(text, "most")]),
            // The rarest list ends (in the first segment) or is absent
            // (in the others) while the rest go on.
            Conjunction::new(vec![word(text, "common"), word(text, "early")]),
            // The boxed path.
            Conjunction::new(vec![word(text, "common"), phrase]),
        ];
        for query in &queries {
            let weight = query
                .weight(EnableScoring::disabled_from_searcher(&searcher))
                .unwrap();
            for reader in searcher.segment_readers() {
                let mut all = weight.scorer(reader, 1.0).unwrap();
                let mut docs = Vec::new();
                while all.doc() != TERMINATED {
                    docs.push(all.doc());
                    all.advance();
                }
                let next_match = |target: DocId| {
                    docs.iter()
                        .copied()
                        .find(|&d| d >= target)
                        .unwrap_or(TERMINATED)
                };
                // Every target, near (a step or two) and far, on a fresh
                // scorer and on one already moved by earlier seeks and
                // advances, lands where the full walk says the next
                // match is, up to and past the segment's end.
                let mut moved = weight.scorer(reader, 1.0).unwrap();
                for target in [0, 1, 4, 5, 97, 100, 101, 990, 1_003, 1_500, 1_999, 2_000] {
                    let mut fresh = weight.scorer(reader, 1.0).unwrap();
                    let seek = |scorer: &mut Box<dyn Scorer>| {
                        if scorer.doc() >= target {
                            scorer.doc()
                        } else {
                            scorer.seek(target)
                        }
                    };
                    let expected = next_match(target);
                    assert_eq!(seek(&mut fresh), expected, "{query:?}, target {target}");
                    // (An earlier advance may have passed the target.)
                    let expected = next_match(target.max(moved.doc()));
                    assert_eq!(seek(&mut moved), expected, "{query:?}, target {target}");
                    if moved.doc() != TERMINATED {
                        let after = moved.advance();
                        assert_eq!(after, next_match(expected + 1), "{query:?} after {target}");
                    }
                }
            }
        }
    }

    #[test]
    fn no_parts_match_nothing() {
        let (index, _) = index();
        let searcher = index.reader().unwrap().searcher();
        let none = Conjunction::new(Vec::new());
        assert_eq!(searcher.search(&none, &Count).unwrap(), 0);
    }
}
