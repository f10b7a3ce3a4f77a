//! Delivering everything of the configured server that can go, and
//! saying how it went: `feedback outbox drain`. It ends when nothing
//! waits, when only a person can move the queue on (a refused token, a
//! lost permission, no token), or at the time given.

use std::time::Duration;

use super::{Desk, DeskError, Result};
use crate::delivery::{DeliveryStatus, Event, TokenLookup};
use crate::outbox::Summary;

/// How a drain ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drained {
    /// Nothing waits: `sent` delivered, `attention` need a person.
    Done { sent: usize, attention: usize },
    /// Only a person can move the queue on, for this reason.
    Stuck { status: DeliveryStatus, sent: usize },
    /// The time given ran out with `waiting` tickets still waiting.
    TimedOut { sent: usize, waiting: usize },
}

/// What a drain reports as it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    Delivered {
        ticket_number: Option<String>,
        sent: usize,
        waiting: usize,
    },
    /// Back in the queue until `at` (Unix ms).
    WillRetry {
        at: i64,
        error: String,
        sent: usize,
        waiting: usize,
    },
    NeedsAttention {
        reason: String,
    },
}

impl Desk {
    /// Delivers the configured server's waiting tickets, telling
    /// `progress` of each, until nothing waits, only a person can help, or
    /// `timeout` passes. Delivery stops after its attempt in flight.
    pub async fn drain(
        &self,
        timeout: Option<Duration>,
        mut progress: impl FnMut(Progress),
    ) -> Result<Drained> {
        let account = self.base()?.origin();
        self.recover();
        let delivery = self
            .deliveries()
            .engine()
            .await
            .map_err(DeskError::InvalidBase)?;
        match self.token_lookup() {
            TokenLookup::Found(_) | TokenLookup::Rereading => {}
            TokenLookup::SignedOut => {
                return Ok(Drained::Stuck {
                    status: DeliveryStatus::SignedOut,
                    sent: 0,
                });
            }
            TokenLookup::Unavailable(reason) => {
                self.shutdown().await;
                return Err(DeskError::Keyring(crate::TokenStoreError::Unavailable(
                    reason,
                )));
            }
        }
        let mut events = delivery.subscribe();
        let mut pending: Vec<Event> = delivery.status().map(Event::Status).into_iter().collect();
        let deadline = timeout.map(|timeout| tokio::time::Instant::now() + timeout);
        let delivered_before = self.outbox().account_summary(&account)?.delivered;
        // Old delivered records may be purged meanwhile: never below zero.
        let counts = |summary: Summary| {
            (
                summary.delivered.saturating_sub(delivered_before),
                summary.waiting(),
            )
        };
        let drained = loop {
            while let Ok(event) = events.try_recv() {
                pending.push(event);
            }
            for event in pending.drain(..) {
                let (sent, waiting) = counts(self.outbox().account_summary(&account)?);
                match event {
                    Event::Status(status) if super::asks_a_person(&status) => {
                        self.shutdown().await;
                        return Ok(Drained::Stuck { status, sent });
                    }
                    Event::Delivered { ticket_number, .. } => progress(Progress::Delivered {
                        ticket_number,
                        sent,
                        waiting,
                    }),
                    Event::WillRetry { at, error, .. } => progress(Progress::WillRetry {
                        at,
                        error,
                        sent,
                        waiting,
                    }),
                    Event::NeedsAttention { reason, .. } => {
                        progress(Progress::NeedsAttention { reason });
                    }
                    Event::Status(_) | Event::OutboxChanged | Event::Quota(_) => {}
                }
            }
            let summary = self.outbox().account_summary(&account)?;
            if summary.waiting() == 0 {
                break Drained::Done {
                    sent: counts(summary).0,
                    attention: summary.needs_attention,
                };
            }
            tokio::select! {
                biased;
                event = events.recv() => pending.extend(event.ok()),
                _ = tokio::time::sleep(Duration::from_millis(200)) => {}
                _ = sleep_until(deadline) => {
                    let (sent, waiting) = counts(self.outbox().account_summary(&account)?);
                    break Drained::TimedOut { sent, waiting };
                }
            }
        };
        self.shutdown().await;
        self.changed();
        Ok(drained)
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
