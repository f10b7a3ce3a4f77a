//! [`Deliveries`]: every API origin's tickets delivered with that origin's
//! own token, by one [`Delivery`] engine per origin. The one owner of which
//! engines run and which token each gets; the [`Desk`](crate::Desk) holds
//! one for its process.
//!
//! The configured server always has an engine. Another server's waiting
//! tickets (filed before the base was switched) get an engine of their own
//! when the keyring holds that server's token, and are otherwise listed
//! apart ([`Deliveries::other_servers`]): a token is only ever sent to the
//! origin it was stored for. A keyring that does not answer is asked again
//! until it does; "no answer" is never taken for "signed out". A sign-in or
//! sign-out made by another process sharing the outbox (the CLI's `login`
//! beside the app) is noticed through the outbox's count of them
//! ([`Deliveries::notice_token_changes`]), and the keyring read again.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::broadcast;

use crate::api_base::ApiBase;
use crate::client::{Client, ClientConfig, Reply};
use crate::delivery::{
    Clock, Delivery, DeliveryConfig, DeliveryStatus, Event, Quota, TokenLookup, TokenShelf,
    TokenSource,
};
use crate::http::Http;
use crate::keyring::Keyring;
use crate::outbox::{Outbox, OutboxError};
use crate::tasks::Tasks;
use crate::token::Token;

/// Told of every engine started, with its origin and its events (the desk
/// forwards them).
pub type OnEngine = Arc<dyn Fn(&str, broadcast::Receiver<Event>) + Send + Sync>;

/// How a client for a server is made: reqwest for the app and the CLI, the
/// simulation's network for the simulation.
pub type Connect = Arc<dyn Fn(&ApiBase, &ClientConfig) -> Result<Client, String> + Send + Sync>;

/// Tickets waiting for a server other than the configured one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OtherServer {
    pub origin: String,
    pub waiting: usize,
    /// Being delivered with that server's own token.
    pub delivering: bool,
}

/// The engines of one process. Methods that may start an engine are async
/// and must run inside a tokio runtime.
pub struct Deliveries {
    outbox: Arc<Outbox>,
    client: ClientConfig,
    connect: Connect,
    clock: Clock,
    keyring: Arc<dyn Keyring>,
    tokens: TokenShelf,
    tasks: Tasks,
    on_engine: Option<OnEngine>,
    // A std Mutex: never held across an await.
    inner: Arc<Mutex<Inner>>,
}

struct Inner {
    /// The configured server; `Err` with the reason when the configured
    /// base is invalid (nothing is filed anywhere until it is fixed).
    current: Result<ApiBase, String>,
    config: DeliveryConfig,
    engines: BTreeMap<String, Arc<Delivery>>,
    /// Origins whose keyring is being asked again.
    asking: BTreeSet<String>,
    /// The outbox's count of sign-ins and sign-outs, per origin, when this
    /// process last read that origin's token.
    token_changes: BTreeMap<String, i64>,
}

