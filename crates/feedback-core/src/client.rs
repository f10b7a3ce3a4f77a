//! [`Client`]: one HTTP request per submit attempt, turned into an
//! [`Outcome`] plus the reply's rate-limit headers.
//!
//! Redirects are never followed: the endpoint does not redirect, and
//! following one could carry the token to another host. A redirect is
//! reported as an unexpected reply instead. The request goes through an
//! [`Http`]: reqwest in the app and the CLI, an in-process network in the
//! simulation; what the reply means is decided here either way.

use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, LOCATION, USER_AGENT,
};
use serde::de::DeserializeOwned;

use crate::api_base::ApiBase;
use crate::envelope::{Envelope, ErrorBody, ValidationBody};
use crate::http::{Http, Request, Reqwest, Response};
use crate::new_ticket::NewTicket;
use crate::outcome::{Class, Outcome};
use crate::rate_limit::RateLimitHeaders;
use crate::ticket::Ticket;
use crate::token::Token;
use crate::transport::{TransportError, TransportKind};

/// Larger replies are not the API's; reading stops there.
const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("could not set up the HTTP client: {0}")]
    Build(#[from] reqwest::Error),
}

/// Timeouts and identification.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Time to open the connection (TCP and TLS).
    pub connect_timeout: Duration,
    /// Time for the whole attempt, from connecting to the last byte.
    pub timeout: Duration,
    pub user_agent: String,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            user_agent: default_user_agent("WemasyFeedback"),
        }
    }
}

