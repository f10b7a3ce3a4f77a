//! `feedback submit`: validate, save in the outbox, deliver within `--wait`.

use std::sync::Arc;
use std::time::Duration;

use feedback_core::{ApiBase, Outbox, State, validate};

use crate::args::SubmitArgs;
use crate::credentials::{sign_in_hint, token_for};
use crate::deliver::{self, now_ms};
use crate::failure::Failure;

pub(crate) async fn submit(
    base: &ApiBase,
    outbox: Arc<Outbox>,
    args: &SubmitArgs,
) -> Result<String, Failure> {
    let ticket = validate(&args.draft()).map_err(Failure::Invalid)?;
    let token = token_for(base)?;
    let entry = outbox.enqueue(&base.origin(), &ticket, now_ms())?;
    if args.wait <= 0.0 {
        return Err(Failure::Queued(format!(
            "not sent yet; id {}",
            short(&entry.id)
        )));
    }
    let delivery = deliver::start(base, outbox.clone(), token.clone())?;
    let deadline = tokio::time::Instant::now()
        + Duration::try_from_secs_f64(args.wait.max(0.0)).unwrap_or_default();
    let mut events = delivery.subscribe();
    let entry = loop {
        let entry = outbox.get(&entry.id)?;
        if matches!(entry.state, State::Delivered | State::NeedsAttention) {
            break entry;
        }
        // Another process (the app) may be the one delivering it: poll too.
        tokio::select! {
            _ = events.recv() => {}
            _ = tokio::time::sleep(Duration::from_millis(100)) => {}
            _ = tokio::time::sleep_until(deadline) => break outbox.get(&entry.id)?,
        }
    };
    delivery.shutdown().await;
    match entry.state {
        State::Delivered => {
            let delivered = entry.delivered.unwrap_or_default();
            match (&delivered.ticket, args.json) {
                (Some(ticket), true) => serde_json::to_string_pretty(ticket).map_err(|error| {
                    Failure::Other(format!("could not print the ticket: {error}"))
                }),
                _ => Ok(format!(
                    "delivered {}{}",
                    delivered
                        .ticket_number
                        .as_deref()
                        .unwrap_or("(no ticket number)"),
                    if delivered.possible_duplicate {
                        " (possibly twice: an earlier attempt got no reply)"
                    } else {
                        ""
                    }
                )),
            }
        }
        State::NeedsAttention => {
            let attention = entry.attention.unwrap_or_default();
            Err(Failure::Rejected {
                reason: attention.reason,
                errors: attention.field_errors,
            })
        }
        State::Queued | State::Sending => {
            let now = now_ms();
            let blocked = outbox
                .rate_state(&base.origin())?
                .blocked_until
                .filter(|until| *until > now);
            let reason = match (&token, blocked, entry.last_error) {
                (None, _, _) => sign_in_hint(base),
                (_, Some(until), _) => {
                    format!("rate limited; next attempt in {}", in_words(until - now))
                }
                (_, None, Some(error)) => error,
                (_, None, None) => "not sent yet".into(),
            };
            Err(Failure::Queued(format!(
                "{reason}; id {}",
                short(&entry.id)
            )))
        }
    }
}

pub(crate) fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

/// `4 min 12 s`, rounded up to the second.
pub(crate) fn in_words(ms: i64) -> String {
    let secs = (ms.max(0) + 999) / 1000;
    match (secs / 60, secs % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}
