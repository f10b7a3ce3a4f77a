//! [`Desk`]: everything a person does with tickets, as one type: file,
//! edit, retry, discard, export, send now, sign in and out, change the
//! server, apply the organisation's policy, quit, stop for an update,
//! start at login. It owns the outbox, the form's draft, the tokens and the
//! engines, and it is the one place that decides; the app's commands and
//! the CLI's subcommands each call one of its methods and translate.
//!
//! A process has one desk; several processes (the app, CLI runs) share one
//! outbox file, each through its own.
//!
//! # Layout
//!
//! - `mod.rs`: the desk, how it is built, started and stopped.
//! - `file.rs`: filing a ticket, and what happens to the form after.
//! - `form.rs`: what a new form starts with, and the channel list as one types.
//! - `queue.rs`: the waiting tickets: retry, discard, edit, send now, export.
//! - `sign_in.rs`: the token: sign in and out.
//! - `server.rs`: the settings, the server they point at, the policy.
//! - `login.rs`: starting at login, always or once to send what waits.
//! - `view.rs`: what a window shows: the state, the outbox, the history.
//! - `templates.rs`: ticket templates beside the organisation's.
//! - `drain.rs`: delivering everything that can go, as `feedback outbox drain` does.
//! - `events.rs`: [`DeskEvent`], what the desk tells.
//! - `error.rs`: [`DeskError`].

mod drain;
mod error;
mod events;
mod file;
mod form;
mod login;
mod queue;
mod server;
mod sign_in;
mod templates;
mod view;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::{broadcast, watch};

pub use drain::{Drained, Progress};
pub use error::{DeskError, Result};
pub use events::DeskEvent;
pub use form::{ChannelChoices, FiledFromForm};
pub use login::LoginEntry;
pub use sign_in::SignedIn;
pub use view::{DeskState, OtherServerView, OutboxView, Suggestions};

use crate::api_base::ApiBase;
use crate::client::ClientConfig;
use crate::deliveries::{Connect, Deliveries, reqwest_clients};
use crate::delivery::{Clock, DeliveryConfig, DeliveryStatus, Event};
use crate::draft::Draft;
use crate::draft_file::DraftFile;
use crate::keyring::Keyring;
use crate::outbox::Outbox;
use crate::policy::Policy;
use crate::settings::SettingsStore;
use crate::tasks::Tasks;

/// One process's desk.
pub struct Desk {
    /// The outbox and the engines over it: swapped once, when a file that
    /// could not be opened at the start opens ([`Desk::start`]).
    files: std::sync::RwLock<Files>,
    /// Where the outbox file is, to open it again, and how long to wait for
    /// another process's lock.
    reopen: Option<(PathBuf, std::time::Duration)>,
    /// How engines are made, for the engines of a file opened later.
    engines: Engines,
    me: std::sync::Weak<Desk>,
    /// The form's draft, where the process has a form (the app).
    form: Option<DraftFile>,
    /// What the form held when its last 32 tickets were filed: the
    /// window's autosave of such a form, arriving while or after it is
    /// sent, is an echo and is not kept (it would bring the ticket back to
    /// be sent twice).
    filed: Mutex<Vec<Draft>>,
    /// The person's settings, where the process keeps them (the app); a
    /// desk without them files to the base it was given.
    settings: Option<Arc<dyn SettingsStore>>,
    /// `FEEDBACK_API_BASE`, which the settings' base gives way to.
    env_base: Option<String>,
    login: Option<login::Login>,
    policy: Mutex<Arc<Policy>>,
    /// Why the outbox file could not be opened, if it could not (`outbox`
    /// is then a stand-in that keeps nothing, and no ticket is taken).
    unusable: Mutex<Option<String>>,
    /// A server the person pointed at while the outbox could not be
    /// opened: its waiting tickets are moved along once it opens.
    pointed_meanwhile: Mutex<Option<ApiBase>>,
    notices: Arc<Mutex<Vec<String>>>,
    /// False while the start-up keyring read is under way: what depends on
    /// it waits (a locked keyring answers within its time limit).
    ready: watch::Sender<bool>,
    events: broadcast::Sender<DeskEvent>,
    tasks: Tasks,
    clock: Clock,
}

/// The outbox a desk works on, and its engines.
struct Files {
    outbox: Arc<Outbox>,
    deliveries: Arc<Deliveries>,
}

/// What every set of engines is made with.
#[derive(Clone)]
struct Engines {
    keyring: Arc<dyn Keyring>,
    connect: Connect,
    client: ClientConfig,
    delivery: DeliveryConfig,
}

impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desk")
            .field("outbox", &self.outbox().path())
            .field("deliveries", &self.deliveries())
            .finish_non_exhaustive()
    }
}

/// How a desk is put together: the outbox and the keyring it must have,
/// and what else the process has.
pub struct DeskBuilder {
    outbox: Arc<Outbox>,
    keyring: Arc<dyn Keyring>,
    base: Option<std::result::Result<ApiBase, String>>,
    settings: Option<Arc<dyn SettingsStore>>,
    env_base: Option<String>,
    form: Option<DraftFile>,
    login: Option<login::Login>,
    policy: Policy,
    unusable: Option<String>,
    notices: Vec<String>,
    connect: Connect,
    client: ClientConfig,
    delivery: DeliveryConfig,
    clock: Clock,
    tasks: Tasks,
    starting: bool,
    reopen: Option<(PathBuf, std::time::Duration)>,
}

impl std::fmt::Debug for DeskBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeskBuilder")
            .field("outbox", &self.outbox.path())
            .finish_non_exhaustive()
    }
}

impl DeskBuilder {
    /// Files to `base` (the CLI's `--api-base`), instead of the settings'.
    pub fn base(mut self, base: std::result::Result<ApiBase, String>) -> Self {
        self.base = Some(base);
        self
    }

    /// The person's settings, and `FEEDBACK_API_BASE` (which the settings'
    /// base gives way to unless the organisation enforces the server).
    pub fn settings(mut self, store: Arc<dyn SettingsStore>, env_base: Option<String>) -> Self {
        self.settings = Some(store);
        self.env_base = env_base;
        self
    }

    /// The form's draft file.
    pub fn form(mut self, drafts: DraftFile) -> Self {
        self.form = Some(drafts);
        self
    }

    /// The OS's login entry, and the file that asks for a one-time start.
    pub fn login(mut self, entry: Arc<dyn LoginEntry>, marker: PathBuf) -> Self {
        self.login = Some(login::Login { entry, marker });
        self
    }

    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// The outbox file could not be opened, for `reason`: the outbox given
    /// is a stand-in, and the desk takes no ticket.
    pub fn unusable(mut self, reason: String) -> Self {
        self.unusable = Some(reason);
        self
    }

    /// What went wrong before the desk was built, for the person to know.
    pub fn notices(mut self, notices: Vec<String>) -> Self {
        self.notices.extend(notices);
        self
    }

    pub fn connect(mut self, connect: Connect) -> Self {
        self.connect = connect;
        self
    }

    pub fn client(mut self, client: ClientConfig) -> Self {
        self.client = client;
        self
    }

    pub fn delivery(mut self, delivery: DeliveryConfig) -> Self {
        self.delivery = delivery;
        self
    }

    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    pub fn tasks(mut self, tasks: Tasks) -> Self {
        self.tasks = tasks;
        self
    }

    /// The process reads the keyring in [`Desk::start`], and what depends
    /// on the token waits for that read (the app). Without it, the desk
    /// reads the keyring when it first needs a token (the CLI).
    pub fn starting(mut self) -> Self {
        self.starting = true;
        self
    }

    /// The desk, in an `Arc`: its engines' events come back to it.
    pub fn build(self) -> Arc<Desk> {
        let mut notices = self.notices;
        notices.extend(self.unusable.clone());
        notices.extend(server::problems(&self.policy));
        let policy = Arc::new(self.policy);
        let base = match (self.base, &self.settings) {
            (Some(base), _) => base,
            (None, Some(store)) => crate::settings::Settings::in_force(&policy, &store.load())
                .api_base(self.env_base.clone()),
            (None, None) => Ok(ApiBase::production()),
        };
        if let Err(reason) = &base {
            notices.push(reason.clone());
        }
        let notices = Arc::new(Mutex::new(notices));
        let keyring: Arc<dyn Keyring> = Arc::new(sign_in::Noting {
            keyring: self.keyring,
            notices: notices.clone(),
        });
        // This run of the process, as its claims name it: a process id
        // can be another's again after a restart.
        let mut delivery = self.delivery;
        delivery.process = format!("{}-{}", delivery.process, fastrand::u32(..));
        let engines = Engines {
            keyring,
            connect: self.connect,
            client: self.client,
            delivery,
        };
        Arc::new_cyclic(|desk| {
            let deliveries = engines.over(
                self.outbox.clone(),
                base,
                desk.clone(),
                &self.clock,
                &self.tasks,
            );
            Desk {
                files: std::sync::RwLock::new(Files {
                    outbox: self.outbox,
                    deliveries: Arc::new(deliveries),
                }),
                reopen: self.reopen,
                engines,
                me: desk.clone(),
                form: self.form,
                filed: Mutex::new(Vec::new()),
                settings: self.settings,
                env_base: self.env_base,
                login: self.login,
                policy: Mutex::new(policy),
                unusable: Mutex::new(self.unusable),
                pointed_meanwhile: Mutex::new(None),
                notices,
                ready: watch::channel(!self.starting).0,
                events: broadcast::channel(1024).0,
                tasks: self.tasks,
                clock: self.clock,
            }
        })
    }
}

