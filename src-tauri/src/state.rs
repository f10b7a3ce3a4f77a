//! [`App`]: the one managed state: the outbox, the delivery engine for the
//! configured API, and the token cached in memory (it lives in the OS
//! keyring; it never reaches the webview).

use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use feedback_core::delivery::{Clock, TokenSource};
use feedback_core::{
    ApiBase, Client, ClientConfig, Delivery, DeliveryConfig, DeliveryStatus, Draft, DraftFile,
    Entry, Outbox, Submitted, Summary, Token, TokenStore,
};
use serde::Serialize;

use crate::ipc_error::IpcError;

/// How long `submit_ticket` waits for the server before answering "queued".
const SUBMIT_WAIT: Duration = Duration::from_secs(4);

pub(crate) struct App {
    pub(crate) outbox: Arc<Outbox>,
    pub(crate) drafts: DraftFile,
    tokens: TokenStore,
    token: Arc<RwLock<Option<Token>>>,
    // A tokio Mutex: it is held across the `.await` that stops the old
    // engine when the API base changes.
    session: tokio::sync::Mutex<Session>,
    pub(crate) status: Arc<Mutex<Option<DeliveryStatus>>>,
}

pub(crate) struct Session {
    pub(crate) base: ApiBase,
    pub(crate) delivery: Delivery,
}

/// What the window shows in its header and status line.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AppState {
    pub(crate) signed_in: bool,
    pub(crate) api_base: String,
    pub(crate) is_production: bool,
    pub(crate) outbox: Summary,
    pub(crate) status: Option<DeliveryStatus>,
    pub(crate) version: &'static str,
    pub(crate) os: &'static str,
}

impl App {
    /// Opens the outbox's engine for `base`, with the token from the keyring.
    pub(crate) fn new(
        outbox: Arc<Outbox>,
        base: ApiBase,
    ) -> Result<(Self, tokio::sync::broadcast::Receiver<feedback_core::Event>), IpcError> {
        let tokens = TokenStore::default();
        let token = Arc::new(RwLock::new(tokens.load(&base).unwrap_or(None)));
        let delivery = start_delivery(&base, outbox.clone(), token.clone())?;
        let events = delivery.subscribe();
        let drafts = DraftFile::beside(outbox.path());
        let app = Self {
            outbox,
            drafts,
            tokens,
            token,
            session: tokio::sync::Mutex::new(Session { base, delivery }),
            status: Arc::new(Mutex::new(None)),
        };
        Ok((app, events))
    }

    pub(crate) async fn state(&self) -> Result<AppState, IpcError> {
        let session = self.session.lock().await;
        Ok(AppState {
            signed_in: self.token.read().map(|t| t.is_some()).unwrap_or(false),
            api_base: session.base.to_string(),
            is_production: session.base.origin() == ApiBase::production().origin(),
            outbox: self.outbox.summary()?,
            status: self.status.lock().map(|s| s.clone()).unwrap_or(None),
            version: env!("CARGO_PKG_VERSION"),
            os: std::env::consts::OS,
        })
    }

    pub(crate) async fn sign_in(&self, text: String) -> Result<(), IpcError> {
        let token = Token::new(&text)?;
        let session = self.session.lock().await;
        let (store, base, saved) = (self.tokens.clone(), session.base.clone(), token.clone());
        blocking(move || store.save(&base, &saved)).await??;
        self.outbox
            .set_sign_in_needed(&session.base.origin(), false)?;
        *self.token.write().map_err(poisoned)? = Some(token);
        session.delivery.token_changed();
        Ok(())
    }

    pub(crate) async fn sign_out(&self) -> Result<(), IpcError> {
        let session = self.session.lock().await;
        let (store, base) = (self.tokens.clone(), session.base.clone());
        blocking(move || store.delete(&base)).await??;
        *self.token.write().map_err(poisoned)? = None;
        Ok(())
    }

