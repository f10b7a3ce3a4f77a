//! [`World`]: one simulated desktop: its clocks, network, keyring and
//! disk, two servers on its loopback, and the processes that share one
//! outbox file there (one app at a time, as the app is single-instance, and
//! any number of CLI runs). Processes start, are killed (their tasks
//! dropped where they are, nothing cleaned up), stopped and resumed, and
//! quit; each is the real [`Desk`] over the real outbox file.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use feedback_core::deliveries::clients_over;
use feedback_core::desk::Opened;
use feedback_core::policy::Policy;
use feedback_core::tasks::Tasks;
use feedback_core::{ApiBase, ClientConfig, DeliveryConfig, Desk, DraftFile, Outbox};
use feedback_sandbox::{Config, InProcess, Now, RateLimit, TokenSpec};
use serde_json::{Map, Value};

use crate::book::Book;
use crate::clock::Clocks;
use crate::keyring::{Keyrings, SimKeyring};
use crate::net::{Net, Server};

/// A server on the machine's loopback, with the token it knows.
#[derive(Debug, Clone)]
pub struct Site {
    pub origin: String,
    /// Its API base.
    pub base: ApiBase,
    /// The same server with a wrong path (a typo in the settings).
    pub wrong: ApiBase,
    pub token: String,
    pub sandbox: InProcess,
}

/// What a process is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    App,
    Cli,
}

/// A running process.
#[derive(Debug)]
pub struct Proc {
    pub label: String,
    pub kind: Kind,
    pub desk: Arc<Desk>,
    pub tasks: Tasks,
}

/// What is wrong with the disk the outbox is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disk {
    Fine,
    Full,
    ReadOnly,
}

/// The desktop's login entry for the app, as the desk asks for it.
#[derive(Debug, Default)]
pub struct SimLogin(Mutex<bool>);

impl SimLogin {
    /// Whether the app starts at the next login.
    pub fn wanted(&self) -> bool {
        *lock(&self.0)
    }
}

impl feedback_core::desk::LoginEntry for SimLogin {
    fn set(&self, wanted: bool) -> Result<(), String> {
        *lock(&self.0) = wanted;
        Ok(())
    }
}

/// The person's settings, as the app keeps them (across its restarts).
#[derive(Debug, Default)]
pub struct SimSettings(Mutex<Map<String, Value>>);

impl feedback_core::SettingsStore for SimSettings {
    fn load(&self) -> Map<String, Value> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn save(&self, chosen: Map<String, Value>) -> Result<(), String> {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = chosen;
        Ok(())
    }
}

pub struct World {
    pub seed: u64,
    pub rng: fastrand::Rng,
    /// The window's own timing (when its autosave lands), a stream apart
    /// so that adding it left every other choice of a seed's day as it was.
    pub window_rng: fastrand::Rng,
    _dir: tempfile::TempDir,
    pub outbox: PathBuf,
    pub clocks: Arc<Clocks>,
    pub net: Arc<Net>,
    pub keyrings: Arc<Keyrings>,
    pub sites: Vec<Site>,
    pub settings: Arc<SimSettings>,
    pub login: Arc<SimLogin>,
    pub policy: Policy,
    pub procs: BTreeMap<String, Proc>,
    next_process: u32,
    /// Processes that ended by themselves (a CLI run done, a quit).
    pub ended: Arc<Mutex<Vec<String>>>,
    /// Apps quitting: no longer the app a person uses.
    pub quitting: std::collections::BTreeSet<String>,
    pub book: Arc<Mutex<Book>>,
    /// How many times the app's form was emptied or replaced (see
    /// [`person`](crate::person)).
    pub form_moves: Arc<std::sync::atomic::AtomicU64>,
    /// A lock on the outbox file held by someone else.
    pub busy: Option<rusqlite::Connection>,
    pub disk: Disk,
    pub tickets: u32,
}

