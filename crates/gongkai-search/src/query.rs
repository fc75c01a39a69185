//! Reading a query and answering it: words with their synonyms and pinyin, quoted phrases,
//! document and index numbers, filters, ranking with title boost and recency, facets, snippets,
//! and suggestions when nothing (or little) is found.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use tantivy::collector::Count;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, Order, Searcher, TantivyDocument, Term};

use crate::any_of::{AnyOfQuery, Combine};
use crate::columns::ColumnCache;
use crate::dated::DatedPage;
use crate::facets::{FacetCollector, Facets};
use crate::fan_out;
use crate::gated::GatedQuery;
use crate::index::{SearchIndex, day_number, exact_document_number, from_day_number};
use crate::pinyin_keys::PinyinKeys;
use crate::segment::{Piece, bigrams, is_han, normalize};
use crate::snippet;
use crate::top_scores::{ScoreBounds, bm25_bound, scoring_idf, top_by_score};
use crate::with_bonus::WithBonusQuery;
use crate::{Error, Result};

/// Longest query read, in characters; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 100;
/// Words of a query considered for suggestions.
const MAX_SUGGESTION_WORDS: usize = 8;
/// Characters of stored text scanned for a snippet.
const MAX_SNIPPET_SOURCE_CHARS: usize = 20_000;
/// Characters of a hit's snippet.
const SNIPPET_WIDTH: usize = 120;
/// Deepest result offset served (page × size).
pub const MAX_OFFSET: usize = 10_000;

/// Words that never make a query fail: they rank but are not required.
const FUNCTION_WORDS: &[&str] = &[
    "的", "了", "和", "与", "及", "或", "在", "是", "对", "关于", "有关", "之",
];

/// The words that make a query a resident's question (低保怎么申请, 我想查询低保标准): the
/// document that answers says 申请 and 低保, not 怎么 or 我想. Optional like function words.
const QUESTION_WORDS: &[&str] = &[
    "怎么",
    "怎样",
    "怎么样",
    "如何",
    "什么",
    "哪里",
    "哪儿",
    "哪些",
    "哪个",
    "多少",
    "吗",
    "呢",
    "吧",
    "啊",
    "请问",
    "我",
    "我们",
    "我想",
    "我要",
    "想",
    "想要",
];

/// Words of asking that are content elsewhere (咨询电话, 成绩查询): optional only in a
/// question, that is beside one of [`QUESTION_WORDS`].
const ASKING_WORDS: &[&str] = &[
    "查询", "查找", "查", "咨询", "了解", "需要", "可以", "要", "能", "能否", "是否", "一下", "几",
];

/// Whether `word` of a query whose words are `all` is optional. A query of optional words only
/// keeps them all required: otherwise it would match anything holding one of them.
fn is_optional(word: &str, all: &[&str]) -> bool {
    let optional = |w: &str, question: bool| {
        FUNCTION_WORDS.contains(&w)
            || QUESTION_WORDS.contains(&w)
            || (question && ASKING_WORDS.contains(&w))
    };
    let question = all.iter().any(|w| QUESTION_WORDS.contains(w));
    optional(word, question) && !all.iter().all(|w| optional(w, question))
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Relevance, with title and document-number boosts and a recency factor.
    #[default]
    Relevance,
    Newest,
    Oldest,
}

/// Filters; every one given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub body_ids: Vec<i64>,
    /// A topic or a topic path (`公安、安全、司法` or `公安、安全、司法/公安`).
    pub topic: Option<String>,
    pub key_area: Option<String>,
    pub genre: Option<String>,
    pub validity: Option<String>,
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }
}

#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub q: String,
    pub filters: Filters,
    pub sort: SortOrder,
    /// 1-based.
    pub page: usize,
    pub per_page: usize,
    /// Today, for the recency factor.
    pub today: NaiveDate,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Hit {
    pub id: i64,
    /// Escaped, with matches in `<mark>`.
    pub title_html: String,
    pub snippet_html: Option<String>,
    /// The match was (also) in an attachment's text.
    pub in_attachment: bool,
    pub doc_number: Option<String>,
    pub index_number: String,
    pub body_id: i64,
    pub body_name: String,
    pub topic: String,
    pub genre: String,
    pub validity: String,
    pub published_on: NaiveDate,
    pub score: f32,
}

