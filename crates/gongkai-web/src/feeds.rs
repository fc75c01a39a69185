//! Machine-readable views of the catalog: Atom and RSS feeds, and the sitemap.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gongkai_app::domain::pagination::Page;
use gongkai_app::items::CatalogFilter;

use crate::AppState;
use crate::error::PageError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/feed.xml", get(atom))
        .route("/rss.xml", get(rss))
        .route("/sitemap.xml", get(sitemap))
}

struct Entry {
    id: i64,
    title: String,
    summary: String,
    body_name: String,
    updated_rfc3339: String,
    updated_rfc2822: String,
}

#[derive(Template)]
#[template(path = "atom.xml")]
struct AtomFeed {
    site_name: String,
    base: String,
    updated: String,
    entries: Vec<Entry>,
}

#[derive(Template)]
#[template(path = "rss.xml")]
struct RssFeed {
    site_name: String,
    base: String,
    entries: Vec<Entry>,
}

#[derive(Template)]
#[template(path = "sitemap.xml")]
struct Sitemap {
    base: String,
    /// (item id, last modification date)
    entries: Vec<(i64, String)>,
}

/// Sitemaps hold at most 50,000 URLs (sitemaps.org).
const SITEMAP_MAX: u32 = 50_000;

async fn entries(state: &AppState, limit: u32) -> Result<Vec<Entry>, PageError> {
    let app = &state.app;
    let bodies = crate::views::body_map(app.bodies().await?);
    let page = app
        .catalog(
            &CatalogFilter::default(),
            Page::new(Some(1), Some(limit), limit),
        )
        .await?;
    Ok(page
        .items
        .into_iter()
        .map(|i| {
            let at =
                chrono::DateTime::from_timestamp_millis(i.published_ms.unwrap_or(i.updated_ms))
                    .unwrap_or_default()
                    .with_timezone(&gongkai_app::china_offset());
            let summary = if i.fields.summary.is_empty() {
                i.fields.body.chars().take(120).collect()
            } else {
                i.fields.summary.clone()
            };
            Entry {
                id: i.id,
                body_name: bodies
                    .get(&i.body_id)
                    .map(|b| b.name.clone())
                    .unwrap_or_default(),
                title: i.fields.title,
                summary,
                updated_rfc3339: at.to_rfc3339(),
                updated_rfc2822: at.to_rfc2822(),
            }
        })
        .collect())
}

fn xml(content_type: &'static str, body: Result<String, askama::Error>) -> Response {
    match body {
        Ok(b) => ([(header::CONTENT_TYPE, content_type)], b).into_response(),
        Err(e) => PageError(gongkai_app::AppError::Internal(e.to_string())).into_response(),
    }
}

async fn atom(State(state): State<AppState>) -> Result<Response, PageError> {
    let entries = entries(&state, 50).await?;
    let feed = AtomFeed {
        site_name: state.site.name.clone(),
        base: state.site.base_url.clone(),
        updated: entries.first().map_or_else(
            || "1970-01-01T00:00:00+00:00".into(),
            |e| e.updated_rfc3339.clone(),
        ),
        entries,
    };
    Ok(xml("application/atom+xml; charset=utf-8", feed.render()))
}

async fn rss(State(state): State<AppState>) -> Result<Response, PageError> {
    let feed = RssFeed {
        site_name: state.site.name.clone(),
        base: state.site.base_url.clone(),
        entries: entries(&state, 50).await?,
    };
    Ok(xml("application/rss+xml; charset=utf-8", feed.render()))
}

async fn sitemap(State(state): State<AppState>) -> Result<Response, PageError> {
    let entries = state
        .app
        .published_index(i64::from(SITEMAP_MAX))
        .await?
        .into_iter()
        .map(|(id, ms)| {
            (
                id,
                gongkai_app::local_date(ms.unwrap_or_default()).to_string(),
            )
        })
        .collect();
    let map = Sitemap {
        base: state.site.base_url.clone(),
        entries,
    };
    Ok(xml("application/xml; charset=utf-8", map.render()))
}
