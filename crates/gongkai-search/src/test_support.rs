//! Small in-memory indexes and query builders for the unit tests of the custom queries.

use tantivy::query::{PhraseQuery, Query, TermQuery};
use tantivy::schema::{FAST, Field, IndexRecordOption, Schema, TEXT};
use tantivy::{Index, Searcher, Term, doc};

/// An index of `bodies` in one text field, committed every `per_segment` documents (so the
/// queries meet several segments, searched on two threads), each document's tie key (see
/// [`crate::top_scores::TIE_KEY`]) its position in `bodies`.
pub fn index_of<S: AsRef<str>>(
    bodies: impl IntoIterator<Item = S>,
    per_segment: usize,
) -> (Searcher, Field) {
    index_keyed(bodies, per_segment, |n| n as i64)
}

/// [`index_of`] with the tie key of the `n`th document `key_of(n)`.
pub fn index_keyed<S: AsRef<str>>(
    bodies: impl IntoIterator<Item = S>,
    per_segment: usize,
    key_of: impl Fn(usize) -> i64,
) -> (Searcher, Field) {
    let mut schema = Schema::builder();
    let text = schema.add_text_field("text", TEXT);
    let tie_key = schema.add_i64_field(crate::top_scores::TIE_KEY, FAST);
    let mut index = Index::create_in_ram(schema.build());
    // As `SearchIndex` opens its own: the segments are searched side by side.
    index
        .set_multithread_executor(2)
        .expect("a thread pool for the searches");
    let mut writer = index
        .writer_with_num_threads(1, 15_000_000)
        .expect("in-memory index");
    for (n, body) in bodies.into_iter().enumerate() {
        writer
            .add_document(doc!(text => body.as_ref(), tie_key => key_of(n)))
            .expect("in-memory index");
        if n % per_segment == per_segment - 1 {
            writer.commit().expect("in-memory index");
        }
    }
    writer.commit().expect("in-memory index");
    (index.reader().expect("in-memory index").searcher(), text)
}

/// `docs` documents of 3 to 11 words drawn from `words` (a fixed pseudo-random sequence), with
/// the rare word `z` added to every 97th: phrases, terms and conjunctions overlap in every way.
pub fn random_index(words: &[&str], seed: u64, docs: usize) -> (Searcher, Field) {
    let mut state = seed;
    let bodies: Vec<String> = (0..docs)
        .map(|n| {
            let mut body = Vec::new();
            for _ in 0..(3 + n % 9) {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                body.push(words[(state >> 33) as usize % words.len()]);
            }
            if n % 97 == 0 {
                body.push("z");
            }
            body.join(" ")
        })
        .collect();
    index_of(bodies, 1000)
}

pub fn term(field: Field, w: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, w),
        IndexRecordOption::WithFreqsAndPositions,
    ))
}

pub fn phrase(field: Field, ws: &[&str]) -> Box<dyn Query> {
    Box::new(PhraseQuery::new(
        ws.iter().map(|w| Term::from_field_text(field, w)).collect(),
    ))
}