/// How the query was read, to show the reader (已包含同义词…).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Interpretation {
    pub words: Vec<String>,
    pub phrases: Vec<String>,
    /// Word → the synonyms also searched.
    pub synonyms: Vec<(String, Vec<String>)>,
    /// Latin word → the Chinese words searched for it.
    pub pinyin: Vec<(String, Vec<String>)>,
    /// The query is (or contains) this document number.
    pub document_number: Option<String>,
    /// The query had no result; these are the results of this corrected query instead.
    pub corrected_from: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionKind {
    /// A homophone typo from a pinyin input method (公基金 → 公积金).
    Correction,
    /// Fewer words.
    Broader,
    /// The same query without the filters.
    WithoutFilters,
    /// The query as an exact string, where it occurs only inside other words.
    Substring,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Suggestion {
    pub kind: SuggestionKind,
    pub query: String,
    pub total: u64,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct SearchResults {
    /// Exact number of matching items.
    pub total: u64,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    pub interpretation: Interpretation,
    pub suggestions: Vec<Suggestion>,
}

/// A query read into clauses, before filters.
struct Parsed {
    query: Option<Box<dyn Query>>,
    interpretation: Interpretation,
    /// Strings to mark in snippets.
    highlight: Vec<String>,
    /// Word groups of the query, for suggestions (each group is what one word required).
    words: Vec<String>,
}

/// One word of a query as a query: what it matches and how it scores.
struct WordClause {
    query: Box<dyn Query>,
    /// Character bigrams every document the query matches holds in its texts (none known when
    /// empty): the word's own, unless a synonym or the word's parts apart also match.
    held_grams: Vec<String>,
    /// The words of a compound that also matches with them apart (住房 and 补贴 of 住房补贴).
    apart_words: Vec<String>,
}

/// Pinyin keys of the vocabulary, rebuilt when the index has changed and the last build is old.
#[derive(Default)]
pub struct PinyinCache {
    slot: Mutex<Option<(u64, Instant, Arc<PinyinKeys>)>>,
}

impl PinyinCache {
    pub fn clear(&self) {
        if let Ok(mut slot) = self.slot.lock() {
            *slot = None;
        }
    }
}

const PINYIN_REBUILD_AFTER: Duration = Duration::from_secs(60);

impl SearchIndex {
    /// Answers `req`. Errors only on index failures; a query that reads as nothing gives an
    /// empty result with suggestions.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults> {
        let _searching = fan_out::searching();
        let searcher = self.reader.searcher();
        let mut parsed = self.parse(&searcher, &req.q)?;
        if parsed.query.is_none() && !req.q.trim().is_empty() {
            // Only punctuation or quotes: nothing to look for, rather than everything.
            return Ok(SearchResults::default());
        }
        let mut results = self.run(&searcher, &parsed, req)?;
        if results.total == 0 && parsed.query.is_some() {
            let suggestions = self.suggest(&searcher, &parsed, req)?;
            if let Some(fix) = suggestions
                .iter()
                .find(|s| s.kind == SuggestionKind::Correction && s.total > 0)
            {
                let original = req.q.clone();
                parsed = self.parse(&searcher, &fix.query)?;
                let fixed = SearchRequest {
                    q: fix.query.clone(),
                    ..req.clone()
                };
                results = self.run(&searcher, &parsed, &fixed)?;
                results.interpretation.corrected_from = Some(original);
            }
            results.suggestions = suggestions;
        }
        Ok(results)
    }

    fn run(
        &self,
        searcher: &Searcher,
        parsed: &Parsed,
        req: &SearchRequest,
    ) -> Result<SearchResults> {
        let (addresses, total, facets) = self.rank(searcher, parsed, req, true)?;
        let hits = addresses
            .into_iter()
            .map(|(score, address)| self.hit(searcher, address, score, &parsed.highlight))
            .collect::<Result<Vec<_>>>()?;
        Ok(SearchResults {
            total,
            hits,
            facets: facets.unwrap_or_default(),
            interpretation: parsed.interpretation.clone(),
            suggestions: Vec::new(),
        })
    }

    /// The ids of one page and the exact total, without facets, snippets or stored fields: the
    /// answer the benchmark compares with the other engines' (the portal's page and the API
    /// also show facets, so they use [`SearchIndex::search`]).
    pub fn top_ids(&self, req: &SearchRequest) -> Result<(u64, Vec<i64>)> {
        let _searching = fan_out::searching();
        let searcher = self.reader.searcher();
        let parsed = self.parse(&searcher, &req.q)?;
        let (addresses, total, _) = self.rank(&searcher, &parsed, req, false)?;
        let mut columns = self.columns.for_query(&searcher);
        let mut ids = Vec::with_capacity(addresses.len());
        for (_, address) in addresses {
            ids.push(columns.at(address)?.item_id(address.doc_id));
        }
        Ok((total, ids))
    }

    /// One pass over the matches: the page (score × recency, or date order), the exact count,
    /// and the facet counts when asked.
    fn rank(
        &self,
        searcher: &Searcher,
        parsed: &Parsed,
        req: &SearchRequest,
        with_facets: bool,
    ) -> Result<Ranked> {
        let query = self.with_filters(parsed.query.as_ref().map(|q| q.box_clone()), &req.filters);
        let per_page = req.per_page.clamp(1, 100);
        let offset = (req.page.max(1) - 1).saturating_mul(per_page);
        if offset > MAX_OFFSET {
            return Err(Error::PageTooDeep);
        }
        let facets = if with_facets {
            Some(FacetCollector {
                segments: self.columns.all(searcher)?,
            })
        } else {
            None
        };
        let sort = if parsed.query.is_none() && req.sort == SortOrder::Relevance {
            SortOrder::Newest
        } else {
            req.sort
        };
        Ok(match sort {
            SortOrder::Relevance => {
                // BM25 picks the candidates; recency then reorders them. Ties go to the newer
                // item (day, id) in both, so the page never depends on how the index is split
                // into segments.
                let window = (offset + per_page).div_ceil(RERANK_WINDOW) * RERANK_WINDOW;
                // Scores only the matches that can still enter the candidates; every match is
                // counted and, when asked, its facets too, in the same walk.
                let executor = self.executor_for(searcher);
                let (scored, walked, f) = top_by_score(
                    searcher,
                    &executor,
                    query.as_ref(),
                    window,
                    Arc::new(facets),
                )?;
                let page = rerank(searcher, &self.columns, scored, day_number(req.today))?
                    .into_iter()
                    .skip(offset)
                    .take(per_page)
                    .collect();
                (page, walked.matches, f)
            }
            SortOrder::Newest | SortOrder::Oldest => {
                let order = if sort == SortOrder::Newest {
                    Order::Desc
                } else {
                    Order::Asc
                };
                let dated = DatedPage {
                    limit: per_page,
                    offset,
                    order,
                };
                let executor = self.executor_for(searcher);
                let page = Arc::new((dated, Count, facets));
                let (docs, count, f) = fan_out::collect(searcher, &executor, &query, page)?;
                let docs = docs.into_iter().map(|a| (0.0, a)).collect();
                (docs, count as u64, f)
            }
        })
    }

    /// Number of items `q` finds with `filters` (no ranking, no hits).
    pub fn count(&self, q: &str, filters: &Filters) -> Result<u64> {
        let searcher = self.reader.searcher();
        let parsed = self.parse(&searcher, q)?;
        let query = self.with_filters(parsed.query, filters);
        Ok(self.collect(&searcher, &query, &Count)? as u64)
    }

    fn hit(
        &self,
        searcher: &Searcher,
        address: DocAddress,
        score: f32,
        terms: &[String],
    ) -> Result<Hit> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let f = &self.fields;
        let text = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let capped = |field: Field| -> String {
            let t = text(field);
            // No more bytes than the cap's characters: nothing to count.
            if t.len() <= MAX_SNIPPET_SOURCE_CHARS {
                return t;
            }
            match t.char_indices().nth(MAX_SNIPPET_SOURCE_CHARS) {
                Some((cut, _)) => t[..cut].to_owned(),
                None => t,
            }
        };
        let content = capped(f.body_store);
        let attach = capped(f.attach_store);
        let from_content = snippet::snippet(&content, terms, SNIPPET_WIDTH);
        let in_content = from_content.as_ref().is_some_and(|s| s.matched);
        let from_attachment = snippet::snippet(&attach, terms, SNIPPET_WIDTH);
        let in_attachment = from_attachment.as_ref().is_some_and(|s| s.matched);
        let shown = if !in_content && in_attachment {
            from_attachment
        } else {
            from_content
        };
        Ok(Hit {
            id: doc
                .get_first(f.id)
                .and_then(|v| v.as_u64())
                .and_then(|v| i64::try_from(v).ok())
                .unwrap_or(0),
            title_html: snippet::highlight(&text(f.title), terms),
            snippet_html: shown.map(|s| s.html),
            in_attachment,
            doc_number: Some(text(f.doc_number)).filter(|s| !s.is_empty()),
            index_number: text(f.index_number),
            body_id: doc
                .get_first(f.body_id)
                .and_then(|v| v.as_u64())
                .and_then(|v| i64::try_from(v).ok())
                .unwrap_or(0),
            body_name: text(f.body_name),
            topic: doc
                .get_all(f.topic)
                .filter_map(|v| v.as_str())
                .max_by_key(|s| s.len())
                .unwrap_or_default()
                .to_owned(),
            genre: text(f.genre),
            validity: text(f.validity),
            published_on: from_day_number(
                doc.get_first(f.published)
                    .and_then(|v| v.as_i64())
                    .unwrap_or(0),
            ),
            score,
        })
    }

    fn with_filters(&self, query: Option<Box<dyn Query>>, filters: &Filters) -> Box<dyn Query> {
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(q) = query {
            clauses.push((Occur::Must, q));
        }
        if !filters.body_ids.is_empty() {
            let any: Vec<(Occur, Box<dyn Query>)> = filters
                .body_ids
                .iter()
                .map(|id| {
                    let term = Term::from_field_u64(f.body_id, u64::try_from(*id).unwrap_or(0));
                    (Occur::Should, term_query(term))
                })
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        for (field, value) in [
            (f.topic, &filters.topic),
            (f.key_area, &filters.key_area),
            (f.genre, &filters.genre),
            (f.validity, &filters.validity),
        ] {
            if let Some(v) = value {
                clauses.push((Occur::Must, term_query(Term::from_field_text(field, v))));
            }
        }
        if filters.year_from.is_some() || filters.year_to.is_some() {
            let from = filters
                .year_from
                .and_then(|y| u64::try_from(y).ok())
                .unwrap_or(0);
            let to = filters
                .year_to
                .and_then(|y| u64::try_from(y).ok())
                .unwrap_or(9999);
            let range = RangeQuery::new(
                std::ops::Bound::Included(Term::from_field_u64(f.year, from)),
                std::ops::Bound::Included(Term::from_field_u64(f.year, to)),
            );
            clauses.push((Occur::Must, Box::new(range)));
        }
        match clauses.len() {
            0 => Box::new(AllQuery),
            1 if matches!(clauses[0].0, Occur::Must) => clauses.remove(0).1,
            _ => Box::new(BooleanQuery::new(clauses)),
        }
    }

    /// Reads the query text into one tantivy query (or `None` when it holds nothing to search).
    fn parse(&self, searcher: &Searcher, raw: &str) -> Result<Parsed> {
        let analysis = self.analysis();
        let text: String = normalize(raw).chars().take(MAX_QUERY_CHARS).collect();
        let (phrases, rest) = split_phrases(&text);
        let mut interpretation = Interpretation::default();
        let mut highlight: Vec<String> = Vec::new();
        let mut required: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut boosts: Vec<Box<dyn Query>> = Vec::new();
        let mut words_out = Vec::new();
        // The character bigrams every match of the required words holds (see `WordClause`).
        let mut held_grams: Vec<String> = Vec::new();

        // A document or index number typed as the whole query finds that item first.
        let trimmed = rest.trim();
        let mut exact: Option<Box<dyn Query>> = None;
        if !trimmed.is_empty() && phrases.is_empty() {
            let key = exact_document_number(trimmed);
            let term = Term::from_field_text(self.fields.exact, &key);
            if searcher.doc_freq(&term)? > 0 {
                interpretation.document_number = Some(trimmed.to_owned());
                highlight.push(trimmed.to_owned());
                exact = Some(Box::new(BoostQuery::new(term_query(term), 50.0)));
            }
        }

        for phrase in &phrases {
            // A quoted document number also finds the item it numbers, whose text need not
            // repeat it (the number is a field of the item, not a phrase of its body).
            let number = Term::from_field_text(self.fields.exact, &exact_document_number(phrase));
            let numbered = searcher.doc_freq(&number)? > 0;
            if numbered {
                interpretation.document_number = Some(phrase.clone());
            }
            let q: Option<Box<dyn Query>> =
                match (self.phrase_forms_query(searcher, phrase)?, numbered) {
                    (Some(q), true) => Some(Box::new(AnyOfQuery::new(vec![
                        q,
                        Box::new(BoostQuery::new(term_query(number), 50.0)),
                    ]))),
                    (None, true) => Some(term_query(number)),
                    (q, false) => q,
                };
            if let Some(q) = q {
                required.push((Occur::Must, q));
                interpretation.phrases.push(phrase.clone());
                highlight.push(phrase.clone());
                let joined = without_blanks_beside_han(phrase);
                if joined != *phrase {
                    highlight.push(joined);
                }
            }
        }
        let mut words = analysis.segmenter.words(&rest);
        // A word typed twice asks for nothing more, and each repetition was another clause
        // over its postings: 100 × 的 took 0.7 s at 1M items.
        let mut seen = std::collections::HashSet::new();
        words.retain(|w| seen.insert(w.text.clone()));
        let all_words: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        let pinyin = if words.iter().any(|w| is_latin_word(&w.text)) {
            Some(self.pinyin_keys(searcher)?)
        } else {
            None
        };
        for word in &words {
            let w = word.text.as_str();
            let mut alternatives: Vec<String> = vec![w.to_owned()];
            let synonyms = analysis.synonyms.expand(w);
            if !synonyms.is_empty() {
                interpretation
                    .synonyms
                    .push((w.to_owned(), synonyms.to_vec()));
                alternatives.extend(synonyms.iter().cloned());
            }
            if let (Some(keys), true) = (&pinyin, is_latin_word(w)) {
                let found: Vec<String> = keys
                    .lookup(w)
                    .into_iter()
                    .take(3)
                    .map(str::to_owned)
                    .collect();
                if !found.is_empty() {
                    interpretation.pinyin.push((w.to_owned(), found.clone()));
                    for word in found {
                        alternatives.extend(analysis.synonyms.expand(&word).iter().cloned());
                        alternatives.push(word);
                    }
                }
            }
            interpretation.words.push(w.to_owned());
            let clause = self.word_clause(searcher, &analysis, &alternatives)?;
            // Single characters marked everywhere are noise, unless that is all there is. A
            // compound's words are marked too: an item may hold them only apart (住房租赁补贴
            // for 住房补贴), and the reader should see why it was found.
            if interpretation.document_number.is_none()
                && (w.chars().count() > 1 || words.len() == 1)
            {
                highlight.extend(alternatives.iter().cloned());
                highlight.extend(clause.apart_words.iter().cloned());
            }
            let occur = if is_optional(w, &all_words) {
                Occur::Should
            } else {
                held_grams.extend(clause.held_grams);
                Occur::Must
            };
            required.push((occur, clause.query));
            words_out.push(w.to_owned());
        }
        // Several words: a clause of every held bigram (doc ids only: no positions, no scores),
        // which changes no result. tantivy leads a conjunction with its cheapest clause, mostly
        // this one, so only the documents holding all those bigrams are asked about each word's
        // forms. Without it, the conjunction took each candidate of its rarest word and probed
        // every form of every other word there: the term, the phrase of its pieces behind its
        // own filter, each a `seek` of its own postings; profiling the multi-word class found
        // those probes more than half of its time.
        if words.len() > 1 && !held_grams.is_empty() {
            held_grams.sort_unstable();
            held_grams.dedup();
            required.insert(0, (Occur::Must, self.grams_filter(&held_grams)));
        }
        // Documents holding the words side by side (spaces dropped) rank higher.
        let joined: String = words.iter().map(|w| w.text.as_str()).collect();
        if words.len() > 1
            && let Some(q) = self.phrase_query(searcher, &joined)?
        {
            boosts.push(Box::new(BoostQuery::new(q, 2.0)));
        }
        let words_query: Option<Box<dyn Query>> = if required.len() == 1 && boosts.is_empty() {
            // One word alone: its own query, whose bounds a walk for the best can use.
            required.pop().map(|(_, q)| q)
        } else if required.iter().any(|(o, _)| *o == Occur::Must) {
            let all: Box<dyn Query> = Box::new(BooleanQuery::new(required));
            Some(Box::new(WithBonusQuery::new(all, boosts)))
        } else if !required.is_empty() {
            Some(Box::new(BooleanQuery::new(required)))
        } else {
            None
        };
        let query: Option<Box<dyn Query>> = match (exact, words_query) {
            (Some(e), Some(w)) => Some(Box::new(BooleanQuery::new(vec![
                (Occur::Should, e),
                (Occur::Should, w),
            ]))),
            (Some(e), None) => Some(e),
            (None, w) => w,
        };
        Ok(Parsed {
            query,
            interpretation,
            highlight,
            words: words_out,
        })
    }

    /// A word matches as itself or any of its alternatives (synonyms, pinyin readings), each
    /// either as its own token or as the phrase of its pieces at their character offsets (see
    /// `segment`), in `content`, which holds every searchable word. An alternative scores by the
    /// first of its forms a document holds (`AnyOfQuery::first_of`): the pieces are indexed at
    /// the word's own offsets, so the phrase would only repeat the term where the term is found.
    /// Matches in the title and the keywords add to the score, asked only of the documents the
    /// word matches, when they are scored (`WithBonusQuery`).
    fn word_clause(
        &self,
        searcher: &Searcher,
        analysis: &crate::index::Analysis,
        alternatives: &[String],
    ) -> Result<WordClause> {
        let f = &self.fields;
        let mut alternative_arms: Vec<Box<dyn Query>> = Vec::new();
        let mut boosts: Vec<Box<dyn Query>> = Vec::new();
        // How high each part can score (see `top_scores`): the base sums its alternatives, each
        // scoring by one of its forms.
        let mut bounds = ScoreBounds {
            base: 0.0,
            bonuses: Vec::new(),
        };
        let mut apart_words: Vec<String> = Vec::new();
        for (i, alt) in alternatives.iter().enumerate() {
            let weight = if i == 0 { 1.0 } else { 0.8 };
            let forms = word_forms(&analysis.segmenter, alt);
            let mut exact: Vec<Box<dyn Query>> = Vec::new();
            let mut apart: Vec<Box<dyn Query>> = Vec::new();
            let mut titled: Vec<Box<dyn Query>> = Vec::new();
            let word_idf = scoring_idf(searcher, &Term::from_field_text(f.content, alt))?;
            let substring = substring_grams(alt).map(|grams| self.grams_filter(&grams));
            let (mut form_bound, mut title_bound) = (0.0f32, 0.0f32);
            for form in &forms {
                let content_idf = pieces_idf(searcher, f.content, form)?;
                let scale = form_scale(word_idf, form, content_idf);
                form_bound = form_bound.max(bm25_bound(content_idf, scale));
                title_bound =
                    title_bound.max(bm25_bound(pieces_idf(searcher, f.title, form)?, scale));
                let mut in_content = form_query(f.content, form);
                if form.len() > 1
                    && let Some(filter) = &substring
                {
                    in_content = Box::new(GatedQuery::new(filter.box_clone(), in_content));
                }
                exact.push(Box::new(BoostQuery::new(in_content, scale)));
                titled.push(Box::new(BoostQuery::new(form_query(f.title, form), scale)));
                // A compound of words (住房补贴 = 住房 + 补贴) also matches a document holding
                // its words apart (住房租赁补贴), ranked below the compound itself. Not for
                // pieces of one character: 院办 must not match 院 … 办.
                if form.len() > 1 && form.iter().all(|p| p.text.chars().count() > 1) {
                    let words = form
                        .iter()
                        .map(|p| {
                            let q = term_query(Term::from_field_text(f.content, &p.text));
                            (Occur::Must, q)
                        })
                        .collect();
                    let words: Box<dyn Query> = Box::new(BooleanQuery::new(words));
                    apart.push(Box::new(BoostQuery::new(words, 0.3 * scale)));
                    apart_words.extend(form.iter().map(|p| p.text.clone()));
                    form_bound = form_bound.max(bm25_bound(content_idf, 0.3 * scale));
                }
            }
            exact.extend(apart);
            alternative_arms.push(Box::new(BoostQuery::new(
                any_of(exact, Combine::First),
                weight,
            )));
            boosts.push(Box::new(BoostQuery::new(
                any_of(titled, Combine::First),
                3.0 * weight,
            )));
            let keyword_term = Term::from_field_text(f.keywords, alt);
            let keyword_idf = scoring_idf(searcher, &keyword_term)?;
            boosts.push(Box::new(BoostQuery::new(
                term_query(keyword_term),
                1.5 * weight,
            )));
            bounds.base += weight * form_bound;
            bounds.bonuses.push(3.0 * weight * title_bound);
            bounds.bonuses.push(bm25_bound(keyword_idf, 1.5 * weight));
        }
        // Every alternative a document holds adds to its score (see `any_of` for why not a
        // union of `Should` clauses).
        let any = any_of(alternative_arms, Combine::Sum);
        // The word's term and the phrase of its pieces (behind the same filter) stand where
        // the word's string does; a synonym or words apart need not.
        let held_grams = match alternatives {
            [word] if apart_words.is_empty() => substring_grams(word).unwrap_or_default(),
            _ => Vec::new(),
        };
        Ok(WordClause {
            query: Box::new(WithBonusQuery::new(any, boosts).with_bounds(bounds)),
            held_grams,
            apart_words,
        })
    }

    /// The items whose texts hold every one of `grams` (character bigrams, from
    /// [`substring_grams`]), told by the `ngram` field alone (no positions read), scoring
    /// nothing. The phrase of a word's pieces matches where the word's characters stand side
    /// by side in one text, so the filter of its grams keeps every such match; it drops only a
    /// false one across two texts (tantivy starts a field's next value one position after the
    /// last token of the one before, so the end of the title and a keyword could join up). It
    /// answers a probe with the next item holding the bigrams: the phrase then reads positions
    /// only there. For 地区, whose characters 地 and 区 are in most items, probing the phrase
    /// between the items holding the word read positions in most items (27 times the cost of
    /// 保险).
    fn grams_filter(&self, grams: &[String]) -> Box<dyn Query> {
        let terms = grams
            .iter()
            .map(|t| {
                let term = Term::from_field_text(self.fields.ngram, t);
                let q: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                (Occur::Must, q)
            })
            .collect();
        let all: Box<dyn Query> = Box::new(BooleanQuery::new(terms));
        Box::new(ConstScoreQuery::new(all, 0.0))
    }

    /// A quoted phrase: as typed, or, when blanks were typed beside its Chinese characters,
    /// also without them (see [`without_blanks_beside_han`]).
    fn phrase_forms_query(
        &self,
        searcher: &Searcher,
        phrase: &str,
    ) -> Result<Option<Box<dyn Query>>> {
        let typed = self.phrase_query(searcher, phrase)?;
        let joined = without_blanks_beside_han(phrase);
        if joined == phrase {
            return Ok(typed);
        }
        Ok(match (typed, self.phrase_query(searcher, &joined)?) {
            (Some(typed), Some(joined)) => Some(Box::new(AnyOfQuery::new(vec![typed, joined]))),
            (typed, joined) => typed.or(joined),
        })
    }

    /// An exact phrase: character bigrams of `phrase` at their offsets in the `ngram` field,
    /// which matches wherever the string occurs; a single character falls back to the words.
    /// Only the bigrams that pin every character down are asked, the rarest first (see
    /// [`covering`]), boosted to the score of the phrase of all of them.
    fn phrase_query(&self, searcher: &Searcher, phrase: &str) -> Result<Option<Box<dyn Query>>> {
        let mut grams = Vec::new();
        bigrams(phrase, &mut grams);
        let field = self.fields.ngram;
        Ok(match grams.as_slice() {
            [] => None,
            [one] => Some(term_query(Term::from_field_text(
                if one.text.chars().count() == 1 {
                    self.fields.content
                } else {
                    field
                },
                &one.text,
            ))),
            many => Some(covering_phrase(searcher, field, many)?),
        })
    }

    fn suggest(
        &self,
        searcher: &Searcher,
        parsed: &Parsed,
        req: &SearchRequest,
    ) -> Result<Vec<Suggestion>> {
        let mut out = Vec::new();
        let text = normalize(&req.q);
        // Homophone typos: a run of query words that never occurs as written but sounds like a
        // word of the index.
        let keys = self.pinyin_keys(searcher)?;
        // Suggestions cost a query each: a long query gets them for its first words only.
        let words = &parsed.words[..parsed.words.len().min(MAX_SUGGESTION_WORDS)];
        'spans: for len in (1..=words.len().min(4)).rev() {
            for start in 0..=words.len() - len {
                let span: String = words[start..start + len].concat();
                let chars = span.chars().count();
                if !(2..=6).contains(&chars) || !span.chars().all(is_han) {
                    continue;
                }
                if self.literal_count(searcher, &span)? > 0 {
                    continue;
                }
                for candidate in keys.homophones(&span).into_iter().take(3) {
                    let fixed = text.replacen(&span, candidate, 1);
                    let total = self.count(&fixed, &req.filters)?;
                    if total > 0 {
                        out.push(Suggestion {
                            kind: SuggestionKind::Correction,
                            query: fixed,
                            total,
                        });
                        break 'spans;
                    }
                }
            }
        }
        if !req.filters.is_empty() {
            let total = self.count(&req.q, &Filters::default())?;
            if total > 0 {
                out.push(Suggestion {
                    kind: SuggestionKind::WithoutFilters,
                    query: req.q.clone(),
                    total,
                });
            }
        }
        if words.len() > 1 {
            let mut broader: Vec<Suggestion> = Vec::new();
            // Keep only the words that find something on their own.
            let mut useful = Vec::new();
            for w in words {
                if self.count(w, &req.filters)? > 0 {
                    useful.push(w.as_str());
                }
            }
            if !useful.is_empty() && useful.len() < words.len() {
                let q = useful.join(" ");
                let total = self.count(&q, &req.filters)?;
                if total > 0 {
                    broader.push(Suggestion {
                        kind: SuggestionKind::Broader,
                        query: q,
                        total,
                    });
                }
            }
            for skip in 0..words.len() {
                let q: String = words
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != skip)
                    .map(|(_, w)| w.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                let total = self.count(&q, &req.filters)?;
                if total > 0 && !broader.iter().any(|b| b.query == q) {
                    broader.push(Suggestion {
                        kind: SuggestionKind::Broader,
                        query: q,
                        total,
                    });
                }
            }
            broader.sort_by_key(|s| std::cmp::Reverse(s.total));
            out.extend(broader.into_iter().take(3));
        }
        let bare = text.trim().trim_matches('"').to_owned();
        if !bare.is_empty() && parsed.interpretation.phrases.is_empty() {
            let quoted = format!("\"{bare}\"");
            let total = self.count(&quoted, &req.filters)?;
            if total > 0 {
                out.push(Suggestion {
                    kind: SuggestionKind::Substring,
                    query: quoted,
                    total,
                });
            }
        }
        Ok(out)
    }

    fn literal_count(&self, searcher: &Searcher, s: &str) -> Result<u64> {
        Ok(match self.phrase_query(searcher, s)? {
            Some(q) => searcher.search(&q, &Count)? as u64,
            None => 0,
        })
    }

    fn pinyin_keys(&self, searcher: &Searcher) -> Result<Arc<PinyinKeys>> {
        let generation = searcher.generation().generation_id();
        let mut slot = self.pinyin.slot.lock().map_err(|_| Error::Poisoned)?;
        if let Some((built_for, at, keys)) = slot.as_ref()
            && (*built_for == generation || at.elapsed() < PINYIN_REBUILD_AFTER)
        {
            return Ok(keys.clone());
        }
        let analysis = self.analysis();
        let mut vocabulary: std::collections::HashMap<String, u64> =
            std::collections::HashMap::new();
        for field in [self.fields.title, self.fields.keywords] {
            for segment in searcher.segment_readers() {
                let inverted = segment.inverted_index(field)?;
                let mut stream = inverted.terms().stream()?;
                while stream.advance() {
                    if let Ok(word) = std::str::from_utf8(stream.key()) {
                        *vocabulary.entry(word.to_owned()).or_default() +=
                            u64::from(stream.value().doc_freq);
                    }
                }
            }
        }
        // The dictionary's own terms are candidates even before any document uses them: a query
        // for shebao means 社保, whose synonyms then find 社会保险.
        let synonyms = &analysis.synonyms;
        for term in synonyms.terms() {
            vocabulary.entry(term.to_owned()).or_default();
        }
        let keys = Arc::new(PinyinKeys::build(vocabulary, &|w| {
            !synonyms.expand(w).is_empty()
        }));
        *slot = Some((generation, Instant::now(), keys.clone()));
        Ok(keys)
    }
}

