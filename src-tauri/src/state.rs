//! [`App`]: the one managed state: the outbox, the autosaved draft, and
//! [`Deliveries`] (one engine per API origin, each with that origin's own
//! token from the OS keyring, kept in memory; tokens never reach the
//! webview).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use feedback_core::delivery::Clock;
use feedback_core::delivery::Quota;
use feedback_core::diagnostics::{Diagnostics, KeyringState};
use feedback_core::outbox::{
    ImportReport, SentPage, SentQuery, SuggestionKind, Template, TemplateFields,
};
use feedback_core::policy;
use feedback_core::{
    ApiBase, ClientConfig, Deliveries, DeliveryConfig, DeliveryStatus, Draft, DraftFile, Entry,
    LoadToken, OtherServer, Outbox, Submitted, Summary, TokenLookup, TokenStore,
};
use serde::Serialize;

use crate::capture::ShortcutReport;
use crate::ipc_error::IpcError;

/// How long `submit_ticket` waits for the server before answering "queued".
const SUBMIT_WAIT: Duration = Duration::from_secs(4);

pub(crate) struct App {
    pub(crate) outbox: Arc<Outbox>,
    pub(crate) drafts: DraftFile,
    store: TokenStore,
    pub(crate) deliveries: Arc<Deliveries>,
    /// True once the start-up keyring read is done: commands that depend on
    /// it wait (a locked keyring answers within its time limit).
    ready: tokio::sync::watch::Sender<bool>,
    /// Why the outbox file could not be opened at start, if it could not.
    unusable: Option<String>,
    /// The quick-capture shortcut as last applied.
    pub(crate) shortcut: Mutex<ShortcutReport>,
    /// Whether a tray host shows the tray icon (read once at start).
    pub(crate) tray_available: std::sync::atomic::AtomicBool,
    /// What went wrong that the person should know (an outbox file moved
    /// aside, a keyring that could not be read, an invalid API base).
    notices: Arc<Mutex<Vec<String>>>,
    /// The organisation's policy, as held since the start.
    pub(crate) policy: crate::policy::OrgPolicy,
}

/// What the window shows in its header and status line.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AppState {
    /// The start-up keyring read is not done yet: `signed_in` may change.
    pub(crate) starting: bool,
    pub(crate) signed_in: bool,
    pub(crate) api_base: String,
    /// Why the configured API base is unusable, when it is.
    pub(crate) invalid_base: Option<String>,
    pub(crate) is_production: bool,
    pub(crate) outbox: Summary,
    pub(crate) other_servers: Vec<OtherServer>,
    pub(crate) status: Option<DeliveryStatus>,
    pub(crate) quota: Option<Quota>,
    /// When this server last accepted the token (Unix ms).
    pub(crate) last_accepted: Option<i64>,
    pub(crate) shortcut: ShortcutReport,
    pub(crate) tray_available: bool,
    pub(crate) version: &'static str,
    pub(crate) os: &'static str,
    pub(crate) notices: Vec<String>,
}

/// All the window needs to show its form, in one answer: start-up time
/// is the form's, and every round trip counts.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WindowStart {
    pub(crate) settings: crate::settings::Settings,
    pub(crate) app: AppState,
    pub(crate) draft: Option<Draft>,
}

/// The outbox view: this server's unsent tickets, and other servers'
/// apart, each with its own.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OutboxView {
    pub(crate) entries: Vec<Entry>,
    pub(crate) other_servers: Vec<OtherServerView>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OtherServerView {
    #[serde(flatten)]
    pub(crate) server: OtherServer,
    pub(crate) entries: Vec<Entry>,
}

/// Suggestions while typing: values the server accepted before.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Suggestions {
    pub(crate) channels: Vec<String>,
    pub(crate) tool_keys: Vec<String>,
}