/// `Product/1.2.3 (linux; x86_64)`, naming the app and version.
pub fn default_user_agent(product: &str) -> String {
    format!(
        "{product}/{} ({}; {})",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

/// A client for one API server (one origin).
#[derive(Debug, Clone)]
pub struct Client {
    http: Arc<dyn Http>,
    base: ApiBase,
    timeout: Duration,
    user_agent: HeaderValue,
}

/// What one attempt came to, with the rate-limit headers it carried.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub outcome: Outcome,
    pub rate_limit: RateLimitHeaders,
}

impl Reply {
    /// What this reply says of the token. `Some(false)`: a 401, the server
    /// refused it. `Some(true)`: the server got past its sign-in check,
    /// shown by a 2xx (the ticket was stored) or by the throttle's
    /// `X-RateLimit-*` headers, which the API adds only to authenticated
    /// requests (its 403, 404, 422, 429 and 5xx replies carry them). `None`:
    /// no reply, or one without those headers (a proxy's error page, a
    /// misrouted 404), which says nothing of the token.
    pub fn token_accepted(&self) -> Option<bool> {
        match self.outcome.class() {
            Class::SignInNeeded => Some(false),
            Class::Delivered => Some(true),
            _ if self.outcome.status().is_none() => None,
            _ => (self.rate_limit.limit.is_some() || self.rate_limit.remaining.is_some())
                .then_some(true),
        }
    }

    fn lost(error: TransportError) -> Self {
        Self {
            outcome: Outcome::Transport(error),
            rate_limit: RateLimitHeaders::default(),
        }
    }
}

impl Client {
    /// A client for `base`'s server over reqwest.
    pub fn new(base: ApiBase, config: &ClientConfig) -> Result<Self, ClientError> {
        let http = Reqwest::for_base(&base, config.connect_timeout)?;
        Ok(Self::over(Arc::new(http), base, config))
    }

    /// A client for `base`'s server over `http`.
    pub fn over(http: Arc<dyn Http>, base: ApiBase, config: &ClientConfig) -> Self {
        Self {
            http,
            base,
            timeout: config.timeout,
            user_agent: HeaderValue::from_str(&config.user_agent)
                .unwrap_or_else(|_| HeaderValue::from_static("WemasyFeedback")),
        }
    }

    pub fn base(&self) -> &ApiBase {
        &self.base
    }

    /// Posts `ticket` once to this client's base. `idempotency_key` is sent
    /// as `Idempotency-Key` (the server ignores it today; it lets a server,
    /// or the sandbox, spot retries).
    pub async fn submit(
        &self,
        token: &Token,
        ticket: &NewTicket,
        idempotency_key: Option<&str>,
    ) -> Reply {
        self.submit_to(&self.base, token, ticket, idempotency_key)
            .await
    }

    /// Posts `ticket` once to `base`, which must be on this client's
    /// server (the token is that origin's): another path there, such as a
    /// base the person corrected. A base on another server is refused
    /// without sending anything.
    pub async fn submit_to(
        &self,
        base: &ApiBase,
        token: &Token,
        ticket: &NewTicket,
        idempotency_key: Option<&str>,
    ) -> Reply {
        if base.origin() != self.base.origin() {
            return Reply::lost(TransportError {
                kind: TransportKind::Connect,
                detail: format!(
                    "refused to send {}'s token to {}",
                    self.base.origin(),
                    base.origin()
                ),
            });
        }
        let body = match serde_json::to_vec(ticket) {
            Ok(body) => body,
            Err(error) => return Reply::lost(unsendable(error.to_string())),
        };
        self.post(base, token, body, idempotency_key).await
    }

    /// Asks this client's server whether it takes `token`, filing nothing:
    /// an empty ticket, which the server must refuse. It authenticates
    /// before it throttles and validates, so a 401 tells a refused token
    /// (no quota spent), and a reply with its rate-limit headers (a 422, or
    /// a 429) an accepted one ([`Reply::token_accepted`]), which spent one
    /// request of the quota unless it was a 429.
    pub async fn check(&self, token: &Token) -> Reply {
        self.post(&self.base, token, b"{}".to_vec(), None).await
    }

    async fn post(
        &self,
        base: &ApiBase,
        token: &Token,
        body: Vec<u8>,
        idempotency_key: Option<&str>,
    ) -> Reply {
        let request = match self.request(base, token, body, idempotency_key) {
            Ok(request) => request,
            Err(detail) => return Reply::lost(unsendable(detail)),
        };
        let deadline = tokio::time::Instant::now() + self.timeout;
        match tokio::time::timeout_at(deadline, self.http.post(request)).await {
            Ok(Ok(response)) => read_reply(response, deadline, self.timeout).await,
            Ok(Err(error)) => Reply::lost(error),
            Err(_) => Reply::lost(timed_out(self.timeout)),
        }
    }

    fn request(
        &self,
        base: &ApiBase,
        token: &Token,
        body: Vec<u8>,
        idempotency_key: Option<&str>,
    ) -> Result<Request, String> {
        let mut headers = HeaderMap::new();
        let mut bearer = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
            .map_err(|_| "the token cannot be sent in a header".to_owned())?;
        bearer.set_sensitive(true);
        headers.insert(AUTHORIZATION, bearer);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, self.user_agent.clone());
        if let Some(key) = idempotency_key.and_then(|key| HeaderValue::from_str(key).ok()) {
            headers.insert("idempotency-key", key);
        }
        Ok(Request {
            url: base.endpoint(),
            headers,
            body,
        })
    }
}

/// A request that could not be made (nothing was sent).
fn unsendable(detail: String) -> TransportError {
    TransportError {
        kind: TransportKind::Connect,
        detail,
    }
}

fn timed_out(timeout: Duration) -> TransportError {
    TransportError {
        kind: TransportKind::Timeout,
        detail: format!("no whole reply within {} s", timeout.as_secs()),
    }
}

async fn read_reply(
    mut response: Response,
    deadline: tokio::time::Instant,
    timeout: Duration,
) -> Reply {
    let status = response.status;
    let headers = std::mem::take(&mut response.headers);
    let rate_limit = RateLimitHeaders::from_headers(&headers);
    let mut body = Vec::new();
    loop {
        let chunk = tokio::time::timeout_at(deadline, response.body.chunk()).await;
        let outcome = match chunk {
            Ok(Ok(Some(chunk))) if body.len() + chunk.len() <= MAX_BODY_BYTES => {
                body.extend_from_slice(&chunk);
                continue;
            }
            Ok(Ok(Some(_))) => unexpected(
                status,
                format!("the reply is larger than {MAX_BODY_BYTES} bytes"),
            ),
            Ok(Ok(None)) => classify(status, &headers, &body),
            Ok(Err(error)) => cut_short(status, error),
            Err(_) => cut_short(status, timed_out(timeout)),
        };
        return Reply {
            outcome,
            rate_limit,
        };
    }
}

