//! [`Diagnostics`]: what support needs to know about an installation, in
//! one report for the app's "Copy diagnostics" and `feedback doctor`: the
//! version and OS, the server, whether the keyring holds a token, the
//! outbox's counts, recent errors and each account's rate limit. It never
//! holds a token, a token's fingerprint, or a ticket's text.

use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;

use crate::api_base::ApiBase;
use crate::delivery::{DeliveryStatus, Pacing, Quota};
use crate::http::Route;
use crate::outbox::{Outbox, PauseKind, RecentError, Summary};

/// How many recent errors a report lists.
pub const RECENT_ERRORS: usize = 10;

/// What the OS keyring holds for the configured server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "reason")]
pub enum KeyringState {
    HasToken,
    NoToken,
    /// The keyring did not answer, or failed; why.
    Unavailable(String),
}

/// The configured server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum ApiBaseReport {
    Valid { url: String, production: bool },
    Invalid { reason: String },
}

/// One account's tickets by state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountCounts {
    pub account: String,
    pub counts: Summary,
}

/// Why an account's queue waits for a person, in the server's words
/// (never which token was refused).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PauseReport {
    pub kind: PauseKind,
    pub message: String,
}

/// One account's rate limit and standing with the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountRate {
    pub account: String,
    /// `None` before a reply gave the limit.
    pub quota: Option<Quota>,
    pub pause: Option<PauseReport>,
    /// The throttle window's length as the server's 429s showed it, in ms.
    pub learned_window_ms: Option<i64>,
    /// When the server last accepted the account's token (Unix ms).
    pub last_accepted_at: Option<i64>,
}

/// The report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostics {
    /// The app's (or CLI's) version.
    pub version: String,
    pub os: String,
    pub arch: String,
    /// When it was gathered (Unix ms).
    pub gathered_at: i64,
    pub api_base: ApiBaseReport,
    /// How requests to the API base go: straight or through which proxy
    /// (`None`: the API base is invalid).
    pub route: Option<Route>,
    pub keyring: KeyringState,
    /// As text (a path that is not UTF-8 is shown with replacement
    /// characters), so the report always serializes.
    pub outbox_path: String,
    pub counts: Vec<AccountCounts>,
    /// The latest errors of unsent tickets, newest first: texts only.
    pub recent_errors: Vec<RecentError>,
    pub rate_limits: Vec<AccountRate>,
    /// How delivery to the configured server stands, when an engine runs.
    pub status: Option<DeliveryStatus>,
    /// What could not be read from the outbox.
    pub problems: Vec<String>,
}

impl Diagnostics {
    /// Gathers the report at `now` (Unix ms). A part the outbox cannot give
    /// is left empty and named in `problems`: a report is wanted most when
    /// something is broken.
    pub fn gather(
        outbox: &Outbox,
        api_base: Result<&ApiBase, &str>,
        keyring: KeyringState,
        status: Option<&DeliveryStatus>,
        version: &str,
        now: i64,
    ) -> Self {
        let mut problems = Vec::new();
        let counts = noted(
            &mut problems,
            "ticket counts",
            outbox.summaries_by_account(),
        )
        .unwrap_or_default()
        .into_iter()
        .map(|(account, counts)| AccountCounts { account, counts })
        .collect();
        let recent_errors = noted(
            &mut problems,
            "recent errors",
            outbox.recent_errors(RECENT_ERRORS),
        )
        .unwrap_or_default();
        let accounts: Vec<String> =
            noted(&mut problems, "accounts", outbox.accounts()).unwrap_or_default();
        let pacing = Pacing::default();
        let mut rate_limits = Vec::new();
        for account in accounts {
            let rate = noted(&mut problems, "the rate limit", outbox.rate_state(&account));
            let pause = noted(&mut problems, "the pause", outbox.pause(&account)).flatten();
            let last_accepted = noted(
                &mut problems,
                "the last acceptance",
                outbox.last_accepted(&account),
            );
            rate_limits.push(AccountRate {
                quota: rate.and_then(|rate| pacing.quota(&rate, now)),
                pause: pause.map(|pause| PauseReport {
                    kind: pause.kind,
                    message: pause.message,
                }),
                learned_window_ms: rate.and_then(|rate| rate.learned_window),
                last_accepted_at: last_accepted.flatten(),
                account,
            });
        }
        Self {
            version: version.to_owned(),
            os: std::env::consts::OS.to_owned(),
            arch: std::env::consts::ARCH.to_owned(),
            gathered_at: now,
            api_base: match api_base {
                Ok(base) => ApiBaseReport::Valid {
                    url: base.to_string(),
                    production: base.is_production(),
                },
                Err(reason) => ApiBaseReport::Invalid {
                    reason: reason.to_owned(),
                },
            },
            route: api_base.ok().map(Route::to),
            keyring,
            outbox_path: outbox.path().to_string_lossy().into_owned(),
            counts,
            recent_errors,
            rate_limits,
            status: status.cloned(),
            problems,
        }
    }