impl App {
    /// The app for `base`; [`App::start`] reads the token and starts
    /// delivery. `on_engine` gets each engine's events.
    /// `unusable`: why the outbox file could not be opened (`outbox` is
    /// then a stand-in that keeps nothing, and no ticket is taken).
    pub(crate) fn new(
        outbox: Arc<Outbox>,
        drafts: DraftFile,
        unusable: Option<String>,
        base: Result<ApiBase, String>,
        notices: Vec<String>,
        policy: crate::policy::OrgPolicy,
        on_engine: feedback_core::deliveries::OnEngine,
    ) -> Self {
        let mut notices = notices;
        notices.extend(unusable.clone());
        if let Err(reason) = &base {
            notices.push(reason.clone());
        }
        let notices = Arc::new(Mutex::new(notices));
        let store = TokenStore::default();
        let client = ClientConfig {
            user_agent: feedback_core::client::default_user_agent("WemasyFeedback"),
            ..ClientConfig::default()
        };
        let deliveries = Deliveries::new(outbox.clone(), base, keyring(&store, &notices))
            .with_config(client, DeliveryConfig::default())
            .on_engine(on_engine);
        let deliveries = Arc::new(deliveries);
        Self {
            outbox,
            drafts,
            store,
            deliveries,
            ready: tokio::sync::watch::channel(false).0,
            unusable,
            shortcut: Mutex::new(ShortcutReport::default()),
            tray_available: std::sync::atomic::AtomicBool::new(false),
            notices,
            policy,
        }
    }

    /// Reads the token off the main thread (a locked keyring may take
    /// seconds to answer and the window must not wait for it), then starts
    /// delivery; a keyring that does not answer is asked again until it does.
    pub(crate) async fn start(&self) {
        self.deliveries.start().await;
        self.ready.send_replace(true);
    }

    async fn started(&self) {
        let mut ready = self.ready.subscribe();
        let _ = ready.wait_for(|ready| *ready).await;
    }

    /// The state once the start-up keyring read is done.
    pub(crate) async fn state(&self) -> Result<AppState, IpcError> {
        self.started().await;
        self.state_now().await
    }

    /// The state as it is, the start-up keyring read done or not
    /// (`starting` says which): a locked keyring may take seconds to
    /// answer, and the form must not wait for it.
    async fn state_now(&self) -> Result<AppState, IpcError> {
        let starting = !*self.ready.borrow();
        let base = self.deliveries.current();
        let origin = base.as_ref().map(ApiBase::origin).unwrap_or_default();
        let (outbox, deliveries) = (self.outbox.clone(), self.deliveries.clone());
        let (summary, other_servers) = blocking(move || {
            Ok::<_, feedback_core::OutboxError>((outbox.summary()?, deliveries.other_servers()?))
        })
        .await??;
        let deliveries = &self.deliveries;
        Ok(AppState {
            starting,
            signed_in: deliveries.token(&origin).is_some(),
            api_base: base.as_ref().map(ToString::to_string).unwrap_or_default(),
            invalid_base: base.as_ref().err().cloned(),
            is_production: origin == ApiBase::production().origin(),
            outbox: summary,
            other_servers,
            status: deliveries.status(),
            quota: deliveries.quota(),
            last_accepted: deliveries.last_accepted(),
            shortcut: self.shortcut.lock().map(|s| s.clone()).unwrap_or_default(),
            tray_available: self.tray_available(),
            version: env!("CARGO_PKG_VERSION"),
            os: std::env::consts::OS,
            notices: self.notices.lock().map(|n| n.clone()).unwrap_or_default(),
        })
    }

    /// What the window shows first: the settings, the app's state (without
    /// waiting for the keyring) and the saved draft.
    pub(crate) async fn window_start<R: tauri::Runtime>(
        &self,
        handle: &tauri::AppHandle<R>,
    ) -> Result<WindowStart, IpcError> {
        let settings = crate::settings::Settings::load(handle);
        // A draft that cannot be read is a notice, not a window that
        // cannot start.
        let draft = self.draft_load().await.unwrap_or_else(|error| {
            self.notice(format!(
                "The saved draft could not be read: {}",
                error.message
            ));
            None
        });
        Ok(WindowStart {
            settings,
            app: self.state_now().await?,
            draft,
        })
    }

    pub(crate) async fn sign_in(&self, text: String) -> Result<(), IpcError> {
        // After the start-up read, which would otherwise overwrite this.
        self.started().await;
        let token = feedback_core::Token::new(&text)?;
        let base = self.base()?;
        let (store, for_base, saved) = (self.store.clone(), base.clone(), token.clone());
        blocking(move || store.save(&for_base, &saved)).await??;
        self.deliveries
            .set_token(&base.origin(), TokenLookup::Found(token));
        Ok(())
    }