/// Maps a whole reply to an [`Outcome`].
pub fn classify(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Outcome {
    let message = || parse::<ErrorBody>(body).map(|body| body.message);
    let or_reason = |message: Option<String>| {
        message.unwrap_or_else(|| status.canonical_reason().unwrap_or("no message").to_owned())
    };
    match status.as_u16() {
        // `data` must be an object, read tolerantly (see `Ticket`): the
        // server has stored the ticket, so an odd field is not a failure.
        200..=299 => match parse::<Envelope<serde_json::Map<String, serde_json::Value>>>(body) {
            Some(envelope) if !envelope.error => {
                match serde_json::from_value::<Ticket>(envelope.data.into()) {
                    Ok(ticket) => Outcome::Created(Box::new(ticket)),
                    Err(error) => unexpected(status, format!("an unreadable ticket: {error}")),
                }
            }
            Some(envelope) => unexpected(
                status,
                format!("a success status with error=true: {}", envelope.message),
            ),
            None => unexpected(status, describe_body(headers, body)),
        },
        300..=399 => {
            let target = headers
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("nowhere");
            unexpected(
                status,
                format!("redirected to {target}; is the API base URL right?"),
            )
        }
        401 => Outcome::Unauthenticated {
            message: or_reason(message()),
        },
        403 => Outcome::Forbidden {
            message: or_reason(message()),
        },
        404 => Outcome::NotFound {
            message: or_reason(message()),
        },
        422 => match parse::<ValidationBody>(body) {
            Some(ValidationBody { message, errors }) => Outcome::Invalid { message, errors },
            None => unexpected(status, describe_body(headers, body)),
        },
        429 => {
            let rate_limit = RateLimitHeaders::from_headers(headers);
            Outcome::RateLimited {
                retry_after: rate_limit.retry_after,
                reset: rate_limit.reset,
            }
        }
        500..=599 => match message() {
            Some(message) => Outcome::ServerError {
                status: status.as_u16(),
                message,
            },
            None => unexpected(status, describe_body(headers, body)),
        },
        // Another status: the server's own words when it gave any, so a
        // person can act on them.
        _ => unexpected(
            status,
            message().unwrap_or_else(|| describe_body(headers, body)),
        ),
    }
}

/// A reply whose body broke off after its status line arrived. A 2xx
/// status says the server stored the ticket, whatever happens to the rest:
/// a success that could not be read, never a failure to be sent again.
fn cut_short(status: StatusCode, error: TransportError) -> Outcome {
    if status.is_success() {
        unexpected(status, format!("the reply was cut short ({error})"))
    } else {
        Outcome::Transport(error)
    }
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    serde_json::from_slice(body).ok()
}

fn unexpected(status: StatusCode, problem: String) -> Outcome {
    Outcome::Unexpected {
        status: status.as_u16(),
        problem,
    }
}

/// A short, printable account of a body that is not what the API sends.
fn describe_body(headers: &HeaderMap, body: &[u8]) -> String {
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("no content type");
    if body.iter().all(u8::is_ascii_whitespace) {
        return format!("an empty body ({content_type})");
    }
    let text = String::from_utf8_lossy(body);
    let mut excerpt: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .take(160)
        .collect();
    if excerpt.len() < text.len() {
        excerpt.push('…');
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(_) => format!("JSON that is not the API's reply ({content_type}): {excerpt}"),
        Err(_) => format!("a body that is not JSON ({content_type}): {excerpt}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn classify_json(status: u16, body: &str) -> Outcome {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        classify(
            StatusCode::from_u16(status).unwrap(),
            &headers,
            body.as_bytes(),
        )
    }

    #[test]
    fn laravels_bodies() {
        assert_eq!(
            classify_json(401, r#"{"message":"Unauthenticated."}"#),
            Outcome::Unauthenticated {
                message: "Unauthenticated.".into()
            }
        );
        assert_eq!(
            classify_json(401, ""),
            Outcome::Unauthenticated {
                message: "Unauthorized".into()
            },
            "a 401 is a 401 even without a body"
        );
        assert!(matches!(
            classify_json(500, r#"{"message":"Server Error"}"#),
            Outcome::ServerError { status: 500, .. }
        ));
    }

    #[test]
    fn malformed_replies_are_unexpected_not_panics() {
        for (status, body) in [
            (200, ""),
            (200, "{"),
            (200, r#"{"error":false,"message":"ok","data":[]}"#),
            (200, r#"{"error":false,"message":"ok","data":"TCK-1"}"#),
            (200, r#"{"error":true,"message":"no","data":{"id":7}}"#),
            (200, r#"[{"id":7}]"#),
            (422, "<html>oops</html>"),
            (422, r#"{"message":"x"}"#),
            (502, "<html><body><h1>502 Bad Gateway</h1></body></html>"),
            (418, "{}"),
            (302, ""),
        ] {
            let outcome = classify_json(status, body);
            assert!(
                matches!(outcome, Outcome::Unexpected { status: s, .. } if s == status),
                "{status} {body:?} gave {outcome:?}"
            );
        }
    }

    #[test]
    fn a_success_with_odd_ticket_fields_is_still_created() {
        // The server stored it; resending would file it twice.
        let outcome = classify_json(
            201,
            r#"{"data":{"id":"seven","ticket_number":"TCK-000007","priority":null}}"#,
        );
        let Outcome::Created(ticket) = outcome else {
            panic!("expected Created, got {outcome:?}");
        };
        assert_eq!(ticket.reference(), "TCK-000007");
        assert_eq!(ticket.priority, "");
    }

    #[test]
    fn excerpts_are_short_and_single_line() {
        let page = format!("<html>\n<body>{}</body>\n</html>", "x".repeat(1000));
        let Outcome::Unexpected { problem, .. } = classify_json(502, &page) else {
            panic!("expected Unexpected");
        };
        assert!(problem.chars().count() < 250, "{problem}");
        assert!(!problem.contains('\n'));
        assert!(problem.ends_with('…'));
    }

    #[test]
    fn a_reply_accepts_the_token_only_when_it_is_past_the_apis_sign_in() {
        let throttled = RateLimitHeaders {
            limit: Some(10),
            remaining: Some(9),
            ..RateLimitHeaders::default()
        };
        let reply = |outcome: Outcome, rate_limit: RateLimitHeaders| Reply {
            outcome,
            rate_limit,
        };
        let message = || "m".to_owned();
        let bare = RateLimitHeaders::default();
        let created = Outcome::Created(Box::default());
        assert_eq!(reply(created, bare).token_accepted(), Some(true));
        let odd_2xx = Outcome::Unexpected {
            status: 200,
            problem: "html".into(),
        };
        assert_eq!(
            reply(odd_2xx, bare).token_accepted(),
            Some(true),
            "a 2xx stored the ticket"
        );
        let refused = Outcome::Unauthenticated { message: message() };
        assert_eq!(reply(refused, bare).token_accepted(), Some(false));
        for outcome in [
            Outcome::Forbidden { message: message() },
            Outcome::NotFound { message: message() },
            Outcome::Invalid {
                message: message(),
                errors: crate::FieldErrors::new(),
            },
            Outcome::RateLimited {
                retry_after: None,
                reset: None,
            },
            Outcome::ServerError {
                status: 500,
                message: message(),
            },
        ] {
            assert_eq!(
                reply(outcome.clone(), throttled).token_accepted(),
                Some(true),
                "{outcome:?} from the API, past its throttle"
            );
            assert_eq!(
                reply(outcome.clone(), bare).token_accepted(),
                None,
                "{outcome:?} without the throttle's headers may be a proxy's"
            );
        }
        let proxy_page = Outcome::Unexpected {
            status: 502,
            problem: "html".into(),
        };
        assert_eq!(reply(proxy_page, bare).token_accepted(), None);
        let offline = Outcome::Transport(crate::transport::TransportError {
            kind: crate::transport::TransportKind::Connect,
            detail: String::new(),
        });
        assert_eq!(reply(offline, bare).token_accepted(), None, "no reply");
    }
}
