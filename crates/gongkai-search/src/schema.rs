//! The index schema and the tantivy tokenizers that feed it.

use std::sync::Arc;

use tantivy::schema::{
    FAST, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::segment::{Segmenter, Span, bigram_spans, normalize_into};

/// Bumped when the schema or the analysis changes; an index of another version is rebuilt.
pub const SCHEMA_VERSION: u32 = 7;

pub const WORDS_TOKENIZER: &str = "gk_words";
pub const BIGRAM_TOKENIZER: &str = "gk_bigram";

/// Field handles, resolved once.
#[derive(Debug, Clone)]
pub struct Fields {
    pub id: tantivy::schema::Field,
    pub title: tantivy::schema::Field,
    pub keywords: tantivy::schema::Field,
    /// Every searchable word of the item (title, keywords, summary, body, attachment text): the
    /// field a word must match. Title and keywords are indexed again on their own for boosts.
    pub content: tantivy::schema::Field,
    /// Stored only: summary and body, for snippets.
    pub body_store: tantivy::schema::Field,
    /// Stored only: attachment text, for snippets of matches found there.
    pub attach_store: tantivy::schema::Field,
    /// Character bigrams of every text of the item (title, summary, body, attachment text,
    /// document number, keywords), with positions: quoted phrases, and the filter of a word's
    /// phrase forms.
    pub ngram: tantivy::schema::Field,
    pub exact: tantivy::schema::Field,
    pub doc_number: tantivy::schema::Field,
    pub index_number: tantivy::schema::Field,
    pub body_id: tantivy::schema::Field,
    pub body_name: tantivy::schema::Field,
    pub topic: tantivy::schema::Field,
    pub key_area: tantivy::schema::Field,
    pub genre: tantivy::schema::Field,
    pub validity: tantivy::schema::Field,
    pub year: tantivy::schema::Field,
    pub published: tantivy::schema::Field,
    /// Date sort key: the publication day, then the id, so equal days sort the same every time.
    pub date_key: tantivy::schema::Field,
}

pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let words = |stored: bool| {
        let opts = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(WORDS_TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored { opts.set_stored() } else { opts }
    };
    let ngram = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(BIGRAM_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        id: b.add_u64_field("id", INDEXED | STORED | FAST),
        title: b.add_text_field("title", words(true)),
        keywords: b.add_text_field("keywords", words(true)),
        content: b.add_text_field("content", words(false)),
        body_store: b.add_text_field("body_store", STORED),
        attach_store: b.add_text_field("attach_store", STORED),
        ngram: b.add_text_field("ngram", ngram),
        exact: b.add_text_field("exact", STRING),
        doc_number: b.add_text_field("doc_number", STORED),
        index_number: b.add_text_field("index_number", STORED),
        body_id: b.add_u64_field("body_id", INDEXED | STORED | FAST),
        body_name: b.add_text_field("body_name", STORED),
        topic: b.add_text_field("topic", STRING | STORED | FAST),
        key_area: b.add_text_field("key_area", STRING | STORED | FAST),
        genre: b.add_text_field("genre", STRING | STORED | FAST),
        validity: b.add_text_field("validity", STRING | STORED | FAST),
        year: b.add_u64_field("year", INDEXED | FAST),
        published: b.add_i64_field("published", INDEXED | STORED | FAST),
        date_key: b.add_i64_field("date_key", FAST),
    };
    (b.build(), fields)
}

/// Index-time word analysis (see `segment`): the precise cut plus decompositions.
#[derive(Clone)]
pub struct WordsTokenizer {
    pub segmenter: Arc<Segmenter>,
    buffers: Buffers,
}

impl WordsTokenizer {
    pub fn new(segmenter: Arc<Segmenter>) -> Self {
        WordsTokenizer {
            segmenter,
            buffers: Buffers::default(),
        }
    }
}

impl Tokenizer for WordsTokenizer {
    type TokenStream<'a> = SpanStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> SpanStream<'a> {
        let segmenter = &self.segmenter;
        self.buffers
            .stream(text, |text, spans| segmenter.index_spans(text, spans))
    }
}

/// Character bigrams for exact phrases.
#[derive(Clone, Default)]
pub struct BigramTokenizer {
    buffers: Buffers,
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = SpanStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> SpanStream<'a> {
        self.buffers.stream(text, bigram_spans)
    }
}

/// A tokenizer's normalised text and its spans, reused from one value to the next.
#[derive(Clone, Default)]
struct Buffers {
    text: String,
    spans: Vec<Span>,
}

impl Buffers {
    /// The tokens `analyse` finds in `raw` once normalised.
    fn stream(&mut self, raw: &str, analyse: impl FnOnce(&str, &mut Vec<Span>)) -> SpanStream<'_> {
        normalize_into(raw, &mut self.text);
        self.spans.clear();
        analyse(&self.text, &mut self.spans);
        SpanStream::new(&self.text, &self.spans)
    }
}

/// Tokens already computed, as spans of the normalised text, copied one at a time into the one
/// token tantivy reads (no string per token: allocating them took a sixth of indexing). Offsets
/// into the text are not kept (snippets are made from the stored text, not from token offsets).
pub struct SpanStream<'a> {
    text: &'a str,
    spans: &'a [Span],
    next: usize,
    token: Token,
}

impl<'a> SpanStream<'a> {
    fn new(text: &'a str, spans: &'a [Span]) -> Self {
        SpanStream {
            text,
            spans,
            next: 0,
            token: Token::default(),
        }
    }
}

impl TokenStream for SpanStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(span) = self.spans.get(self.next) else {
            return false;
        };
        self.next += 1;
        // Every field is set again: a filter may have changed the token through `token_mut`.
        self.token.text.clear();
        self.token.text.push_str(&self.text[span.start..span.end]);
        self.token.position = span.position;
        self.token.offset_from = 0;
        self.token.offset_to = 0;
        self.token.position_length = 1;
        true
    }
    fn token(&self) -> &Token {
        &self.token
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}
