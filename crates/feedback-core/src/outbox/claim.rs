//! The delivery side of the outbox: one process at a time drains an account
//! (a lease that lapses if its holder dies), it claims tickets oldest first,
//! and records how each attempt ended, fenced by its claim: a process whose
//! claim was taken over (it stalled past its lease) writes nothing over the
//! new holder's result. The account's rate-limit state and pause live here
//! too, so every process shares one view of them.

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use serde::Serialize;

use super::{Outbox, Result, SELECT, like_escape, read_entry};
use crate::api_base::ApiBase;
use crate::field_errors::FieldErrors;
use crate::new_ticket::NewTicket;
use crate::outbox::Entry;
use crate::ticket::Ticket;

/// No wait the engine sets is longer than this (its longest backoff is 5
/// minutes, the longest rate-limit wait 5 min 5 s): a time further ahead
/// was written under a wall clock that has since stepped back (by hours or
/// days), and counts as now, so that the step cannot hold a ticket back.
pub const HORIZON_MS: i64 = 10 * 60 * 1000;

/// How far past its lease a claim (or a drainer's lease) may be dated
/// before it counts as written under a clock that has since stepped back.
/// Another process's "now" can lag this one's by a moment (it was read
/// before that process waited for the file's lock, or was scheduled out):
/// that is no step, and taking the claim over for it would send a ticket in
/// flight twice. A smaller step back is waited out: the claim lapses at
/// most this much later.
const STEP_BACK_MS: i64 = 60 * 1000;

/// What the last replies said about an account's quota.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateState {
    pub limit: Option<u32>,
    pub remaining: Option<u32>,
    /// When the current window began, as far as this client can tell.
    pub window_started_at: Option<i64>,
    /// No request before this time.
    pub blocked_until: Option<i64>,
    /// The window's length in ms, learned from a 429.
    pub learned_window: Option<i64>,
}

/// Why an account's queue waits for a person, whatever the network does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PauseKind {
    /// 401: the server refused the token.
    Refused,
    /// 403: the token's account may not file tickets.
    Forbidden,
}

/// An account's pause, tied to the fingerprint of the token the server
/// turned down: another token lifts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pause {
    pub kind: PauseKind,
    pub token_fingerprint: String,
    pub message: String,
}

/// How an attempt ended, as the outbox records it.
#[derive(Debug, Clone, PartialEq)]
pub enum AttemptResult {
    /// The server took it. `ticket` is `None` when its 2xx reply could not be
    /// read; `note` then says why.
    Delivered {
        ticket: Option<Box<Ticket>>,
        note: Option<String>,
    },
    /// Back to the queue, due at `at`. `attempted`: a request went out.
    /// `may_have_arrived`: no reply after sending. `failed`: it counts
    /// towards the give-up time (a rate-limit wait does not).
    Retry {
        error: String,
        at: i64,
        attempted: bool,
        may_have_arrived: bool,
        failed: bool,
    },
    /// A person must look: refused, or failing for too long.
    Attention {
        reason: String,
        errors: FieldErrors,
        attempted: bool,
    },
}

impl Pause {
    /// In words for a person.
    pub fn describe(&self) -> String {
        match self.kind {
            PauseKind::Refused => format!(
                "sign-in needed: the server refused the token ({})",
                self.message
            ),
            PauseKind::Forbidden => format!(
                "not allowed: the server says this account may not file tickets ({})",
                self.message
            ),
        }
    }
}

/// A claimed ticket; its result can be recorded only while the claim holds.
#[derive(Debug, Clone)]
pub struct Claim {
    pub entry: Entry,
    owner: String,
}

/// What else one result write changes for the account, in the same transaction.
#[derive(Debug, Default)]
pub struct AccountUpdate<'a> {
    pub rate: Option<&'a RateState>,
    pub pause: Option<&'a Pause>,
    /// Holds every queued ticket of the account until at least this time.
    pub defer_all_until: Option<i64>,
    /// What the reply said of the token: `Some(true)`, the server took it
    /// (the time is kept as the account's last acceptance); `Some(false)`,
    /// a 401 (that time is cleared); `None`, nothing either way.
    pub token_accepted: Option<bool>,
}