/// The outbox file a process opens at its start, with what the person
/// should know of it.
#[derive(Debug)]
pub struct Opened {
    pub outbox: Arc<Outbox>,
    /// What happened on the way (a damaged file kept aside, its tickets salvaged).
    pub notices: Vec<String>,
    /// Why the file cannot be used at all (`outbox` is then a stand-in
    /// that keeps nothing: see [`DeskBuilder::unusable`]).
    pub unusable: Option<String>,
    /// Where it is, and how long a statement waits for another's lock.
    pub path: PathBuf,
    pub busy: std::time::Duration,
}

impl Opened {
    /// Opens the outbox at `path`, waiting at most `busy` for another
    /// process's lock. A damaged file is kept aside, what it still holds
    /// salvaged into a new one, and that is said; a file that cannot be
    /// opened at all is said too, and a stand-in takes its place, so that
    /// the process can start and tell. `Err` only when not even a stand-in
    /// in memory can be had.
    pub fn outbox(
        path: &std::path::Path,
        busy: std::time::Duration,
    ) -> std::result::Result<Opened, crate::OutboxError> {
        let mut notices = Vec::new();
        let opened = match Outbox::open_waiting(path, busy) {
            Err(crate::OutboxError::Corrupt {
                moved_to, salvaged, ..
            }) => {
                notices.push(format!(
                    "The outbox file could not be read. It was kept as {} and a new one was started with the {salvaged} tickets it still held.",
                    moved_to.display()
                ));
                Outbox::open_waiting(path, busy)
            }
            opened => opened,
        };
        let (outbox, unusable) = match opened {
            Ok(outbox) => (outbox, None),
            Err(error) => {
                let reason = format!(
                    "The outbox file {} cannot be opened ({error}). Nothing can be saved or sent until that is fixed; what you type stays in the form.",
                    path.display()
                );
                tracing::error!("{reason}");
                (Outbox::in_memory()?, Some(reason))
            }
        };
        Ok(Opened {
            outbox: Arc::new(outbox),
            notices,
            unusable,
            path: path.to_owned(),
            busy,
        })
    }
}

impl Desk {
    /// A desk over the outbox `opened`, with tokens in `keyring`.
    pub fn over(opened: Opened, keyring: Arc<dyn Keyring>) -> DeskBuilder {
        let mut builder = Self::builder(opened.outbox, keyring).notices(opened.notices);
        builder.unusable = opened.unusable;
        builder.reopen = Some((opened.path, opened.busy));
        builder
    }

    /// A desk over `outbox`, with tokens in `keyring`.
    pub fn builder(outbox: Arc<Outbox>, keyring: Arc<dyn Keyring>) -> DeskBuilder {
        DeskBuilder {
            outbox,
            keyring,
            base: None,
            settings: None,
            env_base: None,
            form: None,
            login: None,
            policy: Policy::default(),
            unusable: None,
            notices: Vec::new(),
            connect: reqwest_clients(),
            client: ClientConfig::default(),
            delivery: DeliveryConfig::default(),
            clock: Clock::system(),
            tasks: Tasks::new(),
            starting: false,
            reopen: None,
        }
    }

    /// Reads the token (off the async threads: a locked keyring may take
    /// seconds to answer, and nothing waits for it but what needs it) and
    /// starts delivery: the configured server's, and every other server's
    /// with waiting tickets whose token the keyring holds. A keyring that
    /// does not answer is asked again until it does.
    ///
    /// An outbox file that could not be opened is opened again every
    /// [`REOPEN_EVERY`] until it opens (a lock another program held, a
    /// disk that was full or read-only for a while), and then used as if
    /// it had opened at the start.
    pub async fn start(&self) {
        let now = self.clock.now_ms();
        let _ = self.recover_at(now);
        // Started again (after an update that did not install), a sign-in
        // made meanwhile by another process is read first.
        let _ = self.deliveries().notice_token_changes().await;
        self.deliveries().start().await;
        self.ready.send_replace(true);
        self.changed();
        if self.unusable().is_some() {
            self.reopen_later();
        }
    }

