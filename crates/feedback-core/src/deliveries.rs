//! [`Deliveries`]: every API origin's tickets delivered with that origin's
//! own token, by one [`Delivery`] engine per origin. The one owner of which
//! engines run and which token each gets, shared by the app and the CLI.
//!
//! The configured server always has an engine. Another server's waiting
//! tickets (filed before the base was switched) get an engine of their own
//! when the keyring holds that server's token, and are otherwise listed
//! apart ([`Deliveries::other_servers`]): a token is only ever sent to the
//! origin it was stored for. A keyring that does not answer is asked again
//! until it does; "no answer" is never taken for "signed out".

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::broadcast;

use crate::api_base::ApiBase;
use crate::client::{Client, ClientConfig};
use crate::delivery::{
    Clock, Delivery, DeliveryConfig, DeliveryStatus, Event, Quota, TokenLookup, TokenShelf,
};
use crate::outbox::{Outbox, OutboxError};
use crate::token::Token;

/// Reads a server's token from where it is kept (the OS keyring; for the
/// CLI also `FEEDBACK_TOKEN`). May block: it is called off the async
/// threads. `Err` says why the keyring did not answer.
pub type LoadToken = Arc<dyn Fn(&ApiBase) -> Result<Option<Token>, String> + Send + Sync>;

/// Told of every engine started, with its origin and its events (the app
/// forwards them to the window).
pub type OnEngine = Arc<dyn Fn(&str, broadcast::Receiver<Event>) + Send + Sync>;

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
    clock: Clock,
    load: LoadToken,
    tokens: TokenShelf,
    on_engine: Option<OnEngine>,
    // A std Mutex: never held across an await.
    inner: Arc<Mutex<Inner>>,
}

struct Inner {
    /// The configured server; `Err` with the reason when the configured
    /// base is invalid (nothing is filed anywhere until it is fixed).
    current: Result<ApiBase, String>,
    config: DeliveryConfig,
    engines: HashMap<String, Arc<Delivery>>,
    /// Origins whose keyring is being asked again.
    asking: HashSet<String>,
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

impl Deliveries {
    /// Delivery for `current` (and other servers' waiting tickets) from
    /// `outbox`, with tokens from `load`. Nothing starts before
    /// [`Deliveries::start`] or [`Deliveries::engine`].
    pub fn new(outbox: Arc<Outbox>, current: Result<ApiBase, String>, load: LoadToken) -> Self {
        Self {
            outbox,
            client: ClientConfig::default(),
            clock: Clock::system(),
            load,
            tokens: TokenShelf::new(),
            on_engine: None,
            inner: Arc::new(Mutex::new(Inner {
                current,
                config: DeliveryConfig::default(),
                engines: HashMap::new(),
                asking: HashSet::new(),
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

    pub fn on_engine(mut self, on_engine: OnEngine) -> Self {
        self.on_engine = Some(on_engine);
        self
    }

    pub fn outbox(&self) -> &Arc<Outbox> {
        &self.outbox
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
    /// in the middle of a send is never touched. The old server's engine
    /// goes on delivering its tickets with its own token. Returns whether
    /// the base changed.
    pub async fn switch(&self, base: Result<ApiBase, String>) -> bool {
        {
            let mut inner = self.lock();
            if inner.current == base {
                return false;
            }
            inner.current = base;
        }
        let _ = self.engine().await;
        self.deliver_other_servers().await;
        true
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

    /// `origin`'s token, if one was found.
    pub fn token(&self, origin: &str) -> Option<Token> {
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

    /// Stops every engine, each after its attempt in flight is recorded.
    pub async fn shutdown(&self) {
        let engines: Vec<Arc<Delivery>> = self.lock().engines.drain().map(|(_, e)| e).collect();
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
            if let TokenLookup::Found(token) = load(&self.load, &base).await {
                self.tokens.set(&other.origin, TokenLookup::Found(token));
                let _ = self.start_engine(&base);
            }
        }
    }

    /// Reads `base`'s token onto the shelf; when the keyring does not
    /// answer, asks again in the background until it does.
    async fn read_token(&self, base: &ApiBase) {
        let lookup = load(&self.load, base).await;
        let unanswered = matches!(lookup, TokenLookup::Unavailable(_));
        self.tokens.set(&base.origin(), lookup);
        if unanswered {
            self.keep_asking(base);
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
        let (load_token, shelf, inner, base) = (
            self.load.clone(),
            self.tokens.clone(),
            self.inner.clone(),
            base.clone(),
        );
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                // A sign-in or sign-out meanwhile settled it.
                if !matches!(shelf.get(&origin), TokenLookup::Unavailable(_)) {
                    break;
                }
                let lookup = load(&load_token, &base).await;
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
        let client = Client::new(base.clone(), &self.client).map_err(|error| error.to_string())?;
        let engine = Arc::new(Delivery::start(
            inner.config.clone(),
            self.outbox.clone(),
            client,
            self.tokens.source(),
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

/// Asks `load` for `base`'s token off the async threads.
async fn load(load: &LoadToken, base: &ApiBase) -> TokenLookup {
    let (load, base) = (load.clone(), base.clone());
    match tokio::task::spawn_blocking(move || load(&base)).await {
        Ok(Ok(token)) => TokenLookup::from(token),
        Ok(Err(reason)) => TokenLookup::Unavailable(reason),
        Err(error) => TokenLookup::Unavailable(format!("the keyring read failed: {error}")),
    }
}
