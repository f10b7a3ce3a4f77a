//! The sandbox's own routes under `/__sandbox/`, for tests and demos: what
//! was stored and answered, and switches that change a running server.
//!
//! - `GET /__sandbox/tickets`: stored tickets with their `Idempotency-Key`.
//! - `GET /__sandbox/stats`: replies by status.
//! - `POST /__sandbox/forbid`, `POST /__sandbox/allow` with
//!   `{"token":"T"}`: that user gets 403 from the next request on, or no
//!   longer does (a permission revoked or granted while a client runs).
//! - `GET /__sandbox/faults`, and `POST` with a [`FaultSwitches`] object:
//!   the faults now, and changes to them.
//!
//! Errors are JSON `{"message": …}`: 422 for a body that is not what the
//! route takes, 404 for a token no user has (a typo in a test, not a
//! silent no-op).

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::config::Faults;
use crate::endpoint::{App, Stats};
use crate::reply;
use crate::store::StoredTicket;

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/__sandbox/tickets", get(list_tickets))
        .route("/__sandbox/stats", get(stats))
        .route("/__sandbox/forbid", post(forbid))
        .route("/__sandbox/allow", post(allow))
        .route("/__sandbox/faults", get(show_faults).post(change_faults))
}

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("the body is not {expected}: {source}")]
    BadBody {
        expected: &'static str,
        source: serde_json::Error,
    },
    #[error("no user has the token `{0}`")]
    UnknownToken(String),
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        let status = match self {
            Self::BadBody { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::UnknownToken(_) => StatusCode::NOT_FOUND,
        };
        reply::json(status, json!({ "message": self.to_string() }))
    }
}

/// The faults a running sandbox can switch, as `POST /__sandbox/faults`
/// takes them and `GET /__sandbox/faults` shows them. A field left out (or
/// `null`) stays as it is; for the `*_every` fields, 0 turns the fault off.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSwitches {
    /// Milliseconds between storing a ticket and its 200; 0 is off.
    pub slow_after_store_ms: Option<u64>,
    /// Milliseconds before every reply; 0 is off.
    pub latency_ms: Option<u64>,
    pub fail_every: Option<u32>,
    pub drop_before_store_every: Option<u32>,
    pub drop_after_store_every: Option<u32>,
    pub html_502_every: Option<u32>,
    pub stall_every: Option<u32>,
    pub retry_after_zero: Option<bool>,
    pub reset_skew: Option<i64>,
}

impl FaultSwitches {
    /// Every switch as `faults` has it.
    pub fn of(faults: &Faults) -> Self {
        let millis = |duration: Duration| u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
        let every = |every: Option<u32>| Some(every.unwrap_or(0));
        Self {
            slow_after_store_ms: Some(millis(faults.slow_after_store)),
            latency_ms: Some(millis(faults.latency)),
            fail_every: every(faults.fail_every),
            drop_before_store_every: every(faults.drop_before_store_every),
            drop_after_store_every: every(faults.drop_after_store_every),
            html_502_every: every(faults.html_502_every),
            stall_every: every(faults.stall_every),
            retry_after_zero: Some(faults.retry_after_zero),
            reset_skew: Some(faults.reset_skew),
        }
    }

    /// Sets in `faults` the switches given.
    pub fn apply(&self, faults: &mut Faults) {
        let every = |n: u32| (n > 0).then_some(n);
        if let Some(ms) = self.slow_after_store_ms {
            faults.slow_after_store = Duration::from_millis(ms);
        }
        if let Some(ms) = self.latency_ms {
            faults.latency = Duration::from_millis(ms);
        }
        for (switch, fault) in [
            (self.fail_every, &mut faults.fail_every),
            (
                self.drop_before_store_every,
                &mut faults.drop_before_store_every,
            ),
            (
                self.drop_after_store_every,
                &mut faults.drop_after_store_every,
            ),
            (self.html_502_every, &mut faults.html_502_every),
            (self.stall_every, &mut faults.stall_every),
        ] {
            if let Some(n) = switch {
                *fault = every(n);
            }
        }
        if let Some(zero) = self.retry_after_zero {
            faults.retry_after_zero = zero;
        }
        if let Some(skew) = self.reset_skew {
            faults.reset_skew = skew;
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenBody {
    token: String,
}

fn parse<'a, T: Deserialize<'a>>(body: &'a [u8], expected: &'static str) -> Result<T, AdminError> {
    serde_json::from_slice(body).map_err(|source| AdminError::BadBody { expected, source })
}

async fn list_tickets(State(app): State<Arc<App>>) -> Json<Vec<StoredTicket>> {
    Json(app.tickets())
}

async fn stats(State(app): State<Arc<App>>) -> Json<Stats> {
    Json(app.stats())
}

async fn forbid(State(app): State<Arc<App>>, body: Bytes) -> Result<Response, AdminError> {
    set_forbidden(&app, &body, true)
}

async fn allow(State(app): State<Arc<App>>, body: Bytes) -> Result<Response, AdminError> {
    set_forbidden(&app, &body, false)
}

fn set_forbidden(app: &App, body: &[u8], forbidden: bool) -> Result<Response, AdminError> {
    let TokenBody { token } = parse(body, r#"{"token": "…"}"#)?;
    if !app.set_forbidden(&token, forbidden) {
        return Err(AdminError::UnknownToken(token));
    }
    Ok(reply::json(
        StatusCode::OK,
        json!({"token": token, "forbidden": forbidden}),
    ))
}

async fn show_faults(State(app): State<Arc<App>>) -> Json<FaultSwitches> {
    Json(FaultSwitches::of(&app.faults()))
}

async fn change_faults(
    State(app): State<Arc<App>>,
    body: Bytes,
) -> Result<Json<FaultSwitches>, AdminError> {
    let switches: FaultSwitches = parse(&body, "a JSON object of fault switches")?;
    let faults = app.update_faults(|faults| switches.apply(faults));
    Ok(Json(FaultSwitches::of(&faults)))
}
