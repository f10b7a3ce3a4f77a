//! The simulated network: each process's [`Http`], carrying requests to the
//! in-process sandboxes and their replies back, with the faults of the
//! moment: no network at all, a proxy in the environment, latency, a reply
//! reset after its status line or cut at any byte, a body too slow for the
//! client, a connection broken by a suspend. The server side runs as a task
//! of its own, so that a client that gives up (or is killed) does not stop
//! the server from storing what it was sent.
//!
//! Every exchange is recorded for the checks: who sent what where with
//! which token, what the server stored, and whether a success reached a
//! sender that still held the ticket's claim ("acknowledged": sending it
//! again after that would file it twice for no reason).

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Body as AxumBody;
use feedback_core::http::{Body, BoxFuture, Http, Request, Response, may_use_proxy};
use feedback_core::{ApiBase, TransportError, TransportKind};
use feedback_sandbox::InProcess;

use crate::clock::Clocks;

/// One server on the simulated machine's loopback.
#[derive(Debug, Clone)]
pub struct Server {
    pub origin: String,
    pub sandbox: InProcess,
    pub peer: SocketAddr,
}

/// What the network does to replies, per exchange, in parts per thousand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReplyFaults {
    /// The connection resets after the status line (and part of the body).
    pub reset_after_status: u32,
    /// The body breaks off at some byte.
    pub cut: u32,
    /// The body comes slower than any client waits.
    pub slow_body: u32,
    /// A 429 comes without `Retry-After` and `X-RateLimit-Reset` (a proxy
    /// or gateway that drops them).
    pub bare_429: u32,
}

/// One request and what became of it.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub process: String,
    /// The ticket (its `Idempotency-Key`).
    pub ticket: Option<String>,
    /// The base the request went to (the URL without the endpoint's path).
    pub base: String,
    pub origin: String,
    pub token: Option<String>,
    /// When it began: the day's event counter, and its monotonic ms.
    pub seq: u64,
    pub at_ms: u64,
    pub via_proxy: bool,
    /// The server stored a copy of the ticket while answering it.
    pub stored: bool,
    /// The status line that reached the client.
    pub status: Option<u16>,
    /// A 2xx reached its sender while it held the ticket's claim.
    pub acknowledged: bool,
    /// The ticket's attempts as the outbox counted them when this one's
    /// 2xx was acknowledged (its own not recorded yet).
    pub attempts_at_ack: Option<i64>,
    /// Sent after an acknowledged 2xx for the ticket whose attempt the
    /// outbox went on to record as not delivered: a resend with no excuse.
    pub after_recorded_ack: bool,
}

impl Exchange {
    /// What reached the client, and what the server and the sender made
    /// of it: `201, stored, acknowledged`.
    pub fn outcome(&self) -> String {
        let mut said = self
            .status
            .map_or("no reply".to_owned(), |status| status.to_string());
        for (held, words) in [
            (self.stored, ", stored"),
            (self.acknowledged, ", acknowledged"),
            (self.after_recorded_ack, ", after a recorded 2xx"),
        ] {
            if held {
                said.push_str(words);
            }
        }
        said
    }
}

#[derive(Debug)]
pub struct Net {
    servers: BTreeMap<String, Server>,
    clocks: Arc<Clocks>,
    outbox: PathBuf,
    state: Mutex<NetState>,
}

#[derive(Debug)]
struct NetState {
    rng: fastrand::Rng,
    offline: bool,
    proxy_in_env: bool,
    faults: ReplyFaults,
    /// Exchanges begun before this counter were broken by a suspend.
    broken_before: u64,
    seq: u64,
    exchanges: Vec<Exchange>,
    /// Processes killed: what reaches them reaches nobody.
    killed: BTreeSet<String>,
    /// Processes stopped: nothing of theirs runs.
    stopped: BTreeSet<String>,
    /// Tickets with an exchange under way, by how many.
    in_flight: BTreeMap<String, u32>,
}

impl Net {
    pub fn new(servers: Vec<Server>, clocks: Arc<Clocks>, outbox: PathBuf, seed: u64) -> Arc<Self> {
        Arc::new(Self {
            servers: servers
                .into_iter()
                .map(|server| (server.origin.clone(), server))
                .collect(),
            clocks,
            outbox,
            state: Mutex::new(NetState {
                rng: fastrand::Rng::with_seed(seed),
                offline: false,
                proxy_in_env: false,
                faults: ReplyFaults::default(),
                broken_before: 0,
                seq: 0,
                exchanges: Vec::new(),
                killed: BTreeSet::new(),
                stopped: BTreeSet::new(),
                in_flight: BTreeMap::new(),
            }),
        })
    }

    /// The network as process `process` reaches it.
    pub fn http(self: &Arc<Self>, process: &str) -> Arc<dyn Http> {
        Arc::new(ProcessHttp {
            net: self.clone(),
            process: process.to_owned(),
        })
    }