impl Outbox {
    /// Claims the oldest due ticket of `account` for `owner`, if `owner` holds
    /// (or can take) the account's drainer lease. A ticket left `sending` by a
    /// process that died is due again once its lease lapses, marked as a
    /// possible duplicate: it may have reached the server. A ticket whose
    /// stored copy cannot be read goes to needs attention, and the next one
    /// is claimed instead.
    pub fn claim(
        &self,
        account: &str,
        owner: &str,
        now: i64,
        lease_ms: i64,
    ) -> Result<Option<Claim>> {
        let mut connection = self.lock();
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        transaction.execute(
            "INSERT INTO accounts (account) VALUES (?1) ON CONFLICT (account) DO NOTHING",
            [account],
        )?;
        let previous: Option<String> = transaction.query_row(
            "SELECT drainer FROM accounts WHERE account = ?1",
            [account],
            |row| row.get(0),
        )?;
        let taken = transaction.execute(
            "UPDATE accounts SET drainer = ?2, drainer_until = ?3
             WHERE account = ?1 AND (drainer IS NULL OR drainer = ?2 OR drainer_until < ?4 OR drainer_until > ?3 + ?5)",
            params![account, owner, now.saturating_add(lease_ms), now, STEP_BACK_MS],
        )?;
        if taken == 0 {
            return Ok(None);
        }
        if previous.as_deref() != Some(owner) {
            // Only the drainer sends, so whatever a previous drainer left
            // `sending` was abandoned mid-attempt: due again at once.
            transaction.execute(
                "UPDATE tickets SET lease_until = 0 WHERE account = ?1 AND state = 'sending'",
                [account],
            )?;
        }
        loop {
            let found: Option<(String, String)> = transaction
                .query_row(
                    "SELECT id, state FROM tickets
                     WHERE account = ?1
                       AND ((state = 'queued' AND (next_attempt_at <= ?2 OR next_attempt_at > ?2 + ?3))
                            OR (state = 'sending' AND (lease_until < ?2 OR lease_until > ?2 + ?4 + ?5)))
                     ORDER BY created_at, rowid LIMIT 1",
                    params![account, now, HORIZON_MS, lease_ms, STEP_BACK_MS],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
            let Some((id, state)) = found else {
                transaction.commit()?;
                return Ok(None);
            };
            let entry =
                transaction.query_row(&format!("{SELECT} WHERE id = ?1"), [&id], read_entry)?;
            if let Some(stored) = &entry.unreadable {
                // The parse error, not the stored text: reasons reach
                // notifications and diagnostics, ticket text must not.
                let problem = serde_json::from_str::<NewTicket>(stored)
                    .err()
                    .map_or_else(String::new, |error| error.to_string());
                transaction.execute(
                    "UPDATE tickets SET state = 'attention', lease_until = NULL, claimed_by = NULL,
                            attention_reason = ?2, last_error = ?2
                     WHERE id = ?1",
                    params![id, format!("the stored copy of this ticket cannot be read ({problem}); export it and file it again")],
                )?;
                continue;
            }
            let abandoned = state == "sending";
            transaction.execute(
                "UPDATE tickets SET state = 'sending', lease_until = ?2, claimed_by = ?3,
                        possible_duplicate = possible_duplicate OR ?4
                 WHERE id = ?1",
                params![id, now.saturating_add(lease_ms), owner, abandoned],
            )?;
            let entry =
                transaction.query_row(&format!("{SELECT} WHERE id = ?1"), [&id], read_entry)?;
            transaction.commit()?;
            return Ok(Some(Claim {
                entry,
                owner: owner.to_owned(),
            }));
        }
    }

    /// Extends `owner`'s drainer lease and its ticket's claim while an
    /// attempt is in flight; false if the lease was lost to another process.
    pub fn renew(&self, claim: &Claim, now: i64, lease_ms: i64) -> Result<bool> {
        let mut connection = self.lock();
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let until = now.saturating_add(lease_ms);
        let renewed = transaction.execute(
            "UPDATE accounts SET drainer_until = ?3 WHERE account = ?1 AND drainer = ?2",
            params![claim.entry.account, claim.owner, until],
        )?;
        transaction.execute(
            "UPDATE tickets SET lease_until = ?3 WHERE id = ?1 AND state = 'sending' AND claimed_by = ?2",
            params![claim.entry.id, claim.owner, until],
        )?;
        transaction.commit()?;
        Ok(renewed == 1)
    }

    /// Records how `claim`'s attempt ended, with the account's new state, in
    /// one transaction, only while the claim is still this owner's. Returns
    /// false, writing nothing, when another process has taken the ticket
    /// over (or it was discarded): its result stands.
    pub fn record(
        &self,
        claim: &Claim,
        result: &AttemptResult,
        account: &AccountUpdate<'_>,
        now: i64,
    ) -> Result<bool> {
        let mut connection = self.lock();
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let held: Option<i64> = transaction
            .query_row(
                "SELECT 1 FROM tickets WHERE id = ?1 AND state = 'sending' AND claimed_by = ?2",
                params![claim.entry.id, claim.owner],
                |row| row.get(0),
            )
            .optional()?;
        if held.is_none() {
            return Ok(false);
        }
        record_result(&transaction, &claim.entry, result, now)?;
        let name = &claim.entry.account;
        if let Some(accepted) = account.token_accepted {
            transaction.execute(
                "UPDATE accounts SET last_accepted_at = CASE WHEN ?2 THEN ?3 END WHERE account = ?1",
                params![name, accepted, now],
            )?;
        }
        if let Some(rate) = account.rate {
            write_rate_state(&transaction, name, rate)?;
        }
        if let Some(pause) = account.pause {
            write_pause(&transaction, name, Some(pause))?;
        }
        if let Some(until) = account.defer_all_until {
            transaction.execute(
                "UPDATE tickets SET next_attempt_at = ?2 WHERE account = ?1 AND state = 'queued' AND next_attempt_at < ?2",
                params![name, until],
            )?;
        }
        transaction.commit()?;
        Ok(true)
    }

    /// Gives up the drainer lease, so another process may drain at once.
    pub fn release_drainer(&self, account: &str, owner: &str) -> Result<()> {
        self.lock().execute(
            "UPDATE accounts SET drainer = NULL, drainer_until = NULL WHERE account = ?1 AND drainer = ?2",
            params![account, owner],
        )?;
        Ok(())
    }

    /// When the next ticket of `account` is due (or an abandoned claim
    /// lapses), as seen at `now`: a time past the [`HORIZON_MS`] is now.
    pub fn next_due(&self, account: &str, now: i64) -> Result<Option<i64>> {
        Ok(self.lock().query_row(
            "SELECT min(CASE WHEN at > ?2 + ?3 THEN ?2 ELSE at END) FROM (
                 SELECT CASE state WHEN 'queued' THEN next_attempt_at ELSE lease_until END AS at
                 FROM tickets WHERE account = ?1 AND state IN ('queued', 'sending'))",
            params![account, now, HORIZON_MS],
            |row| row.get(0),
        )?)
    }

