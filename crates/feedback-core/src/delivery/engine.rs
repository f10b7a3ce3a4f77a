//! [`Delivery`]: the engine task and its handle. One loop over `select!` on
//! the next moment it may act, a `Notify` for new work (a new ticket, the
//! network coming back, a new token) and shutdown.
//!
//! "Now" is read from the wall clock at every decision, and no sleep is
//! longer than [`DeliveryConfig::nap`]: after a suspend the engine notices
//! within a nap that a deadline has passed, where a monotonic sleep would
//! have slept on for as long as the machine did. Each nap also looks whether
//! another process (the CLI beside the app) wrote to the outbox. A nap in
//! which the wall clock ran far ahead of the monotonic one was a suspend:
//! it counts as "network back", so a ticket waiting out a backoff goes at
//! once on waking.
//!
//! An attempt, once started, is never abandoned: stopping waits for it (the
//! client's timeout bounds it) and records it. Results are written only
//! while this engine still holds the ticket's claim.
//!
//! It logs through `tracing` (as `log` records where no subscriber is
//! installed): starting and stopping, each attempt's class and HTTP status
//! by ticket id, pauses and rate-limit waits at info; storage errors and
//! caught panics at warn; pacing decisions at debug. Never a token, nor a
//! ticket's text.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::{Notify, broadcast, watch};
use tokio::task::JoinHandle;
use tracing::{debug, info, warn};

use super::backoff::Backoff;
use super::clock::Clock;
use super::event::{DeliveryStatus, Event};
use super::pacing::Pacing;
use crate::api_base::ApiBase;
use crate::client::{Client, Reply};
use crate::outbox::{
    AccountUpdate, AttemptResult, Claim, HORIZON_MS, Outbox, OutboxError, Pause, PauseKind,
    RateState,
};
use crate::outcome::{Class, Outcome};
use crate::tasks::Tasks;
use crate::token::Token;
use crate::transport::TransportKind;

/// What the engine learns when it asks for an account's token.
#[derive(Debug, Clone)]
pub enum TokenLookup {
    Found(Token),
    /// No token is stored for this server.
    SignedOut,
    /// The keyring did not answer (locked, unavailable, not read yet).
    Unavailable(String),
    /// Another process signed in or out: the keyring is being read again,
    /// and nothing goes with the old token meanwhile.
    Rereading,
}

impl From<Option<Token>> for TokenLookup {
    fn from(token: Option<Token>) -> Self {
        token.map_or(Self::SignedOut, Self::Found)
    }
}

/// Where the engine gets an account's token: asked with the account (the
/// API origin) at every attempt, so a token is only ever sent to the origin
/// it was stored for.
pub type TokenSource = Arc<dyn Fn(&str) -> TokenLookup + Send + Sync>;

#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    pub pacing: Pacing,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// The longest wait after an attempt that reached nothing (the
    /// connection refused, no route, no such name): it cost the server
    /// nothing, so a server back is noticed within this, not after a
    /// backoff of minutes. A server that answers with errors, or takes a
    /// request and gives no reply, gets the whole backoff.
    pub reconnect: Duration,
    /// A ticket failing for longer than this, counted from its first
    /// failure, goes to needs attention.
    pub retention: Duration,
    /// How long delivered tickets are kept as a record.
    pub keep_delivered: Duration,
    /// How long a drainer's claim on an account lasts unless renewed.
    pub drainer_lease: Duration,
    /// The longest sleep: how soon a step of the wall clock (a resume) or
    /// another process's write is noticed.
    pub nap: Duration,
    /// How often a keyring that did not answer is asked again.
    pub keyring_retry: Duration,
    /// A seed for the backoff jitter, for tests; random when `None`.
    pub jitter_seed: Option<u64>,
    /// This process, as claims name it (with a unique suffix per engine):
    /// its process id, or a simulated process's name.
    pub process: String,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            pacing: Pacing::default(),
            backoff_base: Duration::from_secs(2),
            backoff_cap: Duration::from_secs(300),
            reconnect: Duration::from_secs(5),
            retention: Duration::from_secs(30 * 24 * 3600),
            keep_delivered: Duration::from_secs(90 * 24 * 3600),
            drainer_lease: Duration::from_secs(5),
            nap: Duration::from_secs(2),
            keyring_retry: Duration::from_secs(10),
            jitter_seed: None,
            process: std::process::id().to_string(),
        }
    }
}

