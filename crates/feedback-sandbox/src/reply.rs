//! Responses as Laravel renders them: JSON when the request expects JSON,
//! otherwise HTML pages and redirects.

use axum::Json;
use axum::http::header::{ACCEPT, CONTENT_TYPE, LOCATION};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// Laravel's `expectsJson()`: an Accept header whose first type is JSON, or
/// an XHR that accepts anything.
pub fn expects_json(headers: &HeaderMap) -> bool {
    let accept = headers
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let first = accept.split(',').next().unwrap_or("").trim();
    let wants_json = first.contains("/json") || first.contains("+json");
    let ajax = headers
        .get("x-requested-with")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"XMLHttpRequest"));
    let accepts_anything =
        accept.is_empty() || accept.split(',').any(|t| t.trim().starts_with("*/*"));
    wants_json || (ajax && accepts_anything)
}

pub fn json(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

/// An HTML error page with `title` as its heading.
pub fn html(status: StatusCode, title: &str) -> Response {
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><title>{title}</title></head>\n<body><h1>{} | {title}</h1></body>\n</html>\n",
        status.as_u16()
    );
    (
        status,
        [(
            CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=UTF-8"),
        )],
        page,
    )
        .into_response()
}

/// An error message, in the form the request expects.
pub fn error(headers: &HeaderMap, status: StatusCode, body: Value) -> Response {
    if expects_json(headers) {
        json(status, body)
    } else {
        let title = body["message"].as_str().unwrap_or("Error").to_owned();
        html(status, &title)
    }
}

/// A 302 to `location`, as Laravel answers a failed validation of a
/// request that does not expect JSON.
pub fn redirect(location: &str) -> Response {
    let location =
        HeaderValue::from_str(location).unwrap_or_else(|_| HeaderValue::from_static("/"));
    (StatusCode::FOUND, [(LOCATION, location)]).into_response()
}

/// nginx's page for an unreachable upstream.
pub fn bad_gateway() -> Response {
    let page = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
    (
        StatusCode::BAD_GATEWAY,
        [(CONTENT_TYPE, HeaderValue::from_static("text/html"))],
        page,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| (k.parse().unwrap(), HeaderValue::from_static(v)))
            .collect()
    }

    #[test]
    fn expects_json_like_laravel() {
        assert!(expects_json(&headers(&[("accept", "application/json")])));
        assert!(expects_json(&headers(&[(
            "accept",
            "application/vnd.api+json, */*"
        )])));
        assert!(
            !expects_json(&headers(&[("accept", "text/html, application/json")])),
            "only the first type counts"
        );
        assert!(!expects_json(&headers(&[])));
        assert!(!expects_json(&headers(&[("accept", "*/*")])));
        assert!(expects_json(&headers(&[
            ("x-requested-with", "XMLHttpRequest"),
            ("accept", "*/*")
        ])));
    }
}