    fn unusable(&self) -> Option<String> {
        lock(&self.unusable).clone()
    }

    fn reopen_later(&self) {
        let (Some((path, busy)), desk) = (self.reopen.clone(), self.me.clone()) else {
            return;
        };
        self.tasks.spawn(async move {
            loop {
                tokio::time::sleep(REOPEN_EVERY).await;
                let Ok(opened) = Opened::outbox(&path, busy) else {
                    continue;
                };
                if opened.unusable.is_some() {
                    continue;
                }
                let Some(desk) = desk.upgrade() else { break };
                desk.use_opened(opened).await;
                break;
            }
        });
    }

    /// Works on `opened` from now on: the outbox the start could not open.
    async fn use_opened(&self, opened: Opened) {
        let base = self.deliveries().current();
        let deliveries = Arc::new(self.engines.over(
            opened.outbox.clone(),
            base,
            self.me.clone(),
            &self.clock,
            &self.tasks,
        ));
        let old = {
            let mut files = self
                .files
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            std::mem::replace(
                &mut *files,
                Files {
                    outbox: opened.outbox,
                    deliveries: deliveries.clone(),
                },
            )
        };
        // Its engines kept a stand-in that held nothing.
        old.deliveries.shutdown().await;
        if let Some(base) = lock(&self.pointed_meanwhile).take()
            && let Err(error) = self.outbox().point_to(&base)
        {
            self.notice(format!(
                "The tickets waiting for {} could not be moved to {base}: {error}",
                base.origin()
            ));
        }
        if let Some(reason) = lock(&self.unusable).take() {
            lock(&self.notices).retain(|notice| *notice != reason);
        }
        for notice in opened.notices {
            self.notice(notice);
        }
        tracing::info!("the outbox file opened; tickets are taken again");
        deliveries.start().await;
        self.changed();
    }

    /// Stops delivery, each engine after its attempt in flight is recorded
    /// (quitting, an update's install). [`Desk::start`] starts it again.
    pub async fn shutdown(&self) {
        self.deliveries().shutdown().await;
    }

    /// What a killed process amounts to: every task dropped where it is,
    /// nothing finished or cleaned up. For the simulation.
    pub fn kill(&self) {
        self.tasks.abort_all();
    }

    /// The events from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<DeskEvent> {
        self.events.subscribe()
    }

    /// The outbox this desk works on.
    pub fn outbox(&self) -> Arc<Outbox> {
        self.files().outbox.clone()
    }

    /// The engines over it.
    pub fn deliveries(&self) -> Arc<Deliveries> {
        self.files().deliveries.clone()
    }

    fn files(&self) -> std::sync::RwLockReadGuard<'_, Files> {
        self.files
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn tasks(&self) -> &Tasks {
        &self.tasks
    }

    /// The organisation's policy, as held.
    pub fn policy(&self) -> Arc<Policy> {
        lock(&self.policy).clone()
    }

    /// The configured server, or why it is unusable.
    pub fn base(&self) -> Result<ApiBase> {
        self.deliveries().current().map_err(DeskError::InvalidBase)
    }

    /// Something the person should know, shown in the window.
    pub fn notice(&self, notice: String) {
        note(&self.notices, notice);
    }

    /// Tickets queued or being sent that this process will deliver: the
    /// ones worth keeping it running (in the tray) for.
    pub fn waiting(&self) -> usize {
        self.deliveries().deliverable_waiting().unwrap_or(0)
    }

    /// Waits for the start-up keyring read, if one is under way.
    async fn started(&self) {
        let mut ready = self.ready.subscribe();
        let _ = ready.wait_for(|ready| *ready).await;
    }

    fn lease_ms(&self) -> i64 {
        let lease = self.deliveries().config().drainer_lease;
        i64::try_from(lease.as_millis()).unwrap_or(i64::MAX)
    }

    /// Tickets a stopped sender left "being sent" go back to the queue, so
    /// that what the person sees is true of them. Never one of this
    /// process's own engines' (alive, and perhaps holding a reply the
    /// outbox refused to record a moment ago). A file that cannot be
    /// written now (full, read-only, locked elsewhere) leaves them as they
    /// are: looking and exporting need no write. Returns the time.
    fn recover(&self) -> i64 {
        let now = self.clock.now_ms();
        if let Err(error) = self.recover_at(now) {
            tracing::warn!(%error, "interrupted tickets could not be queued again yet");
        }
        now
    }

    /// As [`Desk::recover`], for a change that needs the write to succeed:
    /// its failure is the change's.
    fn recover_for_change(&self) -> Result<i64> {
        let now = self.clock.now_ms();
        self.recover_at(now)?;
        Ok(now)
    }

    fn recover_at(&self, now: i64) -> std::result::Result<usize, crate::OutboxError> {
        let mine = format!("{}-", self.deliveries().config().process);
        self.outbox()
            .recover_interrupted(now, self.lease_ms(), Some(&mine))
    }

    /// Tells that the outbox changed, and ends a one-time start at login
    /// once nothing waits.
    fn changed(&self) {
        let waiting = self.waiting();
        if let Ok(summary) = self.outbox().summary() {
            let _ = self
                .events
                .send(DeskEvent::OutboxChanged { summary, waiting });
        }
        if waiting == 0 {
            self.nothing_waits();
        }
    }
}