    pub(crate) async fn submit(&self, draft: Draft) -> Result<Submitted, IpcError> {
        let session = self.session.lock().await;
        let account = session.base.origin();
        let now = Clock::system().now_ms();
        let submitted = feedback_core::submit(
            &self.outbox,
            Some(&session.delivery),
            &account,
            &draft,
            SUBMIT_WAIT,
            now,
        )
        .await?;
        match &submitted {
            Submitted::Invalid { .. } => {}
            // Refused while the person is looking at it: the ticket goes
            // back into the form (and the draft file) to be fixed and sent
            // again, instead of lingering in the outbox as a second copy.
            Submitted::NeedsAttention { id, .. } => {
                self.edit(id)?;
            }
            // Saved in the outbox: the form's draft has done its job.
            Submitted::Delivered { .. } | Submitted::Queued { .. } => self.drafts.clear()?,
        }
        Ok(submitted)
    }

    pub(crate) fn list(&self) -> Result<Vec<Entry>, IpcError> {
        Ok(self.outbox.list()?)
    }

    pub(crate) async fn retry(&self, id: &str) -> Result<Entry, IpcError> {
        let entry = self.outbox.retry(id, Clock::system().now_ms())?;
        self.session.lock().await.delivery.network_back();
        Ok(entry)
    }

    pub(crate) async fn send_queued_now(&self) -> Result<usize, IpcError> {
        let due = self.outbox.retry_all(Clock::system().now_ms())?;
        self.session.lock().await.delivery.network_back();
        Ok(due)
    }

    /// A needs-attention ticket back into the form: it leaves the outbox and
    /// becomes the draft.
    pub(crate) fn edit(&self, id: &str) -> Result<Draft, IpcError> {
        let entry = self.outbox.take_for_edit(id)?;
        let ticket = entry.ticket;
        let draft = Draft {
            channel_slug: ticket.channel_slug,
            subject: ticket.subject,
            message: ticket.message,
            priority: ticket.priority.map(|p| p.as_str().to_owned()),
            rating: ticket.rating.map(|r| r.to_string()),
            kind: ticket.kind.map(|k| k.as_str().to_owned()),
            tool_key: ticket.tool_key,
            page: ticket.page,
            user_agent: ticket.user_agent,
        };
        self.drafts.save(&draft)?;
        Ok(draft)
    }

    /// Points the app at another API: the engine restarts with that origin's token.
    pub(crate) async fn switch_base(
        &self,
        base: ApiBase,
    ) -> Result<tokio::sync::broadcast::Receiver<feedback_core::Event>, IpcError> {
        let mut session = self.session.lock().await;
        let (store, for_base) = (self.tokens.clone(), base.clone());
        let token = blocking(move || store.load(&for_base)).await??;
        *self.token.write().map_err(poisoned)? = token;
        let delivery = start_delivery(&base, self.outbox.clone(), self.token.clone())?;
        let events = delivery.subscribe();
        let old = std::mem::replace(&mut *session, Session { base, delivery });
        old.delivery.shutdown().await;
        Ok(events)
    }
}

fn start_delivery(
    base: &ApiBase,
    outbox: Arc<Outbox>,
    token: Arc<RwLock<Option<Token>>>,
) -> Result<Delivery, IpcError> {
    let config = ClientConfig {
        user_agent: feedback_core::client::default_user_agent("WemasyFeedback"),
        ..ClientConfig::default()
    };
    let client = Client::new(base.clone(), &config).map_err(|error| IpcError::new(None, error))?;
    let tokens: TokenSource = Arc::new(move |_| token.read().ok().and_then(|t| t.clone()));
    // The engine is a tokio task: start it inside Tauri's runtime, from
    // `setup` (a plain thread) as from a command.
    let _runtime = tauri::async_runtime::handle().inner().enter();
    let delivery = Delivery::start(
        DeliveryConfig::default(),
        outbox,
        client,
        tokens,
        Clock::system(),
    );
    delivery.network_back();
    Ok(delivery)
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, IpcError> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|error| IpcError::new(None, error))
}

fn poisoned<T>(_: T) -> IpcError {
    IpcError::new(None, "internal state was poisoned by an earlier failure")
}