/// The phrase of `pieces` (two or more tokens of `field`) by the tokens [`covering`] keeps,
/// boosted by the idf of those left out, so that it scores as the phrase of all of them
/// (tantivy weighs a phrase by the sum of its terms' idf).
fn covering_phrase(searcher: &Searcher, field: Field, pieces: &[Piece]) -> Result<Box<dyn Query>> {
    let terms: Vec<Term> = pieces
        .iter()
        .map(|p| Term::from_field_text(field, &p.text))
        .collect();
    let idfs = terms
        .iter()
        .map(|t| scoring_idf(searcher, t))
        .collect::<tantivy::Result<Vec<f32>>>()?;
    let mut kept = covering(pieces, &idfs);
    if kept.len() < 2 {
        // A phrase query needs two terms (several tokens always need two to cover).
        kept = (0..pieces.len()).collect();
    }
    let kept_idf: f32 = kept.iter().map(|&i| idfs[i]).sum();
    let all_idf: f32 = idfs.iter().sum();
    let phrase: Box<dyn Query> = Box::new(PhraseQuery::new_with_offset(
        kept.iter()
            .map(|&i| (pieces[i].position, terms[i].clone()))
            .collect(),
    ));
    Ok(if kept.len() < pieces.len() && kept_idf > 0.0 {
        Box::new(BoostQuery::new(phrase, all_idf / kept_idf))
    } else {
        phrase
    })
}

