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
    // engine when the API base changes, and by the start-up task until the
    // token has been read from the keyring, so no command sees the app
    // half-started.
    session: Arc<tokio::sync::Mutex<Session>>,
    pub(crate) status: Arc<Mutex<Option<DeliveryStatus>>>,
    /// What went wrong at start-up that the person should know (an outbox
    /// file moved aside, a keyring that could not be read).
    notices: Arc<Mutex<Vec<String>>>,
}

pub(crate) struct Session {
    pub(crate) base: ApiBase,
    /// `None` until the start-up task has read the token.
    pub(crate) delivery: Option<Delivery>,
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
    pub(crate) notices: Vec<String>,
}

impl App {
    /// The app for `base`; [`App::start`] reads the token and starts delivery.
    pub(crate) fn new(outbox: Arc<Outbox>, base: ApiBase, notices: Vec<String>) -> Self {
        let drafts = DraftFile::beside(outbox.path());
        Self {
            outbox,
            drafts,
            tokens: TokenStore::default(),
            token: Arc::new(RwLock::new(None)),
            session: Arc::new(tokio::sync::Mutex::new(Session {
                base,
                delivery: None,
            })),
            status: Arc::new(Mutex::new(None)),
            notices: Arc::new(Mutex::new(notices)),
        }
    }

    /// Reads the token from the keyring off the main thread (a locked
    /// keyring may take seconds to answer, and the window must not wait for
    /// it), then starts delivery; `on_events` gets the engine's events.
    /// Commands wait for this, as the session stays locked until it is done.
    pub(crate) fn start(
        &self,
        on_events: impl FnOnce(tokio::sync::broadcast::Receiver<feedback_core::Event>) + Send + 'static,
    ) -> Result<(), IpcError> {
        let mut session = self
            .session
            .clone()
            .try_lock_owned()
            .map_err(|_| IpcError::new(None, "the app was started twice"))?;
        let (store, outbox) = (self.tokens.clone(), self.outbox.clone());
        let (token, notices) = (self.token.clone(), self.notices.clone());
        tauri::async_runtime::spawn(async move {
            let base = session.base.clone();
            match blocking(move || store.load(&base)).await {
                Ok(Ok(loaded)) => {
                    if let Ok(mut slot) = token.write() {
                        *slot = loaded;
                    }
                }
                Ok(Err(error)) => note(&notices, error.to_string()),
                Err(error) => note(&notices, error.message),
            }
            match start_delivery(&session.base, outbox, token) {
                Ok(delivery) => {
                    on_events(delivery.subscribe());
                    session.delivery = Some(delivery);
                }
                Err(error) => note(&notices, error.message),
            }
        });
        Ok(())
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
            notices: self.notices.lock().map(|n| n.clone()).unwrap_or_default(),
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
        if let Some(delivery) = &session.delivery {
            delivery.token_changed();
        }
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
            session.delivery.as_ref(),
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
        self.network_back().await;
        Ok(entry)
    }

    pub(crate) async fn send_queued_now(&self) -> Result<usize, IpcError> {
        let due = self.outbox.retry_all(Clock::system().now_ms())?;
        self.network_back().await;
        Ok(due)
    }

    async fn network_back(&self) {
        if let Some(delivery) = &self.session.lock().await.delivery {
            delivery.network_back();
        }
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
        let old = std::mem::replace(
            &mut *session,
            Session {
                base,
                delivery: Some(delivery),
            },
        );
        if let Some(delivery) = old.delivery {
            delivery.shutdown().await;
        }
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

fn note(notices: &Mutex<Vec<String>>, notice: String) {
    eprintln!("wemasy-feedback: {notice}");
    if let Ok(mut notices) = notices.lock() {
        notices.push(notice);
    }
}

fn poisoned<T>(_: T) -> IpcError {
    IpcError::new(None, "internal state was poisoned by an earlier failure")
}
