//! The public portal: home, catalog browsing, item pages, attachments, notices, 404.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gongkai_app::domain::item::Validity;
use gongkai_app::domain::pagination::Page;
use gongkai_app::domain::taxonomy;
use gongkai_app::items::{CatalogFilter, Item, Visibility};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;

use crate::AppState;
use crate::error::PageError;
use crate::locale::{Label, Locale};
use crate::query::{PageQuery, PathIds};
use crate::session::MaybeStaff;
use crate::views::{Chrome, ItemLine, Pager, body_map, paragraphs, validity_class};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/catalog", get(catalog))
        .route("/items/{id}", get(item_page))
        .route("/attachments/{id}", get(attachment))
        .route("/attachments/{id}/{name}", get(attachment_named))
        .route("/notices/{id}", get(notice))
        .route("/sitemap", get(site_map))
        .route("/healthz", get(healthz))
        .route("/static/style.css", get(stylesheet))
}

/// The chrome of a public page, in the reader's language.
pub fn chrome(state: &AppState, staff: &MaybeStaff, locale: Locale) -> Chrome {
    Chrome {
        site_name: state.site.name.clone(),
        staff_name: staff.0.as_ref().map(|s| s.display_name.clone()),
        csrf: staff.0.as_ref().map(|s| s.csrf.clone()).unwrap_or_default(),
        t: locale.texts(),
        switch_language: true,
        ..Chrome::default()
    }
}

async fn healthz(State(state): State<AppState>) -> Response {
    if state.app.ready().await {
        (StatusCode::OK, "ok").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
    }
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/style.css"),
    )
        .into_response()
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    items: Vec<ItemLine>,
    notices: Vec<(i64, String, String)>,
    key_areas: Vec<(String, i64)>,
    topics: Vec<(String, i64)>,
    total: i64,
}