    /// Tickets whose sender stopped in the middle of an attempt (its
    /// process killed, or stalled past its claim's lease, or a claim dated
    /// by a clock that has since stepped back) go back to the queue, due
    /// now, marked as possibly sent twice: the interrupted attempt may have
    /// reached the server. A process that only stalled finds its claim gone
    /// and records nothing. Returns how many.
    ///
    /// `except`: the prefix of the claims of the caller's own engines,
    /// which are alive, left as they are.
    pub fn recover_interrupted(
        &self,
        now: i64,
        lease_ms: i64,
        except: Option<&str>,
    ) -> Result<usize> {
        let except = except.map(like_escape);
        Ok(self.lock().execute(
            "UPDATE tickets SET state = 'queued', lease_until = NULL, claimed_by = NULL,
                    possible_duplicate = 1, next_attempt_at = min(next_attempt_at, ?1)
             WHERE state = 'sending' AND (lease_until < ?1 OR lease_until > ?1 + ?2 + ?4)
               AND (?3 IS NULL OR claimed_by IS NULL OR claimed_by NOT LIKE ?3 || '%' ESCAPE '\\')",
            params![now, lease_ms, except, STEP_BACK_MS],
        )?)
    }

    /// The person gave `base` for its server: the tickets still waiting for
    /// that server go to it from their next attempt on (an attempt in
    /// flight ends where it began), as does every ticket filed for it later
    /// without a base of its own.
    pub fn point_to(&self, base: &ApiBase) -> Result<usize> {
        let mut connection = self.lock();
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        transaction.execute(
            "INSERT INTO accounts (account, api_base) VALUES (?1, ?2)
             ON CONFLICT (account) DO UPDATE SET api_base = ?2",
            params![base.origin(), base.as_str()],
        )?;
        let moved = transaction.execute(
            "UPDATE tickets SET api_base = ?2
             WHERE account = ?1 AND state != 'delivered' AND coalesce(api_base, '') != ?2",
            params![base.origin(), base.as_str()],
        )?;
        transaction.commit()?;
        Ok(moved)
    }