/// Which of a phrase's `pieces` (its tokens in the `ngram` field, at their character offsets)
/// to ask for: a small set that still covers every character, taken rarest first (highest
/// `idf`), in position order. Bigrams at offsets p, p+2, … fix every character of the
/// string as the whole chain does, and each one left out is a list of positions not read in
/// every candidate item; the rare ones stay, since they pick the candidates. Tokens other than
/// Han bigrams (a Latin run, a lone Han character) are the only cover of their characters and
/// always stay.
fn covering(pieces: &[Piece], idf: &[f32]) -> Vec<usize> {
    let span = |p: &Piece| p.position..p.position + p.text.chars().count();
    let end = pieces.iter().map(|p| span(p).end).max().unwrap_or(0);
    let mut covered = vec![false; end];
    let mut order: Vec<usize> = (0..pieces.len()).collect();
    order.sort_by(|&a, &b| idf[b].total_cmp(&idf[a]).then(a.cmp(&b)));
    let mut kept = Vec::new();
    // First the tokens whose characters are all still open (so that, of equally rare bigrams,
    // every other one is asked, not each), then any that closes a character left open.
    for all_open in [true, false] {
        for &i in &order {
            let chars = &mut covered[span(&pieces[i])];
            let opens = if all_open {
                chars.iter().all(|c| !c)
            } else {
                chars.iter().any(|c| !c)
            };
            if opens {
                chars.fill(true);
                kept.push(i);
            }
        }
    }
    kept.sort_unstable_by_key(|&i| (pieces[i].position, i));
    kept
}

