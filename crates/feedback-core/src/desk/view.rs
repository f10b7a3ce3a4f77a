//! What a window shows of the desk: the state in its header and status
//! line, the outbox by server, the sent history, suggestions while
//! typing, and the diagnostics report. Each is chosen in SQL; none holds a
//! token or, in the diagnostics, a ticket's text.

use serde::Serialize;

use super::{Desk, Result, lock};
use crate::api_base::ApiBase;
use crate::deliveries::OtherServer;
use crate::delivery::{DeliveryStatus, Quota, TokenLookup};
use crate::diagnostics::{Diagnostics, KeyringState};
use crate::outbox::{Entry, SentPage, SentQuery, SuggestionKind, Summary};

/// The desk's state, for a window's header and status line.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeskState {
    /// The start-up keyring read is not done yet: `signed_in` may change.
    pub starting: bool,
    pub signed_in: bool,
    pub api_base: String,
    /// Why the configured API base is unusable, when it is.
    pub invalid_base: Option<String>,
    pub is_production: bool,
    pub outbox: Summary,
    pub other_servers: Vec<OtherServer>,
    pub status: Option<DeliveryStatus>,
    pub quota: Option<Quota>,
    /// When this server last accepted the token (Unix ms).
    pub last_accepted: Option<i64>,
    pub version: &'static str,
    pub os: &'static str,
    pub notices: Vec<String>,
}

/// The outbox view: this server's unsent tickets, and other servers'
/// apart, each with its own.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxView {
    pub entries: Vec<Entry>,
    pub other_servers: Vec<OtherServerView>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OtherServerView {
    #[serde(flatten)]
    pub server: OtherServer,
    pub entries: Vec<Entry>,
}

/// Suggestions while typing: values the server accepted before.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Suggestions {
    pub channels: Vec<String>,
    pub tool_keys: Vec<String>,
}

impl Desk {
    /// The state once the start-up keyring read is done.
    pub async fn state(&self) -> Result<DeskState> {
        self.started().await;
        self.state_now()
    }

    /// The state as it is, the start-up keyring read done or not
    /// (`starting` says which): the form must not wait for the keyring.
    pub fn state_now(&self) -> Result<DeskState> {
        let base = self.deliveries().current();
        let origin = base.as_ref().map(ApiBase::origin).unwrap_or_default();
        let deliveries = &self.deliveries();
        Ok(DeskState {
            starting: !*self.ready.borrow(),
            signed_in: deliveries.token(&origin).is_some(),
            api_base: base.as_ref().map(ToString::to_string).unwrap_or_default(),
            invalid_base: base.as_ref().err().cloned(),
            is_production: origin == ApiBase::production().origin(),
            outbox: self.outbox().summary()?,
            other_servers: deliveries.other_servers()?,
            status: deliveries.status(),
            quota: deliveries.quota(),
            last_accepted: deliveries.last_accepted(),
            version: env!("CARGO_PKG_VERSION"),
            os: std::env::consts::OS,
            notices: lock(&self.notices).clone(),
        })
    }

    /// This server's unsent tickets, and other servers' apart.
    pub fn outbox_view(&self) -> Result<OutboxView> {
        self.recover();
        let current = self
            .deliveries()
            .current()
            .map(|base| base.origin())
            .unwrap_or_default();
        let other_servers = self
            .deliveries()
            .other_servers()?
            .into_iter()
            .map(|server| {
                let entries = self.outbox().list_unsent_of(&server.origin)?;
                Ok(OtherServerView { server, entries })
            })
            .collect::<Result<_>>()?;
        Ok(OutboxView {
            entries: self.outbox().list_unsent_of(&current)?,
            other_servers,
        })
    }

    /// A page of this server's sent history, newest first.
    pub fn sent(&self, search: String, offset: usize, limit: usize) -> Result<SentPage> {
        let account = self.deliveries().current().ok().map(|base| base.origin());
        Ok(self.outbox().sent(&SentQuery {
            account,
            search,
            offset,
            limit,
        })?)
    }

    /// One ticket, whole, with the server's reply for a delivered one.
    pub fn ticket(&self, id: &str) -> Result<Entry> {
        Ok(self.outbox().get(id)?)
    }

    pub fn suggestions(&self) -> Result<Suggestions> {
        Ok(Suggestions {
            channels: self.outbox().suggestions(SuggestionKind::Channel)?,
            tool_keys: self.outbox().suggestions(SuggestionKind::ToolKey)?,
        })
    }

    /// The diagnostics report as text: version, OS, server, keyring state,
    /// counts, last errors, rate limits, the policy. Never a token or a
    /// ticket's text.
    pub async fn diagnostics(&self) -> String {
        self.started().await;
        let base = self.deliveries().current();
        let keyring = match self.token_lookup() {
            TokenLookup::Found(_) => KeyringState::HasToken,
            TokenLookup::SignedOut => KeyringState::NoToken,
            TokenLookup::Unavailable(reason) => KeyringState::Unavailable(reason),
            TokenLookup::Rereading => {
                KeyringState::Unavailable("being read again after a sign-in elsewhere".into())
            }
        };
        let status = self.deliveries().status();
        Diagnostics::gather(
            &self.outbox(),
            base.as_ref().map_err(String::as_str),
            keyring,
            status.as_ref(),
            env!("CARGO_PKG_VERSION"),
            self.clock.now_ms(),
        )
        .to_text()
            + "\n"
            + &self.policy_report()
    }
}
