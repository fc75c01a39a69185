//! gongkai-search: Chinese full-text search over published items (全文检索).
//!
//! A tantivy index whose words come from jieba with a government dictionary (`segment`), with
//! synonyms applied at query time (`synonyms`), pinyin keys for queries typed without Chinese
//! (`pinyin_keys`), facet counts (`facets`) and highlighted snippets (`snippet`). The index is
//! fed by the application layer from the outbox (`SearchIndex::apply` records the outbox cursor
//! in the same commit) and can always be rebuilt from the database (`SearchIndex::rebuild`).
//! No database access and no async here: callers run it on a blocking thread.

pub mod any_of;
mod columns;
mod dated;
pub mod facets;
mod fan_out;
pub mod gated;
pub mod index;
pub mod pinyin_keys;
pub mod query;
pub mod schema;
pub mod segment;
pub mod snippet;
pub mod synonyms;
#[cfg(test)]
mod test_support;
pub mod top_scores;
pub mod with_bonus;

pub use facets::Facets;
pub use index::{Analysis, Change, SearchDoc, SearchIndex};
pub use query::{
    Filters, Hit, Interpretation, SearchRequest, SearchResults, SortOrder, Suggestion,
    SuggestionKind,
};

/// Errors of the search layer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index folder {0}: {1}")]
    Io(String, std::io::Error),
    #[error("synonym list: {0}")]
    Synonyms(synonyms::SynonymError),
    #[error("rebuild abandoned: {0}")]
    Aborted(String),
    #[error("result page too deep")]
    PageTooDeep,
    #[error("the search index is being written by another process (is the server running?)")]
    Busy,
    #[error("search index lock poisoned")]
    Poisoned,
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(String::new(), e)
    }
}

pub type Result<T> = std::result::Result<T, Error>;
