//! [`App`]: the one managed state: the outbox, one delivery engine per API
//! origin with tickets to send, and the tokens read from the OS keyring,
//! kept per origin in memory (they never reach the webview).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use feedback_core::delivery::{Clock, TokenShelf};
use feedback_core::{
    ApiBase, Client, ClientConfig, Delivery, DeliveryConfig, DeliveryStatus, Draft, DraftFile,
    Entry, Event, Outbox, Submitted, Summary, TokenLookup, TokenStore,
};
use serde::Serialize;
use tokio::sync::broadcast::Receiver;

use crate::ipc_error::IpcError;

/// How long `submit_ticket` waits for the server before answering "queued".
const SUBMIT_WAIT: Duration = Duration::from_secs(4);

/// How often a keyring that did not answer is asked again.
const KEYRING_RETRY: Duration = Duration::from_secs(10);

/// Where an engine's events go (with its origin): the shell forwards them
/// to the window.
pub(crate) type OnEvents = Arc<dyn Fn(String, Receiver<Event>) + Send + Sync>;

pub(crate) struct App {
    pub(crate) outbox: Arc<Outbox>,
    pub(crate) drafts: DraftFile,
    store: TokenStore,
    tokens: TokenShelf,
    // A tokio Mutex, as an engine is started under it from async code;
    // never held across a send or a keyring read.
    session: Arc<tokio::sync::Mutex<Session>>,
    /// True once the start-up keyring read is done: commands that depend on
    /// it wait (a locked keyring answers within its time limit).
    ready: tokio::sync::watch::Sender<bool>,
    pub(crate) status: Arc<Mutex<Option<DeliveryStatus>>>,
    /// The configured origin and the origins with an engine, readable
    /// without waiting (from window events and the tray).
    origins: Mutex<Origins>,
    /// How long delivered tickets are kept (the setting).
    keep: Mutex<Duration>,
    /// What went wrong that the person should know (an outbox file moved
    /// aside, a keyring that could not be read, an invalid API base).
    notices: Arc<Mutex<Vec<String>>>,
    on_events: OnEvents,
}

struct Session {
    /// The configured server; `Err` with the reason when the configured
    /// base is invalid (nothing is filed anywhere until it is fixed).
    base: Result<ApiBase, String>,
    /// One engine per origin: the configured one, and any other origin
    /// whose waiting tickets have a token of their own.
    engines: HashMap<String, Arc<Delivery>>,
}

#[derive(Default)]
struct Origins {
    current: Option<String>,
    delivering: Vec<String>,
}

/// Tickets waiting for a server other than the configured one.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OtherServer {
    pub(crate) origin: String,
    pub(crate) waiting: usize,
    /// Being delivered with that server's own token.
    pub(crate) delivering: bool,
}

/// What the window shows in its header and status line.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AppState {
    pub(crate) signed_in: bool,
    pub(crate) api_base: String,
    pub(crate) is_production: bool,
    pub(crate) outbox: Summary,
    pub(crate) other_servers: Vec<OtherServer>,
    pub(crate) status: Option<DeliveryStatus>,
    pub(crate) version: &'static str,
    pub(crate) os: &'static str,
    pub(crate) notices: Vec<String>,
}

impl App {
    /// The app for `base`; [`App::start`] reads the token and starts delivery.
    pub(crate) fn new(
        outbox: Arc<Outbox>,
        base: Result<ApiBase, String>,
        notices: Vec<String>,
        on_events: OnEvents,
    ) -> Self {
        let drafts = DraftFile::beside(outbox.path());
        let mut notices = notices;
        if let Err(reason) = &base {
            notices.push(reason.clone());
        }
        let origins = Origins {
            current: base.as_ref().map(ApiBase::origin).ok(),
            delivering: Vec::new(),
        };
        Self {
            outbox,
            drafts,
            store: TokenStore::default(),
            tokens: TokenShelf::new(),
            session: Arc::new(tokio::sync::Mutex::new(Session {
                base,
                engines: HashMap::new(),
            })),
            ready: tokio::sync::watch::channel(false).0,
            status: Arc::new(Mutex::new(None)),
            origins: Mutex::new(origins),
            keep: Mutex::new(DeliveryConfig::default().keep_delivered),
            notices: Arc::new(Mutex::new(notices)),
            on_events,
        }
    }

    /// Reads the token off the main thread (a locked keyring may take
    /// seconds to answer and the window must not wait for it), then starts
    /// delivery; a keyring that does not answer is asked again until it does.
    pub(crate) async fn start(&self) {
        let base = self.session.lock().await.base.clone();
        if let Ok(base) = &base {
            self.read_token(base).await;
            self.ensure_engine(base).await;
        }
        self.ready.send_replace(true);
        self.deliver_other_servers().await;
    }

