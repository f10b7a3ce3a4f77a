//! The token: signing in (the server asked first whether it takes it) and
//! out of the configured server. Each is counted
//! in the outbox, so that every other process sharing it (the app beside a
//! CLI's `login`) reads its keyring again; the token itself stays in the
//! keyring and in memory.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;

use super::{Desk, DeskError, Result};
use crate::api_base::ApiBase;
use crate::client::Reply;
use crate::delivery::{Quota, TokenLookup};
use crate::http::BoxFuture;
use crate::keyring::Keyring;
use crate::outcome::{Class, Outcome};
use crate::token::Token;
use crate::token_store::TokenStoreError;

/// How long sign-in waits for the server to say whether it takes a token
/// before keeping it unchecked.
const CHECK_WAIT: Duration = Duration::from_secs(8);

/// What the server said of a token at sign-in. A refused token is an
/// error ([`DeskError::TokenRefused`]) and is not kept.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum SignedIn {
    /// The server took it. Checking it spent one request of the quota
    /// (`spent`; none when the quota was already spent), which stands as
    /// `quota` says now.
    Accepted { spent: bool, quota: Option<Quota> },
    /// The server knows the token, but it may not file tickets: kept, for
    /// when its rights are granted; tickets wait until then.
    NotAllowed {
        message: String,
        quota: Option<Quota>,
    },
    /// No answer, or one that says nothing of the token (a proxy's page):
    /// kept, and checked by the first ticket; never "ready" before.
    Unchecked { reason: String },
}

impl Desk {
    /// Checks `text` with the configured server, without filing anything
    /// ([`Client::check`](crate::Client::check)), then keeps it as that
    /// server's token (in the keyring, then in memory) unless the server
    /// refused it: a refused token is not kept, and the token kept before
    /// stays. A queue paused because the server refused the old token goes
    /// again: the pause is tied to that token.
    pub async fn sign_in(&self, text: &str) -> Result<SignedIn> {
        // After the start-up read, which would otherwise overwrite this.
        self.started().await;
        let token = Token::new(text)?;
        let base = self.base()?;
        let deliveries = self.deliveries();
        let reply = deliveries.check_token(&base, &token, CHECK_WAIT).await;
        let said = reply.as_ref().and_then(Reply::token_accepted);
        if said == Some(false) {
            let message = reply
                .map(|reply| reply.outcome.to_string())
                .unwrap_or_default();
            return Err(DeskError::TokenRefused(message));
        }
        deliveries.keyring().save(&base, &token).await?;
        let origin = base.origin();
        let now = self.clock.now_ms();
        // The last acceptance was the old token's. An outbox that cannot
        // take this leaves the header's "accepted at" as it was (its own
        // trouble is told apart); the token is kept either way.
        let accepted = (said == Some(true)).then_some(now);
        let _ = deliveries.outbox().set_last_accepted(&origin, accepted);
        deliveries.set_token(&origin, TokenLookup::Found(token));
        self.tell_token_changed(&origin)?;
        let quota = deliveries.quota();
        Ok(match reply {
            None => SignedIn::Unchecked {
                reason: format!("no reply within {} s", CHECK_WAIT.as_secs()),
            },
            Some(reply) if said.is_none() => SignedIn::Unchecked {
                reason: reply.outcome.to_string(),
            },
            Some(Reply {
                outcome: Outcome::Forbidden { message },
                ..
            }) => SignedIn::NotAllowed { message, quota },
            Some(reply) => SignedIn::Accepted {
                spent: reply.outcome.class() != Class::RateLimited,
                quota,
            },
        })
    }

    /// Removes the configured server's token: nothing more goes to it with
    /// that token, from this process or any other sharing the outbox.
    pub async fn sign_out(&self) -> Result<()> {
        self.started().await;
        let base = self.base()?;
        self.deliveries().keyring().delete(&base).await?;
        let origin = base.origin();
        self.deliveries().set_token(&origin, TokenLookup::SignedOut);
        self.tell_token_changed(&origin)
    }

    /// What is known of the configured server's token.
    pub fn token_lookup(&self) -> TokenLookup {
        match self.base() {
            Ok(base) => self.deliveries().token_lookup(&base.origin()),
            Err(error) => TokenLookup::Unavailable(error.to_string()),
        }
    }

    /// Tells the other processes sharing the outbox (through it) that
    /// `origin`'s token changed. The keyring and this process have it
    /// either way; a process beside this one not told would only read it
    /// at its next start, so that is said.
    fn tell_token_changed(&self, origin: &str) -> Result<()> {
        self.deliveries()
            .tell_token_changed(origin)
            .map_err(DeskError::NotTold)
    }
}

/// The keyring, whose failures to answer are also shown in the window.
#[derive(Debug)]
pub(super) struct Noting {
    pub(super) keyring: Arc<dyn Keyring>,
    pub(super) notices: Arc<Mutex<Vec<String>>>,
}

impl Noting {
    fn noted<T: Send + 'static>(
        &self,
        asked: BoxFuture<'static, std::result::Result<T, TokenStoreError>>,
    ) -> BoxFuture<'static, std::result::Result<T, TokenStoreError>> {
        let notices = self.notices.clone();
        Box::pin(async move {
            asked
                .await
                .inspect_err(|error| super::note(&notices, error.to_string()))
        })
    }
}

impl Keyring for Noting {
    fn load(
        &self,
        base: &ApiBase,
    ) -> BoxFuture<'static, std::result::Result<Option<Token>, TokenStoreError>> {
        self.noted(self.keyring.load(base))
    }

    fn save(
        &self,
        base: &ApiBase,
        token: &Token,
    ) -> BoxFuture<'static, std::result::Result<(), TokenStoreError>> {
        self.keyring.save(base, token)
    }

    fn delete(
        &self,
        base: &ApiBase,
    ) -> BoxFuture<'static, std::result::Result<(), TokenStoreError>> {
        self.keyring.delete(base)
    }
}
