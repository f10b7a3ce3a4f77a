//! `feedback doctor`: the setup's checks, one line each with what to do,
//! and with `--json` the diagnostics report beside them. Nothing here sends
//! a request to the API, so no quota is spent: the server is reached with a
//! TCP connection only. The outbox is looked at read-only before it is
//! opened, so an unreadable file is reported, not moved aside; one that an
//! earlier version left in the roaming folder is told of, not moved.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use feedback_core::data_dir::Folders;
use feedback_core::diagnostics::iso8601;
use feedback_core::http::Route;
use feedback_core::outbox::{FileCheck, PauseKind};
use feedback_core::policy::Policy;
use feedback_core::{
    ApiBase, Diagnostics, KeyringState, Outbox, OutboxError, Token, TokenStore, TokenStoreError,
};
use serde::Serialize;

use crate::credentials::{TOKEN_VARIABLE, token_from_env};
use crate::deliver::{delivery_config, now_ms};
use crate::failure::Failure;
use crate::submit::short;

/// How long the server has to accept a TCP connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// How many of the configured server's latest errors are shown.
const ERRORS_SHOWN: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
enum Level {
    Ok,
    Warn,
    Fail,
}

/// One check's finding.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Check {
    level: Level,
    what: String,
    /// What to do about it.
    advice: Option<String>,
}

impl Check {
    fn ok(what: String) -> Self {
        Self {
            level: Level::Ok,
            what,
            advice: None,
        }
    }

    fn warn(what: String, advice: impl Into<String>) -> Self {
        Self {
            level: Level::Warn,
            what,
            advice: Some(advice.into()),
        }
    }

