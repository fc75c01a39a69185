//! `GET /api/v1/search`: the portal's search as JSON.

use axum::Json;
use axum::extract::State;
use gongkai_search::{SearchResults, SuggestionKind};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::query::ApiQuery;
use crate::search::SearchParams;

/// One result.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHitJson {
    pub id: i64,
    /// Link to the item's public page.
    pub url: String,
    /// HTML-escaped title with matches wrapped in `<mark>`.
    pub title_html: String,
    /// HTML-escaped excerpt around the first match, matches in `<mark>`.
    pub snippet_html: Option<String>,
    /// The match is (also) in an attachment's text.
    pub in_attachment: bool,
    pub doc_number: Option<String>,
    pub index_number: String,
    pub body_code: Option<String>,
    pub body_name: String,
    pub topic: String,
    pub genre: String,
    pub validity: String,
    /// `YYYY-MM-DD`.
    pub published_on: String,
    pub score: f32,
}

/// A filter value and how many results it leaves.
#[derive(Debug, Serialize, ToSchema)]
pub struct FacetCountJson {
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchFacetsJson {
    /// By organisation code.
    pub bodies: Vec<FacetCountJson>,
    /// Topics and topic paths.
    pub topics: Vec<FacetCountJson>,
    pub key_areas: Vec<FacetCountJson>,
    pub genres: Vec<FacetCountJson>,
    pub validity: Vec<FacetCountJson>,
    pub years: Vec<FacetCountJson>,
}

/// How the query was read.
#[derive(Debug, Serialize, ToSchema)]
pub struct InterpretationJson {
    pub words: Vec<String>,
    pub phrases: Vec<String>,
    /// Word → synonyms also searched.
    pub synonyms: std::collections::BTreeMap<String, Vec<String>>,
    /// Latin word → Chinese words searched for it.
    pub pinyin: std::collections::BTreeMap<String, Vec<String>>,
    pub document_number: Option<String>,
    /// Set when the query found nothing and these are the results of a corrected query.
    pub corrected_from: Option<String>,
}

/// Something to try instead: `correction`, `broader`, `without_filters` or `substring`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionJson {
    pub kind: String,
    pub query: String,
    pub total: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchJson {
    /// Exact number of matching items.
    pub total: u64,
    pub page: usize,
    pub per_page: usize,
    pub hits: Vec<SearchHitJson>,
    pub facets: SearchFacetsJson,
    pub interpretation: InterpretationJson,
    pub suggestions: Vec<SuggestionJson>,
}

/// Search published items: words (segmented, with synonyms), "exact phrases", document and index
/// numbers, pinyin; filters with counts; sorted by relevance or date.
#[utoipa::path(get, path = "/search", tag = "search", params(SearchParams),
    responses((status = 200, body = SearchJson), (status = 400, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> Result<Json<SearchJson>, ApiError> {
    if let Some(sort) = p.sort.as_deref()
        && !["relevance", "newest", "oldest"].contains(&sort)
    {
        return Err(ApiError::bad_request(
            "sort",
            "排序方式应为 relevance、newest 或 oldest",
        ));
    }
    let bodies = state.app.bodies().await?;
    let req = p.request(&bodies);
    let r = state.app.search(req.clone()).await?;
    let code_of = |id: i64| bodies.iter().find(|b| b.id == id).map(|b| b.code.clone());
    Ok(Json(to_json(r, req.page, req.per_page, &code_of)))
}

fn to_json(
    r: SearchResults,
    page: usize,
    per_page: usize,
    code_of: &dyn Fn(i64) -> Option<String>,
) -> SearchJson {
    let counts = |list: Vec<(String, u64)>| {
        list.into_iter()
            .map(|(value, count)| FacetCountJson { value, count })
            .collect()
    };
    let f = r.facets;
    let i = r.interpretation;
    SearchJson {
        total: r.total,
        page,
        per_page,
        hits: r
            .hits
            .into_iter()
            .map(|h| SearchHitJson {
                url: format!("/items/{}", h.id),
                body_code: code_of(h.body_id),
                id: h.id,
                title_html: h.title_html,
                snippet_html: h.snippet_html,
                in_attachment: h.in_attachment,
                doc_number: h.doc_number,
                index_number: h.index_number,
                body_name: h.body_name,
                topic: h.topic,
                genre: h.genre,
                validity: h.validity,
                published_on: h.published_on.to_string(),
                score: h.score,
            })
            .collect(),
        facets: SearchFacetsJson {
            bodies: f
                .bodies
                .into_iter()
                .filter_map(|(id, count)| {
                    Some(FacetCountJson {
                        value: code_of(id)?,
                        count,
                    })
                })
                .collect(),
            topics: counts(f.topics),
            key_areas: counts(f.key_areas),
            genres: counts(f.genres),
            validity: counts(f.validity),
            years: counts(
                f.years
                    .into_iter()
                    .map(|(y, n)| (y.to_string(), n))
                    .collect(),
            ),
        },
        interpretation: InterpretationJson {
            words: i.words,
            phrases: i.phrases,
            synonyms: i.synonyms.into_iter().collect(),
            pinyin: i.pinyin.into_iter().collect(),
            document_number: i.document_number,
            corrected_from: i.corrected_from,
        },
        suggestions: r
            .suggestions
            .into_iter()
            .map(|s| SuggestionJson {
                kind: match s.kind {
                    SuggestionKind::Correction => "correction",
                    SuggestionKind::Broader => "broader",
                    SuggestionKind::WithoutFilters => "without_filters",
                    SuggestionKind::Substring => "substring",
                }
                .to_owned(),
                query: s.query,
                total: s.total,
            })
            .collect(),
    }
}
