//! A cache of rendered public pages for anonymous readers (a "micro-cache", the job Varnish does
//! in front of other portals). The home page, the catalog, item and notice pages and searches
//! look the same to every visitor without a staff session, and they are read far more often than
//! anything changes. An entry is served only while the application's content generation is the
//! one it was rendered at (every local publication, withdrawal or edit, and every change the
//! search index applies, moves it on) and for at most [`TTL`] (plus [`STALE_GRACE`], below),
//! which bounds what a cache can miss (a change on another node before its event reaches this
//! node's index).
//!
//! When an entry's time is up but nothing is known to have changed, one request renders it again
//! while the others keep getting the old page for up to [`STALE_GRACE`] more ("stale while
//! revalidate"): without it, every request arriving during the render renders too, and under
//! load each such render is slow, which showed as the p99 of the cached pages in the portal
//! benchmark. A changed generation is never served stale, and a page the refresh finds gone
//! (404) is dropped at once.
//!
//! Staff (a session cookie) always get a fresh page: they see drafts and their own chrome. A page
//! is kept once per language ([`crate::locale::cache_key`]).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;
use crate::session::SESSION_COOKIE;

/// How long an entry may be served even if nothing is known to have changed.
pub const TTL: Duration = Duration::from_secs(2);
/// How much longer an expired entry of the current generation may be served while one request
/// renders its successor.
pub const STALE_GRACE: Duration = Duration::from_secs(2);
/// Entries and bytes kept at most. When either is reached, expired entries go first, and if
/// that is not enough the cache starts over (a crawler walking every item, or query strings
/// made up to defeat the cache, cost at most this much memory; a hot page is back after one
/// request).
const MAX_ENTRIES: usize = 2048;
const MAX_BYTES: usize = 64 * 1024 * 1024;
/// Pages larger than this are not kept.
const MAX_PAGE: usize = 512 * 1024;

/// Rendered pages by path and query.
#[derive(Default)]
pub struct PageCache {
    inner: Mutex<Pages>,
}

#[derive(Default)]
struct Pages {
    entries: HashMap<String, Entry>,
    bytes: usize,
}

struct Entry {
    generation: u64,
    at: Instant,
    headers: HeaderMap,
    body: Bytes,
    /// A request is rendering this page again (its time is up).
    refreshing: bool,
}

impl Entry {
    fn new(generation: u64, at: Instant, headers: HeaderMap, body: Bytes) -> Self {
        Entry {
            generation,
            at,
            headers,
            body,
            refreshing: false,
        }
    }
}

/// What the cache has for a request.
#[derive(Debug, PartialEq)]
enum Lookup {
    /// A page to serve (fresh, or stale while another request renders it).
    Page(HeaderMap, Bytes),
    /// Nothing to serve: this request renders the page.
    Render,
}

impl PageCache {
    fn get(&self, key: &str, generation: u64, now: Instant) -> Lookup {
        let Ok(mut pages) = self.inner.lock() else {
            return Lookup::Render;
        };
        let Some(e) = pages.entries.get_mut(key) else {
            return Lookup::Render;
        };
        if e.generation != generation {
            return Lookup::Render;
        }
        let age = now.saturating_duration_since(e.at);
        let serve = if age < TTL {
            true
        } else if !e.refreshing {
            e.refreshing = true;
            false
        } else {
            age < TTL + STALE_GRACE
        };
        if serve {
            Lookup::Page(e.headers.clone(), e.body.clone())
        } else {
            Lookup::Render
        }
    }

    /// `key` has no page to keep any more.
    fn forget(&self, key: &str) {
        if let Ok(mut pages) = self.inner.lock()
            && let Some(old) = pages.entries.remove(key)
        {
            pages.bytes -= old.body.len();
        }
    }

    /// The refresh of `key` gave nothing to keep: the next request tries again.
    fn abandon(&self, key: &str) {
        if let Ok(mut pages) = self.inner.lock()
            && let Some(e) = pages.entries.get_mut(key)
        {
            e.refreshing = false;
        }
    }

    fn put(&self, key: String, entry: Entry) {
        let Ok(mut pages) = self.inner.lock() else {
            return;
        };
        if let Some(old) = pages.entries.get(&key)
            && old.generation > entry.generation
        {
            // A slow render of older content finished after a newer one.
            return;
        }
        if let Some(old) = pages.entries.remove(&key) {
            pages.bytes -= old.body.len();
        }
        let full =
            |p: &Pages| p.entries.len() >= MAX_ENTRIES || p.bytes + entry.body.len() > MAX_BYTES;
        if full(&pages) {
            pages
                .entries
                .retain(|_, e| e.at.elapsed() < TTL + STALE_GRACE);
            pages.bytes = pages.entries.values().map(|e| e.body.len()).sum();
        }
        if full(&pages) {
            pages.entries.clear();
            pages.bytes = 0;
        }
        pages.bytes += entry.body.len();
        pages.entries.insert(key, entry);
    }
}

/// The public pages that are the same for every anonymous reader.
fn cacheable_path(path: &str) -> bool {
    let numbered = |prefix: &str| {
        path.strip_prefix(prefix)
            .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
    };
    matches!(path, "/" | "/catalog" | "/search" | "/sitemap")
        || numbered("/items/")
        || numbered("/notices/")
}

fn has_session(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            v.split(';')
                .any(|c| c.trim_start().starts_with(SESSION_COOKIE))
        })
}

/// A render of a cacheable page under way: when it ends without a new entry, the old entry is no
/// longer marked as being refreshed, so the next request renders.
struct Refresh<'a> {
    pages: &'a PageCache,
    key: &'a str,
    done: bool,
}