/// The distinct character bigrams of `word` as the `ngram` field holds them, which every item
/// holding the word as a string holds too; `None` unless the word is two or more Han characters.
fn substring_grams(word: &str) -> Option<Vec<String>> {
    if word.chars().count() < 2 || !word.chars().all(is_han) {
        return None;
    }
    let mut grams = Vec::new();
    bigrams(word, &mut grams);
    let mut texts: Vec<String> = grams.into_iter().map(|g| g.text).collect();
    texts.sort_unstable();
    texts.dedup();
    Some(texts)
}

/// Ways a word can appear in the index: as its own token; as the phrase of its decomposition
/// (a long word the document's segmentation split differently); and, for a two-character word,
/// as its two characters (环境保护部/门 holds 部门 as 部 + 门).
fn word_forms(segmenter: &crate::segment::Segmenter, word: &str) -> Vec<Vec<Piece>> {
    let mut forms = vec![vec![Piece {
        text: word.to_owned(),
        position: 0,
    }]];
    let chars: Vec<char> = word.chars().collect();
    if let Some(parts) = segmenter.decompose(word) {
        forms.push(
            parts
                .into_iter()
                .map(|(position, text)| Piece {
                    text: text.to_owned(),
                    position,
                })
                .collect(),
        );
    } else if chars.len() == 2 && chars.iter().all(|c| is_han(*c)) {
        forms.push(
            chars
                .iter()
                .enumerate()
                .map(|(position, c)| Piece {
                    text: c.to_string(),
                    position,
                })
                .collect(),
        );
    } else if word.chars().count() > 1 && !chars.iter().all(|c| is_han(*c)) {
        // A mixed word such as 2016年 is cut by the document's segmentation into 2016 + 年.
        let pieces = segmenter.words(word);
        if pieces.len() > 1 {
            forms.push(pieces);
        }
    }
    forms
}