impl std::fmt::Debug for Deliveries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = self.lock();
        f.debug_struct("Deliveries")
            .field("current", &inner.current)
            .field("engines", &inner.engines.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// Clients over reqwest.
pub fn reqwest_clients() -> Connect {
    Arc::new(|base, config| Client::new(base.clone(), config).map_err(|error| error.to_string()))
}

/// Clients over `http`.
pub fn clients_over(http: Arc<dyn Http>) -> Connect {
    Arc::new(move |base, config| Ok(Client::over(http.clone(), base.clone(), config)))
}

impl Deliveries {
    /// Delivery for `current` (and other servers' waiting tickets) from
    /// `outbox`, with tokens from `keyring`. Nothing starts before
    /// [`Deliveries::start`] or [`Deliveries::engine`].
    pub fn new(
        outbox: Arc<Outbox>,
        current: Result<ApiBase, String>,
        keyring: Arc<dyn Keyring>,
    ) -> Self {
        Self {
            outbox,
            client: ClientConfig::default(),
            connect: reqwest_clients(),
            clock: Clock::system(),
            keyring,
            tokens: TokenShelf::new(),
            tasks: Tasks::new(),
            on_engine: None,
            inner: Arc::new(Mutex::new(Inner {
                current,
                config: DeliveryConfig::default(),
                engines: BTreeMap::new(),
                asking: BTreeSet::new(),
                token_changes: BTreeMap::new(),
            })),
        }
    }

    /// The client and engine settings of every engine started from now on.
    pub fn with_config(mut self, client: ClientConfig, config: DeliveryConfig) -> Self {
        self.client = client;
        self.lock().config = config;
        self
    }

    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// How clients are made (reqwest unless told otherwise).
    pub fn with_connect(mut self, connect: Connect) -> Self {
        self.connect = connect;
        self
    }

    /// The task group engines and keyring reads run in.
    pub fn with_tasks(mut self, tasks: Tasks) -> Self {
        self.tasks = tasks;
        self
    }

    pub fn on_engine(mut self, on_engine: OnEngine) -> Self {
        self.on_engine = Some(on_engine);
        self
    }

    pub fn outbox(&self) -> &Arc<Outbox> {
        &self.outbox
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    pub fn keyring(&self) -> &Arc<dyn Keyring> {
        &self.keyring
    }

    /// The engines' settings.
    pub fn config(&self) -> DeliveryConfig {
        self.lock().config.clone()
    }

    /// The configured server, or why the configured base is unusable.
    pub fn current(&self) -> Result<ApiBase, String> {
        self.lock().current.clone()
    }

    /// Whether `origin` is the configured server's.
    pub fn is_current(&self, origin: &str) -> bool {
        self.lock()
            .current
            .as_ref()
            .is_ok_and(|base| base.origin() == origin)
    }

    /// Reads the configured server's token and starts its engine, then
    /// starts an engine for every other server with waiting tickets whose
    /// token the keyring holds.
    pub async fn start(&self) {
        let _ = self.engine().await;
        self.deliver_other_servers().await;
    }

    /// The configured server's engine, started (its token read first) if
    /// it is not running. `Err`: the base is invalid or no client could be
    /// built for it.
    pub async fn engine(&self) -> Result<Arc<Delivery>, String> {
        let base = self.current()?;
        if let Some(engine) = self.running(&base.origin()) {
            return Ok(engine);
        }
        if self.tokens.token(&base.origin()).is_none() {
            self.read_token(&base).await;
        }
        self.start_engine(&base)
    }

    /// Points delivery at `base`. The same base changes nothing: an engine
    /// in the middle of a send is never touched. Another path on the same
    /// server takes that server's waiting tickets along from their next
    /// attempt; another server's engine goes on delivering the old
    /// server's tickets with its own token. Returns whether the base changed.
    /// A switch the outbox could not record (its waiting tickets could not
    /// be moved along) changes nothing.
    pub async fn switch(&self, base: Result<ApiBase, String>) -> Result<bool, OutboxError> {
        if self.lock().current == base {
            return Ok(false);
        }
        if let Ok(base) = &base {
            self.outbox.point_to(base)?;
        }
        self.lock().current = base;
        let _ = self.engine().await;
        self.deliver_other_servers().await;
        Ok(true)
    }

    /// What is now known of `origin`'s token (a sign-in, a sign-out): its
    /// engine looks again at once. A queue paused for a refused token goes
    /// again with another one: the pause is tied to the refused token.
    pub fn set_token(&self, origin: &str, lookup: TokenLookup) {
        self.tokens.set(origin, lookup);
        if let Some(engine) = self.running(origin) {
            engine.token_changed();
        }
    }

    /// Counts this process's sign-in or sign-out of `origin` in the outbox,
    /// so that the other processes sharing it read their keyring again.
    pub fn tell_token_changed(&self, origin: &str) -> Result<(), OutboxError> {
        let count = self.outbox.note_token_change(origin)?;
        self.lock().token_changes.insert(origin.to_owned(), count);
        Ok(())
    }

    /// Reads the keyring again for every origin another process signed in
    /// or out of since this one last read it; an origin with tickets
    /// waiting and a token found now gets an engine. Returns the origins.
    pub async fn notice_token_changes(&self) -> Result<Vec<String>, OutboxError> {
        let counts = self.outbox.token_changes()?;
        let changed: Vec<(String, i64)> = {
            let inner = self.lock();
            counts
                .into_iter()
                .filter(|(origin, count)| inner.token_changes.get(origin) != Some(count))
                .collect()
        };
        for (origin, count) in &changed {
            // A token held here is read again, with the base it was read
            // for; so is one this process is asked for (the configured
            // server's, or one with tickets waiting).
            // (The keyring keeps tokens by origin: any base on it reads it.)
            let held = self.running(origin).map(|engine| engine.base().clone());
            let base = match self.current() {
                Ok(base) if base.origin() == *origin => Some(base),
                _ => held
                    .or(self.outbox.base_of(origin)?)
                    .or_else(|| ApiBase::parse(origin).ok()),
            };
            let wanted = !matches!(self.tokens.get(origin), TokenLookup::Unavailable(_))
                || self.is_current(origin)
                || self.outbox.has_waiting(origin)?;
            let Some(base) = base.filter(|_| wanted) else {
                // Nothing of this origin's here to read it for.
                self.seen_token_count(origin, Some(*count));
                continue;
            };
            // Nothing goes with the old token while the new one is read.
            self.tokens.set(origin, TokenLookup::Rereading);
            self.read_token(&base).await;
            if self.running(origin).is_none() && self.tokens.token(origin).is_some() {
                let _ = self.start_engine(&base);
            }
        }
        Ok(changed.into_iter().map(|(origin, _)| origin).collect())
    }

    /// Asks `base`'s server whether it takes `token`, filing nothing
    /// ([`Client::check`]), and waits at most `wait` for the reply; `None`
    /// when none came in time, or no client could be made. The request
    /// is never abandoned: one that outlasts the wait goes on, and the
    /// quota its reply reports is recorded all the same, as every reply's
    /// is, so pacing counts the request it spent.
    pub async fn check_token(
        &self,
        base: &ApiBase,
        token: &Token,
        wait: Duration,
    ) -> Option<Reply> {
        let client = (self.connect)(base, &self.client).ok()?;
        let (outbox, clock) = (self.outbox.clone(), self.clock.clone());
        let pacing = self.lock().config.pacing;
        let (answer, answered) = tokio::sync::oneshot::channel();
        let token = token.clone();
        self.tasks.spawn(async move {
            let reply = client.check(&token).await;
            let limited = reply.outcome.class() == crate::outcome::Class::RateLimited;
            let account = client.base().origin();
            let now = clock.now_ms();
            // A reply the outbox cannot take is the throttle's estimate
            // lost; the next reply's headers set it right.
            let _ = outbox.record_rate(&account, |before| {
                pacing.after_reply(before, &reply.rate_limit, limited, now)
            });
            let _ = answer.send(reply);
        });
        tokio::time::timeout(wait, answered).await.ok()?.ok()
    }

    /// `origin`'s token, if one was found.
    pub fn token(&self, origin: &str) -> Option<crate::Token> {
        self.tokens.token(origin)
    }

    /// What is known of `origin`'s token: found, signed out, or a keyring
    /// that did not answer.
    pub fn token_lookup(&self, origin: &str) -> TokenLookup {
        self.tokens.get(origin)
    }

    /// How delivery to the configured server stands (`None` before its
    /// engine's first step).
    pub fn status(&self) -> Option<DeliveryStatus> {
        let origin = self.current().ok()?.origin();
        self.running(&origin)?.status()
    }

    /// The configured server's rate-limit quota now, as the replies stored
    /// in the outbox (by any process) tell it; `None` before a reply gave
    /// the limit, or when the outbox cannot be read.
    pub fn quota(&self) -> Option<Quota> {
        let origin = self.current().ok()?.origin();
        let state = self.outbox.rate_state(&origin).ok()?;
        let pacing = self.lock().config.pacing;
        pacing.quota(&state, self.clock.now_ms())
    }

    /// When the configured server last accepted its token (Unix ms).
    pub fn last_accepted(&self) -> Option<i64> {
        let origin = self.current().ok()?.origin();
        self.outbox.last_accepted(&origin).ok().flatten()
    }

    /// The network may be back (the person asked, the OS said so): every
    /// engine tries its backed-off tickets now.
    pub fn network_back(&self) {
        for engine in self.lock().engines.values() {
            engine.network_back();
        }
    }

    /// How long delivered tickets are kept, by every engine now and later.
    pub fn set_keep_delivered(&self, keep: Duration) {
        let mut inner = self.lock();
        inner.config.keep_delivered = keep;
        for engine in inner.engines.values() {
            engine.set_keep_delivered(keep);
        }
    }

    /// Servers other than the configured one with tickets waiting, and
    /// whether they are being delivered.
    pub fn other_servers(&self) -> Result<Vec<OtherServer>, OutboxError> {
        let waiting = self.outbox.waiting_accounts()?;
        let inner = self.lock();
        let current = inner.current.as_ref().map(ApiBase::origin).ok();
        Ok(waiting
            .into_iter()
            .filter(|(origin, _)| Some(origin) != current.as_ref())
            .map(|(origin, waiting)| OtherServer {
                delivering: inner.engines.contains_key(&origin),
                origin,
                waiting,
            })
            .collect())
    }

    /// Tickets queued or being sent that an engine here will send: the
    /// ones worth keeping the process running for. Another server's
    /// tickets with no token here wait for a person instead.
    pub fn deliverable_waiting(&self) -> Result<usize, OutboxError> {
        let waiting = self.outbox.waiting_accounts()?;
        let inner = self.lock();
        let current = inner.current.as_ref().map(ApiBase::origin).ok();
        Ok(waiting
            .into_iter()
            .filter(|(origin, _)| {
                Some(origin) == current.as_ref() || inner.engines.contains_key(origin)
            })
            .map(|(_, count)| count)
            .sum())
    }

    /// Whether any engine runs.
    pub fn is_running(&self) -> bool {
        !self.lock().engines.is_empty()
    }

    /// Stops every engine, each after its attempt in flight is recorded.
    pub async fn shutdown(&self) {
        let engines: Vec<Arc<Delivery>> = std::mem::take(&mut self.lock().engines)
            .into_values()
            .collect();
        for engine in engines {
            engine.shutdown().await;
        }
    }

    /// Starts an engine for every other server with waiting tickets whose
    /// token the keyring holds.
    async fn deliver_other_servers(&self) {
        let Ok(others) = self.other_servers() else {
            return;
        };
        for other in others.into_iter().filter(|other| !other.delivering) {
            let Ok(Some(base)) = self.outbox.base_of(&other.origin) else {
                continue;
            };
            // Only a token found starts one: no engine (and no keyring
            // prompts every 10 s) for a server the person has left.
            let count = self.token_count(&other.origin);
            if let TokenLookup::Found(token) = load(self.keyring.as_ref(), &base).await {
                self.seen_token_count(&other.origin, count);
                self.tokens.set(&other.origin, TokenLookup::Found(token));
                let _ = self.start_engine(&base);
            }
        }
    }

    /// Reads `base`'s token onto the shelf; when the keyring does not
    /// answer, asks again in the background until it does.
    async fn read_token(&self, base: &ApiBase) {
        let origin = base.origin();
        let count = self.token_count(&origin);
        let lookup = load(self.keyring.as_ref(), base).await;
        let unanswered = matches!(lookup, TokenLookup::Unavailable(_));
        self.seen_token_count(&origin, count);
        self.set_token(&origin, lookup);
        if unanswered {
            self.keep_asking(base);
        }
    }

    /// The outbox's count of `origin`'s sign-ins and sign-outs now.
    fn token_count(&self, origin: &str) -> Option<i64> {
        let counts = self.outbox.token_changes().ok()?;
        Some(
            counts
                .into_iter()
                .find(|(account, _)| account == origin)
                .map_or(0, |(_, count)| count),
        )
    }

    fn seen_token_count(&self, origin: &str, count: Option<i64>) {
        if let Some(count) = count {
            self.lock().token_changes.insert(origin.to_owned(), count);
        }
    }

    fn keep_asking(&self, base: &ApiBase) {
        let origin = base.origin();
        let every = {
            let mut inner = self.lock();
            if !inner.asking.insert(origin.clone()) {
                return;
            }
            inner.config.keyring_retry
        };
        let (keyring, shelf, inner, base) = (
            self.keyring.clone(),
            self.tokens.clone(),
            self.inner.clone(),
            base.clone(),
        );
        self.tasks.spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                // A sign-in or sign-out meanwhile settled it.
                if !matches!(shelf.get(&origin), TokenLookup::Unavailable(_)) {
                    break;
                }
                let lookup = load(keyring.as_ref(), &base).await;
                if matches!(lookup, TokenLookup::Unavailable(_)) {
                    continue;
                }
                shelf.set(&origin, lookup);
                let engine = lock(&inner).engines.get(&origin).cloned();
                if let Some(engine) = engine {
                    engine.token_changed();
                }
                break;
            }
            lock(&inner).asking.remove(&origin);
        });
    }

    /// The engines' view of the tokens: an origin's token, unless another
    /// process has signed in or out of it since it was read (the outbox
    /// counts them): then it is being read again, and nothing goes with it.
    fn source(&self) -> TokenSource {
        let (shelf, outbox, inner) = (self.tokens.clone(), self.outbox.clone(), self.inner.clone());
        Arc::new(move |origin| {
            let lookup = shelf.get(origin);
            if !matches!(lookup, TokenLookup::Found(_)) {
                return lookup;
            }
            let read = lock(&inner).token_changes.get(origin).copied();
            match (read, outbox.token_changes_of(origin)) {
                (Some(read), Ok(now)) if read != now => TokenLookup::Rereading,
                _ => lookup,
            }
        })
    }

    fn running(&self, origin: &str) -> Option<Arc<Delivery>> {
        self.lock().engines.get(origin).cloned()
    }

    /// `base`'s engine, started if there is none.
    fn start_engine(&self, base: &ApiBase) -> Result<Arc<Delivery>, String> {
        let origin = base.origin();
        let mut inner = self.lock();
        if let Some(engine) = inner.engines.get(&origin) {
            return Ok(engine.clone());
        }
        let client = (self.connect)(base, &self.client)?;
        let engine = Arc::new(Delivery::start_in(
            &self.tasks,
            inner.config.clone(),
            self.outbox.clone(),
            client,
            self.source(),
            self.clock.clone(),
        ));
        // A ticket that waited out a backoff while nothing ran goes now.
        engine.network_back();
        let events = engine.subscribe();
        inner.engines.insert(origin.clone(), engine.clone());
        drop(inner);
        if let Some(on_engine) = &self.on_engine {
            on_engine(&origin, events);
        }
        Ok(engine)
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        lock(&self.inner)
    }
}

fn lock(inner: &Mutex<Inner>) -> MutexGuard<'_, Inner> {
    // A panic elsewhere while holding it leaves plain data, still usable.
    inner
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Asks `keyring` for `base`'s token: found, signed out, or no answer.
async fn load(keyring: &dyn Keyring, base: &ApiBase) -> TokenLookup {
    match keyring.load(base).await {
        Ok(token) => TokenLookup::from(token),
        Err(error) => TokenLookup::Unavailable(error.to_string()),
    }
}
