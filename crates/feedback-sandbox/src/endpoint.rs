//! The store endpoint, in the order Laravel handles it: (a proxy's 502) →
//! authentication → throttle → (a foreign status) → authorization →
//! validation → channel lookup → (faults) → store → (a slow or odd 200) →
//! 200. The sandbox's own `/__sandbox/*` routes are in [`admin`].

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::header::{HOST, REFERER, USER_AGENT};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Extension, Json, Router};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::Notify;

use crate::STORE_PATH;
use crate::admin;
use crate::auth::{User, Users, bearer_token};
use crate::config::{Config, Faults, MaxLength};
use crate::store::{Store, StoredTicket, Ticket};
use crate::throttle::{Allowed, Refused, Throttle};
use crate::timestamp::iso8601;
use crate::validation;
use crate::{odd, reply};

/// The channels that exist, with their ids.
const CHANNELS: [(&str, u64); 2] = [("feedback", 1), ("support", 2)];

/// Lets a handler close its connection without replying.
#[derive(Debug, Clone, Default)]
pub struct Hangup(pub Arc<Notify>);

/// What the sandbox has answered on the store endpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Requests to the store endpoint, whatever became of them.
    pub requests: u64,
    /// Replies by status code.
    pub by_status: BTreeMap<u16, u64>,
    /// Connections closed without a reply.
    pub dropped: u64,
    /// Requests never answered.
    pub stalled: u64,
}

#[derive(Debug)]
pub struct App {
    users: Users,
    /// Read once per request, so a change applies from the next request on.
    faults: Mutex<Faults>,
    /// Permissions changed at run time, by token: `true` is forbidden. They
    /// override the configured ones, so `allow` also lifts a
    /// `--forbidden-token`.
    permissions: Mutex<HashMap<String, bool>>,
    max_lengths: Vec<MaxLength>,
    requests: AtomicU64,
    throttle: Mutex<Throttle>,
    store: Mutex<Store>,
    stats: Mutex<Stats>,
    updates_dir: Option<std::path::PathBuf>,
    /// The server's clock: the system's, or a simulation's.
    now: Now,
}

/// Where the server reads the time.
#[derive(Clone)]
pub struct Now(pub Arc<dyn Fn() -> SystemTime + Send + Sync>);

impl std::fmt::Debug for Now {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Now")
    }
}

impl App {
    pub fn new(config: &Config, store: Store) -> Self {
        Self::with_clock(config, store, Now(Arc::new(SystemTime::now)))
    }

    /// An app whose throttle and timestamps read `now`.
    pub fn with_clock(config: &Config, store: Store, now: Now) -> Self {
        Self {
            users: Users::from_config(config),
            faults: Mutex::new(config.faults.clone()),
            permissions: Mutex::new(HashMap::new()),
            max_lengths: config.max_lengths.clone(),
            requests: AtomicU64::new(0),
            throttle: Mutex::new(Throttle::new(config.rate_limit)),
            store: Mutex::new(store),
            stats: Mutex::new(Stats::default()),
            updates_dir: config.updates_dir.clone(),
            now,
        }
    }

    /// The folder served at `/updates`, if any.
    pub fn updates_dir(&self) -> Option<&std::path::Path> {
        self.updates_dir.as_deref()
    }

    pub fn tickets(&self) -> Vec<StoredTicket> {
        lock(&self.store).all()
    }

    pub fn stats(&self) -> Stats {
        lock(&self.stats).clone()
    }

    pub fn faults(&self) -> Faults {
        lock(&self.faults).clone()
    }

    /// Changes the faults in place, and says what they are now.
    pub fn update_faults(&self, change: impl FnOnce(&mut Faults)) -> Faults {
        let mut faults = lock(&self.faults);
        change(&mut faults);
        faults.clone()
    }

    /// Forbids (`true`) or allows the user of `token` from the next request
    /// on; `false` when no user has that token, and nothing changes.
    pub fn set_forbidden(&self, token: &str, forbidden: bool) -> bool {
        if !self.users.knows(token) {
            return false;
        }
        lock(&self.permissions).insert(token.to_owned(), forbidden);
        true
    }

    /// Whether `user`, who sent `headers`, may not file tickets now.
    fn forbidden(&self, user: User, headers: &HeaderMap) -> bool {
        bearer_token(headers)
            .and_then(|token| lock(&self.permissions).get(token).copied())
            .unwrap_or(user.forbidden)
    }