/// The idfs of `pieces` in `field`, summed as tantivy weighs a phrase of them (over every
/// document of the segments, deleted ones included, as its scorers count: counting only the
/// live ones made the idf of a word whose items were withdrawn negative, and the boost of its
/// forms with it).
fn pieces_idf(searcher: &Searcher, field: Field, pieces: &[Piece]) -> Result<f32> {
    let mut sum = 0.0;
    for p in pieces {
        sum += scoring_idf(searcher, &Term::from_field_text(field, &p.text))?;
    }
    Ok(sum)
}

/// The boost of a word form whose pieces weigh `pieces_idf`: a form of pieces must not outrank
/// the word itself, since a phrase's BM25 weight is the sum of its pieces' idf, often more than
/// the rarer word's own; the word's own form keeps its weight.
fn form_scale(word_idf: f32, form: &[Piece], pieces_idf: f32) -> f32 {
    below_word(word_idf, if form.len() > 1 { pieces_idf } else { 0.0 })
}

/// Boost of a form whose pieces weigh `pieces_idf` in all, for a word of weight `word_idf`:
/// at most 0.9 of the word's weight, so that where both match equally often the word ranks
/// first; a single term (`pieces_idf` 0) keeps its own weight.
fn below_word(word_idf: f32, pieces_idf: f32) -> f32 {
    if pieces_idf <= 0.0 {
        1.0
    } else {
        (0.9 * word_idf / pieces_idf).min(1.0)
    }
}

