//! The day's promises, checked against the servers' own stores (the
//! truth), the outbox file, every exchange the network carried, and what
//! the person did:
//!
//! 1. **Never lost**: each ticket filed is stored by a server, or waits
//!    for a person with the server's words, or was discarded (or taken back
//!    into the form) by the person before any 2xx for it reached its sender.
//! 2. **Never twice**: a server holds a ticket more than once only when a
//!    reply was really lost (no 2xx had reached a sender holding its claim
//!    before it was sent again), and then its record says "possibly twice";
//!    and no ticket a server holds is taken back into the form (its
//!    changed copy would be a second ticket there).
//! 3. **Never stuck**: checked in the evening ([`Day::settle`](crate::day::Day::settle)).
//! 4. **Always in reach**: checked as the person acts ([`person`](crate::person)).
//! 5. **Tokens stay home**: a token goes only to the origin it was kept
//!    for (or, in the sign-in's request for no ticket, typed for), never through a proxy to this machine, never with a token that
//!    was signed out (more than 10 s before), and each ticket only to the
//!    base it was filed for or one the person set for its server after.

use std::collections::BTreeMap;

use feedback_sandbox::StoredTicket;

use crate::book::{Book, Invariant, TokenChange};
use crate::net::Exchange;
use crate::world::World;

/// How long after a sign-out a process may still send with the token: the
/// app notices another process's sign-out at its next look at the outbox.
const SIGN_OUT_NOTICED_MS: u64 = 10_000;

/// A ticket's row in the outbox file.
#[derive(Debug, Clone)]
struct Row {
    state: String,
    possible_duplicate: bool,
    reason: Option<String>,
}

pub(crate) fn check(world: &World, book: &mut Book) {
    let exchanges = world.net.exchanges();
    let stored: Vec<StoredTicket> = world
        .sites
        .iter()
        .flat_map(|site| site.sandbox.app().tickets())
        .collect();
    let mut copies: BTreeMap<String, usize> = BTreeMap::new();
    for ticket in &stored {
        if let Some(key) = &ticket.idempotency_key {
            *copies.entry(key.clone()).or_default() += 1;
        }
    }
    let rows = rows(&world.outbox);
    for filed in book.filed.clone() {
        let name = &filed.name;
        let held = copies.get(&filed.id).copied().unwrap_or(0);
        let row = rows.get(&filed.id);
        let mine: Vec<&Exchange> = exchanges
            .iter()
            .filter(|exchange| exchange.ticket.as_deref() == Some(filed.id.as_str()))
            .collect();
        // The attempts the outbox had counted when a 2xx was acknowledged.
        // The first 2xx acknowledged, the attempts the outbox had counted
        // then, and whether the first exchange after it found that attempt
        // recorded (none after it: the outbox at the discard will tell).
        let acknowledged = mine
            .iter()
            .position(|exchange| exchange.attempts_at_ack.is_some())
            .map(|at| {
                let attempts = mine[at].attempts_at_ack.unwrap_or(i64::MAX);
                (
                    mine[at].seq,
                    attempts,
                    mine.get(at + 1).map(|next| next.after_recorded_ack),
                )
            });
        // 1. Never lost.
        let waits_for_a_person = row.is_some_and(|row| {
            row.state == "attention"
                && row
                    .reason
                    .as_deref()
                    .is_some_and(|reason| !reason.is_empty())
        });
        if held == 0 && !waits_for_a_person && filed.discarded.is_none() && !filed.in_form {
            book.broke(
                Invariant::NeverLost,
                format!(
                    "{name} is on no server, does not wait for a person and was not discarded (outbox: {row:?})"
                ),
            );
        }
        // Discarded after a 2xx reached its sender and the outbox recorded
        // that attempt (as anything but delivered, or it would have
        // refused the discard).
        if let (Some((discarded, counted)), Some((acknowledged, before, next))) =
            (filed.discarded, acknowledged)
            && acknowledged < discarded
            && next.unwrap_or(counted > before)
        {
            book.broke(
                Invariant::NeverLost,
                format!("{name} was discarded after its 2xx had reached its sender: a delivered ticket's record is gone"),
            );
        }
        // 2. Never twice. (An acknowledged 2xx whose attempt the outbox
        // never recorded, because its sender died or its disk refused the
        // write, was lost on its way into the outbox: sending again is
        // then right, and the record says "possibly twice".)
        if let Some(again) = mine
            .iter()
            .find(|exchange| exchange.stored && exchange.after_recorded_ack)
        {
            book.broke(
                Invariant::NeverTwice,
                format!(
                    "{name} was stored again by {} after a 2xx for it had reached its sender ({})",
                    again.process,
                    history(&mine)
                ),
            );
        }
        // Taken back into the form (to be changed and filed again) while a
        // server held it: the changed copy would be a second ticket there.
        if filed.in_form && held > 0 {
            book.broke(
                Invariant::NeverTwice,
                format!(
                    "{name} was taken back into the form while a server held it ({})",
                    history(&mine)
                ),
            );
        }
        if held > 1 && row.is_some_and(|row| row.state == "delivered" && !row.possible_duplicate) {
            book.broke(
                Invariant::NeverTwice,
                format!(
                    "{name} is stored {held} times and its record does not say \"possibly twice\""
                ),
            );
        }
        // 5. Each ticket to its own base: the one it was filed for, or the
        // last one the person set for its server since.
        for exchange in &mine {
            let since: Vec<&(u64, String, bool)> = book
                .bases
                .iter()
                .filter(|(seq, base, _)| {
                    *seq > filed.seq && *seq < exchange.seq && same_origin(base, &filed.base)
                })
                .collect();
            let last_sure = since
                .iter()
                .filter(|(_, _, sure)| *sure)
                .max_by_key(|(seq, _, _)| *seq);
            let due = last_sure.map_or(&filed.base, |(_, base, _)| base);
            let after = last_sure.map_or(filed.seq, |(seq, _, _)| *seq);
            let maybe = since
                .iter()
                .any(|(seq, base, sure)| !sure && *seq >= after && *base == exchange.base);
            if exchange.base != *due && !maybe {
                book.broke(
                    Invariant::TokensStayHome,
                    format!(
                        "{name}, filed for {} (#{}), was sent to {} by {} (#{}; the person's servers: {:?})",
                        filed.base, filed.seq, exchange.base, exchange.process, exchange.seq, book.bases
                    ),
                );
            }
        }
    }
    // 5. Tokens stay home.
    for exchange in &exchanges {
        if exchange.via_proxy {
            book.broke(
                Invariant::TokensStayHome,
                format!(
                    "{} sent a request (and its token) through the environment's proxy to {}",
                    exchange.process, exchange.origin
                ),
            );
        }
        let Some(token) = &exchange.token else {
            continue;
        };
        if asked_at_sign_in(book, exchange, token) {
            continue;
        }
        if !world.keyrings.ever(&exchange.origin, token) {
            book.broke(
                Invariant::TokensStayHome,
                format!(
                    "{} sent {} a token never kept for it",
                    exchange.process, exchange.origin
                ),
            );
        } else if replaced(book, &exchange.origin, token, exchange.at_ms) {
            book.broke(
                Invariant::TokensStayHome,
                format!(
                    "{} sent {} at {} s a token ({token}) the person had signed out (or replaced) more than {} s before: {:?}",
                    exchange.process,
                    exchange.origin,
                    exchange.at_ms / 1000,
                    SIGN_OUT_NOTICED_MS / 1000,
                    book.tokens
                        .iter()
                        .filter(|change| change.origin == exchange.origin)
                        .map(|change| (change.at / 1000, change.token.clone(), change.sure))
                        .collect::<Vec<_>>()
                ),
            );
        }
    }
}