    pub fn set_offline(&self, offline: bool) {
        self.lock().offline = offline;
    }

    pub fn set_proxy_in_env(&self, on: bool) {
        self.lock().proxy_in_env = on;
    }

    pub fn set_faults(&self, faults: ReplyFaults) {
        self.lock().faults = faults;
    }

    /// A suspend: every connection open now is broken.
    pub fn break_connections(&self) {
        let mut state = self.lock();
        state.broken_before = state.seq;
    }

    pub fn killed(&self, process: &str) {
        self.lock().killed.insert(process.to_owned());
    }

    /// Whether `process` was killed.
    pub fn is_killed(&self, process: &str) -> bool {
        self.lock().killed.contains(process)
    }

    pub fn stopped(&self, process: &str, stopped: bool) {
        let mut state = self.lock();
        if stopped {
            state.stopped.insert(process.to_owned());
        } else {
            state.stopped.remove(process);
        }
    }

    /// The day's event counter, moved on: orders exchanges and the
    /// person's actions.
    pub fn tick(&self) -> u64 {
        let mut state = self.lock();
        state.seq += 1;
        state.seq
    }

    pub fn exchanges(&self) -> Vec<Exchange> {
        self.lock().exchanges.clone()
    }

    /// Whether an exchange about `ticket` is under way for a process that
    /// is not killed.
    pub fn in_flight(&self, ticket: &str) -> bool {
        self.lock().in_flight.contains_key(ticket)
    }

    /// The processes with a request out now.
    pub fn sending(&self) -> Vec<String> {
        let state = self.lock();
        let mut sending: Vec<String> = state
            .exchanges
            .iter()
            .filter(|exchange| {
                exchange
                    .ticket
                    .as_ref()
                    .is_some_and(|ticket| state.in_flight.contains_key(ticket))
            })
            .map(|exchange| exchange.process.clone())
            .collect();
        sending.dedup();
        sending
    }

    pub fn servers(&self) -> impl Iterator<Item = &Server> {
        self.servers.values()
    }