/// A running engine. Dropping it asks the task to stop after the attempt
/// in flight, if any, is recorded; [`Delivery::shutdown`] also waits for that.
#[derive(Debug)]
pub struct Delivery {
    account: String,
    /// The base its client was made for.
    base: ApiBase,
    wake: Arc<Notify>,
    network_back: Arc<AtomicBool>,
    stop: watch::Sender<bool>,
    events: broadcast::Sender<Event>,
    status: watch::Receiver<Option<DeliveryStatus>>,
    keep_delivered_ms: Arc<AtomicU64>,
    task: std::sync::Mutex<Option<JoinHandle<()>>>,
}

impl Delivery {
    /// Starts draining `client`'s account from `outbox`, as a task of its own.
    pub fn start(
        config: DeliveryConfig,
        outbox: Arc<Outbox>,
        client: Client,
        tokens: TokenSource,
        clock: Clock,
    ) -> Self {
        Self::start_in(&Tasks::new(), config, outbox, client, tokens, clock)
    }

    /// Starts draining `client`'s account from `outbox`, as one of `tasks`.
    pub fn start_in(
        tasks: &Tasks,
        config: DeliveryConfig,
        outbox: Arc<Outbox>,
        client: Client,
        tokens: TokenSource,
        clock: Clock,
    ) -> Self {
        let (events, _) = broadcast::channel(1024);
        let wake = Arc::new(Notify::new());
        let network_back = Arc::new(AtomicBool::new(false));
        let (stop, stopped) = watch::channel(false);
        let (status_tx, status) = watch::channel(None);
        let backoff = match config.jitter_seed {
            Some(seed) => Backoff::seeded(config.backoff_base, config.backoff_cap, seed),
            None => Backoff::new(config.backoff_base, config.backoff_cap),
        };
        let account = client.base().origin();
        let base = client.base().clone();
        let keep_delivered_ms = Arc::new(AtomicU64::new(
            u64::try_from(config.keep_delivered.as_millis()).unwrap_or(u64::MAX),
        ));
        let engine = Engine {
            keep_delivered_ms: keep_delivered_ms.clone(),
            account: account.clone(),
            owner: format!("{}-{}", config.process, uuid::Uuid::new_v4()),
            config,
            outbox,
            client,
            tokens,
            clock,
            backoff,
            events: events.clone(),
            wake: wake.clone(),
            network_back: network_back.clone(),
            status: status_tx,
            purged_at: None,
            purged_with: 0,
            unrecorded: None,
        };
        let task = tasks.spawn(engine.supervised(stopped));
        Self {
            account,
            base,
            wake,
            network_back,
            stop,
            events,
            status,
            keep_delivered_ms,
            task: std::sync::Mutex::new(Some(task)),
        }
    }

    /// How long delivered records are kept from now on (a setting); the
    /// next look purges by it.
    pub fn set_keep_delivered(&self, keep: Duration) {
        let keep = u64::try_from(keep.as_millis()).unwrap_or(u64::MAX);
        self.keep_delivered_ms.store(keep, Ordering::SeqCst);
        self.wake.notify_one();
    }

    /// The account (API origin) this engine drains.
    pub fn account(&self) -> &str {
        &self.account
    }

