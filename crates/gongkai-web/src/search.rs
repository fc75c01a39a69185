//! The portal's search page (`/search?q=…`): results with highlighted snippets, filters with
//! counts, sort, pages, and what the query was read as (synonyms, pinyin, document number, a
//! corrected typo) or, when nothing is found, what to try instead.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gongkai_app::domain::item::Validity;
use gongkai_app::orgs::Body;
use gongkai_search::{Filters, SearchRequest, SearchResults, SortOrder, SuggestionKind};
use serde::Deserialize;

use crate::AppState;
use crate::error::PageError;
use crate::locale::{Label, Locale};
use crate::portal::{chrome, encode, non_empty, push_param};
use crate::query::PageQuery;
use crate::session::MaybeStaff;
use crate::texts::Texts;
use crate::views::{Chrome, Pager};

pub fn router() -> Router<AppState> {
    Router::new().route("/search", get(search_page))
}

pub const PER_PAGE: usize = 10;

/// The query string of the search page and of `GET /api/v1/search`.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The query: words, "an exact phrase", a document or index number, or pinyin.
    pub q: Option<String>,
    /// Organisation code of the publishing body.
    pub body: Option<String>,
    /// Topic or topic path (主题分类).
    pub topic: Option<String>,
    /// Key area (重点领域).
    pub key_area: Option<String>,
    /// Genre (体裁).
    pub genre: Option<String>,
    /// Validity (有效性): 有效, 失效, 废止, 已修订.
    pub validity: Option<String>,
    /// First year of publication.
    pub from: Option<i32>,
    /// Last year of publication.
    pub to: Option<i32>,
    /// `relevance` (default), `newest` or `oldest`.
    pub sort: Option<String>,
    /// 1-based page.
    pub page: Option<usize>,
    /// Results per page (1–100, default 10).
    pub per_page: Option<usize>,
}

impl SearchParams {
    /// The request for the application layer; an unknown body code filters to nothing rather
    /// than being ignored.
    pub fn request(&self, bodies: &[Body]) -> SearchRequest {
        let body_ids = match non_empty(&self.body) {
            Some(code) => vec![bodies.iter().find(|b| b.code == code).map_or(-1, |b| b.id)],
            None => vec![],
        };
        SearchRequest {
            q: self.q.clone().unwrap_or_default(),
            filters: Filters {
                body_ids,
                topic: non_empty(&self.topic),
                key_area: non_empty(&self.key_area),
                genre: non_empty(&self.genre),
                validity: non_empty(&self.validity),
                year_from: self.years().0,
                year_to: self.years().1,
            },
            sort: match self.sort.as_deref() {
                Some("newest") => SortOrder::Newest,
                Some("oldest") => SortOrder::Oldest,
                _ => SortOrder::Relevance,
            },
            page: self.page.unwrap_or(1).max(1),
            per_page: self.per_page.unwrap_or(PER_PAGE).clamp(1, 100),
            today: chrono::NaiveDate::default(),
        }
    }

    /// The first and last year asked for, in order (a range typed backwards means the same).
    fn years(&self) -> (Option<i32>, Option<i32>) {
        match (self.from, self.to) {
            (Some(a), Some(b)) if a > b => (Some(b), Some(a)),
            years => years,
        }
    }

    /// The filters of this search as query parameters, for a form that changes something else
    /// (the sort) and must keep them.
    fn kept_filters(&self) -> Vec<(&'static str, String)> {
        let (from, to) = self.years();
        let per_page = self.per_page.map(|n| n.to_string());
        let mut kept = self.filters(from, to);
        kept.extend(non_empty(&per_page).map(|v| ("per_page", v)));
        kept
    }

    /// The filters that are set, in link order, with the years given.
    fn filters(&self, from: Option<i32>, to: Option<i32>) -> Vec<(&'static str, String)> {
        let years = (from.map(|y| y.to_string()), to.map(|y| y.to_string()));
        [
            ("body", &self.body),
            ("topic", &self.topic),
            ("key_area", &self.key_area),
            ("genre", &self.genre),
            ("validity", &self.validity),
            ("from", &years.0),
            ("to", &years.1),
        ]
        .into_iter()
        .filter_map(|(k, v)| non_empty(v).map(|v| (k, v)))
        .collect()
    }

    /// This page's link with `key` set to `value` (removed when empty); the page resets.
    fn link(&self, key: &str, value: &str) -> String {
        let mut href = String::from("/search?");
        let per_page = self.per_page.map(|n| n.to_string());
        let q = non_empty(&self.q).map(|v| ("q", v));
        let rest = [("sort", &self.sort), ("per_page", &per_page)]
            .into_iter()
            .filter_map(|(k, v)| non_empty(v).map(|v| (k, v)));
        let params = q
            .into_iter()
            .chain(self.filters(self.from, self.to))
            .chain(rest);
        for (k, v) in params.filter(|(k, _)| *k != key) {
            push_param(&mut href, k, &v);
        }
        push_param(&mut href, key, value);
        href
    }
}