    /// Counts a sign-in or sign-out of `account`'s token, for every process
    /// that shares the file to notice ([`Outbox::token_changes`]).
    pub fn note_token_change(&self, account: &str) -> Result<i64> {
        Ok(self.lock().query_row(
            "INSERT INTO accounts (account, token_changes) VALUES (?1, 1)
             ON CONFLICT (account) DO UPDATE SET token_changes = token_changes + 1
             RETURNING token_changes",
            [account],
            |row| row.get(0),
        )?)
    }

    /// How many sign-ins and sign-outs `account` has seen, by any process.
    pub fn token_changes_of(&self, account: &str) -> Result<i64> {
        Ok(self
            .lock()
            .prepare_cached("SELECT token_changes FROM accounts WHERE account = ?1")?
            .query_row([account], |row| row.get(0))
            .optional()?
            .unwrap_or(0))
    }

    /// How many sign-ins and sign-outs each account has seen, by any process.
    pub fn token_changes(&self) -> Result<Vec<(String, i64)>> {
        let connection = self.lock();
        let mut statement = connection
            .prepare_cached("SELECT account, token_changes FROM accounts ORDER BY account")?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every account with tickets queued or being sent, with how many.
    pub fn waiting_accounts(&self) -> Result<Vec<(String, usize)>> {
        let connection = self.lock();
        let mut statement = connection.prepare(
            "SELECT account, count(*) FROM tickets WHERE state IN ('queued', 'sending')
             GROUP BY account ORDER BY account",
        )?;
        let rows = statement.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                usize::try_from(row.get::<_, i64>(1)?).unwrap_or_default(),
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether `account` has tickets queued or being sent.
    pub fn has_waiting(&self, account: &str) -> Result<bool> {
        Ok(self.next_due(account, 0)?.is_some())
    }

    /// Makes `account`'s queued tickets due at `now`.
    pub fn make_due(&self, account: &str, now: i64) -> Result<usize> {
        Ok(self.lock().execute(
            "UPDATE tickets SET next_attempt_at = ?2 WHERE account = ?1 AND state = 'queued' AND next_attempt_at > ?2",
            params![account, now],
        )?)
    }

    /// Every account the outbox keeps a state for (rate limit, pause, base).
    pub fn accounts(&self) -> Result<Vec<String>> {
        let connection = self.lock();
        let mut statement = connection.prepare("SELECT account FROM accounts ORDER BY account")?;
        let accounts = statement
            .query_map([], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(accounts)
    }

    /// When the server last accepted `account`'s token (Unix ms): a reply
    /// that was the API's and not a 401. `None` once a 401 came since, or
    /// before any reply.
    pub fn last_accepted(&self, account: &str) -> Result<Option<i64>> {
        Ok(self
            .lock()
            .query_row(
                "SELECT last_accepted_at FROM accounts WHERE account = ?1",
                [account],
                |row| row.get(0),
            )
            .optional()?
            .flatten())
    }

    pub fn rate_state(&self, account: &str) -> Result<RateState> {
        read_rate_state(&self.lock(), account)
    }

    /// Records a reply that was no ticket's (a token checked at sign-in):
    /// the account's rate state as `rate` makes it from the stored one, in
    /// one transaction, so that a ticket's reply recorded meanwhile is not
    /// lost.
    pub fn record_rate(
        &self,
        account: &str,
        rate: impl FnOnce(RateState) -> RateState,
    ) -> Result<()> {
        let mut connection = self.lock();
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let before = read_rate_state(&transaction, account)?;
        write_rate_state(&transaction, account, &rate(before))?;
        transaction.commit()?;
        Ok(())
    }

    /// Keeps `at` (Unix ms) as the moment `account`'s token was last
    /// accepted, or forgets it (`None`): a new token not checked yet.
    pub fn set_last_accepted(&self, account: &str, at: Option<i64>) -> Result<()> {
        self.lock().execute(
            "INSERT INTO accounts (account, last_accepted_at) VALUES (?1, ?2)
             ON CONFLICT (account) DO UPDATE SET last_accepted_at = ?2",
            params![account, at],
        )?;
        Ok(())
    }

    pub fn set_rate_state(&self, account: &str, state: &RateState) -> Result<()> {
        let mut connection = self.lock();
        let transaction = connection.transaction()?;
        write_rate_state(&transaction, account, state)?;
        transaction.commit()?;
        Ok(())
    }

    /// Remembers the API base `base`'s account (its origin) files to, so
    /// its tickets can be delivered while another server is configured.
    pub fn remember_base(&self, base: &ApiBase) -> Result<()> {
        self.lock().execute(
            "INSERT INTO accounts (account, api_base) VALUES (?1, ?2)
             ON CONFLICT (account) DO UPDATE SET api_base = ?2",
            params![base.origin(), base.as_str()],
        )?;
        Ok(())
    }

    /// The API base `account`'s tickets were filed for, if known (and
    /// still valid): never guessed, as the token goes with it.
    pub fn base_of(&self, account: &str) -> Result<Option<ApiBase>> {
        let text: Option<String> = self
            .lock()
            .query_row(
                "SELECT api_base FROM accounts WHERE account = ?1",
                [account],
                |row| row.get(0),
            )
            .optional()?
            .flatten();
        Ok(text
            .and_then(|text| ApiBase::parse(&text).ok())
            .filter(|base| base.origin() == account))
    }

    /// Why `account`'s queue waits for a person, if it does.
    pub fn pause(&self, account: &str) -> Result<Option<Pause>> {
        Ok(self
            .lock()
            .query_row(
                "SELECT paused, paused_token, paused_message FROM accounts WHERE account = ?1",
                [account],
                |row| {
                    let kind = match row.get::<_, Option<String>>(0)?.as_deref() {
                        Some("refused") => PauseKind::Refused,
                        Some("forbidden") => PauseKind::Forbidden,
                        _ => return Ok(None),
                    };
                    Ok(Some(Pause {
                        kind,
                        token_fingerprint: row.get::<_, Option<String>>(1)?.unwrap_or_default(),
                        message: row.get::<_, Option<String>>(2)?.unwrap_or_default(),
                    }))
                },
            )
            .optional()?
            .flatten())
    }

    /// Lifts `account`'s pause (a new token, or the person asked to send now).
    pub fn clear_pause(&self, account: &str) -> Result<()> {
        let mut connection = self.lock();
        let transaction = connection.transaction()?;
        write_pause(&transaction, account, None)?;
        transaction.commit()?;
        Ok(())
    }

    /// "Send queued now": every queued ticket is due at `now`, and what the
    /// server set (a rate-limit wait, a pause for a refused token or a lost
    /// permission) is lifted, so the next attempt asks the server again.
    /// Tickets that need attention stay there: the server refused them as
    /// they are. Returns how many tickets are due.
    pub fn send_now(&self, now: i64) -> Result<usize> {
        let mut connection = self.lock();
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let due = transaction.execute(
            "UPDATE tickets SET next_attempt_at = min(next_attempt_at, ?1) WHERE state = 'queued'",
            [now],
        )?;
        transaction.execute(
            "UPDATE accounts SET blocked_until = NULL, paused = NULL, paused_token = NULL, paused_message = NULL",
            [],
        )?;
        transaction.commit()?;
        Ok(due)
    }
}

fn record_result(
    transaction: &Transaction<'_>,
    entry: &Entry,
    result: &AttemptResult,
    now: i64,
) -> Result<()> {
    let id = &entry.id;
    transaction.execute(
        "UPDATE tickets SET last_attempt_at = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    match result {
        AttemptResult::Delivered { ticket, note } => {
            let json = ticket.as_ref().map(serde_json::to_string).transpose()?;
            let number = ticket.as_ref().and_then(|t| t.ticket_number.clone());
            transaction.execute(
                "UPDATE tickets SET state = 'delivered', attempts = attempts + 1, lease_until = NULL,
                        claimed_by = NULL, ticket_number = ?2, delivered = ?3, delivered_at = ?4,
                        last_error = NULL, delivered_note = ?5
                 WHERE id = ?1",
                params![id, number, json, now, note],
            )?;
            super::suggestions::remember_accepted(transaction, &entry.ticket, now)?;
        }
        AttemptResult::Retry {
            error,
            at,
            attempted,
            may_have_arrived,
            failed,
        } => {
            transaction.execute(
                "UPDATE tickets SET state = 'queued', lease_until = NULL, claimed_by = NULL,
                        next_attempt_at = ?3, last_error = ?2, attempts = attempts + ?4,
                        possible_duplicate = possible_duplicate OR ?5,
                        first_failed_at = CASE WHEN ?6 THEN coalesce(first_failed_at, ?7) ELSE first_failed_at END
                 WHERE id = ?1",
                params![
                    id,
                    error,
                    at,
                    i64::from(*attempted),
                    may_have_arrived,
                    failed,
                    now
                ],
            )?;
        }
        AttemptResult::Attention {
            reason,
            errors,
            attempted,
        } => {
            let errors = (!errors.is_empty())
                .then(|| serde_json::to_string(errors))
                .transpose()?;
            transaction.execute(
                "UPDATE tickets SET state = 'attention', lease_until = NULL, claimed_by = NULL,
                        last_error = ?2, attention_reason = ?2, field_errors = ?3, attempts = attempts + ?4
                 WHERE id = ?1",
                params![id, reason, errors, i64::from(*attempted)],
            )?;
        }
    }
    Ok(())
}

fn read_rate_state(connection: &Connection, account: &str) -> Result<RateState> {
    Ok(connection
        .query_row(
            "SELECT rate_limit, rate_remaining, window_started_at, blocked_until, learned_window
             FROM accounts WHERE account = ?1",
            [account],
            |row| {
                Ok(RateState {
                    limit: row.get(0)?,
                    remaining: row.get(1)?,
                    window_started_at: row.get(2)?,
                    blocked_until: row.get(3)?,
                    learned_window: row.get(4)?,
                })
            },
        )
        .optional()?
        .unwrap_or_default())
}

fn write_rate_state(transaction: &Transaction<'_>, account: &str, state: &RateState) -> Result<()> {
    transaction.execute(
        "INSERT INTO accounts (account, rate_limit, rate_remaining, window_started_at, blocked_until, learned_window)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (account) DO UPDATE SET rate_limit = ?2, rate_remaining = ?3,
                window_started_at = ?4, blocked_until = ?5, learned_window = ?6",
        params![
            account,
            state.limit,
            state.remaining,
            state.window_started_at,
            state.blocked_until,
            state.learned_window
        ],
    )?;
    Ok(())
}

fn write_pause(transaction: &Transaction<'_>, account: &str, pause: Option<&Pause>) -> Result<()> {
    let kind = pause.map(|p| match p.kind {
        PauseKind::Refused => "refused",
        PauseKind::Forbidden => "forbidden",
    });
    transaction.execute(
        "INSERT INTO accounts (account, paused, paused_token, paused_message) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (account) DO UPDATE SET paused = ?2, paused_token = ?3, paused_message = ?4",
        params![
            account,
            kind,
            pause.map(|p| &p.token_fingerprint),
            pause.map(|p| &p.message)
        ],
    )?;
    Ok(())
}