    fn answered(&self, response: Response) -> Response {
        *lock(&self.stats)
            .by_status
            .entry(response.status().as_u16())
            .or_default() += 1;
        response
    }
}

/// Every lock here is held briefly and never across an `.await`; a poisoned
/// lock only means a test panicked, and the data is still consistent.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route(STORE_PATH, post(store).fallback(method_not_allowed))
        .merge(admin::routes())
        .merge(crate::updates::routes())
        .fallback(not_found)
        .with_state(app)
}

async fn store(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(hangup): Extension<Hangup>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let n = {
        lock(&app.stats).requests += 1;
        app.requests.fetch_add(1, Ordering::SeqCst) + 1
    };
    let faults = app.faults();
    if !faults.latency.is_zero() {
        tokio::time::sleep(faults.latency).await;
    }
    if Faults::hits(faults.html_502_every, n) {
        return app.answered(reply::bad_gateway());
    }
    let Some(user) = app.users.authenticate(&headers) else {
        // The API doc lists `error` and `message` for a 401.
        let body = json!({"error": true, "message": "Unauthenticated."});
        return app.answered(reply::error(&headers, StatusCode::UNAUTHORIZED, body));
    };
    let hit = lock(&app.throttle).hit(user.id, (app.now.0)());
    let allowed = match hit {
        Ok(allowed) => allowed,
        Err(refused) => {
            let now = (app.now.0)();
            return app.answered(too_many_attempts(&headers, refused, &faults, now));
        }
    };
    if let Some(status) = faults.status_for(n) {
        return app.answered(with_rate_headers(odd::status(status), allowed));
    }
    let forbidden = app.forbidden(user, &headers);
    let request = Request {
        n,
        user_id: user.id,
        forbidden,
        peer,
        headers: &headers,
        body: &body,
    };
    let response = match handle(&app, &faults, request).await {
        Handled::Reply(response) => response,
        Handled::Hangup => {
            lock(&app.stats).dropped += 1;
            hangup.0.notify_one();
            return std::future::pending().await;
        }
        Handled::Stall => {
            lock(&app.stats).stalled += 1;
            return std::future::pending().await;
        }
    };
    app.answered(with_rate_headers(response, allowed))
}

/// A 429, with the headers `faults` may bend.
fn too_many_attempts(
    headers: &HeaderMap,
    refused: Refused,
    faults: &Faults,
    now: SystemTime,
) -> Response {
    let (retry_after, reset) = if faults.retry_after_zero {
        let now = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        (0, now)
    } else {
        (
            faults.retry_after.unwrap_or(refused.retry_after),
            refused.reset,
        )
    };
    let reset = i64::try_from(reset)
        .unwrap_or(i64::MAX)
        .saturating_add(faults.reset_skew);
    let body = json!({"message": "Too Many Attempts."});
    let mut response = reply::error(headers, StatusCode::TOO_MANY_REQUESTS, body);
    let out = response.headers_mut();
    out.insert("x-ratelimit-limit", refused.limit.into());
    out.insert("x-ratelimit-remaining", 0.into());
    out.insert("retry-after", retry_after.into());
    out.insert("x-ratelimit-reset", reset.into());
    response
}

/// What [`handle`] needs of an authenticated, counted request.
struct Request<'a> {
    /// The request's number on the store endpoint, from 1.
    n: u64,
    user_id: u64,
    forbidden: bool,
    peer: SocketAddr,
    headers: &'a HeaderMap,
    body: &'a [u8],
}

#[derive(Serialize)]
struct Created<'a> {
    error: bool,
    message: &'static str,
    data: &'a Ticket,
}

enum Handled {
    Reply(Response),
    Hangup,
    Stall,
}

