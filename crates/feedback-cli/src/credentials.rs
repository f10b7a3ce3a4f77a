//! The token a command uses: `FEEDBACK_TOKEN` when set, else the OS keyring;
//! and `login`/`logout`, which write and remove the keyring entry.

use std::io::{self, IsTerminal, Read};

use feedback_core::{ApiBase, Desk, SignedIn, Token};

use crate::failure::Failure;

/// Overrides the keyring, for headless machines and scripts.
pub(crate) const TOKEN_VARIABLE: &str = "FEEDBACK_TOKEN";

/// The token in `FEEDBACK_TOKEN`, if it is set (an empty value counts as unset).
pub(crate) fn token_from_env() -> Result<Option<Token>, Failure> {
    let Some(value) = std::env::var_os(TOKEN_VARIABLE).filter(|value| !value.is_empty()) else {
        return Ok(None);
    };
    let value = value
        .into_string()
        .map_err(|_| Failure::Usage(format!("{TOKEN_VARIABLE} is not valid text")))?;
    Ok(Some(Token::new(&value)?))
}

/// What to say when there is no token.
pub(crate) fn sign_in_hint(base: &ApiBase) -> String {
    format!(
        "not signed in to {}: run `feedback login`, or set {TOKEN_VARIABLE}",
        base.origin()
    )
}

/// Asks the server whether it takes the token, then stores it unless it
/// was refused. A queue paused because the server refused the old
/// token goes again by itself: the pause is tied to that token. An app
/// running beside this reads the keyring again (the outbox tells it).
pub(crate) async fn login(desk: &Desk, base: &ApiBase) -> Result<String, Failure> {
    let text = if io::stdin().is_terminal() {
        rpassword::prompt_password(format!("API token for {}: ", base.origin()))
            .map_err(|error| Failure::Usage(format!("could not read the token: {error}")))?
    } else {
        let mut text = String::new();
        io::stdin().read_to_string(&mut text).map_err(|error| {
            Failure::Usage(format!(
                "could not read the token from standard input: {error}"
            ))
        })?;
        text
    };
    let origin = base.origin();
    Ok(match desk.sign_in(&text).await? {
        SignedIn::Accepted { spent, quota } => {
            let spent = if spent {
                "; checking it used one request"
            } else {
                ""
            };
            let left = quota
                .map(|quota| {
                    format!(
                        " ({} of {} left in this window)",
                        quota.remaining, quota.limit
                    )
                })
                .unwrap_or_default();
            format!("signed in to {origin}: the server accepted the token{spent}{left}")
        }
        SignedIn::NotAllowed { message, .. } => format!(
            "signed in to {origin}, but the server says this token may not file tickets ({message}); tickets wait until it may"
        ),
        SignedIn::Unchecked { reason } => format!(
            "signed in to {origin}; the token could not be checked yet ({reason}): the first ticket sent checks it"
        ),
    })
}

pub(crate) async fn logout(desk: &Desk, base: &ApiBase) -> Result<String, Failure> {
    desk.sign_out().await?;
    Ok(format!("signed out of {}", base.origin()))
}