    fn fail(what: String, advice: impl Into<String>) -> Self {
        Self {
            level: Level::Fail,
            what,
            advice: Some(advice.into()),
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            Level::Ok => "ok",
            Level::Warn => "warn",
            Level::Fail => "FAIL",
        };
        write!(f, "{level:<4}  {}", self.what)?;
        match &self.advice {
            Some(advice) => write!(f, "  — {advice}"),
            None => Ok(()),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    checks: Vec<Check>,
    /// `None` when there is no outbox to report on.
    diagnostics: Option<Diagnostics>,
}

/// `folders`: the user's data folders when the outbox is the default one
/// (not `--outbox`), to tell of an outbox left in the roaming folder.
pub(crate) async fn doctor(
    base: Result<ApiBase, String>,
    policy: &Policy,
    path: Result<PathBuf, Failure>,
    folders: Option<&Folders>,
    json: bool,
) -> Result<String, Failure> {
    let mut checks = policy_checks(policy);
    checks.push(api_base_check(&base, policy));
    let (keyring, token) = match &base {
        Ok(base) => keyring_check(base, &mut checks).await,
        Err(_) => (
            KeyringState::Unavailable("not asked: the API base is invalid".into()),
            None,
        ),
    };
    let outbox = match path {
        Ok(path) => outbox_check(&path, base.as_ref().ok(), &mut checks),
        Err(failure) => {
            checks.push(Check::fail(
                format!("outbox: {failure}"),
                "give one with --outbox FILE or FEEDBACK_OUTBOX",
            ));
            None
        }
    };
    checks.extend(folders.and_then(left_in_roaming_check));
    if let (Some(outbox), Ok(base)) = (&outbox, &base)
        && let Err(error) = delivery_checks(outbox, base, token.as_ref(), &mut checks)
    {
        checks.push(Check::fail(
            format!("delivery: the outbox could not be read ({error})"),
            "run `feedback doctor` again; if it persists, export the outbox and start a new one",
        ));
    }
    if let Ok(base) = &base {
        let route = Route::to(base);
        checks.push(Check::ok(format!("network: {}", route.describe())));
        checks.push(reach_check(base, &route).await);
    }
    let diagnostics = outbox.as_ref().map(|outbox| {
        Diagnostics::gather(
            outbox,
            base.as_ref().map_err(String::as_str),
            keyring,
            None,
            env!("CARGO_PKG_VERSION"),
            now_ms(),
        )
    });
    let failed = checks.iter().any(|check| check.level == Level::Fail);
    let report = if json {
        let report = Report {
            checks,
            diagnostics,
        };
        serde_json::to_string_pretty(&report)
            .map_err(|error| Failure::Other(format!("could not print the report: {error}")))?
    } else {
        let lines: Vec<String> = checks.iter().map(Check::to_string).collect();
        lines.join("\n")
    };
    if failed {
        return Err(Failure::Checks(report));
    }
    Ok(report)
}

/// The organisation's policy in force: where it comes from, the keys it
/// enforces and recommends, and each thing in it that was ignored.
fn policy_checks(policy: &Policy) -> Vec<Check> {
    let Some(source) = &policy.source else {
        return vec![Check::ok("policy: none on this machine".into())];
    };
    let keys = |keys: Vec<&str>| {
        if keys.is_empty() {
            "none".to_owned()
        } else {
            keys.join(", ")
        }
    };
    let mut checks = vec![Check::ok(format!(
        "policy from {source}: enforced {}; recommended {}",
        keys(policy.enforced.keys()),
        keys(policy.recommended.keys())
    ))];
    checks.extend(policy.problems.iter().map(|problem| {
        Check::warn(
            format!("policy: {problem}"),
            "ask your administrator to fix the policy",
        )
    }));
    checks
}

fn api_base_check(base: &Result<ApiBase, String>, policy: &Policy) -> Check {
    let enforced = policy.enforced.api_base.is_some();
    let recommended = policy
        .recommended
        .api_base
        .as_deref()
        .and_then(|text| ApiBase::parse(text).ok());
    match base {
        Ok(base) if enforced => Check::ok(format!(
            "API base {base} (enforced by your organisation's policy)"
        )),
        Ok(base) if base.is_production() => Check::ok(format!("API base {base} (production)")),
        Ok(base) if recommended.as_ref() == Some(base) => Check::ok(format!(
            "API base {base} (recommended by your organisation's policy)"
        )),
        Ok(base) => Check::warn(
            format!("API base {base} is not production"),
            "tickets go to this server, not to Wemasy; unset --api-base and FEEDBACK_API_BASE for production",
        ),
        Err(reason) if enforced => Check::fail(
            reason.clone(),
            "leave out --api-base and FEEDBACK_API_BASE: the server your organisation enforces is used",
        ),
        Err(reason) => Check::fail(
            reason.clone(),
            "give an https URL (plain http only to this machine) with --api-base or FEEDBACK_API_BASE, or unset both for production",
        ),
    }
}

/// What the keyring holds for `base`, and the token commands would use.
async fn keyring_check(base: &ApiBase, checks: &mut Vec<Check>) -> (KeyringState, Option<Token>) {
    let origin = base.origin();
    let asked = base.clone();
    let stored = tokio::task::spawn_blocking(move || TokenStore::default().load(&asked))
        .await
        .unwrap_or_else(|error| Err(TokenStoreError::Keyring(error.to_string())));
    let keyring = match &stored {
        Ok(Some(_)) => KeyringState::HasToken,
        Ok(None) => KeyringState::NoToken,
        Err(error) => KeyringState::Unavailable(error.to_string()),
    };
    let from_env = match token_from_env() {
        Ok(token) => token,
        Err(failure) => {
            checks.push(Check::fail(
                format!("{TOKEN_VARIABLE} is set but unusable: {failure}"),
                "set it to the API token, or unset it to use the keyring",
            ));
            None
        }
    };
    let env_used = from_env.is_some();
    checks.push(match &stored {
        Ok(Some(_)) if env_used => Check::ok(format!(
            "OS keyring: a token is stored for {origin}; {TOKEN_VARIABLE} is used instead here"
        )),
        Ok(Some(_)) => Check::ok(format!("OS keyring: a token is stored for {origin}")),
        Ok(None) if env_used => Check::ok(format!(
            "OS keyring answers; {TOKEN_VARIABLE} is used for {origin}"
        )),
        Ok(None) => Check::fail(
            format!("OS keyring: no token is stored for {origin}"),
            format!("run `feedback login`, or set {TOKEN_VARIABLE}"),
        ),
        Err(error) if env_used => Check::warn(
            format!("OS keyring: {error}"),
            format!(
                "{TOKEN_VARIABLE} is used here, but the desktop app needs the keyring: start or unlock a Secret Service"
            ),
        ),
        Err(error @ TokenStoreError::Corrupt(_)) => Check::fail(
            format!("OS keyring: {error}"),
            "store the token again with `feedback login`",
        ),
        Err(error) => Check::fail(
            format!("OS keyring: {error}"),
            format!(
                "start or unlock a Secret Service (GNOME Keyring, KWallet, KeePassXC), or set {TOKEN_VARIABLE}"
            ),
        ),
    });
    (keyring, from_env.or_else(|| stored.ok().flatten()))
}

/// The outbox file, looked at read-only first; opened (and so upgraded,
/// as any command would) only when it is healthy.
fn outbox_check(path: &Path, base: Option<&ApiBase>, checks: &mut Vec<Check>) -> Option<Outbox> {
    let shown = path.display();
    match Outbox::check_file(path) {
        FileCheck::Missing => {
            checks.push(Check::ok(format!(
                "outbox: none yet at {shown}; the first ticket creates it"
            )));
            return None;
        }
        FileCheck::Unreadable { reason } => {
            checks.push(Check::fail(
                format!("outbox {shown} cannot be read ({reason})"),
                "the app and the CLI move such a file aside and start a new one the next time they open it; copy it somewhere safe first if it may hold tickets you need",
            ));
            return None;
        }
        FileCheck::TooNew { version } => {
            checks.push(Check::fail(
                format!(
                    "outbox {shown} is from a newer version of Wemasy Feedback (schema {version})"
                ),
                "update `feedback` to the app's version",
            ));
            return None;
        }
        FileCheck::Healthy { .. } => {}
    }
    let outbox = match Outbox::open(path) {
        Ok(outbox) => outbox,
        Err(error) => {
            checks.push(Check::fail(
                format!("outbox {shown}: {error}"),
                "close other programs using it and try again",
            ));
            return None;
        }
    };
    if let Err(error) = counts_check(&outbox, base, checks) {
        checks.push(Check::fail(
            format!("outbox {shown}: its tickets could not be counted ({error})"),
            "run `feedback doctor` again; if it persists, export the outbox and start a new one",
        ));
    }
    Some(outbox)
}

/// An outbox an earlier version kept in the roaming folder (Windows):
/// where it goes from here.
fn left_in_roaming_check(folders: &Folders) -> Option<Check> {
    let old = folders.left_in_roaming()?;
    let advice = if folders.outbox().exists() {
        format!(
            "it is never moved over the outbox here; send what waits in it with `feedback --outbox \"{}\" outbox drain`, or export it with `outbox export FILE`",
            old.display()
        )
    } else {
        format!(
            "the app's next start, or the next `feedback submit` or `feedback outbox` command, moves it to {}",
            folders.local.display()
        )
    };
    Some(Check::warn(
        format!("an outbox from an earlier version is in {}", old.display()),
        advice,
    ))
}

fn counts_check(
    outbox: &Outbox,
    base: Option<&ApiBase>,
    checks: &mut Vec<Check>,
) -> Result<(), OutboxError> {
    let shown = outbox.path().display();
    let origin = base.map(ApiBase::origin);
    let (whose, counts) = match &origin {
        Some(origin) => (format!("for {origin}"), outbox.account_summary(origin)?),
        None => ("in all".to_owned(), outbox.summary()?),
    };
    checks.push(Check::ok(format!(
        "outbox {shown} passes its check; {whose}: {} queued, {} being sent, {} needing attention, {} delivered",
        counts.queued, counts.sending, counts.needs_attention, counts.delivered
    )));
    for (other, waiting) in outbox.waiting_accounts()? {
        if Some(&other) == origin.as_ref() {
            continue;
        }
        let drain = match outbox.base_of(&other)? {
            Some(its_base) => format!("`feedback --api-base {its_base} outbox drain`"),
            None => "`feedback --api-base <its API base> outbox drain`".to_owned(),
        };
        checks.push(Check::warn(
            format!("{} waiting for another server, {other}", tickets(waiting)),
            format!(
                "they go with that server's own token: sign in to it and run {drain}, or export (`feedback outbox export FILE`) and discard them"
            ),
        ));
    }
    Ok(())
}

/// What holds delivery to `base`: a pause, a rate-limit wait, tickets
/// that need a person, and the latest errors.
fn delivery_checks(
    outbox: &Outbox,
    base: &ApiBase,
    token: Option<&Token>,
    checks: &mut Vec<Check>,
) -> Result<(), OutboxError> {
    let origin = base.origin();
    let now = now_ms();
    let pacing = delivery_config().pacing;
    let mut held = false;
    match outbox.pause(&origin)? {
        Some(pause)
            if token.is_some_and(|token| token.fingerprint() != pause.token_fingerprint) =>
        {
            checks.push(Check::warn(
                format!(
                    "delivery to {origin} was paused for a token the server refused ({}); the token here is another one",
                    pause.message
                ),
                "it is tried at the next delivery (`feedback outbox drain`)",
            ));
            held = true;
        }
        Some(pause) => {
            checks.push(match pause.kind {
                PauseKind::Refused => Check::fail(
                    format!("delivery to {origin} is paused: the server refused the token ({})", pause.message),
                    "sign in again with a valid token: `feedback login`",
                ),
                PauseKind::Forbidden => Check::fail(
                    format!(
                        "delivery to {origin} is paused: the server says this account may not file tickets ({})",
                        pause.message
                    ),
                    "ask your Wemasy administrator for the permission, then run `feedback outbox retry --all`",
                ),
            });
            held = true;
        }
        None => {}
    }
    let rate = outbox.rate_state(&origin)?;
    let left = pacing
        .quota(&rate, now)
        .map(|quota| {
            format!(
                "; {} of {} requests left in this window",
                quota.remaining, quota.limit
            )
        })
        .unwrap_or_default();
    if let Some(until) = pacing.blocked_until(&rate, now) {
        checks.push(Check::warn(
            format!(
                "delivery to {origin} is rate limited until {}",
                iso8601(until)
            ),
            "nothing to do: queued tickets go after that (`feedback outbox drain` waits for it)",
        ));
        held = true;
    }
    if !held {
        let accepted = outbox
            .last_accepted(&origin)?
            .map(|at| format!("; the server last accepted the token at {}", iso8601(at)))
            .unwrap_or_default();
        checks.push(Check::ok(format!(
            "delivery to {origin}: not paused, not rate limited{left}{accepted}"
        )));
    }
    let attention = outbox.account_summary(&origin)?.needs_attention;
    if attention > 0 {
        checks.push(Check::warn(
            format!("{} for {origin} waiting for attention", tickets(attention)),
            "`feedback outbox list` says why: fix and file them again, `feedback outbox retry ID`, or `feedback outbox discard ID`",
        ));
    }
    let errors = outbox.recent_errors(feedback_core::diagnostics::RECENT_ERRORS)?;
    for error in errors
        .iter()
        .filter(|error| error.account == origin)
        .take(ERRORS_SHOWN)
    {
        let at = error
            .at
            .map_or_else(|| "an unknown time".to_owned(), iso8601);
        checks.push(Check::warn(
            format!(
                "error at {at}, ticket {}: {}",
                short(&error.ticket),
                error.error
            ),
            "`feedback outbox list` shows the ticket",
        ));
    }
    Ok(())
}

/// "1 ticket", "2 tickets".
fn tickets(count: usize) -> String {
    match count {
        1 => "1 ticket".to_owned(),
        _ => format!("{count} tickets"),
    }
}

/// Whether the server, or the proxy requests to it go through, takes a
/// TCP connection: nothing is sent, so no quota is spent (behind a proxy,
/// a direct connection may be refused while requests go).
async fn reach_check(base: &ApiBase, route: &Route) -> Check {
    let (host, port) = match route {
        Route::Proxy { host, port, .. } => (host.clone(), *port),
        Route::ThisMachine | Route::Direct => base.host_and_port(),
    };
    let connect = tokio::net::TcpStream::connect((host.as_str(), port));
    match tokio::time::timeout(CONNECT_TIMEOUT, connect).await {
        Ok(Ok(_)) => Check::ok(format!(
            "{host}:{port} accepts connections (nothing was sent to it)"
        )),
        Ok(Err(error)) => Check::fail(
            format!("cannot connect to {host}:{port} ({error})"),
            "check the network connection and the API base; if it is a local sandbox, start it",
        ),
        Err(_) => Check::fail(
            format!(
                "{host}:{port} did not accept a connection within {} s",
                CONNECT_TIMEOUT.as_secs()
            ),
            "check the network connection, a firewall or proxy, and the API base",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outbox_left_in_the_roaming_folder_is_told_of_not_moved() {
        let root = tempfile::tempdir().unwrap();
        let folders = Folders {
            local: root.path().join("Local"),
            roaming: root.path().join("Roaming"),
        };
        assert!(left_in_roaming_check(&folders).is_none(), "nothing to tell");

        std::fs::create_dir(&folders.roaming).unwrap();
        std::fs::write(folders.roaming.join("outbox.sqlite3"), "an old outbox").unwrap();
        let check = left_in_roaming_check(&folders).expect("told");
        assert_eq!(check.level, Level::Warn);
        assert!(
            check.what.contains(&folders.roaming.display().to_string()),
            "{check}"
        );
        assert!(check.to_string().contains("moves it to"), "{check}");
        assert!(!folders.local.exists(), "told, not moved");

        std::fs::create_dir(&folders.local).unwrap();
        std::fs::write(folders.outbox(), "the outbox here").unwrap();
        let check = left_in_roaming_check(&folders).expect("still told");
        assert!(check.to_string().contains("never moved over"), "{check}");

        let one = Folders {
            local: folders.local.clone(),
            roaming: folders.local.clone(),
        };
        assert!(
            left_in_roaming_check(&one).is_none(),
            "Linux and macOS: one folder, nothing left behind"
        );
    }
}