    pub(crate) async fn sign_out(&self) -> Result<(), IpcError> {
        self.started().await;
        let base = self.base()?;
        let (store, for_base) = (self.store.clone(), base.clone());
        blocking(move || store.delete(&for_base)).await??;
        self.deliveries
            .set_token(&base.origin(), TokenLookup::SignedOut);
        Ok(())
    }

    /// Validates, saves and tries to deliver `draft`, waiting a few seconds
    /// for the outcome without holding any lock, so other commands go on.
    pub(crate) async fn submit(&self, draft: Draft) -> Result<Submitted, IpcError> {
        self.started().await;
        if let Some(reason) = &self.unusable {
            // A ticket taken now could not be kept: refuse it, say why.
            return Err(IpcError::new(Some("outbox_unavailable"), reason));
        }
        let base = self.base()?;
        let engine = self.deliveries.engine().await.ok();
        let submitted = feedback_core::submit(
            &self.outbox,
            engine.as_deref(),
            &base,
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

    /// What the outbox view shows: this server's unsent tickets, and
    /// other servers' apart, chosen in SQL.
    pub(crate) async fn outbox_view(&self) -> Result<OutboxView, IpcError> {
        let deliveries = self.deliveries.clone();
        Ok(blocking(move || {
            let outbox = deliveries.outbox();
            let current = deliveries
                .current()
                .map(|base| base.origin())
                .unwrap_or_default();
            let other_servers = deliveries
                .other_servers()?
                .into_iter()
                .map(|server| {
                    let entries = outbox.list_unsent_of(&server.origin)?;
                    Ok(OtherServerView { server, entries })
                })
                .collect::<Result<_, feedback_core::OutboxError>>()?;
            Ok::<_, feedback_core::OutboxError>(OutboxView {
                entries: outbox.list_unsent_of(&current)?,
                other_servers,
            })
        })
        .await??)
    }

    /// A page of the sent history, as the Sent view shows it.
    pub(crate) async fn sent(&self, query: SentQuery) -> Result<SentPage, IpcError> {
        let outbox = self.outbox.clone();
        Ok(blocking(move || outbox.sent(&query)).await??)
    }

    /// One ticket, whole, with the server's reply for a delivered one.
    pub(crate) async fn ticket(&self, id: String) -> Result<Entry, IpcError> {
        let outbox = self.outbox.clone();
        Ok(blocking(move || outbox.get(&id)).await??)
    }

    /// The organisation's templates, then the person's own.
    pub(crate) async fn templates(&self) -> Result<Vec<policy::Listed>, IpcError> {
        let outbox = self.outbox.clone();
        let own = blocking(move || outbox.templates()).await??;
        Ok(policy::listed(self.policy.current().templates(), own))
    }

    /// Saves the person's template; never under the name of one of the
    /// organisation's, which it would seem to replace.
    pub(crate) async fn save_template(
        &self,
        name: String,
        fields: TemplateFields,
    ) -> Result<Template, IpcError> {
        self.not_the_organisations_name(&name)?;
        let outbox = self.outbox.clone();
        let now = Clock::system().now_ms();
        Ok(blocking(move || outbox.save_template(&name, &fields, now)).await??)
    }

    pub(crate) async fn rename_template(
        &self,
        id: String,
        name: String,
    ) -> Result<Template, IpcError> {
        not_the_organisations(&id)?;
        self.not_the_organisations_name(&name)?;
        let outbox = self.outbox.clone();
        let now = Clock::system().now_ms();
        Ok(blocking(move || outbox.rename_template(&id, &name, now)).await??)
    }

    pub(crate) async fn delete_template(&self, id: String) -> Result<bool, IpcError> {
        not_the_organisations(&id)?;
        let outbox = self.outbox.clone();
        Ok(blocking(move || outbox.delete_template(&id)).await??)
    }

    /// Refuses `name` when one of the organisation's templates has it.
    fn not_the_organisations_name(&self, name: &str) -> Result<(), IpcError> {
        match policy::named(self.policy.current().templates(), name) {
            Some(template) => Err(organisation_has(&template.name)),
            None => Ok(()),
        }
    }

    /// Writes every template as JSON into `dir`; returns the file's path.
    pub(crate) async fn export_templates(
        &self,
        dir: std::path::PathBuf,
    ) -> Result<String, IpcError> {
        let outbox = self.outbox.clone();
        let now = Clock::system().now_ms();
        blocking(move || {
            let file = dir.join(format!("wemasy-feedback-templates-{now}.json"));
            outbox.export_templates(&file)?;
            Ok(file.display().to_string())
        })
        .await?
    }

    /// Imports templates from a file's text, all or nothing: nothing when
    /// one has the name of one of the organisation's.
    pub(crate) async fn import_templates(&self, json: String) -> Result<ImportReport, IpcError> {
        if let Some(template) = policy::named_in_file(self.policy.current().templates(), &json) {
            return Err(IpcError::new(
                None,
                format!(
                    "The file was not imported, so no template changed: {}",
                    organisation_has(&template.name).message
                ),
            ));
        }
        let outbox = self.outbox.clone();
        let now = Clock::system().now_ms();
        Ok(blocking(move || outbox.import_templates_text(&json, now)).await??)
    }

    pub(crate) async fn suggestions(&self) -> Result<Suggestions, IpcError> {
        let outbox = self.outbox.clone();
        Ok(blocking(move || {
            Ok::<_, feedback_core::OutboxError>(Suggestions {
                channels: outbox.suggestions(SuggestionKind::Channel)?,
                tool_keys: outbox.suggestions(SuggestionKind::ToolKey)?,
            })
        })
        .await??)
    }

    /// The diagnostics report as text: version, OS, server, keyring
    /// state, counts, last errors, rate limits. Never a token or ticket text.
    pub(crate) async fn diagnostics(&self) -> Result<String, IpcError> {
        self.started().await;
        let deliveries = self.deliveries.clone();
        let status = deliveries.status();
        let policy = self.policy.report();
        blocking(move || {
            let base = deliveries.current();
            let origin = base.as_ref().map(ApiBase::origin).unwrap_or_default();
            let keyring = match deliveries.token_lookup(&origin) {
                TokenLookup::Found(_) => KeyringState::HasToken,
                TokenLookup::SignedOut => KeyringState::NoToken,
                TokenLookup::Unavailable(reason) => KeyringState::Unavailable(reason),
            };
            Diagnostics::gather(
                deliveries.outbox(),
                base.as_ref().map_err(String::as_str),
                keyring,
                status.as_ref(),
                env!("CARGO_PKG_VERSION"),
                Clock::system().now_ms(),
            )
            .to_text()
                + "\n"
                + &policy
        })
        .await
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
        self.deliveries.network_back();
        Ok(entry)
    }

    /// Every queued ticket due now, and any wait or pause the server set
    /// lifted; tickets the server refused stay for an edit.
    pub(crate) async fn send_queued_now(&self) -> Result<usize, IpcError> {
        let outbox = self.outbox.clone();
        let now = Clock::system().now_ms();
        let due = blocking(move || outbox.send_now(now)).await??;
        self.deliveries.network_back();
        Ok(due)
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

    /// Saves `settings` (an invalid API base is refused first, nothing
    /// saved) and applies them ([`App::apply_settings`]). Returns the state
    /// the window then shows.
    pub(crate) async fn save_settings<R: tauri::Runtime>(
        &self,
        handle: &tauri::AppHandle<R>,
        settings: crate::settings::Settings,
    ) -> Result<AppState, IpcError> {
        let settings = settings.under_policy(&self.policy.current());
        let base = crate::api_base_for(&settings)?;
        settings
            .save(handle)
            .map_err(|message| IpcError::new(None, message))?;
        self.apply_settings(handle, &settings, Ok(base)).await?;
        self.state().await
    }

    /// Applies the settings in force, after a save or a changed policy:
    /// the retention, the API base `base` (only a different one touches
    /// delivery, and never a send in flight: see [`Deliveries::switch`]),
    /// the shortcut and the login entry.
    pub(crate) async fn apply_settings<R: tauri::Runtime>(
        &self,
        handle: &tauri::AppHandle<R>,
        settings: &crate::settings::Settings,
        base: Result<ApiBase, String>,
    ) -> Result<(), IpcError> {
        self.keep_delivered(settings.keep_delivered_days);
        self.deliveries.switch(base).await;
        self.refresh_shortcut(handle).await;
        let (entry, start_at_login) = (handle.clone(), settings.start_at_login);
        blocking(move || crate::login::apply(&entry, start_at_login))
            .await?
            .map_err(|error| {
                IpcError::new(None, format!("Start at login could not be set: {error}"))
            })
    }

    /// Tickets queued or being sent that this app will deliver: the ones
    /// worth keeping it running (in the tray) for.
    pub(crate) fn deliverable_waiting(&self) -> usize {
        self.deliveries.deliverable_waiting().unwrap_or(0)
    }

    /// Something the person should know, shown in the window.
    pub(crate) fn notice(&self, notice: String) {
        note(&self.notices, notice);
    }

    /// The configured server's origin, if the base is usable.
    pub(crate) fn current_origin(&self) -> Option<String> {
        self.deliveries.current().ok().map(|base| base.origin())
    }

    /// Makes `accelerator` the quick-capture shortcut and remembers how
    /// that went, for the window to say.
    /// Applies the saved quick-capture shortcut on the main thread, where
    /// `finish_start` (queued there when the window is ready) starts the
    /// shortcut's plugin and applies it too: in that one queue, whichever
    /// runs last reads the latest saved setting, and a save after the
    /// window is ready finds the plugin started.
    pub(crate) async fn refresh_shortcut<R: tauri::Runtime>(&self, handle: &tauri::AppHandle<R>) {
        crate::on_main_thread(handle, "the shortcut", |handle| {
            if let Some(app) = tauri::Manager::try_state::<App>(handle) {
                app.apply_saved_shortcut(handle);
            }
        })
        .await;
    }

    /// Applies the saved shortcut now (on the main thread: see
    /// [`refresh_shortcut`](Self::refresh_shortcut)).
    pub(crate) fn apply_saved_shortcut<R: tauri::Runtime>(&self, handle: &tauri::AppHandle<R>) {
        let accelerator = crate::settings::Settings::load(handle).quick_capture_shortcut;
        // Held across the change: two applications never interleave.
        if let Ok(mut current) = self.shortcut.lock() {
            *current = crate::capture::apply(handle, &current, accelerator.as_deref());
        }
    }

    pub(crate) fn tray_available(&self) -> bool {
        self.tray_available
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    fn base(&self) -> Result<ApiBase, IpcError> {
        self.deliveries
            .current()
            .map_err(|reason| IpcError::new(Some("invalid_api_base"), reason))
    }

    /// How long delivered tickets are kept, by every engine now and later.
    pub(crate) fn keep_delivered(&self, days: u32) {
        let keep = Duration::from_secs(u64::from(days.max(1)) * 86_400);
        self.deliveries.set_keep_delivered(keep);
    }

    /// Stops every engine, each after its attempt in flight is recorded.
    pub(crate) async fn shutdown(&self) {
        self.deliveries.shutdown().await;
    }
}

/// Refuses to change template `id` when it is one of the organisation's.
fn not_the_organisations(id: &str) -> Result<(), IpcError> {
    if policy::is_organisation_id(id) {
        return Err(IpcError::new(
            None,
            "this template comes from your organisation: it can be used, not renamed or deleted",
        ));
    }
    Ok(())
}

fn organisation_has(name: &str) -> IpcError {
    IpcError::new(
        None,
        format!("a template named \"{name}\" comes from your organisation; choose another name"),
    )
}

/// The OS keyring as [`Deliveries`] reads it; what it could not read is
/// also shown in the window.
fn keyring(store: &TokenStore, notices: &Arc<Mutex<Vec<String>>>) -> LoadToken {
    let (store, notices) = (store.clone(), notices.clone());
    Arc::new(move |base| {
        store.load(base).map_err(|error| {
            note(&notices, error.to_string());
            error.to_string()
        })
    })
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, IpcError> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|error| IpcError::new(None, error))
}

fn note(notices: &Mutex<Vec<String>>, notice: String) {
    log::warn!("{notice}");
    if let Ok(mut notices) = notices.lock()
        && !notices.contains(&notice)
    {
        notices.push(notice);
    }
}