/// How often an outbox file that could not be opened is tried again.
pub const REOPEN_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

impl Engines {
    /// Engines over `outbox`, for `base`, whose events go to `desk`.
    fn over(
        &self,
        outbox: Arc<Outbox>,
        base: std::result::Result<ApiBase, String>,
        desk: std::sync::Weak<Desk>,
        clock: &Clock,
        tasks: &Tasks,
    ) -> Deliveries {
        Deliveries::new(outbox, base, self.keyring.clone())
            .with_config(self.client.clone(), self.delivery.clone())
            .with_clock(clock.clone())
            .with_connect(self.connect.clone())
            .with_tasks(tasks.clone())
            .on_engine(forwarder(desk, tasks.clone()))
    }
}

/// Each engine's events, as the desk tells them: statuses and quotas of
/// the configured server only. A change another process made to the
/// outbox may be a sign-in beside this one: the keyring is read again
/// where the outbox says so.
fn forwarder(desk: std::sync::Weak<Desk>, tasks: Tasks) -> crate::deliveries::OnEngine {
    Arc::new(move |origin, mut engine| {
        let (desk, origin) = (desk.clone(), origin.to_owned());
        tasks.spawn(async move {
            use tokio::sync::broadcast::error::RecvError;
            loop {
                let event = match engine.recv().await {
                    Ok(event) => event,
                    Err(RecvError::Lagged(_)) => Event::OutboxChanged,
                    Err(RecvError::Closed) => break,
                };
                let Some(desk) = desk.upgrade() else { break };
                desk.tell_engine_event(&origin, event).await;
            }
        });
    })
}

impl Desk {
    async fn tell_engine_event(&self, origin: &str, event: Event) {
        let current = self.deliveries().is_current(origin);
        let told = match event {
            Event::Status(status) if current => DeskEvent::Status { status },
            Event::Quota(quota) if current => DeskEvent::Quota { quota },
            Event::Status(_) | Event::Quota(_) => return,
            Event::Delivered {
                id,
                ticket_number,
                possible_duplicate,
            } => DeskEvent::Delivered {
                id,
                ticket_number,
                possible_duplicate,
            },
            Event::NeedsAttention { id, reason } => {
                self.forget_refused_channel(&id);
                DeskEvent::NeedsAttention { id, reason }
            }
            Event::WillRetry { .. } => return self.changed(),
            Event::OutboxChanged => {
                let _ = self.deliveries().notice_token_changes().await;
                return self.changed();
            }
        };
        let delivered_or_refused =
            !matches!(told, DeskEvent::Status { .. } | DeskEvent::Quota { .. });
        let _ = self.events.send(told);
        if delivered_or_refused {
            self.changed();
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn note(notices: &Mutex<Vec<String>>, notice: String) {
    tracing::warn!("{notice}");
    let mut notices = lock(notices);
    if !notices.contains(&notice) {
        notices.push(notice);
    }
}

/// Whether `status` is one a person must act on.
pub(crate) fn asks_a_person(status: &DeliveryStatus) -> bool {
    matches!(
        status,
        DeliveryStatus::SignInNeeded { .. }
            | DeliveryStatus::Forbidden { .. }
            | DeliveryStatus::SignedOut
    )
}