    /// The base its client was made for (its tickets go to their own).
    pub fn base(&self) -> &ApiBase {
        &self.base
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    /// How delivery stands now (`None` before the first step): read this
    /// after subscribing, so a status reached before is not missed.
    pub fn status(&self) -> Option<DeliveryStatus> {
        self.status.borrow().clone()
    }

    /// New work, or a new token: look again now.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// The network may be back (the OS said so, or the user asked): tickets
    /// waiting out a backoff are tried now. Rate-limit waits still hold.
    pub fn network_back(&self) {
        self.network_back.store(true, Ordering::SeqCst);
        self.wake.notify_one();
    }

    /// A new token was stored: a queue paused for the old one goes again
    /// (the pause is tied to the refused token, so this is only a wake).
    pub fn token_changed(&self) {
        self.wake.notify_one();
    }

    /// Stops after the attempt in flight, if any, has finished and been
    /// recorded (the client's timeout bounds the wait).
    pub async fn shutdown(&self) {
        let _ = self.stop.send(true);
        let task = self.task.lock().ok().and_then(|mut task| task.take());
        if let Some(task) = task {
            let _ = task.await;
        }
    }
}

impl Drop for Delivery {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// How far the wall clock may run ahead of the monotonic one in a nap
/// before it counts as a resume from suspend (an NTP step is smaller).
const RESUME_GAP_MS: i64 = 15_000;

/// How long an engine waits, once another process signed in or out, for
/// the keyring to be read again (the new token wakes it sooner).
const TOKEN_REREAD_MS: i64 = 1_000;

/// How long a panicked engine waits before it starts over.
const RESTART_PAUSE: Duration = Duration::from_secs(2);

/// When to look again.
enum Next {
    Now,
    At(i64),
    /// Only when woken (or when another process writes to the outbox).
    Idle,
}

struct Engine {
    account: String,
    owner: String,
    config: DeliveryConfig,
    outbox: Arc<Outbox>,
    client: Client,
    tokens: TokenSource,
    clock: Clock,
    backoff: Backoff,
    events: broadcast::Sender<Event>,
    wake: Arc<Notify>,
    network_back: Arc<AtomicBool>,
    status: watch::Sender<Option<DeliveryStatus>>,
    purged_at: Option<i64>,
    keep_delivered_ms: Arc<AtomicU64>,
    purged_with: u64,
    /// An attempt's result the outbox refused to write, kept to be written.
    unrecorded: Option<Unrecorded>,
}

/// A reply not yet recorded, and what recording it needs.
struct Unrecorded {
    claim: Claim,
    reply: Reply,
    fingerprint: String,
    /// When the reply came (Unix ms).
    now: i64,
}

impl Engine {
    /// Runs until stopped. A panic (a bug) must not end delivery silently:
    /// it is reported as a status and the engine starts over after a pause.
    /// A claim it held lapses with its lease and is retried, flagged.
    async fn supervised(mut self, mut stopped: watch::Receiver<bool>) {
        use futures_util::FutureExt;
        info!(origin = %self.account, "delivery engine started");
        loop {
            let run = std::panic::AssertUnwindSafe(self.run(&mut stopped));
            let Err(panic) = run.catch_unwind().await else {
                break;
            };
            let reason = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown".to_owned());
            warn!(origin = %self.account, %reason, "delivery engine panicked; starting again");
            self.set_status(DeliveryStatus::StorageError {
                reason: format!("delivery stopped on an internal error ({reason}); starting again"),
            });
            tokio::select! {
                biased;
                _ = stopped.changed() => break,
                _ = tokio::time::sleep(RESTART_PAUSE) => {}
            }
            if *stopped.borrow() {
                break;
            }
        }
        let _ = self.outbox.release_drainer(&self.account, &self.owner);
        info!(origin = %self.account, "delivery engine stopped");
    }

