//! `feedback outbox …`: list, retry, discard, export, drain.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use feedback_core::{ApiBase, DeliveryStatus, Entry, Event, Outbox, State};

use crate::args::OutboxCommand;
use crate::credentials::{sign_in_hint, token_for};
use crate::deliver::{self, now_ms};
use crate::failure::Failure;
use crate::submit::{in_words, short};

pub(crate) async fn run(
    base: &ApiBase,
    outbox: Arc<Outbox>,
    command: &OutboxCommand,
) -> Result<String, Failure> {
    match command {
        OutboxCommand::List { json: true } => to_json(&outbox.list()?),
        OutboxCommand::List { json: false } => Ok(table(&outbox.list()?, now_ms())),
        OutboxCommand::Retry { all: true, .. } => Ok(format!(
            "{} queued tickets due now (tickets the server refused need an edit, not a retry)",
            outbox.send_now(now_ms())?
        )),
        OutboxCommand::Retry { id: Some(id), .. } => {
            let entry = outbox.retry(id, now_ms())?;
            Ok(format!("{} is due now", short(&entry.id)))
        }
        OutboxCommand::Retry {
            id: None,
            all: false,
        } => Err(Failure::Usage("name a ticket, or --all".into())),
        OutboxCommand::Discard { id } => {
            let entry = outbox.discard(id)?;
            Ok(format!(
                "discarded {} ({})",
                short(&entry.id),
                entry.ticket.subject
            ))
        }
        OutboxCommand::Export { file } => export(&outbox, file),
        OutboxCommand::Drain { timeout } => {
            drain(base, outbox, timeout.map(Duration::from_secs)).await
        }
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, Failure> {
    serde_json::to_string_pretty(value).map_err(|error| Failure::Other(error.to_string()))
}

fn table(entries: &[Entry], now: i64) -> String {
    if entries.is_empty() {
        return "the outbox is empty".into();
    }
    let mut out = format!(
        "{:<8}  {:<21}  {:>8}  {:<10}  {:<30}  {}\n",
        "ID", "STATE", "ATTEMPTS", "NEXT", "SUBJECT", "DETAIL"
    );
    for entry in entries {
        let next = match entry.state {
            State::Queued if entry.next_attempt_at <= now => "now".to_owned(),
            State::Queued => format!("in {} s", (entry.next_attempt_at - now + 999) / 1000),
            _ => "-".to_owned(),
        };
        let detail = match (&entry.delivered, &entry.attention) {
            (Some(delivered), _) => delivered.ticket_number.clone().unwrap_or_default(),
            (_, Some(attention)) => attention.reason.clone(),
            _ => entry.last_error.clone().unwrap_or_default(),
        };
        let subject: String = entry.ticket.subject.chars().take(30).collect();
        let _ = writeln!(
            out,
            "{:<8}  {:<21}  {:>8}  {:<10}  {:<30}  {}",
            short(&entry.id),
            entry.state.describe(),
            entry.attempts,
            next,
            subject,
            detail
        );
    }
    out.pop();
    out
}

/// Queued and needs-attention tickets to `file`, written whole or not at all.
fn export(outbox: &Outbox, file: &Path) -> Result<String, Failure> {
    let count = outbox.export_unsent(file, None)?;
    Ok(format!("exported {count} tickets to {}", file.display()))
}

async fn drain(
    base: &ApiBase,
    outbox: Arc<Outbox>,
    timeout: Option<Duration>,
) -> Result<String, Failure> {
    let account = base.origin();
    let token = token_for(base)?;
    if token.is_none() {
        return Err(Failure::Queued(sign_in_hint(base)));
    }
    let deliveries = deliver::deliveries(base, outbox.clone(), token);
    let delivery = deliveries.engine().await.map_err(Failure::Other)?;
    let mut events = delivery.subscribe();
    let mut pending: Vec<Event> = delivery.status().map(Event::Status).into_iter().collect();
    let deadline = timeout.map(|timeout| tokio::time::Instant::now() + timeout);
    let delivered_before = count(&outbox, &account, &[State::Delivered])?;
    let sent = || -> Result<usize, Failure> {
        // Old delivered records may be purged meanwhile: never below zero.
        Ok(count(&outbox, &account, &[State::Delivered])?.saturating_sub(delivered_before))
    };
    loop {
        while let Ok(event) = events.try_recv() {
            pending.push(event);
        }
        for event in pending.drain(..) {
            if let Event::Status(status) = &event
                && let Some(stuck) = stuck(status, base)
            {
                deliveries.shutdown().await;
                return Err(Failure::Queued(stuck));
            }
            let waiting = count(&outbox, &account, &[State::Queued, State::Sending])?;
            if let Some(line) = progress(event, sent()?, waiting) {
                let _ = writeln!(std::io::stderr(), "{line}");
            }
        }
        if count(&outbox, &account, &[State::Queued, State::Sending])? == 0 {
            break;
        }
        tokio::select! {
            event = events.recv() => pending.extend(event.ok()),
            _ = tokio::time::sleep(Duration::from_millis(200)) => {}
            _ = sleep_until(deadline) => {
                deliveries.shutdown().await;
                let waiting = count(&outbox, &account, &[State::Queued, State::Sending])?;
                return Err(Failure::Queued(format!("{} sent, {waiting} still waiting after the timeout", sent()?)));
            }
        }
    }
    deliveries.shutdown().await;
    let attention = count(&outbox, &account, &[State::NeedsAttention])?;
    Ok(format!(
        "drained: {} sent, {attention} need attention",
        sent()?
    ))
}

/// Why nothing more can go until a person acts, for a status that says so.
fn stuck(status: &DeliveryStatus, base: &ApiBase) -> Option<String> {
    match status {
        DeliveryStatus::SignInNeeded { message } => Some(format!(
            "the server refused the token ({message}); {}",
            sign_in_hint(base)
        )),
        DeliveryStatus::Forbidden { message } => Some(format!(
            "the server says this account may not file tickets ({message}); once that is fixed, run `feedback outbox retry --all`"
        )),
        DeliveryStatus::SignedOut => Some(sign_in_hint(base)),
        _ => None,
    }
}

/// One line of progress for an event worth a line.
fn progress(event: Event, sent: usize, waiting: usize) -> Option<String> {
    match event {
        Event::Delivered { ticket_number, .. } => Some(format!(
            "sent {sent} · waiting {waiting} · delivered {}",
            ticket_number.unwrap_or_default()
        )),
        Event::WillRetry { at, error, .. } => Some(format!(
            "sent {sent} · waiting {waiting} · next attempt in {} ({error})",
            in_words(at - now_ms())
        )),
        Event::NeedsAttention { reason, .. } => Some(format!("needs attention: {reason}")),
        Event::Status(_) | Event::OutboxChanged | Event::Quota(_) => None,
    }
}

/// How many of `account`'s tickets are in one of `states`, counted in SQL.
fn count(outbox: &Outbox, account: &str, states: &[State]) -> Result<usize, Failure> {
    let summary = outbox.account_summary(account)?;
    Ok(states
        .iter()
        .map(|state| match state {
            State::Queued => summary.queued,
            State::Sending => summary.sending,
            State::Delivered => summary.delivered,
            State::NeedsAttention => summary.needs_attention,
        })
        .sum())
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