async fn handle(app: &App, faults: &Faults, request: Request<'_>) -> Handled {
    let Request {
        n,
        user_id,
        forbidden,
        peer,
        headers,
        body,
    } = request;
    if forbidden {
        let body = json!({"error": true, "message": "This action is unauthorized.", "data": []});
        return Handled::Reply(reply::error(headers, StatusCode::FORBIDDEN, body));
    }
    let input = validation::prepare(body);
    let errors = validation::validate(&input, &app.max_lengths);
    if !errors.is_empty() {
        if !reply::expects_json(headers) {
            return Handled::Reply(reply::redirect(&back(headers)));
        }
        let fields: serde_json::Map<String, Value> = errors
            .iter()
            .map(|(field, messages)| ((*field).to_owned(), json!(messages)))
            .collect();
        let body = json!({"message": validation::summary(&errors), "errors": fields});
        return Handled::Reply(reply::json(StatusCode::UNPROCESSABLE_ENTITY, body));
    }
    let text = |field: &str| input.get(field).and_then(Value::as_str).map(str::to_owned);
    let slug = text("channel_slug").unwrap_or_default();
    let Some(channel_id) = CHANNELS
        .iter()
        .find(|(name, _)| *name == slug)
        .map(|(_, id)| *id)
    else {
        let message = faults
            .channel_not_found_message
            .as_deref()
            .unwrap_or("Channel not found.");
        let body = json!({"error": true, "message": message, "data": []});
        return Handled::Reply(reply::error(headers, StatusCode::NOT_FOUND, body));
    };
    if Faults::hits(faults.fail_every, n) {
        return Handled::Reply(reply::error(
            headers,
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"message": "Server Error"}),
        ));
    }
    if Faults::hits(faults.stall_every, n) {
        return Handled::Stall;
    }
    if Faults::hits(faults.drop_before_store_every, n) {
        return Handled::Hangup;
    }
    let now = iso8601((app.now.0)());
    let header_user_agent = headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let stored = {
        let mut store = lock(&app.store);
        let id = store.next_id();
        let stored = StoredTicket {
            idempotency_key: headers
                .get("idempotency-key")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            received_at: now.clone(),
            ticket: Ticket {
                id,
                ticket_number: Some(format!("TCK-{id:06}")),
                channel_id,
                project_id: None,
                user_id: Some(user_id),
                assigned_to: None,
                subject: text("subject").unwrap_or_default(),
                message: text("message").unwrap_or_default(),
                status: "open".into(),
                priority: text("priority").unwrap_or_else(|| "normal".into()),
                rating: input.get("rating").and_then(validation::php_integer),
                kind: text("type"),
                tool_key: text("tool_key"),
                page: text("page"),
                ip_address: Some(peer.ip().to_string()),
                user_agent: text("user_agent").or(header_user_agent),
                metadata: None,
                migrated_from_id: None,
                created_at: Some(now.clone()),
                updated_at: Some(now),
            },
        };
        if let Err(error) = store.add(stored.clone()) {
            drop(store);
            eprintln!("feedback-sandbox: could not store a ticket: {error}");
            return Handled::Reply(reply::error(
                headers,
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({"message": "Server Error"}),
            ));
        }
        stored
    };
    if Faults::hits(faults.drop_after_store_every, n) {
        return Handled::Hangup;
    }
    if !faults.slow_after_store.is_zero() {
        tokio::time::sleep(faults.slow_after_store).await;
    }
    // A struct, not `json!`, so the fields keep the documented order.
    let body = Created {
        error: false,
        message: "Support ticket created successfully.",
        data: &stored.ticket,
    };
    if let Some(kind) = faults.odd_2xx_for(n) {
        // Serializing plain strings and numbers cannot fail.
        let normal = serde_json::to_vec(&body).unwrap_or_default();
        return Handled::Reply(odd::success(kind, &normal, &stored.ticket));
    }
    Handled::Reply((StatusCode::OK, Json(body)).into_response())
}

fn with_rate_headers(mut response: Response, allowed: Allowed) -> Response {
    let headers = response.headers_mut();
    headers.insert("x-ratelimit-limit", allowed.limit.into());
    headers.insert("x-ratelimit-remaining", allowed.remaining.into());
    response
}

/// Where Laravel's `back()` goes: the Referer, else the app's root.
fn back(headers: &HeaderMap) -> String {
    if let Some(referer) = headers.get(REFERER).and_then(|v| v.to_str().ok()) {
        return referer.to_owned();
    }
    let host = headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}/")
}

async fn method_not_allowed(State(app): State<Arc<App>>, method: axum::http::Method) -> Response {
    lock(&app.stats).requests += 1;
    let message = format!(
        "The {method} method is not supported for route {}. Supported methods: POST.",
        STORE_PATH.trim_start_matches('/')
    );
    let mut response = reply::json(
        StatusCode::METHOD_NOT_ALLOWED,
        json!({ "message": message }),
    );
    response
        .headers_mut()
        .insert("allow", HeaderValue::from_static("POST"));
    app.answered(response)
}

async fn not_found() -> Response {
    reply::json(StatusCode::NOT_FOUND, json!({"message": "Not Found"}))
}
