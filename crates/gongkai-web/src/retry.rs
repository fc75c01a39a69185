//! A read whose database connection was lost is answered once more.
//!
//! When PostgreSQL restarts, a request may draw a pooled connection the server has just ended;
//! the store then checks every connection it hands out for a while (see
//! `gongkai_store::connection_loss`), so the same request tried again gets a live one. Only
//! reads (GET, HEAD) are repeated here: a write is begun again by the store itself when its
//! connection is found gone at the start, and one lost halfway was rolled back with its
//! connection, which only the user may decide to send again.

use axum::body::Body;
use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use crate::error::ConnectionLost;

/// Runs the request; a read answered with [`ConnectionLost`] is run once more.
pub async fn repeat_lost_reads(req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let again = Request::from_parts(parts.clone(), Body::empty());
    let first = next.clone().run(Request::from_parts(parts, body)).await;
    if first.extensions().get::<ConnectionLost>().is_none() {
        return first;
    }
    tracing::warn!(path = %again.uri().path(), "database connection lost; the read is run again");
    next.run(again).await
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::Router;
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    use axum::routing::any;
    use tower::ServiceExt;

    use super::*;

    /// A route that counts its runs; the first answers a lost connection when `lose_first`.
    fn counting(lose_first: bool) -> (Router, Arc<AtomicUsize>) {
        let runs = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&runs);
        let route = any(move || {
            let seen = Arc::clone(&seen);
            async move {
                let run = seen.fetch_add(1, Ordering::SeqCst);
                let mut response = StatusCode::OK.into_response();
                if lose_first && run == 0 {
                    response = StatusCode::SERVICE_UNAVAILABLE.into_response();
                    response.extensions_mut().insert(ConnectionLost);
                }
                response
            }
        });
        let router = Router::new()
            .route("/", route)
            .layer(axum::middleware::from_fn(repeat_lost_reads));
        (router, runs)
    }

    async fn send(router: Router, method: Method) -> StatusCode {
        let request = Request::builder()
            .method(method)
            .uri("/")
            .body(Body::empty())
            .expect("request");
        router.oneshot(request).await.expect("response").status()
    }

    #[tokio::test]
    async fn a_read_that_lost_its_connection_is_run_once_more() {
        for method in [Method::GET, Method::HEAD] {
            let (router, runs) = counting(true);
            assert_eq!(
                send(router, method.clone()).await,
                StatusCode::OK,
                "{method}"
            );
            assert_eq!(runs.load(Ordering::SeqCst), 2, "{method}");
        }
    }

    #[tokio::test]
    async fn a_write_is_never_run_twice() {
        for method in [Method::POST, Method::PUT, Method::DELETE] {
            let (router, runs) = counting(true);
            let status = send(router, method.clone()).await;
            assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{method}");
            assert_eq!(runs.load(Ordering::SeqCst), 1, "{method}");
        }
    }

    #[tokio::test]
    async fn an_answered_read_runs_once() {
        let (router, runs) = counting(false);
        assert_eq!(send(router, Method::GET).await, StatusCode::OK);
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }
}
