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
pub use login::LoginEntry;
pub use view::{DeskState, OtherServerView, OutboxView, Suggestions};

use crate::api_base::ApiBase;
use crate::client::ClientConfig;
use crate::deliveries::{Connect, Deliveries, reqwest_clients};
use crate::delivery::{Clock, DeliveryConfig, DeliveryStatus, Event};
use crate::draft_file::DraftFile;
use crate::keyring::Keyring;
use crate::outbox::Outbox;
use crate::policy::Policy;
use crate::settings::SettingsStore;
use crate::tasks::Tasks;

/// One process's desk.
pub struct Desk {
    outbox: Arc<Outbox>,
    deliveries: Arc<Deliveries>,
    /// The form's draft, where the process has a form (the app).
    form: Option<DraftFile>,
    /// The person's settings, where the process keeps them (the app); a
    /// desk without them files to the base it was given.
    settings: Option<Arc<dyn SettingsStore>>,
    /// `FEEDBACK_API_BASE`, which the settings' base gives way to.
    env_base: Option<String>,
    login: Option<login::Login>,
    policy: Mutex<Arc<Policy>>,
    /// Why the outbox file could not be opened, if it could not (`outbox`
    /// is then a stand-in that keeps nothing, and no ticket is taken).
    unusable: Option<String>,
    notices: Arc<Mutex<Vec<String>>>,
    /// False while the start-up keyring read is under way: what depends on
    /// it waits (a locked keyring answers within its time limit).
    ready: watch::Sender<bool>,
    events: broadcast::Sender<DeskEvent>,
    tasks: Tasks,
    clock: Clock,
}

impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desk")
            .field("outbox", &self.outbox.path())
            .field("deliveries", &self.deliveries)
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
        self.notices = notices;
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
        Arc::new_cyclic(|desk| {
            let deliveries = Deliveries::new(self.outbox.clone(), base, keyring)
                .with_config(self.client, self.delivery)
                .with_clock(self.clock.clone())
                .with_connect(self.connect)
                .with_tasks(self.tasks.clone())
                .on_engine(forwarder(desk.clone(), self.tasks.clone()));
            Desk {
                outbox: self.outbox,
                deliveries: Arc::new(deliveries),
                form: self.form,
                settings: self.settings,
                env_base: self.env_base,
                login: self.login,
                policy: Mutex::new(policy),
                unusable: self.unusable,
                notices,
                ready: watch::channel(!self.starting).0,
                events: broadcast::channel(1024).0,
                tasks: self.tasks,
                clock: self.clock,
            }
        })
    }
}

impl Desk {
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
        }
    }

    /// Reads the token (off the async threads: a locked keyring may take
    /// seconds to answer, and nothing waits for it but what needs it) and
    /// starts delivery: the configured server's, and every other server's
    /// with waiting tickets whose token the keyring holds. A keyring that
    /// does not answer is asked again until it does.
    pub async fn start(&self) {
        let now = self.clock.now_ms();
        let _ = self.outbox.recover_interrupted(now, self.lease_ms());
        self.deliveries.start().await;
        self.ready.send_replace(true);
        self.changed();
    }

    /// Stops delivery, each engine after its attempt in flight is recorded
    /// (quitting, an update's install). [`Desk::start`] starts it again.
    pub async fn shutdown(&self) {
        self.deliveries.shutdown().await;
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

    pub fn outbox(&self) -> &Arc<Outbox> {
        &self.outbox
    }

    pub fn deliveries(&self) -> &Arc<Deliveries> {
        &self.deliveries
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
        self.deliveries.current().map_err(DeskError::InvalidBase)
    }

    /// Something the person should know, shown in the window.
    pub fn notice(&self, notice: String) {
        note(&self.notices, notice);
    }

    /// Tickets queued or being sent that this process will deliver: the
    /// ones worth keeping it running (in the tray) for.
    pub fn waiting(&self) -> usize {
        self.deliveries.deliverable_waiting().unwrap_or(0)
    }

    /// Waits for the start-up keyring read, if one is under way.
    async fn started(&self) {
        let mut ready = self.ready.subscribe();
        let _ = ready.wait_for(|ready| *ready).await;
    }

    fn lease_ms(&self) -> i64 {
        let lease = self.deliveries.config().drainer_lease;
        i64::try_from(lease.as_millis()).unwrap_or(i64::MAX)
    }

    /// Tickets a stopped sender left "being sent" go back to the queue, so
    /// that what the person sees and may do is true of them.
    fn recover(&self) -> Result<i64> {
        let now = self.clock.now_ms();
        self.outbox.recover_interrupted(now, self.lease_ms())?;
        Ok(now)
    }

    /// Tells that the outbox changed, and ends a one-time start at login
    /// once nothing waits.
    fn changed(&self) {
        let waiting = self.waiting();
        if let Ok(summary) = self.outbox.summary() {
            let _ = self
                .events
                .send(DeskEvent::OutboxChanged { summary, waiting });
        }
        if waiting == 0 {
            self.nothing_waits();
        }
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
        let current = self.deliveries.is_current(origin);
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
            Event::NeedsAttention { id, reason } => DeskEvent::NeedsAttention { id, reason },
            Event::WillRetry { .. } => return self.changed(),
            Event::OutboxChanged => {
                let _ = self.deliveries.notice_token_changes().await;
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