/// A ticket's exchanges, in short: who, when, what reached them.
fn history(exchanges: &[&Exchange]) -> String {
    exchanges
        .iter()
        .map(|exchange| {
            format!(
                "#{} {} at {} s: {}",
                exchange.seq,
                exchange.process,
                exchange.at_ms / 1000,
                exchange.outcome()
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// How long after the app gave up a slow keyring may still do what it
/// was asked (the simulated keyring answers within 40 s, the app waits 15).
const LATE_KEYRING_MS: u64 = 30_000;

/// Whether `token` is one the person could not have wanted sent to
/// `origin` at `at`: their last sure sign-in or sign-out more than
/// [`SIGN_OUT_NOTICED_MS`] before left another token, and no sign-in
/// since (sure or not) set `token`, nor one that timed out shortly before
/// (a keyring answering late may have stored it after).
fn replaced(book: &Book, origin: &str, token: &str, at: u64) -> bool {
    let mine: Vec<&TokenChange> = book
        .tokens
        .iter()
        .filter(|change| change.origin == origin && change.at <= at)
        .collect();
    let Some(last) = mine
        .iter()
        .rposition(|change| change.sure && change.at + SIGN_OUT_NOTICED_MS < at)
    else {
        return false;
    };
    let since = mine[last].at.saturating_sub(LATE_KEYRING_MS);
    !mine.iter().enumerate().any(|(index, change)| {
        change.token.as_deref() == Some(token)
            && (index >= last || (!change.sure && change.at >= since))
    })
}

/// How long after the person typed a token its check may reach the
/// server: the client's whole timeout, and then some.
const SIGN_IN_CHECK_MS: u64 = 60_000;

/// Whether `exchange` is a sign-in asking its server about a token the
/// person had just typed for it (a request for no ticket), which may carry
/// a token not kept (yet, or ever: the server refused it).
fn asked_at_sign_in(book: &Book, exchange: &Exchange, token: &str) -> bool {
    exchange.ticket.is_none()
        && book.entered.iter().any(|(origin, typed, at)| {
            *origin == exchange.origin
                && typed == token
                && (*at..=at + SIGN_IN_CHECK_MS).contains(&exchange.at_ms)
        })
}

fn same_origin(a: &str, b: &str) -> bool {
    let origin = |text: &str| {
        feedback_core::ApiBase::parse(text)
            .map(|base| base.origin())
            .ok()
    };
    origin(a).is_some() && origin(a) == origin(b)
}

/// Every ticket's row in the outbox file, by id.
fn rows(outbox: &std::path::Path) -> BTreeMap<String, Row> {
    let Ok(connection) =
        rusqlite::Connection::open_with_flags(outbox, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return BTreeMap::new();
    };
    let Ok(mut statement) =
        connection.prepare("SELECT id, state, possible_duplicate, attention_reason FROM tickets")
    else {
        return BTreeMap::new();
    };
    statement
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                Row {
                    state: row.get(1)?,
                    possible_duplicate: row.get(2)?,
                    reason: row.get(3)?,
                },
            ))
        })
        .map(|rows| rows.filter_map(Result::ok).collect())
        .unwrap_or_default()
}