    async fn run(&mut self, stopped: &mut watch::Receiver<bool>) {
        let mut seen = self.outbox.data_version().ok();
        'running: loop {
            if *stopped.borrow() {
                break;
            }
            let next = match self.step().await {
                Ok(next) => {
                    let failed = matches!(
                        self.status.borrow().as_ref(),
                        Some(DeliveryStatus::StorageError { .. })
                    );
                    if failed {
                        // The outbox works again: say so, whatever comes next.
                        self.set_status(DeliveryStatus::Ready);
                    }
                    next
                }
                Err(error) => {
                    // The outbox file failed (a full disk, say): report it and
                    // look again shortly; nothing is lost.
                    warn!(origin = %self.account, %error, "the outbox failed; looking again shortly");
                    self.set_status(DeliveryStatus::StorageError {
                        reason: error.to_string(),
                    });
                    // Sooner with a reply to record: another process may
                    // take the ticket over once its claim lapses.
                    let again = if self.unrecorded.is_some() {
                        1_000
                    } else {
                        5_000
                    };
                    Next::At(self.clock.now_ms().saturating_add(again))
                }
            };
            loop {
                let now = self.clock.now_ms();
                let nap = match next {
                    Next::Now => break,
                    // A deadline further ahead than any wait set here was
                    // set under a wall clock that has since stepped back.
                    Next::At(at) if at <= now || at - now > HORIZON_MS => break,
                    Next::At(at) => self.config.nap.min(duration_ms(at - now)),
                    Next::Idle => self.config.nap,
                };
                let slept_from = tokio::time::Instant::now();
                // Biased (in the order written), like every select here:
                // the seeded simulation replays a day exactly.
                tokio::select! {
                    biased;
                    changed = stopped.changed() => if changed.is_err() || *stopped.borrow() {
                        break 'running;
                    },
                    _ = self.wake.notified() => break,
                    _ = tokio::time::sleep(nap) => {}
                }
                let slept = ms(slept_from.elapsed());
                if self.clock.now_ms() - now - slept > RESUME_GAP_MS {
                    // The wall clock ran on while the monotonic one stood
                    // still: the machine slept. The network has likely
                    // changed: what waits out a backoff goes now.
                    self.network_back.store(true, Ordering::SeqCst);
                    break;
                }
                let version = self.outbox.data_version().ok();
                if version != seen {
                    seen = version;
                    self.emit(Event::OutboxChanged);
                    break;
                }
            }
        }
    }

    async fn step(&mut self) -> Result<Next, OutboxError> {
        self.record_kept()?;
        let now = self.clock.now_ms();
        self.purge_old_deliveries(now)?;
        if self.network_back.swap(false, Ordering::SeqCst) {
            self.outbox.make_due(&self.account, now)?;
        }
        let token = match self.tokens.as_ref()(&self.account) {
            TokenLookup::Found(token) => token,
            TokenLookup::SignedOut => {
                self.set_status(DeliveryStatus::SignedOut);
                return Ok(Next::Idle);
            }
            TokenLookup::Unavailable(reason) => {
                self.set_status(DeliveryStatus::KeyringUnavailable { reason });
                return Ok(Next::At(now.saturating_add(ms(self.config.keyring_retry))));
            }
            // Another process signed in or out (this engine may have been
            // stopped, or busy sending, and missed it): whoever reads the
            // keyring is told to, and the new token wakes this engine.
            TokenLookup::Rereading => {
                self.emit(Event::OutboxChanged);
                return Ok(Next::At(now.saturating_add(TOKEN_REREAD_MS)));
            }
        };
        let fingerprint = token.fingerprint();
        if let Some(pause) = self.outbox.pause(&self.account)? {
            if pause.token_fingerprint == fingerprint {
                // The server turned this very token down: asking again would
                // be refused again (and a 403 spends quota).
                self.set_status(paused_status(&pause));
                return Ok(Next::Idle);
            }
            self.outbox.clear_pause(&self.account)?;
        }
        if self.status.borrow().as_ref().is_some_and(|status| {
            matches!(
                status,
                DeliveryStatus::SignedOut
                    | DeliveryStatus::KeyringUnavailable { .. }
                    | DeliveryStatus::SignInNeeded { .. }
                    | DeliveryStatus::Forbidden { .. }
            )
        }) {
            // What held the queue is gone (a sign-in, a new token).
            self.set_status(DeliveryStatus::Ready);
        }
        let rate = self.outbox.rate_state(&self.account)?;
        if let Some(until) = self.config.pacing.blocked_until(&rate, now) {
            debug!(origin = %self.account, until, "pacing: waiting for the rate limit");
            if self.outbox.has_waiting(&self.account)? {
                self.set_status(DeliveryStatus::RateLimited { until });
            }
            return Ok(Next::At(until));
        }
        let lease = ms(self.config.drainer_lease);
        let Some(claim) = self.outbox.claim(&self.account, &self.owner, now, lease)? else {
            return Ok(match self.outbox.next_due(&self.account, now)? {
                // Due but not ours: another process drains this account.
                Some(due) if due <= now => Next::At(now + lease / 2),
                Some(due) => Next::At(due),
                None => Next::Idle,
            });
        };
        debug!(
            origin = %self.account,
            remaining = ?rate.remaining,
            limit = ?rate.limit,
            "pacing: sending the oldest due ticket"
        );
        let reply = self.send(&claim, &token).await;
        let now = self.clock.now_ms();
        self.record(claim, reply, fingerprint, now)?;
        Ok(Next::Now)
    }