impl Drop for Refresh<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.pages.abandon(self.key);
        }
    }
}

/// Serves a cached page when it is still good; otherwise renders it and keeps it.
pub async fn serve(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let cacheable = request.method() == Method::GET
        && cacheable_path(request.uri().path())
        && !has_session(request.headers());
    if !cacheable {
        return next.run(request).await;
    }
    let key = crate::locale::cache_key(request.headers(), request.uri());
    let generation = state.app.content_generation();
    if let Lookup::Page(headers, body) = state.pages.get(&key, generation, Instant::now()) {
        let mut response = Response::new(Body::from(body));
        *response.headers_mut() = headers;
        response
            .headers_mut()
            .insert("x-cache", HeaderValue::from_static("hit"));
        return response;
    }
    // Whatever ends this render (an error, a dropped connection, a panic), the page is not left
    // marked as being refreshed.
    let mut refresh = Refresh {
        pages: &state.pages,
        key: &key,
        done: false,
    };
    let response = next.run(request).await;
    if response.status() != StatusCode::OK || response.headers().contains_key(header::SET_COOKIE) {
        // A page that is gone now (withdrawn: 404) must not be served from the old entry; a
        // server error may pass, and the old page serves meanwhile.
        if !response.status().is_server_error() {
            state.pages.forget(&key);
        }
        return response;
    }
    // Only bodies of known, modest size are kept; a huge page (a very long document) passes.
    let size = axum::body::HttpBody::size_hint(response.body()).upper();
    if size.is_none_or(|n| n > MAX_PAGE as u64) {
        state.pages.forget(&key);
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match to_bytes(body, MAX_PAGE).await {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!(error = %e, "reading a rendered page failed");
            return Response::builder()
                .status(StatusCode::INTERNAL_SERVER_ERROR)
                .body(Body::empty())
                .unwrap_or_default();
        }
    };
    let entry = Entry::new(
        generation,
        Instant::now(),
        parts.headers.clone(),
        bytes.clone(),
    );
    state.pages.put(key.clone(), entry);
    refresh.done = true;
    parts
        .headers
        .insert("x-cache", HeaderValue::from_static("miss"));
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_anonymous_public_pages_are_cacheable() {
        for p in ["/", "/catalog", "/search", "/items/12", "/notices/3"] {
            assert!(cacheable_path(p), "{p}");
        }
        for p in [
            "/items/",
            "/items/12/edit",
            "/attachments/1",
            "/console",
            "/applications/status",
            "/api/v1/items",
            "/healthz",
        ] {
            assert!(!cacheable_path(p), "{p}");
        }
    }

    #[test]
    fn a_session_cookie_is_recognised_among_others() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("gk_display=large"));
        assert!(!has_session(&h));
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("gk_display=large; gk_session=abc"),
        );
        assert!(has_session(&h));
    }

    #[test]
    fn entries_expire_with_the_generation_and_the_clock() {
        let cache = PageCache::default();
        let entry =
            |generation, at| Entry::new(generation, at, HeaderMap::new(), Bytes::from("page"));
        let t0 = Instant::now();
        let page = |l: Lookup| matches!(l, Lookup::Page(..));
        cache.put("/".into(), entry(1, t0));
        assert!(page(cache.get("/", 1, t0)));
        assert!(!page(cache.get("/", 2, t0)), "content changed");
        // Time up: the first request renders, the others get the old page meanwhile.
        let late = t0 + TTL + Duration::from_millis(10);
        assert!(!page(cache.get("/", 1, late)));
        assert!(page(cache.get("/", 1, late)), "stale while one renders");
        assert!(page(cache.get("/", 1, late)));
        assert!(
            !page(cache.get("/", 2, late)),
            "never stale across a change"
        );
        // The render failed or was dropped: the next request renders.
        drop(Refresh {
            pages: &cache,
            key: "/",
            done: false,
        });
        assert!(!page(cache.get("/", 1, late)));
        // A render that never finishes: after the grace, every request renders.
        let later = t0 + TTL + STALE_GRACE + Duration::from_millis(10);
        assert!(!page(cache.get("/", 1, later)));
        assert!(!page(cache.get("/", 1, later)));
        // The new page is fresh again.
        cache.put("/".into(), entry(1, later));
        assert!(page(cache.get("/", 1, later)));
        // A slow render of older content does not replace it.
        cache.put("/".into(), entry(2, later));
        cache.put("/".into(), entry(1, later));
        assert!(page(cache.get("/", 2, later)));
        // A page found gone is not served stale.
        cache.forget("/");
        assert!(!page(cache.get("/", 2, later)));
    }

    #[test]
    fn memory_stays_bounded_and_fresh_pages_survive_expired_ones() {
        let cache = PageCache::default();
        let page = |at| Entry::new(1, at, HeaderMap::new(), Bytes::from(vec![b'x'; MAX_PAGE]));
        let old = Instant::now()
            .checked_sub(TTL * 2)
            .unwrap_or_else(Instant::now);
        let fill = MAX_BYTES / MAX_PAGE;
        for i in 0..fill {
            cache.put(format!("/items/{i}"), page(old));
        }
        cache.put("/".into(), page(Instant::now()));
        cache.put("/catalog".into(), page(Instant::now()));
        let pages = cache.inner.lock().expect("lock");
        assert!(pages.bytes <= MAX_BYTES);
        assert_eq!(pages.entries.len(), 2, "the expired pages made room");
        assert_eq!(pages.bytes, 2 * MAX_PAGE);
    }
}
