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