    /// One attempt, to its end, renewing the claim while it is in flight. A
    /// failed renewal does not cut the attempt short: its result is then
    /// written only if the claim still holds.
    async fn send(&self, claim: &Claim, token: &Token) -> Reply {
        let lease = ms(self.config.drainer_lease);
        let base = self.base_of(claim);
        let attempt =
            self.client
                .submit_to(&base, token, &claim.entry.ticket, Some(&claim.entry.id));
        tokio::pin!(attempt);
        // No await before the request is on its way: the base just read is
        // the one it goes to, whatever the person changes next.
        let every = self.config.drainer_lease / 3;
        let mut renew = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        loop {
            tokio::select! {
                biased;
                reply = &mut attempt => return reply,
                _ = renew.tick() => {
                    let _ = self.outbox.renew(claim, self.clock.now_ms(), lease);
                }
            }
        }
    }

    /// Where `claim`'s ticket goes: the base it was filed for (or the one
    /// the person corrected it to since: read now), on this engine's
    /// server; else the one the account remembers; else the engine's own.
    fn base_of(&self, claim: &Claim) -> ApiBase {
        let now = self.outbox.get(&claim.entry.id).ok();
        let own = now
            .as_ref()
            .unwrap_or(&claim.entry)
            .api_base
            .as_deref()
            .and_then(|text| ApiBase::parse(text).ok());
        own.or_else(|| self.outbox.base_of(&self.account).ok().flatten())
            .filter(|base| base.origin() == self.account)
            .unwrap_or_else(|| self.client.base().clone())
    }

    /// Records how `claim`'s attempt ended (its reply came at `now`). A
    /// write the outbox refuses (a read-only or full disk, a lock held
    /// elsewhere) is kept and tried again before anything else: the reply
    /// is the only record of what the server did, and a delivery forgotten
    /// is a ticket sent twice.
    fn record(
        &mut self,
        claim: Claim,
        reply: Reply,
        fingerprint: String,
        now: i64,
    ) -> Result<(), OutboxError> {
        let written = self.write(&claim, reply.clone(), fingerprint.clone(), now);
        if written.is_err() {
            self.unrecorded = Some(Unrecorded {
                claim,
                reply,
                fingerprint,
                now,
            });
        }
        written
    }

    /// Writes a result kept because the outbox refused it, holding on to
    /// the claim meanwhile where the outbox lets it.
    fn record_kept(&mut self) -> Result<(), OutboxError> {
        let Some(kept) = self.unrecorded.take() else {
            return Ok(());
        };
        let lease = ms(self.config.drainer_lease);
        let _ = self.outbox.renew(&kept.claim, self.clock.now_ms(), lease);
        self.record(kept.claim, kept.reply, kept.fingerprint, kept.now)
    }

