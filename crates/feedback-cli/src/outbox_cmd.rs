//! `feedback outbox …`: list, retry, discard, export, drain.

use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;

use feedback_core::desk::{Drained, Progress};
use feedback_core::{ApiBase, DeliveryStatus, Desk, Entry, Outbox, State};

use crate::args::OutboxCommand;
use crate::credentials::sign_in_hint;
use crate::deliver::{self, now_ms};
use crate::failure::Failure;
use crate::submit::{in_words, short};

pub(crate) async fn run(
    base: &ApiBase,
    outbox: Arc<Outbox>,
    command: &OutboxCommand,
) -> Result<String, Failure> {
    let desk = deliver::desk(base, outbox)?;
    match command {
        OutboxCommand::List { json: true } => to_json(&desk.list()?),
        OutboxCommand::List { json: false } => Ok(table(&desk.list()?, now_ms())),
        OutboxCommand::Retry { all: true, .. } => Ok(format!(
            "{} queued tickets due now (tickets the server refused need an edit, not a retry)",
            desk.send_now().await?
        )),
        OutboxCommand::Retry { id: Some(id), .. } => {
            let entry = desk.retry(id).await?;
            Ok(format!("{} is due now", short(&entry.id)))
        }
        OutboxCommand::Retry {
            id: None,
            all: false,
        } => Err(Failure::Usage("name a ticket, or --all".into())),
        OutboxCommand::Discard { id } => {
            let entry = desk.discard(id).await?;
            Ok(format!(
                "discarded {} ({})",
                short(&entry.id),
                entry.ticket.subject
            ))
        }
        OutboxCommand::Export { file } => {
            let count = desk.export(file, None)?;
            Ok(format!("exported {count} tickets to {}", file.display()))
        }
        OutboxCommand::Drain { timeout } => {
            drain(base, &desk, timeout.map(Duration::from_secs)).await
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

async fn drain(base: &ApiBase, desk: &Desk, timeout: Option<Duration>) -> Result<String, Failure> {
    let drained = desk
        .drain(timeout, |progress| {
            let _ = writeln!(std::io::stderr(), "{}", line(progress));
        })
        .await?;
    match drained {
        Drained::Done { sent, attention } => {
            Ok(format!("drained: {sent} sent, {attention} need attention"))
        }
        Drained::TimedOut { sent, waiting } => Err(Failure::Queued(format!(
            "{sent} sent, {waiting} still waiting after the timeout"
        ))),
        Drained::Stuck { status, .. } => Err(Failure::Queued(stuck(&status, base))),
    }
}

/// Why nothing more can go until a person acts.
fn stuck(status: &DeliveryStatus, base: &ApiBase) -> String {
    match status {
        DeliveryStatus::SignInNeeded { message } => format!(
            "the server refused the token ({message}); {}",
            sign_in_hint(base)
        ),
        DeliveryStatus::Forbidden { message } => format!(
            "the server says this account may not file tickets ({message}); once that is fixed, run `feedback outbox retry --all`"
        ),
        _ => sign_in_hint(base),
    }
}

/// One line of progress.
fn line(progress: Progress) -> String {
    match progress {
        Progress::Delivered {
            ticket_number,
            sent,
            waiting,
        } => format!(
            "sent {sent} · waiting {waiting} · delivered {}",
            ticket_number.unwrap_or_default()
        ),
        Progress::WillRetry {
            at,
            error,
            sent,
            waiting,
        } => format!(
            "sent {sent} · waiting {waiting} · next attempt in {} ({error})",
            in_words(at - now_ms())
        ),
        Progress::NeedsAttention { reason } => format!("needs attention: {reason}"),
    }
}