/// Any of `queries`, combined as `combine` says; a single query as itself.
fn any_of(mut queries: Vec<Box<dyn Query>>, combine: Combine) -> Box<dyn Query> {
    match (queries.len(), combine) {
        (1, _) => queries.remove(0),
        (_, Combine::Sum) => Box::new(AnyOfQuery::new(queries)),
        (_, Combine::First) => Box::new(AnyOfQuery::first_of(queries)),
    }
}

/// A word form in `field`: one term, or its pieces as a phrase at their character offsets.
fn form_query(field: Field, form: &[Piece]) -> Box<dyn Query> {
    match form {
        [single] => term_query(Term::from_field_text(field, &single.text)),
        pieces => Box::new(PhraseQuery::new_with_offset(
            pieces
                .iter()
                .map(|p| (p.position, Term::from_field_text(field, &p.text)))
                .collect(),
        )),
    }
}

/// `phrase` without the whitespace typed beside its Chinese characters: government documents
/// write Chinese without spaces, also beside digits and Latin, so the "住房 补贴" or "2024 年"
/// someone types is mostly meant as 住房补贴 or 2024年. Whitespace between other characters
/// stays (between Latin words it separates them).
fn without_blanks_beside_han(phrase: &str) -> String {
    let mut out = String::with_capacity(phrase.len());
    let mut chars = phrase.chars().peekable();
    while let Some(c) = chars.next() {
        if !c.is_whitespace() {
            out.push(c);
            continue;
        }
        let mut blanks = String::from(c);
        while let Some(b) = chars.next_if(|c| c.is_whitespace()) {
            blanks.push(b);
        }
        let beside_han =
            out.chars().next_back().is_some_and(is_han) || chars.peek().is_some_and(|&c| is_han(c));
        if !beside_han {
            out.push_str(&blanks);
        }
    }
    out
}

/// Quoted parts (ASCII or Chinese quotes) and the rest of the query.
fn split_phrases(text: &str) -> (Vec<String>, String) {
    let mut phrases = Vec::new();
    let mut rest = String::new();
    let mut current: Option<String> = None;
    for c in text.chars() {
        match (c, current.as_mut()) {
            ('"' | '“' | '”' | '「' | '」', None) => current = Some(String::new()),
            ('"' | '“' | '”' | '「' | '」', Some(p)) => {
                if !p.trim().is_empty() {
                    phrases.push(p.trim().to_owned());
                }
                current = None;
                rest.push(' ');
            }
            (c, Some(p)) => p.push(c),
            (c, None) => rest.push(c),
        }
    }
    if let Some(p) = current {
        rest.push_str(&p);
    }
    (phrases, rest)
}

fn is_latin_word(w: &str) -> bool {
    w.len() >= 2 && w.chars().all(|c| c.is_ascii_alphabetic())
}

fn term_query(term: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
}

/// One page of (score, address), the exact total, and the facets when asked.
type Ranked = (Vec<(f32, DocAddress)>, u64, Option<Facets>);

/// Candidates taken by relevance before recency reorders them.
const RERANK_WINDOW: usize = 200;

/// Applies the recency factor to BM25 candidates (in BM25 order) and sorts each block of
/// `RERANK_WINDOW` by it, best first. Blocks keep every page consistent with the next: the top
/// N by BM25 is a prefix of the top M, so a block never changes with the page asked for.
fn rerank(
    searcher: &Searcher,
    cache: &ColumnCache,
    scored: Vec<(f32, DocAddress)>,
    today: i64,
) -> Result<Vec<(f32, DocAddress)>> {
    let mut columns = cache.for_query(searcher);
    let mut keyed = Vec::with_capacity(scored.len());
    for (score, address) in scored {
        let key = columns
            .at(address)?
            .date_key
            .first(address.doc_id)
            .unwrap_or(today << 32);
        keyed.push((score * recency(today - (key >> 32)), key, address));
    }
    for block in keyed.chunks_mut(RERANK_WINDOW) {
        block.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
    }
    Ok(keyed.into_iter().map(|(s, _, a)| (s, a)).collect())
}