    async fn started(&self) {
        let mut ready = self.ready.subscribe();
        let _ = ready.wait_for(|ready| *ready).await;
    }

    /// Reads `base`'s token into the shelf; on failure, keeps asking in the
    /// background and wakes the engine once the keyring answers.
    async fn read_token(&self, base: &ApiBase) {
        let origin = base.origin();
        let lookup = self.load(base).await;
        let failed = matches!(lookup, TokenLookup::Unavailable(_));
        self.tokens.set(&origin, lookup);
        if !failed {
            return;
        }
        let (store, shelf, base) = (self.store.clone(), self.tokens.clone(), base.clone());
        // The engine asks the shelf again by itself; the wake only saves time.
        let session = self.session.clone();
        tauri::async_runtime::spawn(async move {
            loop {
                tokio::time::sleep(KEYRING_RETRY).await;
                let (store, for_base) = (store.clone(), base.clone());
                let lookup = match blocking(move || store.load(&for_base)).await {
                    Ok(Ok(token)) => TokenLookup::from(token),
                    _ => continue,
                };
                shelf.set(&base.origin(), lookup);
                if let Some(engine) = session.lock().await.engines.get(&base.origin()) {
                    engine.token_changed();
                }
                break;
            }
        });
    }

    async fn load(&self, base: &ApiBase) -> TokenLookup {
        let (store, for_base) = (self.store.clone(), base.clone());
        match blocking(move || store.load(&for_base)).await {
            Ok(Ok(token)) => TokenLookup::from(token),
            Ok(Err(error)) => {
                note(&self.notices, error.to_string());
                TokenLookup::Unavailable(error.to_string())
            }
            Err(error) => TokenLookup::Unavailable(error.message),
        }
    }

    pub(crate) async fn state(&self) -> Result<AppState, IpcError> {
        self.started().await;
        let (base, delivering) = {
            let session = self.session.lock().await;
            let delivering: Vec<String> = session.engines.keys().cloned().collect();
            (session.base.clone(), delivering)
        };
        let origin = base.as_ref().map(ApiBase::origin).unwrap_or_default();
        let outbox = self.outbox.clone();
        let (summary, waiting) = blocking(move || {
            Ok::<_, feedback_core::OutboxError>((outbox.summary()?, outbox.waiting_accounts()?))
        })
        .await??;
        let other_servers = waiting
            .into_iter()
            .filter(|(account, _)| *account != origin)
            .map(|(account, waiting)| OtherServer {
                delivering: delivering.contains(&account),
                origin: account,
                waiting,
            })
            .collect();
        Ok(AppState {
            signed_in: self.tokens.token(&origin).is_some(),
            api_base: base.as_ref().map(ToString::to_string).unwrap_or_default(),
            is_production: origin == ApiBase::production().origin(),
            outbox: summary,
            other_servers,
            status: self.status.lock().map(|s| s.clone()).unwrap_or(None),
            version: env!("CARGO_PKG_VERSION"),
            os: std::env::consts::OS,
            notices: self.notices.lock().map(|n| n.clone()).unwrap_or_default(),
        })
    }

    pub(crate) async fn sign_in(&self, text: String) -> Result<(), IpcError> {
        // After the start-up read, which would otherwise overwrite this.
        self.started().await;
        let token = feedback_core::Token::new(&text)?;
        let base = self.base().await?;
        let (store, for_base, saved) = (self.store.clone(), base.clone(), token.clone());
        blocking(move || store.save(&for_base, &saved)).await??;
        self.tokens.set(&base.origin(), TokenLookup::Found(token));
        // A queue paused for a refused token goes again: the pause is tied
        // to that token, not to this one.
        self.wake(&base.origin()).await;
        Ok(())
    }

    pub(crate) async fn sign_out(&self) -> Result<(), IpcError> {
        self.started().await;
        let base = self.base().await?;
        let (store, for_base) = (self.store.clone(), base.clone());
        blocking(move || store.delete(&for_base)).await??;
        self.tokens.set(&base.origin(), TokenLookup::SignedOut);
        self.wake(&base.origin()).await;
        Ok(())
    }

    /// Validates, saves and tries to deliver `draft`, waiting a few seconds
    /// for the outcome without holding any lock, so other commands go on.
    pub(crate) async fn submit(&self, draft: Draft) -> Result<Submitted, IpcError> {
        self.started().await;
        let base = self.base().await?;
        let engine = self.ensure_engine(&base).await;
        let submitted = feedback_core::submit(
            &self.outbox,
            engine.as_deref(),
            &base.origin(),
            &draft,
            SUBMIT_WAIT,
            &Clock::system(),
        )
        .await?;
        match &submitted {
            Submitted::Invalid { .. } => {}
            // Refused while the person is looking at it: the ticket goes
            // back into the form (and the draft file) to be fixed and sent
            // again, instead of lingering in the outbox as a second copy.
            Submitted::NeedsAttention { id, .. } => {
                self.edit(id.clone()).await?;
            }
            // Saved in the outbox: the form's draft has done its job.
            Submitted::Delivered { .. } | Submitted::Queued { .. } => {
                let drafts = self.drafts.clone();
                blocking(move || drafts.clear()).await??;
            }
        }
        Ok(submitted)
    }