    fn lock(&self) -> MutexGuard<'_, NetState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.clocks.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    async fn exchange(
        self: Arc<Self>,
        process: String,
        request: Request,
    ) -> Result<Response, TransportError> {
        let text = |name: &str| {
            request
                .headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        };
        let ticket = text("idempotency-key");
        let token = text("authorization")
            .and_then(|value| value.strip_prefix("Bearer ").map(str::to_owned));
        let path = request.url.path().to_owned();
        let base_path = path
            .strip_suffix(&format!("/{}", STORE_PATH))
            .unwrap_or(&path)
            .to_owned();
        let origin = request.url.origin().ascii_serialization();
        let base = format!("{origin}{base_path}");
        let (index, seq, plan) = {
            let mut state = self.lock();
            state.seq += 1;
            let seq = state.seq;
            let via_proxy =
                state.proxy_in_env && ApiBase::parse(&base).is_ok_and(|base| may_use_proxy(&base));
            let plan = Plan::draw(&mut state, via_proxy);
            state.exchanges.push(Exchange {
                process: process.clone(),
                ticket: ticket.clone(),
                base: base.clone(),
                origin: origin.clone(),
                token,
                seq,
                at_ms: self.now_ms(),
                via_proxy,
                stored: false,
                status: None,
                acknowledged: false,
                attempts_at_ack: None,
                after_recorded_ack: false,
            });
            if let Some(ticket) = &ticket {
                *state.in_flight.entry(ticket.clone()).or_default() += 1;
            }
            (state.exchanges.len() - 1, seq, plan)
        };
        let _flight = Flight {
            net: self.clone(),
            ticket: ticket.clone(),
        };
        if let Some(ticket) = &ticket {
            self.after_ack(index, ticket);
        }
        tokio::time::sleep(plan.there).await;
        match plan.route {
            Route::Offline => return Err(lost(TransportKind::Connect, "connection refused")),
            // A proxy cannot reach this machine's server: its error page.
            Route::Proxy => {
                return Ok(self.reply(index, &process, 502, proxy_page(), Shape::Whole));
            }
            Route::Direct => {}
        }
        let Some(server) = self.servers.get(&origin).cloned() else {
            return Err(lost(TransportKind::Connect, "connection refused"));
        };
        if self.broken(seq) {
            return Err(lost(TransportKind::Connect, "the network went away"));
        }
        let mut forwarded = axum::http::Request::builder()
            .method("POST")
            .uri(request.url.path());
        for (name, value) in &request.headers {
            forwarded = forwarded.header(name, value);
        }
        let forwarded = forwarded
            .header("host", request.url.authority())
            .body(AxumBody::from(request.body))
            .map_err(|error| lost(TransportKind::Connect, &error.to_string()))?;
        let (answer, answered) = tokio::sync::oneshot::channel();
        let serving = self.clone();
        tokio::spawn(async move {
            let before = copies(&server, ticket.as_deref());
            let response = server.sandbox.call(forwarded, server.peer).await;
            if copies(&server, ticket.as_deref()) > before {
                serving.lock().exchanges[index].stored = true;
            }
            let whole = match response {
                Some(response) => {
                    let (parts, body) = response.into_parts();
                    axum::body::to_bytes(body, usize::MAX)
                        .await
                        .ok()
                        .map(|bytes| (parts, bytes.to_vec()))
                }
                None => None,
            };
            let _ = answer.send(whole);
        });
        // A stalled server never answers: the client gives up on its own.
        let Ok(Some((parts, body))) = answered.await else {
            return Err(lost(
                TransportKind::ConnectionLost,
                "connection reset by peer",
            ));
        };
        tokio::time::sleep(plan.back).await;
        if self.broken(seq) {
            return Err(lost(TransportKind::ConnectionLost, "the network went away"));
        }
        let mut response = self.reply(index, &process, parts.status.as_u16(), body, plan.shape);
        response.headers = parts.headers;
        if plan.bare_429 && response.status.as_u16() == 429 {
            response.headers.remove("retry-after");
            response.headers.remove("x-ratelimit-reset");
        }
        Ok(response)
    }

    fn broken(&self, seq: u64) -> bool {
        self.lock().broken_before >= seq
    }

    /// A reply's head reaching `process`, its body to come as `shape` says.
    fn reply(
        self: &Arc<Self>,
        index: usize,
        process: &str,
        status: u16,
        body: Vec<u8>,
        shape: Shape,
    ) -> Response {
        self.lock().exchanges[index].status = Some(status);
        let mut parts = std::collections::VecDeque::new();
        let mut delay = Duration::ZERO;
        match shape {
            Shape::Whole => parts.push_back(Ok(body)),
            Shape::ResetAfter(at) => {
                let at = at.min(body.len());
                parts.push_back(Ok(body[..at].to_vec()));
                parts.push_back(Err(lost(
                    TransportKind::ConnectionLost,
                    "connection reset by peer",
                )));
            }
            Shape::CutAt(at) => {
                let at = at.min(body.len().saturating_sub(1));
                parts.push_back(Ok(body[..at].to_vec()));
                parts.push_back(Err(lost(
                    TransportKind::ConnectionLost,
                    "end of file before message length reached",
                )));
            }
            Shape::Slow(by) => {
                delay = by;
                parts.push_back(Ok(body));
            }
        }
        Response {
            status: axum::http::StatusCode::from_u16(status)
                .unwrap_or(axum::http::StatusCode::BAD_GATEWAY),
            headers: axum::http::HeaderMap::new(),
            body: Box::new(SimBody {
                net: self.clone(),
                index,
                process: process.to_owned(),
                status,
                parts,
                delay,
                ended: false,
            }),
        }
    }

    /// The client has the reply's end (or gave up on it): a 2xx then
    /// counts as acknowledged if its sender still holds the claim.
    fn reply_ended(&self, index: usize, process: &str, status: u16) {
        if !(200..300).contains(&status) {
            return;
        }
        let (ticket, gone) = {
            let state = self.lock();
            let gone = state.killed.contains(process) || state.stopped.contains(process);
            (state.exchanges[index].ticket.clone(), gone)
        };
        let Some(ticket) = ticket.filter(|_| !gone) else {
            return;
        };
        let Some((state, owner, attempts)) = self.row(&ticket) else {
            return;
        };
        let held = state == "sending"
            && owner.is_some_and(|owner| owner.starts_with(&format!("{process}-")));
        if held {
            let mut state = self.lock();
            state.exchanges[index].acknowledged = true;
            state.exchanges[index].attempts_at_ack = Some(attempts);
        }
    }

    /// An exchange of `ticket` begins. Was an earlier 2xx for it, one that
    /// reached its sender, recorded by the outbox (as anything but
    /// delivered, or it would not be sent again)? The first exchange after
    /// that 2xx tells: the outbox has counted one more attempt than when
    /// the 2xx arrived only if the sender recorded it. Later ones go by the
    /// first's answer.
    fn after_ack(&self, index: usize, ticket: &str) {
        let verdict = {
            let state = self.lock();
            let mine: Vec<&Exchange> = state.exchanges[..index]
                .iter()
                .filter(|exchange| exchange.ticket.as_deref() == Some(ticket))
                .collect();
            let Some(acked) = mine
                .iter()
                .rposition(|exchange| exchange.attempts_at_ack.is_some())
            else {
                return;
            };
            match mine.get(acked + 1) {
                Some(first) => Err(first.after_recorded_ack),
                None => Ok(mine[acked].attempts_at_ack.unwrap_or(i64::MAX)),
            }
        };
        let recorded = match verdict {
            Err(first) => first,
            Ok(attempts) => self.row(ticket).is_some_and(|(_, _, now)| now > attempts),
        };
        self.lock().exchanges[index].after_recorded_ack = recorded;
    }

    /// `ticket`'s state, claim holder and attempts, as the outbox file says.
    fn row(&self, ticket: &str) -> Option<(String, Option<String>, i64)> {
        let connection = rusqlite::Connection::open_with_flags(
            &self.outbox,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .ok()?;
        connection
            .query_row(
                "SELECT state, claimed_by, attempts FROM tickets WHERE id = ?1",
                [ticket],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .ok()
    }
}

const STORE_PATH: &str = "services/platforms/v1/support/tickets/store";

/// How many copies of `ticket` `server` holds.
fn copies(server: &Server, ticket: Option<&str>) -> usize {
    let Some(ticket) = ticket else { return 0 };
    server
        .sandbox
        .app()
        .tickets()
        .iter()
        .filter(|stored| stored.idempotency_key.as_deref() == Some(ticket))
        .count()
}

fn proxy_page() -> Vec<u8> {
    b"<html><body><h1>502 Bad Gateway</h1><p>The proxy could not reach 127.0.0.1.</p></body></html>"
        .to_vec()
}

fn lost(kind: TransportKind, detail: &str) -> TransportError {
    TransportError {
        kind,
        detail: detail.to_owned(),
    }
}

/// Where an exchange goes and how its reply comes back, drawn at its start.
struct Plan {
    route: Route,
    there: Duration,
    back: Duration,
    shape: Shape,
    bare_429: bool,
}

enum Route {
    Direct,
    Offline,
    Proxy,
}

#[derive(Clone, Copy)]
enum Shape {
    Whole,
    ResetAfter(usize),
    CutAt(usize),
    Slow(Duration),
}

impl Plan {
    fn draw(state: &mut NetState, via_proxy: bool) -> Self {
        let rng = &mut state.rng;
        let route = if state.offline {
            Route::Offline
        } else if via_proxy {
            Route::Proxy
        } else {
            Route::Direct
        };
        let faults = state.faults;
        let roll = rng.u32(0..1000);
        let shape = if roll < faults.reset_after_status {
            Shape::ResetAfter(rng.usize(0..200))
        } else if roll < faults.reset_after_status + faults.cut {
            Shape::CutAt(rng.usize(1..400))
        } else if roll < faults.reset_after_status + faults.cut + faults.slow_body {
            Shape::Slow(Duration::from_secs(rng.u64(31..90)))
        } else {
            Shape::Whole
        };
        Self {
            route,
            there: Duration::from_millis(rng.u64(5..120)),
            back: Duration::from_millis(rng.u64(5..120)),
            shape,
            bare_429: rng.u32(0..1000) < faults.bare_429,
        }
    }
}

/// Marks an exchange under way until it is dropped.
struct Flight {
    net: Arc<Net>,
    ticket: Option<String>,
}

impl Drop for Flight {
    fn drop(&mut self) {
        if let Some(ticket) = &self.ticket {
            let mut state = self.net.lock();
            if let Some(count) = state.in_flight.get_mut(ticket) {
                *count -= 1;
                if *count == 0 {
                    state.in_flight.remove(ticket);
                }
            }
        }
    }
}

struct ProcessHttp {
    net: Arc<Net>,
    process: String,
}

impl std::fmt::Debug for ProcessHttp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ProcessHttp({})", self.process)
    }
}

impl Http for ProcessHttp {
    fn post(&self, request: Request) -> BoxFuture<'static, Result<Response, TransportError>> {
        Box::pin(self.net.clone().exchange(self.process.clone(), request))
    }
}

struct SimBody {
    net: Arc<Net>,
    index: usize,
    process: String,
    status: u16,
    parts: std::collections::VecDeque<Result<Vec<u8>, TransportError>>,
    delay: Duration,
    ended: bool,
}

impl Body for SimBody {
    fn chunk(&mut self) -> BoxFuture<'_, Result<Option<Vec<u8>>, TransportError>> {
        Box::pin(async move {
            if !self.delay.is_zero() {
                tokio::time::sleep(std::mem::take(&mut self.delay)).await;
            }
            let next = self.parts.pop_front();
            if !matches!(next, Some(Ok(_))) {
                self.ended = true;
                self.net.reply_ended(self.index, &self.process, self.status);
            }
            next.transpose()
        })
    }
}

impl Drop for SimBody {
    fn drop(&mut self) {
        if !self.ended {
            // The client gave up on the body (or its process was killed).
            self.net.reply_ended(self.index, &self.process, self.status);
        }
    }
}