impl std::fmt::Debug for World {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("World")
            .field("seed", &self.seed)
            .field("procs", &self.procs.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// Where the day's files go: memory, where the machine has a tmpfs
/// (fsync costs nothing there, and SQLite's WAL works as on a disk).
fn scratch() -> tempfile::TempDir {
    let shm = std::path::Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(dir) = tempfile::Builder::new()
            .prefix("feedback-sim-")
            .tempdir_in(shm)
    {
        return dir;
    }
    tempfile::Builder::new()
        .prefix("feedback-sim-")
        .tempdir()
        .expect("a temporary directory")
}

impl World {
    /// A new world for day `seed`. Must be called inside the simulation's runtime.
    pub fn new(seed: u64) -> Self {
        let mut rng = fastrand::Rng::with_seed(seed);
        let dir = scratch();
        let outbox = dir.path().join("outbox.sqlite3");
        let clocks = Clocks::new();
        // The documented 10 a 5 minutes, or a test server's shorter window.
        let rate_limit = if rng.u32(0..10) < 7 {
            RateLimit {
                max: 10,
                window: Duration::from_secs(300),
            }
        } else {
            RateLimit {
                max: 5,
                window: Duration::from_secs(30),
            }
        };
        // Some days the servers' rules are stricter than the documented
        // ones: a 422 the app could not foresee.
        let stricter = if rng.u32(0..5) == 0 {
            vec![feedback_sandbox::MaxLength {
                field: "subject".into(),
                max: 40,
            }]
        } else {
            Vec::new()
        };
        let sites: Vec<Site> = [
            ("127.0.0.1", 8101, "token-a"),
            ("127.0.0.2", 8102, "token-b"),
        ]
        .into_iter()
        .map(|(host, port, token)| {
            let config = Config {
                tokens: vec![TokenSpec {
                    token: token.into(),
                    user_id: None,
                }],
                rate_limit,
                max_lengths: stricter.clone(),
                ..Config::default()
            };
            let server_clocks = clocks.clone();
            let now = Now(Arc::new(move || server_clocks.server_time()));
            let origin = format!("http://{host}:{port}");
            Site {
                base: parse(&format!("{origin}/api")),
                wrong: parse(&format!("{origin}/wrong")),
                origin,
                token: token.into(),
                sandbox: InProcess::new(&config, now),
            }
        })
        .collect();
        let servers = sites
            .iter()
            .map(|site| Server {
                origin: site.origin.clone(),
                sandbox: site.sandbox.clone(),
                peer: "127.0.0.1:50000".parse().expect("a socket address"),
            })
            .collect();
        let net = Net::new(servers, clocks.clone(), outbox.clone(), rng.u64(..));
        let settings = Arc::new(SimSettings::default());
        let first = sites[0].base.to_string();
        feedback_core::SettingsStore::save(
            settings.as_ref(),
            Map::from_iter([("apiBase".to_owned(), Value::String(first))]),
        )
        .expect("the settings are kept in memory");
        Self {
            seed,
            rng,
            window_rng: fastrand::Rng::with_seed(seed ^ 0x5749_4E44_4F57),
            _dir: dir,
            outbox,
            clocks,
            net,
            keyrings: Arc::new(Keyrings::default()),
            sites,
            settings,
            login: Arc::new(SimLogin::default()),
            policy: Policy::default(),
            procs: BTreeMap::new(),
            next_process: 0,
            ended: Arc::new(Mutex::new(Vec::new())),
            quitting: std::collections::BTreeSet::new(),
            book: Arc::new(Mutex::new(Book::default())),
            form_moves: Arc::default(),
            busy: None,
            disk: Disk::Fine,
            tickets: 0,
        }
    }

    pub fn book(&self) -> MutexGuard<'_, Book> {
        lock(&self.book)
    }

    /// A line of the day's trace, stamped with the day's time.
    pub fn note(&self, line: impl std::fmt::Display) {
        note(&self.book, &self.clocks, line);
    }

    /// The app, if one runs (and is not quitting).
    pub fn app(&self) -> Option<&Proc> {
        self.procs
            .values()
            .find(|proc| proc.kind == Kind::App && !self.quitting.contains(&proc.label))
    }

    /// Starts the app (it is single-instance: a second start only shows the first).
    pub fn start_app(&mut self) -> Option<String> {
        if let Some(app) = self.app() {
            return Some(app.label.clone());
        }
        let proc = self.process(Kind::App, None)?;
        self.check_form(&proc);
        let desk = proc.desk.clone();
        proc.tasks.spawn(async move { desk.start().await });
        Some(self.adopt(proc))
    }

    /// The form a starting app shows holds no ticket already filed (one
    /// taken back to be fixed aside): sent from there, it would go twice.
    fn check_form(&mut self, proc: &Proc) {
        let Ok(Some(draft)) = proc.desk.load_draft() else {
            return;
        };
        let name = draft.subject.split(':').next().unwrap_or_default();
        let mut book = lock(&self.book);
        if book
            .filed
            .iter()
            .any(|filed| filed.name == name && !filed.in_form)
        {
            book.broke(
                crate::book::Invariant::NeverTwice,
                format!(
                    "{} starts with {name}, already filed, back in its form",
                    proc.label
                ),
            );
        }
    }

    /// Starts a CLI run for `base`.
    pub fn start_cli(&mut self, base: ApiBase) -> Option<String> {
        let proc = self.process(Kind::Cli, Some(base))?;
        Some(self.adopt(proc))
    }

    fn adopt(&mut self, proc: Proc) -> String {
        let label = proc.label.clone();
        self.note(format_args!("{label} starts ({:?})", proc.kind));
        self.procs.insert(label.clone(), proc);
        label
    }

    fn process(&mut self, kind: Kind, base: Option<ApiBase>) -> Option<Proc> {
        self.next_process += 1;
        let label = format!("p{}", self.next_process);
        let opened = match Opened::outbox(&self.outbox, Duration::ZERO) {
            Ok(opened) => opened,
            Err(error) => {
                self.note(format_args!("{label} could not start: {error}"));
                return None;
            }
        };
        if kind == Kind::Cli && opened.unusable.is_some() {
            // The CLI stops there, as `feedback` does, saying why.
            self.note(format_args!("{label} (CLI) cannot open the outbox"));
            return None;
        }
        let dir = self
            .outbox
            .parent()
            .map(|dir| dir.display().to_string())
            .unwrap_or_default();
        for notice in &opened.notices {
            // The day's folder and the real time a file was kept aside at
            // are not the day's: the trace replays without them.
            let notice = notice.replace(&dir, "<dir>");
            let notice = notice.split(".corrupt-").next().unwrap_or_default();
            self.note(format_args!("{label}: {notice}…"));
        }
        apply_disk(&opened.outbox, self.disk);
        opened.outbox.seed_ids(self.rng.u64(..));
        let tasks = Tasks::new();
        let keyring = Arc::new(SimKeyring {
            keyrings: self.keyrings.clone(),
            clocks: self.clocks.clone(),
        });
        let delivery = DeliveryConfig {
            jitter_seed: Some(self.rng.u64(..)),
            process: label.clone(),
            ..DeliveryConfig::default()
        };
        let mut builder = Desk::over(opened, keyring)
            .connect(clients_over(self.net.http(&label)))
            .client(ClientConfig::default())
            .delivery(delivery)
            .clock(self.clocks.desktop())
            .tasks(tasks.clone())
            .policy(self.policy.clone());
        builder = match (kind, base) {
            (Kind::Cli, Some(base)) => builder.base(Ok(base)),
            _ => builder
                .settings(self.settings.clone(), None)
                .form(DraftFile::beside(&self.outbox))
                .login(
                    self.login.clone(),
                    self.outbox.with_file_name("send-at-next-login"),
                )
                .starting(),
        };
        Some(Proc {
            label,
            kind,
            desk: builder.build(),
            tasks,
        })
    }

    /// Kills `label`: its tasks dropped where they are, nothing cleaned up.
    pub fn kill(&mut self, label: &str) {
        if let Some(proc) = self.procs.remove(label) {
            self.net.killed(label);
            proc.tasks.abort_all();
            proc.desk.kill();
            self.note(format_args!("{label} killed"));
        }
    }

    /// Kills `label` after `after`, wherever it then is (most likely in the
    /// middle of a send, for a run just started).
    pub fn kill_after(&self, label: &str, after: std::time::Duration) {
        let Some(proc) = self.procs.get(label) else {
            return;
        };
        let (tasks, net, ended, book, clocks, label) = (
            proc.tasks.clone(),
            self.net.clone(),
            self.ended.clone(),
            self.book.clone(),
            self.clocks.clone(),
            label.to_owned(),
        );
        tokio::spawn(async move {
            tokio::time::sleep(after).await;
            if lock(&ended).contains(&label) {
                return;
            }
            net.killed(&label);
            tasks.abort_all();
            note(&book, &clocks, format_args!("{label} killed"));
            lock(&ended).push(label);
        });
    }

    /// Stops (`true`) or resumes `label`: nothing of it runs meanwhile.
    pub fn stop(&mut self, label: &str, stopped: bool) {
        if let Some(proc) = self.procs.get(label) {
            self.net.stopped(label, stopped);
            if stopped {
                proc.tasks.stop();
            } else {
                proc.tasks.resume();
            }
            self.note(format_args!(
                "{label} {}",
                if stopped { "stopped" } else { "resumed" }
            ));
        }
    }

    /// Processes that ended by themselves leave.
    pub fn reap(&mut self) {
        let ended: Vec<String> = std::mem::take(&mut *lock(&self.ended));
        for label in ended {
            if let Some(proc) = self.procs.remove(&label) {
                proc.tasks.abort_all();
                self.note(format_args!("{label} ended"));
            }
        }
    }

    /// Runs `work` in the app (`in_app`: it may be killed with it) or as
    /// a CLI run that ends when the work does.
    pub fn run_as(
        &self,
        in_app: bool,
        label: &str,
        work: impl std::future::Future<Output = ()> + Send + 'static,
    ) {
        if in_app {
            self.run_in(label, work);
        } else {
            self.run_to_end(label, work);
        }
    }

    /// Runs `work` in process `label`, which ends when it is done (a CLI run).
    pub fn run_to_end<F>(&self, label: &str, work: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        let Some(proc) = self.procs.get(label) else {
            return;
        };
        let (ended, label) = (self.ended.clone(), label.to_owned());
        proc.tasks.spawn(async move {
            work.await;
            lock(&ended).push(label);
        });
    }

    /// Runs `work` in process `label`, which goes on after it.
    pub fn run_in(
        &self,
        label: &str,
        work: impl std::future::Future<Output = ()> + Send + 'static,
    ) {
        if let Some(proc) = self.procs.get(label) {
            proc.tasks.spawn(work);
        }
    }

    /// Puts the disk in `disk`'s state for every process now and later.
    pub fn set_disk(&mut self, disk: Disk) {
        self.disk = disk;
        for proc in self.procs.values() {
            apply_disk(&proc.desk.outbox(), disk);
        }
        self.note(format_args!("disk {disk:?}"));
    }

    /// Another program holds (`true`) or lets go of the outbox's write lock.
    pub fn set_busy(&mut self, busy: bool) {
        self.busy = None;
        if busy
            && let Ok(connection) = rusqlite::Connection::open(&self.outbox)
            && connection.execute_batch("BEGIN IMMEDIATE").is_ok()
        {
            self.busy = Some(connection);
        }
        self.note(format_args!("outbox busy: {}", self.busy.is_some()));
    }

    /// A site by origin.
    pub fn site(&self, origin: &str) -> Option<&Site> {
        self.sites.iter().find(|site| site.origin == origin)
    }

    pub fn next_ticket(&mut self) -> String {
        self.tickets += 1;
        format!("T{}", self.tickets)
    }
}

fn apply_disk(outbox: &Outbox, disk: Disk) {
    match disk {
        Disk::Fine => {
            outbox.limit_pages_for_tests(i64::from(u32::MAX));
            outbox.read_only_for_tests(false);
        }
        Disk::Full => outbox.limit_pages_for_tests(outbox.page_count_for_tests()),
        Disk::ReadOnly => outbox.read_only_for_tests(true),
    }
}

pub(crate) fn parse(text: &str) -> ApiBase {
    ApiBase::parse(text).expect("the simulation's bases are valid")
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A line of the trace: the day's time (monotonic), then what happened.
pub(crate) fn note(book: &Mutex<Book>, clocks: &Clocks, line: impl std::fmt::Display) {
    let at = clocks.elapsed().as_secs_f64();
    lock(book).trace.push(format!("{at:>9.3}s {line}"));
}
