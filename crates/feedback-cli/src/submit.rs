//! `feedback submit`: validate, save in the outbox, deliver within `--wait`.

use std::sync::Arc;
use std::time::Duration;

use feedback_core::delivery::TokenLookup;
use feedback_core::{ApiBase, Outbox, Submitted, WaitingFor};

use crate::args::SubmitArgs;
use crate::credentials::sign_in_hint;
use crate::deliver::{self, now_ms};
use crate::failure::Failure;

pub(crate) async fn submit(
    base: &ApiBase,
    outbox: Arc<Outbox>,
    args: &SubmitArgs,
) -> Result<String, Failure> {
    let wait = Duration::try_from_secs_f64(args.wait.max(0.0)).unwrap_or_default();
    let desk = deliver::desk(base, outbox)?;
    let filed = desk.file(&args.draft(), wait).await;
    // An attempt in flight is finished and recorded, never cut off: cut
    // off, it may have reached the server and would be sent again.
    desk.shutdown().await;
    // Where it stands now, after any attempt that was in flight.
    let filed = match filed? {
        Submitted::Queued { id, .. } => desk.standing(&id)?,
        other => other,
    };
    match filed {
        Submitted::Delivered {
            ticket: Some(ticket),
            ..
        } if args.json => serde_json::to_string_pretty(&ticket)
            .map_err(|error| Failure::Other(format!("could not print the ticket: {error}"))),
        Submitted::Delivered {
            ticket_number,
            possible_duplicate,
            ..
        } => Ok(format!(
            "delivered {}{}",
            ticket_number.as_deref().unwrap_or("(no ticket number)"),
            if possible_duplicate {
                " (possibly twice: an earlier attempt got no reply)"
            } else {
                ""
            }
        )),
        Submitted::NeedsAttention {
            reason,
            field_errors,
            ..
        } => Err(Failure::Rejected {
            reason,
            errors: field_errors,
        }),
        Submitted::Invalid { field_errors } => Err(Failure::Invalid(field_errors)),
        Submitted::Queued {
            id,
            waiting_for,
            reason,
            retry_at,
        } => {
            let signed_out = matches!(desk.token_lookup(), TokenLookup::SignedOut);
            let reason = match (signed_out, waiting_for, retry_at) {
                (true, _, _) => sign_in_hint(base),
                (_, WaitingFor::SignIn, _) => format!("{reason}; {}", sign_in_hint(base)),
                (_, WaitingFor::RateLimit, Some(at)) => {
                    format!("rate limited; next attempt in {}", in_words(at - now_ms()))
                }
                _ => reason,
            };
            Err(Failure::Queued(format!("{reason}; id {}", short(&id))))
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
