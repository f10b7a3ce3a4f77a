//! [`Delivery`]: the engine task and its handle. One loop over `select!` on
//! the next moment it may act, a `Notify` for new work (a new ticket, the
//! network coming back, a new token) and shutdown.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::{Notify, broadcast, watch};
use tokio::task::JoinHandle;

use super::backoff::Backoff;
use super::clock::Clock;
use super::event::{DeliveryStatus, Event};
use super::pacing::Pacing;
use crate::client::{Client, Reply};
use crate::outbox::{Entry, Outbox, OutboxError};
use crate::outcome::{Class, Outcome};
use crate::token::Token;

/// Where the engine gets the account's token; `None` when signed out.
pub type TokenSource = Arc<dyn Fn(&str) -> Option<Token> + Send + Sync>;

#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    pub pacing: Pacing,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// A ticket failing for longer than this goes to needs attention.
    pub retention: Duration,
    /// How long a drainer's claim on an account lasts unless renewed.
    pub drainer_lease: Duration,
    /// A seed for the backoff jitter, for tests; random when `None`.
    pub jitter_seed: Option<u64>,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            pacing: Pacing::default(),
            backoff_base: Duration::from_secs(2),
            backoff_cap: Duration::from_secs(300),
            retention: Duration::from_secs(30 * 24 * 3600),
            drainer_lease: Duration::from_secs(5),
            jitter_seed: None,
        }
    }
}

/// A running engine. Dropping it stops the task at its next await.
#[derive(Debug)]
pub struct Delivery {
    wake: Arc<Notify>,
    network_back: Arc<AtomicBool>,
    token_changed: Arc<AtomicBool>,
    stop: watch::Sender<bool>,
    events: broadcast::Sender<Event>,
    task: Option<JoinHandle<()>>,
}