/// A filter entry: label, link, count, selected.
struct FacetLink {
    label: String,
    href: String,
    count: u64,
    selected: bool,
}

struct ResultLine {
    href: String,
    title_html: String,
    snippet_html: Option<String>,
    in_attachment: bool,
    body_name: String,
    published_on: String,
    doc_number: Option<String>,
    index_number: String,
    validity: String,
    /// No longer in force (the validity is shown).
    void: bool,
    genre: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "search.html")]
struct SearchPage {
    chrome: Chrome,
    q: String,
    sort: String,
    searched: bool,
    /// Rank of the first result on this page (the list's `start`).
    first_rank: usize,
    total: u64,
    results: Vec<ResultLine>,
    pager: Pager,
    facets: Vec<(&'static str, Vec<FacetLink>)>,
    active_filters: Vec<(String, String)>,
    /// Lines saying how the query was read.
    notes: Vec<String>,
    /// Link text and link for what to try instead.
    suggestions: Vec<(String, String)>,
    /// Filters the search form sends again (hidden fields).
    kept: Vec<(&'static str, String)>,
    /// The query has no Chinese in it (English readers may not know the documents are Chinese).
    latin_query: bool,
}

async fn search_page(
    State(state): State<AppState>,
    staff: MaybeStaff,
    locale: Locale,
    PageQuery(p): PageQuery<SearchParams>,
) -> Result<Response, PageError> {
    let app = &state.app;
    let t = locale.texts();
    let bodies = app.registry().await?;
    let req = p.request(&bodies);
    let searched = !req.q.trim().is_empty() || !req.filters.is_empty();
    let max = gongkai_search::query::MAX_OFFSET;
    if (req.page - 1).saturating_mul(req.per_page) > max {
        let message = format!(
            "第 {} 页超出可浏览的范围（只列出前 {max} 条结果），请加上筛选条件缩小范围",
            req.page
        );
        return Ok(crate::error_pages::page(StatusCode::NOT_FOUND, message));
    }
    // The bare page (no query, no filter) shows the form only: no search over everything.
    let results = if searched {
        app.search(req.clone()).await?
    } else {
        SearchResults::default()
    };
    let q = req.q.trim().to_owned();
    let pages = results.total.div_ceil(req.per_page as u64).max(1);
    let pages =
        u32::try_from(pages.min(gongkai_search::query::MAX_OFFSET as u64 / req.per_page as u64))
            .unwrap_or(1);
    if results.total > 0 && req.page > pages as usize {
        let message = format!("第 {} 页不存在（共 {pages} 页）", req.page);
        return Ok(crate::error_pages::page(StatusCode::NOT_FOUND, message));
    }
    let base = p.link("page", "");
    let page = SearchPage {
        chrome: chrome(&state, &staff, locale),
        sort: p.sort.clone().unwrap_or_else(|| "relevance".to_owned()),
        searched,
        first_rank: (req.page - 1) * req.per_page + 1,
        total: results.total,
        results: results.hits.iter().map(|h| result_line(h, t)).collect(),
        pager: Pager::new(
            &base,
            u32::try_from(req.page).unwrap_or(1),
            pages,
            i64::try_from(results.total).unwrap_or(0),
        ),
        facets: facet_links(&p, &results, &bodies, t),
        active_filters: active_filters(&p, &bodies, t),
        notes: notes(&results, t),
        suggestions: suggestions(&p, &results, t),
        kept: p.kept_filters(),
        latin_query: !q.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        q,
    };
    Ok(page.into_response())
}

fn result_line(h: &gongkai_search::Hit, t: &Texts) -> ResultLine {
    ResultLine {
        href: format!("/items/{}", h.id),
        title_html: h.title_html.clone(),
        snippet_html: h.snippet_html.clone(),
        in_attachment: h.in_attachment,
        body_name: h.body_name.clone(),
        published_on: h.published_on.to_string(),
        doc_number: h.doc_number.clone(),
        index_number: h.index_number.clone(),
        validity: validity_label(&h.validity, t),
        void: Validity::parse(&h.validity) != Some(Validity::Effective),
        genre: h.genre.clone(),
    }
}

fn facet_links(
    p: &SearchParams,
    r: &SearchResults,
    bodies: &[Body],
    t: &Texts,
) -> Vec<(&'static str, Vec<FacetLink>)> {
    let strings = |key: &str, list: &[(String, u64)], current: &Option<String>| {
        list.iter()
            .take(30)
            .map(|(v, n)| FacetLink {
                label: t.term(v),
                href: p.link(key, v),
                count: *n,
                selected: non_empty(current).as_deref() == Some(v.as_str()),
            })
            .collect::<Vec<_>>()
    };
    let body_links = r
        .facets
        .bodies
        .iter()
        .take(30)
        .filter_map(|(id, n)| {
            let b = bodies.iter().find(|b| b.id == *id)?;
            Some(FacetLink {
                label: b.name.clone(),
                href: p.link("body", &b.code),
                count: *n,
                selected: non_empty(&p.body).as_deref() == Some(b.code.as_str()),
            })
        })
        .collect();
    let year_links = r
        .facets
        .years
        .iter()
        .map(|(y, n)| FacetLink {
            label: t.year(&y.to_string()),
            href: SearchParams {
                from: Some(*y),
                to: Some(*y),
                ..p.clone()
            }
            .link("page", ""),
            count: *n,
            selected: p.from == Some(*y) && p.to == Some(*y),
        })
        .collect();
    let top_topics: Vec<(String, u64)> = r
        .facets
        .topics
        .iter()
        .filter(|(t, _)| !t.contains('/'))
        .cloned()
        .collect();
    let c = &t.catalog;
    vec![
        (c.body, body_links),
        (c.topic, strings("topic", &top_topics, &p.topic)),
        (
            c.key_area,
            strings("key_area", &r.facets.key_areas, &p.key_area),
        ),
        (c.genre, strings("genre", &r.facets.genres, &p.genre)),
        (c.year, year_links),
        (c.validity, {
            let mut links = strings("validity", &r.facets.validity, &p.validity);
            for l in &mut links {
                l.label = validity_label(&l.label, t);
            }
            links
        }),
    ]
    .into_iter()
    .filter(|(_, links)| !links.is_empty())
    .collect()
}

/// The label of a stored validity code (有效, 失效, 废止, 已修订) in the reader's language.
fn validity_label(code: &str, t: &Texts) -> String {
    Validity::parse(code).map_or_else(|| code.to_owned(), |v| v.label(t.locale).to_owned())
}

fn active_filters(p: &SearchParams, bodies: &[Body], t: &Texts) -> Vec<(String, String)> {
    let c = &t.catalog;
    let mut out = Vec::new();
    if let Some(code) = non_empty(&p.body) {
        let name = bodies
            .iter()
            .find(|b| b.code == code)
            .map_or(code.clone(), |b| b.name.clone());
        out.push((t.filter(c.body, &name), p.link("body", "")));
    }
    for (key, label, value) in [
        ("topic", c.topic, &p.topic),
        ("key_area", c.key_area, &p.key_area),
        ("genre", c.genre, &p.genre),
        ("validity", c.validity, &p.validity),
    ] {
        if let Some(v) = non_empty(value) {
            let v = if key == "validity" {
                validity_label(&v, t)
            } else {
                t.term(&v)
            };
            out.push((t.filter(label, &v), p.link(key, "")));
        }
    }
    if p.from.is_some() || p.to.is_some() {
        let years = match p.years() {
            (Some(a), Some(b)) if a == b => t.year(&a.to_string()),
            (a, b) => format!(
                "{}–{}",
                a.map_or(String::new(), |y| y.to_string()),
                b.map_or(String::new(), |y| y.to_string())
            ),
        };
        let label = t.filter(c.year, &years);
        let without_from = SearchParams {
            from: None,
            ..p.clone()
        };
        out.push((label, without_from.link("to", "")));
    }
    out
}

fn notes(r: &SearchResults, t: &Texts) -> Vec<String> {
    let i = &r.interpretation;
    let mut out = Vec::new();
    if let Some(original) = &i.corrected_from {
        out.push(t.corrected(original));
    }
    if let Some(num) = &i.document_number {
        out.push(t.by_number(num));
    }
    for (word, synonyms) in &i.synonyms {
        out.push(t.with_synonyms(word, synonyms));
    }
    for (latin, words) in &i.pinyin {
        out.push(t.by_pinyin(latin, words));
    }
    out
}

fn suggestions(p: &SearchParams, r: &SearchResults, t: &Texts) -> Vec<(String, String)> {
    r.suggestions
        .iter()
        .map(|s| {
            let text = match s.kind {
                SuggestionKind::Correction => t.did_you_mean(&s.query, s.total),
                SuggestionKind::Broader => t.fewer_words(&s.query, s.total),
                SuggestionKind::WithoutFilters => t.without_filters(s.total),
                SuggestionKind::Substring => t.as_written(&s.query, s.total),
            };
            let href = match s.kind {
                SuggestionKind::WithoutFilters => format!("/search?q={}", encode(&s.query)),
                _ => p.link("q", &s.query),
            };
            (text, href)
        })
        .collect()
}