/// Recency factor: up to 1.5× for today's items, fading with age in years.
fn recency(age_days: i64) -> f32 {
    let years = (age_days.max(0) as f32) / 365.0;
    1.0 + 0.5 / (1.0 + years)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_words_are_optional_and_asking_words_only_in_a_question() {
        fn optional<'a>(query: &[&'a str]) -> Vec<&'a str> {
            query
                .iter()
                .copied()
                .filter(|w| is_optional(w, query))
                .collect()
        }
        assert_eq!(optional(&["低保", "怎么", "申请"]), ["怎么"]);
        assert_eq!(
            optional(&["我", "想", "查询", "低保", "标准"]),
            ["我", "想", "查询"]
        );
        // Content, not a question: 咨询电话 needs 咨询.
        assert!(optional(&["咨询", "电话"]).is_empty());
        assert_eq!(optional(&["住房", "的", "补贴"]), ["的"]);
        // Only optional words: all of them are required, or anything would match.
        assert!(optional(&["查询", "一下"]).is_empty());
        assert!(optional(&["我", "想", "咨询"]).is_empty());
        assert!(optional(&["如何"]).is_empty());
    }

    /// The tokens [`covering`] keeps of `phrase`, given each token's idf by its text.
    fn kept(phrase: &str, idf: impl Fn(&str) -> f32) -> Vec<(usize, String)> {
        let mut grams = Vec::new();
        bigrams(phrase, &mut grams);
        let idfs: Vec<f32> = grams.iter().map(|g| idf(&g.text)).collect();
        covering(&grams, &idfs)
            .into_iter()
            .map(|i| (grams[i].position, grams[i].text.clone()))
            .collect()
    }

    fn owned(list: &[(usize, &str)]) -> Vec<(usize, String)> {
        list.iter().map(|(p, t)| (*p, (*t).to_owned())).collect()
    }

    #[test]
    fn a_phrase_keeps_its_rarest_bigrams_that_cover_every_character() {
        // 传教 is the rarest and stays, then 工作 (both its characters open), then what closes
        // 宣 and 育: 育工 adds nothing.
        let idf = |t: &str| match t {
            "传教" => 9.0,
            "教育" => 3.0,
            "宣传" => 2.0,
            "工作" => 1.0,
            _ => 0.5,
        };
        assert_eq!(
            kept("宣传教育工作", idf),
            owned(&[(0, "宣传"), (1, "传教"), (2, "教育"), (4, "工作")])
        );
        // Equal idfs: the first ones in the phrase, then whatever covers the rest.
        assert_eq!(
            kept("宣传教育工作", |_| 1.0),
            owned(&[(0, "宣传"), (2, "教育"), (4, "工作")])
        );
    }

    #[test]
    fn every_character_of_a_phrase_stays_covered() {
        // Whatever the idfs, each character of each phrase is inside a kept bigram.
        let phrases = [
            "提高企业经济效益",
            "改善宏观调控",
            "交易制度",
            "推广生态农业建设",
        ];
        let idfs: [fn(&str) -> f32; 3] = [
            |_| 1.0,
            |t| t.chars().map(|c| c as u32 % 7).sum::<u32>() as f32,
            |t| -(t.chars().next().map_or(0, |c| c as u32) as f32),
        ];
        for phrase in phrases {
            for idf in idfs {
                let kept = kept(phrase, idf);
                let chars = phrase.chars().count();
                let mut covered = vec![false; chars];
                for (p, t) in &kept {
                    covered[*p..*p + t.chars().count()].fill(true);
                }
                assert!(covered.iter().all(|c| *c), "{phrase}: {kept:?}");
                assert!(
                    kept.windows(2).all(|w| w[0].0 < w[1].0),
                    "in order: {kept:?}"
                );
            }
        }
    }

    #[test]
    fn a_covering_phrase_scores_as_the_whole_chain_of_bigrams() {
        use tantivy::collector::TopDocs;
        let index = SearchIndex::open(None, crate::Analysis::new("", None).expect("analysis"))
            .expect("index");
        let bodies = [
            "做好宣传教育工作的通知",
            "关于宣传教育工作和宣传教育工作经验的意见",
            "宣传工作与教育工作",
            "宣传教育工作",
        ];
        let docs = bodies.iter().enumerate().map(|(i, body)| crate::SearchDoc {
            id: i as i64 + 1,
            title: "公告".into(),
            body_text: (*body).into(),
            ..crate::SearchDoc::default()
        });
        index.rebuild(docs, 0, &mut |_| {}).expect("rebuild");
        let searcher = index.reader.searcher();
        let phrase = "宣传教育工作";
        let covering = index
            .phrase_query(&searcher, phrase)
            .expect("query")
            .expect("a phrase");
        let mut grams = Vec::new();
        bigrams(phrase, &mut grams);
        let whole = PhraseQuery::new_with_offset(
            grams
                .iter()
                .map(|g| {
                    (
                        g.position,
                        Term::from_field_text(index.fields.ngram, &g.text),
                    )
                })
                .collect(),
        );
        let scores = |q: &dyn Query| {
            let mut top = searcher
                .search(q, &TopDocs::with_limit(10).order_by_score())
                .expect("search");
            top.sort_by_key(|(_, d)| *d);
            top
        };
        let (got, want) = (scores(covering.as_ref()), scores(&whole));
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got.len(), want.len());
        for ((a, da), (b, db)) in got.iter().zip(&want) {
            assert_eq!(da, db);
            assert!((a - b).abs() <= 1e-4 * b.abs(), "{a} vs {b}");
        }
    }

    #[test]
    fn latin_runs_and_lone_characters_always_stay() {
        let idf = |t: &str| if t.is_ascii() { 0.1 } else { 5.0 };
        assert_eq!(kept("gdp增长", idf), owned(&[(0, "gdp"), (3, "增长")]));
        assert_eq!(
            kept("第3号令", idf),
            owned(&[(0, "第"), (1, "3"), (2, "号令")])
        );
    }

    #[test]
    fn blanks_beside_chinese_are_dropped_from_a_phrase_form() {
        let cases = [
            ("住房 补贴", "住房补贴"),
            ("住房 \u{3000}\t补贴", "住房补贴"),
            ("2024 年", "2024年"),
            ("GDP 增长", "GDP增长"),
            ("open  data", "open  data"),
            ("第 3 条", "第3条"),
            ("住房补贴", "住房补贴"),
        ];
        for (typed, joined) in cases {
            assert_eq!(without_blanks_beside_han(typed), joined, "{typed:?}");
        }
    }

    #[test]
    fn quoted_phrases_are_split_out() {
        let (p, rest) = split_phrases("住房 \"义务教育学区\" 补贴 “低保 标准”");
        assert_eq!(p, vec!["义务教育学区", "低保 标准"]);
        assert_eq!(
            rest.split_whitespace().collect::<Vec<_>>(),
            vec!["住房", "补贴"]
        );
        let (p, rest) = split_phrases("未闭合\"引号");
        assert!(p.is_empty());
        assert_eq!(rest, "未闭合引号");
    }

    #[test]
    fn recency_favours_new_items_and_never_punishes() {
        assert!(recency(0) > recency(365));
        assert!(recency(365) > recency(3650));
        assert!(recency(-5) <= 1.5 && recency(100_000) >= 1.0);
    }

    #[test]
    fn a_form_of_pieces_weighs_less_than_the_word() {
        // 住房公积金 rarer than its pieces together would be outweighed without the scale.
        let (word, pieces) = (5.3, 3.0 + 3.9);
        assert!(below_word(word, pieces) * pieces < word);
        assert!((below_word(word, pieces) * pieces - 0.9 * word).abs() < 1e-4);
        // A phrase that already weighs less keeps its weight; a single term keeps its own.
        assert_eq!(below_word(8.0, 4.0), 1.0);
        assert_eq!(below_word(8.0, 0.0), 1.0);
    }

    #[test]
    fn latin_words_are_pinyin_candidates() {
        assert!(is_latin_word("shebao"));
        assert!(!is_latin_word("s"));
        assert!(!is_latin_word("ppp2016"));
    }
}