    /// What the outbox view shows: the unsent tickets, chosen in SQL.
    pub(crate) async fn list(&self) -> Result<Vec<Entry>, IpcError> {
        let outbox = self.outbox.clone();
        Ok(blocking(move || outbox.list_unsent()).await??)
    }

    /// Writes `origin`'s unsent tickets (every server's when `None`) as
    /// JSON into `dir`; returns the file's path.
    pub(crate) async fn export(
        &self,
        origin: Option<String>,
        dir: std::path::PathBuf,
    ) -> Result<String, IpcError> {
        let outbox = self.outbox.clone();
        let now = Clock::system().now_ms();
        blocking(move || {
            let host: String = origin
                .as_deref()
                .unwrap_or("all")
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect();
            let file = dir.join(format!("wemasy-feedback-{host}-{now}.json"));
            outbox.export_unsent(&file, origin.as_deref())?;
            Ok(file.display().to_string())
        })
        .await?
    }

    pub(crate) async fn discard(&self, id: String) -> Result<Entry, IpcError> {
        let outbox = self.outbox.clone();
        Ok(blocking(move || outbox.discard(&id)).await??)
    }

    pub(crate) async fn retry(&self, id: String) -> Result<Entry, IpcError> {
        let outbox = self.outbox.clone();
        let now = Clock::system().now_ms();
        let entry = blocking(move || outbox.retry(&id, now)).await??;
        self.network_back().await;
        Ok(entry)
    }

    /// Every queued ticket due now, and any wait or pause the server set
    /// lifted; tickets the server refused stay for an edit.
    pub(crate) async fn send_queued_now(&self) -> Result<usize, IpcError> {
        let outbox = self.outbox.clone();
        let now = Clock::system().now_ms();
        let due = blocking(move || outbox.send_now(now)).await??;
        self.network_back().await;
        Ok(due)
    }

    async fn network_back(&self) {
        for engine in self.session.lock().await.engines.values() {
            engine.network_back();
        }
    }

    async fn wake(&self, origin: &str) {
        if let Some(engine) = self.session.lock().await.engines.get(origin) {
            engine.token_changed();
        }
    }

    /// A needs-attention ticket back into the form: its fields are written
    /// as the draft first, and only then does it leave the outbox.
    pub(crate) async fn edit(&self, id: String) -> Result<Draft, IpcError> {
        let (outbox, drafts) = (self.outbox.clone(), self.drafts.clone());
        blocking(move || {
            let kept =
                outbox.take_for_edit(&id, |entry| drafts.save(&Draft::from(&entry.ticket)))?;
            Ok::<_, IpcError>(Draft::from(&kept?.ticket))
        })
        .await?
    }

    pub(crate) async fn draft_save(&self, draft: Draft) -> Result<(), IpcError> {
        let drafts = self.drafts.clone();
        Ok(blocking(move || drafts.save(&draft)).await??)
    }

    pub(crate) async fn draft_load(&self) -> Result<Option<Draft>, IpcError> {
        let drafts = self.drafts.clone();
        Ok(blocking(move || drafts.load()).await??)
    }

    /// Points the app at `base`. The same base as now changes nothing:
    /// saving other settings never touches delivery. Another one gets its
    /// own engine with its own token; the old server's engine finishes its
    /// attempt in flight and goes on delivering that server's tickets while
    /// it has a token and tickets.
    pub(crate) async fn switch_base(&self, base: Result<ApiBase, String>) -> Result<(), IpcError> {
        {
            let mut session = self.session.lock().await;
            if session.base == base {
                return Ok(());
            }
            session.base = base.clone();
        }
        if let Ok(mut origins) = self.origins.lock() {
            origins.current = base.as_ref().map(ApiBase::origin).ok();
        }
        if let Ok(mut status) = self.status.lock() {
            *status = None;
        }
        if let Ok(base) = &base {
            self.ensure_engine(base).await;
            if self.tokens.token(&base.origin()).is_none() {
                self.read_token(base).await;
            }
        }
        self.deliver_other_servers().await;
        Ok(())
    }