    fn write(
        &mut self,
        claim: &Claim,
        reply: Reply,
        fingerprint: String,
        now: i64,
    ) -> Result<(), OutboxError> {
        let entry = &claim.entry;
        let id = entry.id.clone();
        let class = reply.outcome.class();
        let http_status = reply.outcome.status();
        let before = self.outbox.rate_state(&self.account)?;
        let rate = self.config.pacing.after_reply(
            before,
            &reply.rate_limit,
            class == Class::RateLimited,
            now,
        );
        let error = reply.outcome.to_string();
        let reached_nothing = matches!(
            &reply.outcome,
            Outcome::Transport(failure) if failure.kind == TransportKind::Connect
        );
        let mut update = AccountUpdate {
            rate: Some(&rate),
            token_accepted: reply.token_accepted(),
            ..AccountUpdate::default()
        };
        let pause;
        let (result, status, event) = match (class, reply.outcome) {
            (Class::Delivered, outcome) => {
                let (ticket, note) = match outcome {
                    Outcome::Created(ticket) => (Some(ticket), None),
                    other => (None, Some(other.to_string())),
                };
                let number = ticket.as_ref().and_then(|t| t.ticket_number.clone());
                let result = AttemptResult::Delivered { ticket, note };
                (result, DeliveryStatus::Online, Some(Delivered(number)))
            }
            (Class::RateLimited, _) => {
                let until = blocked(&rate, now);
                let result = retry_now(&error, until, false);
                let event = WillRetry(until);
                (result, DeliveryStatus::RateLimited { until }, Some(event))
            }
            (Class::SignInNeeded | Class::Forbidden, outcome) => {
                let (kind, message) = match outcome {
                    Outcome::Forbidden { message } => (PauseKind::Forbidden, message),
                    Outcome::Unauthenticated { message } => (PauseKind::Refused, message),
                    other => (PauseKind::Refused, other.to_string()),
                };
                pause = Pause {
                    kind,
                    token_fingerprint: fingerprint,
                    message,
                };
                update.pause = Some(&pause);
                // The account's problem, not this ticket's: it waits, first
                // in line, and counts no failure. A 403 spent quota.
                let result = retry_now(&error, now, kind == PauseKind::Forbidden);
                (result, paused_status(&pause), None)
            }
            (Class::Rejected, outcome) => {
                let errors = match outcome {
                    Outcome::Invalid { errors, .. } => errors,
                    _ => Default::default(),
                };
                let result = AttemptResult::Attention {
                    reason: error.clone(),
                    errors,
                    attempted: true,
                };
                (
                    result,
                    DeliveryStatus::Online,
                    Some(Attention(error.clone())),
                )
            }
            (
                Class::Transient {
                    may_have_arrived,
                    answered,
                },
                _,
            ) => {
                let first_failed = entry.first_failed_at.unwrap_or(now);
                let cap = reached_nothing.then_some(self.config.reconnect);
                let at = now.saturating_add(ms(self.backoff.delay_within(entry.attempts + 1, cap)));
                let status = if answered {
                    DeliveryStatus::ServerError {
                        reason: error.clone(),
                        retry_at: at,
                    }
                } else {
                    DeliveryStatus::Offline {
                        reason: error.clone(),
                        retry_at: at,
                    }
                };
                if now - first_failed > ms(self.config.retention) {
                    let days = self.config.retention.as_secs() / 86_400;
                    let reason = format!("not delivered after {days} days: {error}");
                    let result = AttemptResult::Attention {
                        reason: reason.clone(),
                        errors: Default::default(),
                        attempted: true,
                    };
                    (result, status, Some(Attention(reason)))
                } else {
                    if !answered {
                        // The network, not this ticket: everything waits, in order.
                        update.defer_all_until = Some(at);
                    }
                    let result = AttemptResult::Retry {
                        error: error.clone(),
                        at,
                        attempted: true,
                        may_have_arrived,
                        failed: true,
                    };
                    (result, status, Some(WillRetry(at)))
                }
            }
        };
        if !self.outbox.record(claim, &result, &update, now)? {
            // Another process took this ticket over while the attempt was
            // in flight (this one stalled past its lease): its result stands.
            info!(ticket = %id, ?class, ?http_status, "attempt not recorded: another process took the ticket over");
            return Ok(());
        }
        info!(ticket = %id, ?class, ?http_status, "attempt recorded");
        self.set_status(status);
        if rate != before
            && let Some(quota) = self.config.pacing.quota(&rate, now)
        {
            self.emit(Event::Quota(quota));
        }
        match event {
            Some(Delivered(ticket_number)) => {
                let possible_duplicate = self
                    .outbox
                    .get(&id)?
                    .delivered
                    .is_some_and(|d| d.possible_duplicate);
                self.emit(Event::Delivered {
                    id,
                    ticket_number,
                    possible_duplicate,
                });
            }
            Some(WillRetry(at)) => self.emit(Event::WillRetry { id, at, error }),
            Some(Attention(reason)) => self.emit(Event::NeedsAttention { id, reason }),
            None => {}
        }
        Ok(())
    }