    /// Plain English text, one item a line, times in ISO 8601 UTC: what
    /// "Copy diagnostics" puts on the clipboard.
    pub fn to_text(&self) -> String {
        let mut text = String::new();
        let mut line = |content: String| {
            text.push_str(&content);
            text.push('\n');
        };
        line(format!(
            "Wemasy Feedback {} on {} {}",
            self.version, self.os, self.arch
        ));
        line(format!("Gathered: {}", iso8601(self.gathered_at)));
        line(match &self.api_base {
            ApiBaseReport::Valid { url, production } => format!(
                "API base: {url} ({})",
                if *production {
                    "production"
                } else {
                    "not production"
                }
            ),
            ApiBaseReport::Invalid { reason } => format!("API base: invalid ({reason})"),
        });
        if let Some(route) = &self.route {
            line(format!("Network: {}", route.describe()));
        }
        line(format!("Keyring: {}", self.keyring.describe()));
        line(format!("Outbox: {}", self.outbox_path));
        if self.counts.is_empty() {
            line("Tickets: none".to_owned());
        }
        for AccountCounts { account, counts } in &self.counts {
            line(format!(
                "Tickets for {account}: {} queued, {} being sent, {} needing attention, {} delivered",
                counts.queued, counts.sending, counts.needs_attention, counts.delivered
            ));
        }
        for rate in &self.rate_limits {
            line(format!(
                "Rate limit for {}: {}",
                rate.account,
                rate.describe()
            ));
        }
        line(format!(
            "Delivery: {}",
            self.status
                .as_ref()
                .map_or_else(|| "not running here".to_owned(), describe_status)
        ));
        if self.recent_errors.is_empty() {
            line("Recent errors: none".to_owned());
        }
        for error in &self.recent_errors {
            line(format!(
                "Error at {} for {} (ticket {}): {}",
                error
                    .at
                    .map_or_else(|| "an unknown time".to_owned(), iso8601),
                error.account,
                error.ticket,
                error.error
            ));
        }
        for problem in &self.problems {
            line(format!("Could not read {problem}"));
        }
        text
    }
}

impl KeyringState {
    /// In words for a person.
    pub fn describe(&self) -> String {
        match self {
            Self::HasToken => "a token is stored for this server".to_owned(),
            Self::NoToken => "no token is stored for this server".to_owned(),
            Self::Unavailable(reason) => format!("not available ({reason})"),
        }
    }
}

impl AccountRate {
    fn describe(&self) -> String {
        let mut parts = Vec::new();
        match &self.quota {
            Some(quota) => {
                let mut part = format!("{} of {} left", quota.remaining, quota.limit);
                if let Some(at) = quota.resets_at {
                    let _ = write!(part, ", whole again at {}", iso8601(at));
                }
                parts.push(part);
                if let Some(until) = quota.blocked_until {
                    parts.push(format!("nothing sent before {}", iso8601(until)));
                }
            }
            None => parts.push("no limit seen yet".to_owned()),
        }
        if let Some(window) = self.learned_window_ms {
            let window = Duration::from_millis(u64::try_from(window).unwrap_or(0));
            parts.push(format!("window learned as {} s", window.as_secs()));
        }
        if let Some(pause) = &self.pause {
            parts.push(match pause.kind {
                PauseKind::Refused => {
                    format!("paused: the server refused the token ({})", pause.message)
                }
                PauseKind::Forbidden => format!(
                    "paused: the server says this account may not file tickets ({})",
                    pause.message
                ),
            });
        }
        parts.push(match self.last_accepted_at {
            Some(at) => format!("token last accepted at {}", iso8601(at)),
            None => "token not accepted since the last refusal, or not tried yet".to_owned(),
        });
        parts.join("; ")
    }
}

/// `result`'s value, or `None` with the error noted in `problems`.
fn noted<T>(problems: &mut Vec<String>, what: &str, result: crate::outbox::Result<T>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(error) => {
            problems.push(format!("{what}: {error}"));
            None
        }
    }
}

fn describe_status(status: &DeliveryStatus) -> String {
    match status {
        DeliveryStatus::Ready => "ready".to_owned(),
        DeliveryStatus::Online => "online: the last attempt was answered".to_owned(),
        DeliveryStatus::Offline { reason, retry_at } => {
            format!("offline ({reason}); next attempt at {}", iso8601(*retry_at))
        }
        DeliveryStatus::ServerError { reason, retry_at } => format!(
            "server error ({reason}); next attempt at {}",
            iso8601(*retry_at)
        ),
        DeliveryStatus::RateLimited { until } => {
            format!("rate limited until {}", iso8601(*until))
        }
        DeliveryStatus::SignInNeeded { message } => {
            format!("sign-in needed: the server refused the token ({message})")
        }
        DeliveryStatus::Forbidden { message } => {
            format!("not allowed: the server says this account may not file tickets ({message})")
        }
        DeliveryStatus::SignedOut => "signed out".to_owned(),
        DeliveryStatus::KeyringUnavailable { reason } => {
            format!("the keyring did not answer ({reason})")
        }
        DeliveryStatus::StorageError { reason } => format!("the outbox failed ({reason})"),
    }
}

/// Unix ms as ISO 8601 in UTC, to the second: `2027-01-15T08:00:00Z`.
pub fn iso8601(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, in_day) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (year, month, day) = civil_date(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01, counted in
/// 400-year eras of 146,097 days whose years start on 1 March, so that the
/// leap day falls at a year's end.
fn civil_date(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468; // from 0000-03-01
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_iso_8601_in_utc() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(1_800_000_000_000), "2027-01-15T08:00:00Z");
        assert_eq!(
            iso8601(1_709_164_800_999),
            "2024-02-29T00:00:00Z",
            "a leap day"
        );
        assert_eq!(
            iso8601(951_868_799_000),
            "2000-02-29T23:59:59Z",
            "a leap century"
        );
        assert_eq!(
            iso8601(4_107_542_400_000),
            "2100-03-01T00:00:00Z",
            "2100 is no leap year"
        );
        assert_eq!(iso8601(-1_000), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn the_keyring_state_serializes_without_a_secret_field() {
        assert_eq!(
            serde_json::to_value(KeyringState::Unavailable("locked".into())).unwrap(),
            serde_json::json!({"kind": "unavailable", "reason": "locked"})
        );
        assert_eq!(
            serde_json::to_value(KeyringState::HasToken).unwrap(),
            serde_json::json!({"kind": "hasToken"})
        );
    }
}