async fn home(
    State(state): State<AppState>,
    staff: MaybeStaff,
    locale: Locale,
) -> Result<HomePage, PageError> {
    let app = &state.app;
    let bodies = body_map(app.bodies().await?);
    let page = app
        .catalog_lines(&CatalogFilter::default(), Page::new(Some(1), Some(12), 50))
        .await?;
    let facets = app.facets().await?;
    let key_areas = taxonomy::key_areas()
        .iter()
        .map(|k| (k.clone(), count_of(&facets.key_areas, k)))
        .collect();
    let mut topics: Vec<(String, i64)> = taxonomy::topics()
        .iter()
        .map(|t| (t.name.clone(), facets.topic_total(&t.name)))
        .filter(|(_, n)| *n > 0)
        .collect();
    topics.sort_by_key(|t| std::cmp::Reverse(t.1));
    Ok(HomePage {
        chrome: chrome(&state, &staff, locale),
        items: page
            .items
            .iter()
            .map(|i| ItemLine::new(i, &bodies, locale))
            .collect(),
        notices: app
            .latest_notices(6)
            .await?
            .into_iter()
            .map(|n| (n.id, n.title, n.notice_date))
            .collect(),
        key_areas,
        topics,
        total: page.total,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct CatalogQuery {
    pub body: Option<String>,
    pub topic: Option<String>,
    pub key_area: Option<String>,
    pub genre: Option<String>,
    pub year: Option<String>,
    pub validity: Option<String>,
    pub page: Option<u32>,
}

pub(crate) fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// A navigation entry: label, link, count, selected.
struct NavLink {
    label: String,
    href: String,
    count: i64,
    selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "catalog.html")]
struct CatalogPage {
    chrome: Chrome,
    heading: String,
    items: Vec<ItemLine>,
    pager: Pager,
    /// Navigation groups: heading and links.
    navs: Vec<(&'static str, Vec<NavLink>)>,
    active_filters: Vec<(String, String)>,
}

/// The count of `name` in a list of facet counts (0 when absent).
fn count_of(list: &[(String, i64)], name: &str) -> i64 {
    list.iter().find(|(n, _)| n == name).map_or(0, |(_, c)| *c)
}

/// The catalog's address with the filters of `q`, and `replace`'s key set to its value (or
/// dropped when the value is empty), last.
fn query_string(q: &CatalogQuery, replace: Option<(&str, &str)>) -> String {
    let href = catalog_base(q, replace.map(|(key, _)| key));
    match replace {
        Some((key, value)) => with_param(href, key, value),
        None => href,
    }
}

/// `/catalog?` with every filter of `q` but `except`: a navigation group builds it once and
/// adds its own key to it for each of its links (a catalog page has over a hundred).
fn catalog_base(q: &CatalogQuery, except: Option<&str>) -> String {
    let mut href = String::from("/catalog?");
    for (key, value) in [
        ("body", &q.body),
        ("topic", &q.topic),
        ("key_area", &q.key_area),
        ("genre", &q.genre),
        ("year", &q.year),
        ("validity", &q.validity),
    ] {
        if except != Some(key)
            && let Some(value) = non_empty(value)
        {
            push_param(&mut href, key, &value);
        }
    }
    href
}

/// `href` with `key=value` appended (see [`push_param`]).
fn with_param(mut href: String, key: &str, value: &str) -> String {
    push_param(&mut href, key, value);
    href
}

/// Appends `key=value` (percent-encoded) to an address ending in `?` or in a parameter; an
/// empty value adds nothing.
pub(crate) fn push_param(href: &mut String, key: &str, value: &str) {
    if value.is_empty() {
        return;
    }
    if !href.ends_with('?') {
        href.push('&');
    }
    href.push_str(key);
    href.push('=');
    href.extend(utf8_percent_encode(value, QUERY_VALUE));
}

/// What a query value keeps as it is: the unreserved characters of RFC 3986.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes a query value or a path segment.
pub fn encode(s: &str) -> String {
    utf8_percent_encode(s, QUERY_VALUE).to_string()
}

async fn catalog(
    State(state): State<AppState>,
    staff: MaybeStaff,
    locale: Locale,
    PageQuery(q): PageQuery<CatalogQuery>,
) -> Result<Response, PageError> {
    let app = &state.app;
    let t = locale.texts();
    let bodies = app.bodies().await?;
    let body = non_empty(&q.body).and_then(|code| bodies.iter().find(|b| b.code == code).cloned());
    let validity = non_empty(&q.validity).and_then(|v| Validity::parse(&v));
    let year = match non_empty(&q.year) {
        None => None,
        Some(y) => match y.parse::<i32>() {
            Ok(year) if (1000..=9999).contains(&year) => Some(year),
            _ => {
                let message = format!("年份“{y}”无法识别：应为四位数字，例如 2016");
                return Ok(crate::error_pages::page(StatusCode::BAD_REQUEST, message));
            }
        },
    };
    let filter = CatalogFilter {
        body_id: body.as_ref().map(|b| b.id),
        topic: non_empty(&q.topic),
        key_area: non_empty(&q.key_area),
        genre: non_empty(&q.genre),
        year,
        validity,
    };
    let page = app
        .catalog_lines(&filter, Page::new(q.page, Some(20), 100))
        .await?;
    if page.total > 0 && page.page > page.pages {
        let message = format!("第 {} 页不存在（共 {} 页）", page.page, page.pages);
        return Ok(crate::error_pages::page(StatusCode::NOT_FOUND, message));
    }
    // Each facet counted under the other filters: what its link gives.
    let facets = app.catalog_facets(&filter).await?;
    let nav = |key: &str, entries: Vec<(String, String, i64)>, current: &Option<String>| {
        let base = catalog_base(&q, Some(key));
        entries
            .into_iter()
            .map(|(value, label, count)| NavLink {
                selected: non_empty(current).as_deref() == Some(value.as_str()),
                href: with_param(base.clone(), key, &value),
                label,
                count,
            })
            .collect::<Vec<_>>()
    };
    let bodies_nav = nav(
        "body",
        bodies
            .iter()
            .filter_map(|b| {
                let n = facets
                    .bodies
                    .iter()
                    .find(|(id, _)| *id == b.id)
                    .map_or(0, |x| x.1);
                (n > 0).then(|| (b.code.clone(), b.name.clone(), n))
            })
            .collect(),
        &q.body,
    );
    let topics_nav = nav(
        "topic",
        taxonomy::topics()
            .iter()
            .filter_map(|topic| {
                let n = facets.topic_total(&topic.name);
                (n > 0).then(|| (topic.name.clone(), t.term(&topic.name), n))
            })
            .collect(),
        &q.topic,
    );
    let areas_nav = nav(
        "key_area",
        taxonomy::key_areas()
            .iter()
            .map(|k| (k.clone(), t.term(k), count_of(&facets.key_areas, k)))
            .filter(|x| x.2 > 0)
            .collect(),
        &q.key_area,
    );
    let genres_nav = nav(
        "genre",
        taxonomy::genres()
            .iter()
            .map(|g| (g.clone(), t.term(g), count_of(&facets.genres, g)))
            .filter(|x| x.2 > 0)
            .collect(),
        &q.genre,
    );
    let years_nav = nav(
        "year",
        facets
            .years
            .iter()
            .map(|(y, n)| (y.clone(), t.year(y), *n))
            .collect(),
        &q.year,
    );
    let validity_nav = nav(
        "validity",
        [
            Validity::Effective,
            Validity::Expired,
            Validity::Repealed,
            Validity::Revised,
        ]
        .iter()
        .map(|v| {
            let n = count_of(&facets.validity, v.as_str());
            (v.as_str().to_owned(), v.label(locale).to_owned(), n)
        })
        .filter(|x| x.2 > 0)
        .collect(),
        &q.validity,
    );
    let c = &t.catalog;
    let mut active_filters = Vec::new();
    if let Some(b) = &body {
        let label = t.filter(c.body, &b.name);
        active_filters.push((label, query_string(&q, Some(("body", "")))));
    }
    for (key, label, value) in [
        ("topic", c.topic, non_empty(&q.topic)),
        ("key_area", c.key_area, non_empty(&q.key_area)),
        ("genre", c.genre, non_empty(&q.genre)),
        ("year", c.year, non_empty(&q.year)),
    ] {
        if let Some(v) = value {
            active_filters.push((t.filter(label, &v), query_string(&q, Some((key, "")))));
        }
    }
    if let Some(v) = validity {
        let label = t.filter(c.validity, v.label(locale));
        active_filters.push((label, query_string(&q, Some(("validity", "")))));
    }
    let heading = body
        .as_ref()
        .map_or_else(|| c.heading.to_owned(), |b| b.name.clone());
    let bodies = crate::views::body_map(bodies);
    let catalog = CatalogPage {
        chrome: chrome(&state, &staff, locale),
        heading,
        items: page
            .items
            .iter()
            .map(|i| ItemLine::new(i, &bodies, locale))
            .collect(),
        pager: Pager::new(&query_string(&q, None), page.page, page.pages, page.total),
        navs: vec![
            (c.topic, topics_nav),
            (c.key_area, areas_nav),
            (c.body, bodies_nav),
            (c.genre, genres_nav),
            (c.year, years_nav),
            (c.validity, validity_nav),
        ],
        active_filters,
    };
    Ok(catalog.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "item.html")]
struct ItemPage {
    chrome: Chrome,
    item: Item,
    body_name: String,
    body_code: String,
    paragraphs: Vec<String>,
    attachments: Vec<gongkai_app::items::Attachment>,
    successor: Option<(i64, String)>,
    predecessors: Vec<(i64, String)>,
    validity_class: &'static str,
    validity_banner: &'static str,
    /// The item's status, in the reader's language (for the banner of an unpublished item).
    status_label: &'static str,
    is_draft: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "withdrawn.html")]
struct WithdrawnPage {
    chrome: Chrome,
    title: String,
    index_number: String,
}

async fn item_page(
    State(state): State<AppState>,
    staff: MaybeStaff,
    locale: Locale,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let app = &state.app;
    let t = locale.texts();
    let Ok(id) = id.parse::<i64>() else {
        let message = "未找到该信息";
        return Ok(crate::error_pages::page(StatusCode::NOT_FOUND, message));
    };
    let actor = staff.0.as_ref().map(|s| &s.actor);
    let item = match app.item(actor, id).await? {
        Visibility::Visible(item) => *item,
        Visibility::Withdrawn {
            title,
            index_number,
        } => {
            let page = WithdrawnPage {
                chrome: chrome(&state, &staff, locale),
                title,
                index_number: index_number.unwrap_or_default(),
            };
            return Ok((StatusCode::GONE, page).into_response());
        }
    };
    let body = app.body(item.body_id).await?;
    let successor = match item.successor_id {
        Some(s) => app.item_title(s).await?.map(|t| (s, t)),
        None => None,
    };
    let page = ItemPage {
        chrome: chrome(&state, &staff, locale),
        paragraphs: paragraphs(&item.fields.body),
        attachments: app.attachments(actor, id).await?,
        predecessors: app.predecessors(id).await?,
        successor,
        validity_class: validity_class(item.fields.validity),
        validity_banner: match item.fields.validity {
            Validity::Effective => "",
            Validity::Expired => t.item.expired,
            Validity::Repealed => t.item.repealed,
            Validity::Revised => t.item.revised,
        },
        status_label: item.status.label(locale),
        is_draft: item.status != gongkai_app::domain::item::ItemStatus::Published,
        body_name: body.name,
        body_code: body.code,
        item,
    };
    Ok(page.into_response())
}

async fn attachment(
    state: State<AppState>,
    staff: MaybeStaff,
    PathIds(id): PathIds<i64>,
) -> Result<Response, PageError> {
    serve_attachment(state, staff, id).await
}

async fn attachment_named(
    state: State<AppState>,
    staff: MaybeStaff,
    PathIds((id, _name)): PathIds<(i64, String)>,
) -> Result<Response, PageError> {
    serve_attachment(state, staff, id).await
}

async fn serve_attachment(
    State(state): State<AppState>,
    staff: MaybeStaff,
    id: i64,
) -> Result<Response, PageError> {
    let actor = staff.0.as_ref().map(|s| &s.actor);
    let file = state.app.attachment_file(actor, id).await?;
    let disposition = format!(
        "attachment; filename=\"attachment\"; filename*=UTF-8''{}",
        encode(&file.meta.filename)
    );
    // Only published files may sit in shared caches; a draft shown to staff must not.
    let cache = if file.public {
        "public, max-age=3600"
    } else {
        "private, no-store"
    };
    Ok((
        [
            (header::CONTENT_TYPE, file.meta.content_type.clone()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, cache.to_owned()),
            (header::VARY, "Cookie".to_owned()),
        ],
        file.bytes,
    )
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "notice.html")]
struct NoticePage {
    chrome: Chrome,
    title: String,
    date: String,
    paragraphs: Vec<String>,
}

async fn notice(
    State(state): State<AppState>,
    staff: MaybeStaff,
    locale: Locale,
    PathIds(id): PathIds<i64>,
) -> Result<NoticePage, PageError> {
    let n = state.app.notice(id).await?;
    Ok(NoticePage {
        chrome: chrome(&state, &staff, locale),
        title: n.title,
        date: n.notice_date,
        paragraphs: paragraphs(&n.body),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "site_map.html")]
struct SiteMapPage {
    chrome: Chrome,
    /// (code, name) of every body.
    bodies: Vec<(String, String)>,
    topics: Vec<String>,
    key_areas: Vec<String>,
    genres: Vec<String>,
}

/// `GET /sitemap`: the site map for people (网站地图); `/sitemap.xml` is the crawlers'.
async fn site_map(
    State(state): State<AppState>,
    staff: MaybeStaff,
    locale: Locale,
) -> Result<SiteMapPage, PageError> {
    let bodies = state.app.bodies().await?;
    Ok(SiteMapPage {
        chrome: chrome(&state, &staff, locale),
        bodies: bodies.into_iter().map(|b| (b.code, b.name)).collect(),
        topics: taxonomy::topics().iter().map(|t| t.name.clone()).collect(),
        key_areas: taxonomy::key_areas().to_vec(),
        genres: taxonomy::genres().to_vec(),
    })
}

pub async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::error::ApiError::App(gongkai_app::AppError::NotFound("resource"))
            .into_response();
    }
    crate::error_pages::page(StatusCode::NOT_FOUND, "您访问的页面不存在或已被移除")
}

#[cfg(test)]
mod tests {
    use super::encode;

    #[test]
    fn a_query_value_keeps_only_unreserved_characters() {
        assert_eq!(encode("Az09-_.~"), "Az09-_.~");
        assert_eq!(
            encode("住房 a/b&c=d+e%"),
            "%E4%BD%8F%E6%88%BF%20a%2Fb%26c%3Dd%2Be%25"
        );
    }
}