    /// Delivered records past their keeping time go, at most once an hour
    /// (and at once when the keeping time changed).
    fn purge_old_deliveries(&mut self, now: i64) -> Result<(), OutboxError> {
        let keep = self.keep_delivered_ms.load(Ordering::SeqCst);
        let recent = self
            .purged_at
            .is_some_and(|at| (at..at + 3_600_000).contains(&now));
        if recent && keep == self.purged_with {
            return Ok(());
        }
        let keep = i64::try_from(keep).unwrap_or(i64::MAX);
        self.outbox.purge_delivered(now.saturating_sub(keep))?;
        self.purged_at = Some(now);
        self.purged_with = u64::try_from(keep).unwrap_or(u64::MAX);
        Ok(())
    }

    fn emit(&self, event: Event) {
        // No subscriber is fine: the outbox is the record.
        let _ = self.events.send(event);
    }

    fn set_status(&mut self, status: DeliveryStatus) {
        let changed = self.status.send_if_modified(|current| {
            if current.as_ref() == Some(&status) {
                return false;
            }
            *current = Some(status.clone());
            true
        });
        if changed {
            let origin = &self.account;
            match &status {
                DeliveryStatus::RateLimited { until } => {
                    info!(%origin, until, "rate limited: nothing is sent before `until`");
                }
                DeliveryStatus::SignInNeeded { message } => {
                    info!(%origin, %message, "queue paused: the server refused the token");
                }
                DeliveryStatus::Forbidden { message } => {
                    info!(%origin, %message, "queue paused: the account may not file tickets");
                }
                _ => {}
            }
            self.emit(Event::Status(status));
        }
    }
}

/// The event an attempt's result raises, once recorded.
enum Then {
    Delivered(Option<String>),
    WillRetry(i64),
    Attention(String),
}
use Then::{Attention, Delivered, WillRetry};

/// Back in the queue at `at`, counting no failure.
fn retry_now(error: &str, at: i64, attempted: bool) -> AttemptResult {
    AttemptResult::Retry {
        error: error.to_owned(),
        at,
        attempted,
        may_have_arrived: false,
        failed: false,
    }
}

fn blocked(rate: &RateState, now: i64) -> i64 {
    rate.blocked_until.unwrap_or(now).max(now)
}

fn paused_status(pause: &Pause) -> DeliveryStatus {
    let message = pause.message.clone();
    match pause.kind {
        PauseKind::Refused => DeliveryStatus::SignInNeeded { message },
        PauseKind::Forbidden => DeliveryStatus::Forbidden { message },
    }
}

fn ms(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

fn duration_ms(ms: i64) -> Duration {
    Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}
