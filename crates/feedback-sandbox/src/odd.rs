//! Replies a client does not expect from this API: a 200 whose body is odd
//! although the ticket was stored (`--odd-2xx`), and statuses the endpoint
//! never sends by itself (`--status-every`), as misconfigured servers and
//! proxies send them.

use axum::Json;
use axum::body::Body;
use axum::http::header::{CONTENT_TYPE, LOCATION};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;

use crate::config::OddKind;
use crate::reply;
use crate::store::Ticket;

/// Where `--status-every`'s redirects point: a host that is not the API.
pub const ELSEWHERE: &str = "https://elsewhere.example/";

/// A page such as a single-page app serves for any path it does not know.
const HTML_PAGE: &str = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Wemasy</title></head>\n<body><div id=\"app\"></div><script src=\"/build/assets/app.js\"></script></body>\n</html>\n";

#[derive(Serialize)]
struct ErrorTrue<'a> {
    error: bool,
    message: &'static str,
    data: &'a Ticket,
}

/// The 200 for a stored `ticket` whose normal JSON body is `normal`, made
/// odd as `kind` says.
pub fn success(kind: OddKind, normal: &[u8], ticket: &Ticket) -> Response {
    let json_type = || [(CONTENT_TYPE, HeaderValue::from_static("application/json"))];
    match kind {
        OddKind::Html => (
            StatusCode::OK,
            [(
                CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=UTF-8"),
            )],
            HTML_PAGE,
        )
            .into_response(),
        OddKind::DataArray => reply::json(
            StatusCode::OK,
            json!({"error": false, "message": "Ticket created", "data": []}),
        ),
        OddKind::Empty => (StatusCode::OK, json_type(), Body::empty()).into_response(),
        // A struct, not `json!`, so the ticket keeps the documented order.
        OddKind::ErrorTrue => (
            StatusCode::OK,
            Json(ErrorTrue {
                error: true,
                message: "Something went wrong",
                data: ticket,
            }),
        )
            .into_response(),
        OddKind::Truncated => {
            let half = normal[..normal.len() / 2].to_vec();
            (StatusCode::OK, json_type(), half).into_response()
        }
    }
}

/// `code` in place of the endpoint's own answer: a redirect elsewhere with
/// an empty body for 3xx, else `{"message": <reason phrase>}`.
pub fn status(code: u16) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if status.is_redirection() {
        return (status, [(LOCATION, HeaderValue::from_static(ELSEWHERE))]).into_response();
    }
    let reason = status.canonical_reason().unwrap_or("Error");
    reply::json(status, json!({ "message": reason }))
}