    /// Starts engines for other origins with waiting tickets and a token in
    /// the keyring; stops those whose origin has nothing left to send.
    async fn deliver_other_servers(&self) {
        let outbox = self.outbox.clone();
        let Ok(Ok(waiting)) = blocking(move || outbox.waiting_accounts()).await else {
            return;
        };
        let current = self
            .session
            .lock()
            .await
            .base
            .as_ref()
            .map(ApiBase::origin)
            .ok();
        for (origin, _) in waiting {
            if Some(&origin) == current.as_ref() {
                continue;
            }
            let Ok(base) = ApiBase::parse(&origin) else {
                continue;
            };
            if let TokenLookup::Found(token) = self.load(&base).await {
                self.tokens.set(&origin, TokenLookup::Found(token));
                self.ensure_engine(&base).await;
            }
        }
    }

    /// The engine for `base`, started if there is none.
    async fn ensure_engine(&self, base: &ApiBase) -> Option<Arc<Delivery>> {
        let mut session = self.session.lock().await;
        if let Some(engine) = session.engines.get(&base.origin()) {
            return Some(engine.clone());
        }
        let keep = self
            .keep
            .lock()
            .map_or_else(|_| DeliveryConfig::default().keep_delivered, |keep| *keep);
        match start_delivery(base, self.outbox.clone(), &self.tokens, keep) {
            Ok(engine) => {
                let engine = Arc::new(engine);
                let events = engine.subscribe();
                // A status reached before the subscription is not lost.
                if Ok(base.origin()) == session.base.as_ref().map(ApiBase::origin)
                    && let Some(status) = engine.status()
                    && let Ok(mut current) = self.status.lock()
                {
                    *current = Some(status);
                }
                (self.on_events)(base.origin(), events);
                session.engines.insert(base.origin(), engine.clone());
                if let Ok(mut origins) = self.origins.lock() {
                    origins.delivering.push(base.origin());
                }
                Some(engine)
            }
            Err(error) => {
                note(&self.notices, error.message);
                None
            }
        }
    }

    /// Whether `origin` is the configured server (its engine's status is
    /// the one the window shows).
    pub(crate) fn is_current(&self, origin: &str) -> bool {
        self.origins
            .lock()
            .is_ok_and(|origins| origins.current.as_deref() == Some(origin))
    }

    /// Tickets queued or being sent that some engine here will send: the
    /// ones worth keeping the app running (in the tray) for. Another
    /// server's tickets with no token here wait for a person instead.
    pub(crate) fn deliverable_waiting(&self) -> usize {
        let Ok(waiting) = self.outbox.waiting_accounts() else {
            return 0;
        };
        let Ok(origins) = self.origins.lock() else {
            return 0;
        };
        waiting
            .into_iter()
            .filter(|(origin, _)| {
                origins.current.as_deref() == Some(origin.as_str())
                    || origins.delivering.contains(origin)
            })
            .map(|(_, count)| count)
            .sum()
    }

    async fn base(&self) -> Result<ApiBase, IpcError> {
        self.session
            .lock()
            .await
            .base
            .clone()
            .map_err(|reason| IpcError::new(Some("invalid_api_base"), reason))
    }

    /// How long delivered tickets are kept, for every engine now and later.
    pub(crate) async fn keep_delivered(&self, days: u32) {
        let keep = Duration::from_secs(u64::from(days.max(1)) * 86_400);
        if let Ok(mut current) = self.keep.lock() {
            *current = keep;
        }
        for engine in self.session.lock().await.engines.values() {
            engine.set_keep_delivered(keep);
        }
    }

    /// Stops every engine, each after its attempt in flight is recorded.
    pub(crate) async fn shutdown(&self) {
        let engines: Vec<Arc<Delivery>> = self
            .session
            .lock()
            .await
            .engines
            .drain()
            .map(|(_, e)| e)
            .collect();
        for engine in engines {
            engine.shutdown().await;
        }
    }
}

fn start_delivery(
    base: &ApiBase,
    outbox: Arc<Outbox>,
    tokens: &TokenShelf,
    keep_delivered: Duration,
) -> Result<Delivery, IpcError> {
    let config = ClientConfig {
        user_agent: feedback_core::client::default_user_agent("WemasyFeedback"),
        ..ClientConfig::default()
    };
    let client = Client::new(base.clone(), &config).map_err(|error| IpcError::new(None, error))?;
    // The engine is a tokio task: start it inside Tauri's runtime, from
    // `setup` (a plain thread) as from a command.
    let _runtime = tauri::async_runtime::handle().inner().enter();
    let delivery = Delivery::start(
        DeliveryConfig {
            keep_delivered,
            ..DeliveryConfig::default()
        },
        outbox,
        client,
        tokens.source(),
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
    if let Ok(mut notices) = notices.lock()
        && !notices.contains(&notice)
    {
        notices.push(notice);
    }
}