impl Delivery {
    /// Starts draining `client`'s account from `outbox`.
    pub fn start(
        config: DeliveryConfig,
        outbox: Arc<Outbox>,
        client: Client,
        tokens: TokenSource,
        clock: Clock,
    ) -> Self {
        let (events, _) = broadcast::channel(1024);
        let wake = Arc::new(Notify::new());
        let network_back = Arc::new(AtomicBool::new(false));
        let token_changed = Arc::new(AtomicBool::new(false));
        let (stop, stopped) = watch::channel(false);
        let backoff = match config.jitter_seed {
            Some(seed) => Backoff::seeded(config.backoff_base, config.backoff_cap, seed),
            None => Backoff::new(config.backoff_base, config.backoff_cap),
        };
        let engine = Engine {
            account: client.base().origin(),
            owner: format!("{}-{}", std::process::id(), uuid::Uuid::new_v4()),
            config,
            outbox,
            client,
            tokens,
            clock,
            backoff,
            events: events.clone(),
            wake: wake.clone(),
            network_back: network_back.clone(),
            token_changed: token_changed.clone(),
            status: None,
        };
        let task = tokio::spawn(engine.run(stopped));
        Self {
            wake,
            network_back,
            token_changed,
            stop,
            events,
            task: Some(task),
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    /// New work, or the network may be back: look again now.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// The network may be back (the OS said so, or the user asked): tickets
    /// waiting out a backoff are tried now. Rate-limit waits still hold.
    pub fn network_back(&self) {
        self.network_back.store(true, Ordering::SeqCst);
        self.wake.notify_one();
    }

    /// A new token was stored: a queue paused for sign-in goes again.
    pub fn token_changed(&self) {
        self.token_changed.store(true, Ordering::SeqCst);
        self.wake.notify_one();
    }

    /// Stops after the attempt in flight, if any, is recorded.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Delivery {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// When to look again.
enum Next {
    Now,
    At(i64),
    /// Only when woken.
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
    token_changed: Arc<AtomicBool>,
    status: Option<DeliveryStatus>,
}

impl Engine {
    async fn run(mut self, mut stopped: watch::Receiver<bool>) {
        loop {
            if *stopped.borrow() {
                break;
            }
            let next = match self.step(&mut stopped).await {
                Ok(next) => next,
                Err(error) => {
                    // The outbox file failed (a full disk, say): report it and
                    // look again later; nothing is lost.
                    self.set_status(DeliveryStatus::Offline {
                        reason: error.to_string(),
                    });
                    Next::At(self.clock.now_ms() + 5_000)
                }
            };
            let sleep = match next {
                Next::Now => continue,
                Next::At(at) => tokio::time::sleep_until(self.clock.instant_at(at)),
                Next::Idle => tokio::time::sleep(Duration::from_secs(24 * 3600)),
            };
            tokio::select! {
                _ = stopped.changed() => break,
                _ = self.wake.notified() => {}
                _ = sleep => {}
            }
        }
        let _ = self.outbox.release_drainer(&self.account, &self.owner);
    }

    async fn step(&mut self, stopped: &mut watch::Receiver<bool>) -> Result<Next, OutboxError> {
        let now = self.clock.now_ms();
        if self.network_back.swap(false, Ordering::SeqCst) {
            self.outbox.make_due(&self.account, now)?;
        }
        let new_token = self.token_changed.swap(false, Ordering::SeqCst);
        if self.outbox.sign_in_needed(&self.account)? {
            // Paused until a new token: the refused one would be refused again.
            if !new_token || self.tokens.as_ref()(&self.account).is_none() {
                self.set_status(DeliveryStatus::SignInNeeded);
                return Ok(Next::Idle);
            }
            self.outbox.set_sign_in_needed(&self.account, false)?;
        }
        let rate = self.outbox.rate_state(&self.account)?;
        if let Some(until) = Pacing::blocked_until(&rate, now) {
            if self.outbox.next_due(&self.account)?.is_some() {
                self.set_status(DeliveryStatus::RateLimited { until });
            }
            return Ok(Next::At(until));
        }
        let lease = ms(self.config.drainer_lease);
        let Some(entry) = self.outbox.claim(&self.account, &self.owner, now, lease)? else {
            return Ok(match self.outbox.next_due(&self.account)? {
                // Due but not ours: another process drains this account.
                Some(due) if due <= now => Next::At(now + lease / 2),
                Some(due) => Next::At(due),
                None => Next::Idle,
            });
        };
        let Some(token) = self.tokens.as_ref()(&self.account) else {
            self.outbox.set_sign_in_needed(&self.account, true)?;
            self.outbox
                .record_retry(&entry.id, "sign in needed", now, false, false)?;
            self.set_status(DeliveryStatus::SignInNeeded);
            return Ok(Next::Idle);
        };
        let Some(reply) = self.send(&entry, &token, stopped).await? else {
            // Stopped mid-attempt: back in the queue, flagged, since the
            // request may have reached the server.
            let error = "interrupted while sending";
            self.outbox
                .record_retry(&entry.id, error, self.clock.now_ms(), true, true)?;
            return Ok(Next::Now);
        };
        self.record(&entry, reply)?;
        Ok(Next::Now)
    }

    /// One attempt, renewing the drainer lease while it is in flight. `None`
    /// when shutdown interrupted it.
    async fn send(
        &mut self,
        entry: &Entry,
        token: &Token,
        stopped: &mut watch::Receiver<bool>,
    ) -> Result<Option<Reply>, OutboxError> {
        let lease = ms(self.config.drainer_lease);
        let attempt = self.client.submit(token, &entry.ticket, Some(&entry.id));
        tokio::pin!(attempt);
        let mut renew = tokio::time::interval(self.config.drainer_lease / 3);
        renew.tick().await;
        loop {
            tokio::select! {
                reply = &mut attempt => return Ok(Some(reply)),
                _ = renew.tick() => {
                    self.outbox.renew_drainer(&self.account, &self.owner, self.clock.now_ms(), lease)?;
                }
                _ = stopped.changed() => return Ok(None),
            }
        }
    }

    fn record(&mut self, entry: &Entry, reply: Reply) -> Result<(), OutboxError> {
        let received_at = self.clock.now_ms();
        let class = reply.outcome.class();
        let rate = self.outbox.rate_state(&self.account)?;
        let rate = self.config.pacing.after_reply(
            rate,
            &reply.rate_limit,
            class == Class::RateLimited,
            received_at,
        );
        self.outbox.set_rate_state(&self.account, &rate)?;
        let id = entry.id.clone();
        let outcome = match reply.outcome {
            Outcome::Created(ticket) => {
                self.outbox.record_delivered(&id, &ticket, received_at)?;
                let delivered = self.outbox.get(&id)?.delivered;
                self.set_status(DeliveryStatus::Online);
                self.emit(Event::Delivered {
                    id,
                    ticket_number: ticket.ticket_number.clone(),
                    possible_duplicate: delivered.is_some_and(|d| d.possible_duplicate),
                });
                return Ok(());
            }
            other => other,
        };
        let error = outcome.to_string();
        match class {
            Class::RateLimited => {
                let until = rate.blocked_until.unwrap_or(received_at);
                self.outbox.record_retry(&id, &error, until, false, false)?;
                self.set_status(DeliveryStatus::RateLimited { until });
                self.emit(Event::WillRetry {
                    id,
                    at: until,
                    error,
                });
            }
            Class::SignInNeeded => {
                self.outbox.set_sign_in_needed(&self.account, true)?;
                self.outbox
                    .record_retry(&id, &error, received_at, false, false)?;
                self.set_status(DeliveryStatus::SignInNeeded);
            }
            Class::Rejected => {
                let errors = match outcome {
                    Outcome::Invalid { errors, .. } => errors,
                    _ => Default::default(),
                };
                self.outbox.record_attention(&id, &error, &errors, true)?;
                self.set_status(DeliveryStatus::Online);
                self.emit(Event::NeedsAttention { id, reason: error });
            }
            // `Delivered` without `Created` cannot happen; were it to, it is
            // retried as an ambiguous failure rather than lost.
            Class::Transient { .. } | Class::Delivered => {
                let may_have_arrived = !matches!(
                    class,
                    Class::Transient {
                        may_have_arrived: false
                    }
                );
                if received_at - entry.created_at > ms(self.config.retention) {
                    let days = self.config.retention.as_secs() / 86_400;
                    let reason = format!("not delivered after {days} days: {error}");
                    self.outbox
                        .record_attention(&id, &reason, &Default::default(), true)?;
                    self.emit(Event::NeedsAttention { id, reason });
                } else {
                    let at = received_at + ms(self.backoff.delay(entry.attempts + 1));
                    self.outbox
                        .record_retry(&id, &error, at, true, may_have_arrived)?;
                    if matches!(outcome, Outcome::Transport(_)) {
                        // The network, not this ticket: everything waits, in order.
                        self.outbox.defer_all(&self.account, at)?;
                    }
                    self.emit(Event::WillRetry {
                        id,
                        at,
                        error: error.clone(),
                    });
                }
                self.set_status(DeliveryStatus::Offline { reason: error });
            }
        }
        Ok(())
    }

    fn emit(&self, event: Event) {
        // No subscriber is fine: the outbox is the record.
        let _ = self.events.send(event);
    }

    fn set_status(&mut self, status: DeliveryStatus) {
        if self.status.as_ref() != Some(&status) {
            self.status = Some(status.clone());
            self.emit(Event::Status(status));
        }
    }
}

fn ms(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}
