//! The page of a date-sorted query (按日期排序: newest or oldest first), a collector whose
//! segment parts can be walked by [`fan_out`](crate::fan_out).
//!
//! Why not tantivy's `TopDocs::order_by_fast_field`: its segment collector is an opaque type,
//! not known to be `Send`, so its segments could only be walked on tantivy's executor. The
//! order is the same: by the date key (the publication day, then the id: every document's is
//! its own, so the page never depends on how the index is split into segments).

use tantivy::collector::sort_key::NaturalComparator;
use tantivy::collector::{Collector, SegmentCollector, TopNComputer};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Order, Score, SegmentReader};

use crate::top_scores::{TIE_KEY, merge_lists};

/// The `limit` documents after the first `offset` in date-key order (`order`), with the date
/// key column [`TIE_KEY`].
#[derive(Debug, Clone, Copy)]
pub struct DatedPage {
    pub limit: usize,
    pub offset: usize,
    pub order: Order,
}

/// A document's place in the order: larger ranks first, a document without a key last (as
/// tantivy puts it in both orders). Newest first is the key itself; oldest first its bitwise
/// complement, which reverses the order of every `i64`.
type Rank = Option<i64>;

impl DatedPage {
    fn rank(&self, key: Option<i64>) -> Rank {
        match self.order {
            Order::Desc => key,
            Order::Asc => key.map(|k| !k),
        }
    }
}

/// One segment's best `offset + limit` documents.
pub struct DatedSegment {
    page: DatedPage,
    segment: u32,
    keys: Column<i64>,
    best: TopNComputer<Rank, DocId, NaturalComparator>,
}

impl SegmentCollector for DatedSegment {
    /// Best first.
    type Fruit = Vec<(Rank, DocAddress)>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let rank = self.page.rank(self.keys.first(doc));
        self.best.push(rank, doc);
    }

    fn harvest(self) -> Self::Fruit {
        let segment = self.segment;
        self.best
            .into_sorted_vec()
            .into_iter()
            .map(|d| (d.sort_key, DocAddress::new(segment, d.doc)))
            .collect()
    }
}

impl Collector for DatedPage {
    /// The page, first document first.
    type Fruit = Vec<DocAddress>;
    type Child = DatedSegment;

    fn for_segment(&self, segment: u32, reader: &SegmentReader) -> tantivy::Result<DatedSegment> {
        Ok(DatedSegment {
            page: *self,
            segment,
            keys: reader.fast_fields().i64(TIE_KEY)?,
            best: TopNComputer::new_with_comparator(
                self.offset.saturating_add(self.limit),
                NaturalComparator,
            ),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        lists: Vec<Vec<(Rank, DocAddress)>>,
    ) -> tantivy::Result<Vec<DocAddress>> {
        let wanted = self.offset.saturating_add(self.limit);
        Ok(merge_lists(lists, wanted, |x, y| x.0 > y.0)
            .into_iter()
            .skip(self.offset)
            .take(self.limit)
            .map(|(_, address)| address)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fan_out;
    use crate::test_support::{index_keyed, term};
    use std::sync::Arc;
    use tantivy::collector::TopDocs;

    /// The same page as tantivy's `TopDocs` ordered by the fast field, on several segments
    /// walked side by side, for every order, offset and size, keys in any order.
    #[test]
    fn the_page_is_tantivys_date_ordered_page() {
        let bodies: Vec<String> = (0..2_500)
            .map(|n| match n % 3 {
                0 => "a b".to_owned(),
                1 => "a".to_owned(),
                _ => "b".to_owned(),
            })
            .collect();
        // Distinct keys in a scrambled order, some negative, as the ids make them unique.
        let (searcher, text) = index_keyed(&bodies, 400, |n| {
            ((n as i64 * 7_919) % 2_503 - 1_000) << 8 | n as i64 & 0xFF
        });
        let executor = tantivy::Executor::multi_thread(2, "dated-test-").expect("pool");
        for word in ["a", "b"] {
            let query = term(text, word);
            for order in [Order::Desc, Order::Asc] {
                for (offset, limit) in
                    [(0, 10), (0, 1), (7, 20), (990, 10), (1_600, 50), (3_000, 5)]
                {
                    let want: Vec<DocAddress> = searcher
                        .search(
                            query.as_ref(),
                            &TopDocs::with_limit(limit)
                                .and_offset(offset)
                                .order_by_fast_field::<i64>(TIE_KEY, order),
                        )
                        .expect("tantivy's page")
                        .into_iter()
                        .map(|(_, a)| a)
                        .collect();
                    let page = DatedPage {
                        limit,
                        offset,
                        order,
                    };
                    let got =
                        fan_out::collect(&searcher, &executor, query.as_ref(), Arc::new(page))
                            .expect("page");
                    assert_eq!(got, want, "{word} {order:?} {offset}+{limit}");
                }
            }
        }
    }
}
