//! The delivery side of the outbox: one process at a time drains an account
//! (a lease that lapses if its holder dies), it claims tickets oldest first,
//! and records how each attempt ended. The account's rate-limit state lives
//! here too, so every process shares one view of the quota.

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::{Outbox, Result, SELECT, read_entry};
use crate::field_errors::FieldErrors;
use crate::outbox::Entry;
use crate::ticket::Ticket;

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

impl Outbox {
    /// Claims the oldest due ticket of `account` for `owner`, if `owner` holds
    /// (or can take) the account's drainer lease. A ticket left `sending` by a
    /// process that died is due again once its lease lapses, marked as a
    /// possible duplicate: it may have reached the server.
    pub fn claim(
        &self,
        account: &str,
        owner: &str,
        now: i64,
        lease_ms: i64,
    ) -> Result<Option<Entry>> {
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
             WHERE account = ?1 AND (drainer IS NULL OR drainer = ?2 OR drainer_until < ?4)",
            params![account, owner, now + lease_ms, now],
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
        let id: Option<(String, String)> = transaction
            .query_row(
                "SELECT id, state FROM tickets
                 WHERE account = ?1
                   AND ((state = 'queued' AND next_attempt_at <= ?2) OR (state = 'sending' AND lease_until < ?2))
                 ORDER BY created_at, rowid LIMIT 1",
                params![account, now],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let Some((id, state)) = id else {
            transaction.commit()?;
            return Ok(None);
        };
        let abandoned = state == "sending";
        transaction.execute(
            "UPDATE tickets SET state = 'sending', lease_until = ?2,
                    possible_duplicate = possible_duplicate OR ?3
             WHERE id = ?1",
            params![id, now + lease_ms, abandoned],
        )?;
        let entry = transaction.query_row(&format!("{SELECT} WHERE id = ?1"), [&id], read_entry)?;
        transaction.commit()?;
        Ok(Some(entry))
    }

    /// Extends `owner`'s drainer lease while an attempt is in flight; false
    /// if the lease was lost.
    pub fn renew_drainer(
        &self,
        account: &str,
        owner: &str,
        now: i64,
        lease_ms: i64,
    ) -> Result<bool> {
        let renewed = self.lock().execute(
            "UPDATE accounts SET drainer_until = ?3 WHERE account = ?1 AND drainer = ?2",
            params![account, owner, now + lease_ms],
        )?;
        Ok(renewed == 1)
    }

    /// Gives up the drainer lease, so another process may drain at once.
    pub fn release_drainer(&self, account: &str, owner: &str) -> Result<()> {
        self.lock().execute(
            "UPDATE accounts SET drainer = NULL, drainer_until = NULL WHERE account = ?1 AND drainer = ?2",
            params![account, owner],
        )?;
        Ok(())
    }

    /// When the next ticket of `account` is due (or an abandoned claim lapses).
    pub fn next_due(&self, account: &str) -> Result<Option<i64>> {
        Ok(self.lock().query_row(
            "SELECT min(CASE state WHEN 'queued' THEN next_attempt_at ELSE lease_until END)
             FROM tickets WHERE account = ?1 AND state IN ('queued', 'sending')",
            [account],
            |row| row.get(0),
        )?)
    }

    /// Makes `account`'s queued tickets due at `now`.
    pub fn make_due(&self, account: &str, now: i64) -> Result<usize> {
        Ok(self.lock().execute(
            "UPDATE tickets SET next_attempt_at = ?2 WHERE account = ?1 AND state = 'queued' AND next_attempt_at > ?2",
            params![account, now],
        )?)
    }

    /// Holds every queued ticket of `account` until at least `until`: when
    /// the network is down, all wait, and the oldest still goes first.
    pub fn defer_all(&self, account: &str, until: i64) -> Result<()> {
        self.lock().execute(
            "UPDATE tickets SET next_attempt_at = ?2 WHERE account = ?1 AND state = 'queued' AND next_attempt_at < ?2",
            params![account, until],
        )?;
        Ok(())
    }

    /// The server took the ticket.
    pub fn record_delivered(&self, id: &str, ticket: &Ticket, now: i64) -> Result<()> {
        self.lock().execute(
            "UPDATE tickets SET state = 'delivered', attempts = attempts + 1, lease_until = NULL,
                    ticket_number = ?2, delivered = ?3, delivered_at = ?4, last_error = NULL
             WHERE id = ?1",
            params![
                id,
                ticket.ticket_number,
                serde_json::to_string(ticket)?,
                now
            ],
        )?;
        Ok(())
    }

    /// Back to the queue, due at `next_attempt_at`. `attempted`: a request
    /// went out (a rate-limit wait before sending is not an attempt).
    /// `may_have_arrived`: it got no reply after sending.
    pub fn record_retry(
        &self,
        id: &str,
        error: &str,
        next_attempt_at: i64,
        attempted: bool,
        may_have_arrived: bool,
    ) -> Result<()> {
        self.lock().execute(
            "UPDATE tickets SET state = 'queued', lease_until = NULL, next_attempt_at = ?3, last_error = ?2,
                    attempts = attempts + ?4, possible_duplicate = possible_duplicate OR ?5
             WHERE id = ?1",
            params![id, error, next_attempt_at, i64::from(attempted), may_have_arrived],
        )?;
        Ok(())
    }

    /// The server refused it, or it is too old to keep trying: a person must look.
    pub fn record_attention(
        &self,
        id: &str,
        reason: &str,
        errors: &FieldErrors,
        attempted: bool,
    ) -> Result<()> {
        let errors = (!errors.is_empty())
            .then(|| serde_json::to_string(errors))
            .transpose()?;
        self.lock().execute(
            "UPDATE tickets SET state = 'attention', lease_until = NULL, last_error = ?2, attention_reason = ?2,
                    field_errors = ?3, attempts = attempts + ?4
             WHERE id = ?1",
            params![id, reason, errors, i64::from(attempted)],
        )?;
        Ok(())
    }

    pub fn rate_state(&self, account: &str) -> Result<RateState> {
        Ok(self
            .lock()
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

    pub fn set_rate_state(&self, account: &str, state: &RateState) -> Result<()> {
        self.lock().execute(
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

    /// Whether the account's queue is paused until a new token is stored.
    pub fn sign_in_needed(&self, account: &str) -> Result<bool> {
        Ok(self
            .lock()
            .query_row(
                "SELECT sign_in_needed FROM accounts WHERE account = ?1",
                [account],
                |row| row.get(0),
            )
            .optional()?
            .unwrap_or(false))
    }

    pub fn set_sign_in_needed(&self, account: &str, needed: bool) -> Result<()> {
        self.lock().execute(
            "INSERT INTO accounts (account, sign_in_needed) VALUES (?1, ?2)
             ON CONFLICT (account) DO UPDATE SET sign_in_needed = ?2",
            params![account, needed],
        )?;
        Ok(())
    }
}
