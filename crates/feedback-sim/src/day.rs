//! A desktop day, drawn from its seed: the person's actions and the
//! world's faults, one after another at random moments, each fault lasting
//! a while; then the evening, when the faults end and the person signs in
//! where tickets wait, and everything that can go must go within the
//! bound ([`Day::settle`]).

use std::time::Duration;

use feedback_sandbox::{Faults, OddKind, StatusEvery};

use crate::book::Invariant;
use crate::net::ReplyFaults;
use crate::person::Typed;
use crate::world::{Disk, World, lock};

/// Something that ends a fault, due at a moment of the day.
#[derive(Debug, Clone)]
enum Undo {
    Resume(String),
    Online,
    ServerFaults(usize),
    ReplyFaults,
    Keyring,
    Disk,
    NotBusy,
    NoProxy,
    Allow(usize),
    /// The person acts on the ticket a killed run left (retry or discard).
    Unstick,
    /// The person logs in again: the login entry, if there is one, starts the app.
    Login,
}

/// The day's driver: the world and what is due to end.
#[derive(Debug)]
pub struct Day {
    pub world: World,
    undo: Vec<(tokio::time::Instant, Undo)>,
}

/// Once the faults have ended and the person has signed in wherever
/// tickets wait, every ticket that can go is delivered within this, plus
/// [`PER_TEN`] for every ten tickets waiting (each ten may need a rate-limit
/// window of their own).
pub const BOUND: Duration = Duration::from_secs(10 * 60);
pub const PER_TEN: Duration = Duration::from_secs(305);

impl Day {
    pub fn new(seed: u64) -> Self {
        Self {
            world: World::new(seed),
            undo: Vec::new(),
        }
    }

    /// The day's actions and faults.
    pub async fn live(&mut self) {
        let steps = self.world.rng.usize(20..50);
        if self.world.rng.u32(0..10) < 9 {
            self.world.start_app();
        }
        // The person signed in at some earlier day, mostly.
        if self.world.rng.u32(0..10) < 8 {
            for site in self.world.sites.clone() {
                self.world
                    .sign(false, site.base.clone(), Some(site.token.clone()));
            }
        }
        for _ in 0..steps {
            let gap = self.gap();
            tokio::time::sleep(gap).await;
            self.undo_due(false);
            self.world.reap();
            self.step().await;
        }
        tokio::time::sleep(Duration::from_secs(self.world.rng.u64(1..120))).await;
    }

    fn gap(&mut self) -> Duration {
        let rng = &mut self.world.rng;
        Duration::from_millis(match rng.u32(0..10) {
            0..=5 => rng.u64(200..15_000),
            6..=8 => rng.u64(15_000..120_000),
            _ => rng.u64(120_000..900_000),
        })
    }

    fn later(&mut self, within: std::ops::Range<u64>, undo: Undo) {
        let after = Duration::from_secs(self.world.rng.u64(within));
        self.undo.push((tokio::time::Instant::now() + after, undo));
    }

    /// One thing happens.
    async fn step(&mut self) {
        let world = &mut self.world;
        let roll = world.rng.u32(0..100);
        let site = world.rng.usize(..world.sites.len());
        let base = world.sites[site].base.clone();
        match roll {
            0..=21 => {
                if world.app().is_none() {
                    world.start_app();
                } else {
                    let typed = match world.rng.u32(0..20) {
                        0 => Typed::UnknownChannel,
                        1 => Typed::Incomplete,
                        _ => Typed::Good,
                    };
                    world.file_in_app(typed);
                }
            }
            22..=28 => {
                let wait = [0.0, 0.3, 5.0][world.rng.usize(..3)];
                let typed = if world.rng.u32(0..15) == 0 {
                    Typed::UnknownChannel
                } else {
                    Typed::Good
                };
                world.cli_submit(base, Duration::from_secs_f64(wait), typed);
            }
            29..=33 => {
                let in_app = world.rng.bool();
                world.discard(in_app);
            }
            34..=36 => {
                let in_app = world.rng.bool();
                world.retry(in_app);
            }
            37..=38 => world.edit_and_refile(),
            39..=40 => {
                let in_app = world.rng.bool();
                world.send_now(in_app);
            }
            41 => world.export(),
            42..=44 => {
                let timeout = Duration::from_secs(world.rng.u64(5..120));
                world.cli_drain(base, timeout);
            }
            45..=49 => {
                let in_app = world.rng.u32(0..3) == 0;
                let token = match world.rng.u32(0..6) {
                    0 => None,
                    1 => Some(format!("mistyped-{}", world.rng.u32(0..1000))),
                    _ => Some(world.sites[site].token.clone()),
                };
                world.sign(in_app, base, token);
            }
            50..=52 => {
                let base = if world.rng.u32(0..4) == 0 {
                    world.sites[site].wrong.clone()
                } else {
                    base
                };
                world.change_server(base);
            }
            53 => {
                let enforced = world.rng.bool().then_some(base);
                world.change_policy(enforced);
            }
            54..=55 => {
                if let Some(label) = world.app().map(|app| app.label.clone()) {
                    world.kill(&label);
                }
            }
            56..=57 => {
                // A CLI run, one with a request out if any (killed mid-send).
                let sending: Vec<String> = world
                    .net
                    .sending()
                    .into_iter()
                    .filter(|label| world.procs.contains_key(label))
                    .collect();
                let clis: Vec<String> = if sending.is_empty() {
                    world
                        .procs
                        .values()
                        .filter(|proc| proc.kind == crate::world::Kind::Cli)
                        .map(|proc| proc.label.clone())
                        .collect()
                } else {
                    sending
                };
                if !clis.is_empty() {
                    let label = clis[world.rng.usize(..clis.len())].clone();
                    world.kill(&label);
                    // The run hung; the person killed it, and soon turns to
                    // the ticket it left.
                    self.later(6..40, Undo::Unstick);
                }
            }
            58..=59 => {
                // The app, or a run with a request out: stopped past its lease.
                let sending = world.net.sending();
                let label = sending
                    .into_iter()
                    .find(|label| world.procs.contains_key(label))
                    .or_else(|| world.app().map(|app| app.label.clone()));
                if let Some(label) = label {
                    world.stop(&label, true);
                    self.later(3..90, Undo::Resume(label));
                }
            }
            60 => self.world.quit_app(),
            61 => {
                self.world.quit_and_send_at_next_login();
                self.later(30..600, Undo::Login);
            }
            62 => {
                let pause = Duration::from_secs(world.rng.u64(1..20));
                world.update_install(pause);
            }
            63..=66 => {
                world.net.set_offline(true);
                world.note("the network goes away");
                self.later(5..600, Undo::Online);
            }
            67..=71 => {
                let faults = server_faults(&mut world.rng);
                world.note(format_args!("server {site} fails: {faults:?}"));
                world.sites[site]
                    .sandbox
                    .app()
                    .update_faults(|now| *now = faults);
                self.later(10..900, Undo::ServerFaults(site));
            }
            72..=74 => {
                let faults = ReplyFaults {
                    reset_after_status: world.rng.u32(0..300),
                    cut: world.rng.u32(0..300),
                    slow_body: world.rng.u32(0..150),
                    bare_429: world.rng.u32(0..1000),
                };
                world.note(format_args!("replies break: {faults:?}"));
                world.net.set_faults(faults);
                self.later(10..900, Undo::ReplyFaults);
            }
            75..=77 => {
                let hours = world.rng.i64(1..72);
                let ms = if world.rng.bool() { hours } else { -hours } * 3_600_000;
                world.clocks.step(ms);
                world.note(format_args!("the wall clock steps {} h", ms / 3_600_000));
            }
            78..=79 => {
                let ms = world.rng.i64(60_000..3 * 86_400_000);
                world.clocks.suspend(ms);
                world.net.break_connections();
                world.note(format_args!("the machine sleeps {} min", ms / 60_000));
            }
            80..=82 => {
                if world.rng.bool() {
                    world.keyrings.lock_it(true);
                    world.note("the keyring is locked");
                } else {
                    let slow = Duration::from_secs(world.rng.u64(1..40));
                    world.keyrings.slow_down(Some(slow));
                    world.note(format_args!("the keyring answers after {slow:?}"));
                }
                self.later(5..300, Undo::Keyring);
            }
            83..=85 => {
                let disk = if world.rng.bool() {
                    Disk::Full
                } else {
                    Disk::ReadOnly
                };
                world.set_disk(disk);
                self.later(5..300, Undo::Disk);
            }
            86 => {
                world.set_busy(true);
                self.later(1..60, Undo::NotBusy);
            }
            87..=88 => {
                world.net.set_proxy_in_env(true);
                world.note("a proxy is set in the environment");
                self.later(10..900, Undo::NoProxy);
            }
            89 => {
                let token = world.sites[site].token.clone();
                world.sites[site].sandbox.app().set_forbidden(&token, true);
                world.note(format_args!("server {site} forbids its account"));
                self.later(10..600, Undo::Allow(site));
            }
            90 => self.power_cut().await,
            _ => {
                if world.app().is_none() {
                    world.start_app();
                } else {
                    world.file_in_app(Typed::Good);
                }
            }
        }
    }

    /// Every process dies at once; the outbox file loses a page (one of an
    /// index's: the tickets themselves can still be read).
    async fn power_cut(&mut self) {
        let labels: Vec<String> = self.world.procs.keys().cloned().collect();
        for label in labels {
            self.world.kill(&label);
        }
        self.world.set_busy(false);
        // The killed processes' tasks are dropped (their files closed) at
        // the runtime's next turn.
        tokio::time::sleep(Duration::from_millis(1)).await;
        if self.world.rng.bool() {
            damage(&self.world.outbox);
            self.world.note("power cut: the outbox file is damaged");
        } else {
            self.world.note("power cut");
        }
    }

    fn undo_due(&mut self, all: bool) {
        let now = tokio::time::Instant::now();
        let (due, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.undo)
            .into_iter()
            .partition(|(at, _)| all || *at <= now);
        self.undo = kept;
        for (_, undo) in due {
            self.apply(undo);
        }
    }

    fn apply(&mut self, undo: Undo) {
        let world = &mut self.world;
        match undo {
            Undo::Resume(label) => world.stop(&label, false),
            Undo::Online => {
                world.net.set_offline(false);
                world.note("the network is back");
            }
            Undo::ServerFaults(site) => {
                world.sites[site]
                    .sandbox
                    .app()
                    .update_faults(|now| *now = Faults::default());
                world.note(format_args!("server {site} works again"));
            }
            Undo::ReplyFaults => world.net.set_faults(ReplyFaults::default()),
            Undo::Keyring => {
                world.keyrings.lock_it(false);
                world.keyrings.slow_down(None);
                world.note("the keyring answers again");
            }
            Undo::Disk => world.set_disk(Disk::Fine),
            Undo::NotBusy => world.set_busy(false),
            Undo::NoProxy => world.net.set_proxy_in_env(false),
            Undo::Login => {
                if world.login.wanted() {
                    world.note("login: the entry starts the app");
                    world.start_app();
                }
            }
            Undo::Unstick => {
                let in_app = world.rng.bool();
                if world.rng.bool() {
                    world.retry(in_app);
                } else {
                    world.discard(in_app);
                }
            }
            Undo::Allow(site) => {
                let token = world.sites[site].token.clone();
                world.sites[site].sandbox.app().set_forbidden(&token, false);
            }
        }
    }

    /// The evening: the faults end, running CLI runs finish, the app runs,
    /// the person signs in (with `feedback login`, beside the app) wherever
    /// tickets wait, and sends queued now where the server had refused the
    /// account. Then everything that can go must be delivered within the
    /// bound. Returns how long it took.
    pub async fn settle(&mut self) -> Duration {
        self.undo_due(true);
        self.world.note("evening: the faults end");
        for _ in 0..60 {
            self.world.reap();
            let running = self
                .world
                .procs
                .values()
                .any(|proc| proc.kind == crate::world::Kind::Cli);
            if !running {
                break;
            }
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
        let clis: Vec<String> = self.world.procs.keys().cloned().collect();
        for label in clis {
            if self.world.procs[&label].kind == crate::world::Kind::Cli {
                self.world.kill(&label);
            }
        }
        if self.world.start_app().is_none() {
            // The outbox could not be opened for the app: nothing can go.
            lock(&self.world.book).broke(
                Invariant::NeverStuck,
                "the app could not start in the evening".into(),
            );
            return Duration::ZERO;
        }
        tokio::time::sleep(Duration::from_secs(20)).await;
        let waiting_at = self.waiting_origins();
        for site in self.world.sites.clone() {
            if waiting_at.contains(&site.origin) {
                self.world
                    .sign(false, site.base.clone(), Some(site.token.clone()));
            }
        }
        tokio::time::sleep(Duration::from_secs(30)).await;
        if self.world.app().is_some_and(|app| {
            self.world
                .sites
                .iter()
                .any(|site| paused(&app.desk.outbox(), &site.origin))
        }) {
            self.world.send_now(true);
        }
        let began = tokio::time::Instant::now();
        let waiting = self.waiting().len();
        self.world
            .note(format_args!("evening: {waiting} tickets waiting"));
        let bound = BOUND + PER_TEN * u32::try_from(waiting.div_ceil(10)).unwrap_or(u32::MAX);
        while began.elapsed() < bound {
            self.world.reap();
            if self.waiting().is_empty() {
                self.world.note(format_args!(
                    "evening: everything delivered within {} s",
                    began.elapsed().as_secs()
                ));
                return began.elapsed();
            }
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
        let stuck = self.waiting();
        if !stuck.is_empty() {
            let book = lock(&self.world.book);
            let names: Vec<String> = stuck.iter().map(|id| book.name_of(id)).collect();
            drop(book);
            lock(&self.world.book).broke(
                Invariant::NeverStuck,
                format!(
                    "{} tickets still waiting {} min after the faults ended: {names:?}",
                    names.len(),
                    bound.as_secs() / 60
                ),
            );
        }
        began.elapsed()
    }

    /// The tickets queued or being sent, by id, as the outbox file says
    /// (whatever a process makes of it).
    fn waiting(&self) -> Vec<String> {
        self.file_rows("SELECT id FROM tickets WHERE state IN ('queued', 'sending')")
    }

    fn waiting_origins(&self) -> Vec<String> {
        self.file_rows("SELECT DISTINCT account FROM tickets WHERE state IN ('queued', 'sending')")
    }

    fn file_rows(&self, query: &str) -> Vec<String> {
        let Ok(connection) = rusqlite::Connection::open_with_flags(
            &self.world.outbox,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        ) else {
            return Vec::new();
        };
        let Ok(mut statement) = connection.prepare(query) else {
            return Vec::new();
        };
        statement
            .query_map([], |row| row.get(0))
            .map(|rows| rows.filter_map(Result::ok).collect())
            .unwrap_or_default()
    }

    /// The end of the day: every process quits.
    pub async fn end(&mut self) {
        if let Some(app) = self.world.app() {
            app.desk.shutdown().await;
        }
        let labels: Vec<String> = self.world.procs.keys().cloned().collect();
        for label in labels {
            if let Some(proc) = self.world.procs.remove(&label) {
                proc.tasks.abort_all();
            }
        }
    }
}

/// Whether `origin`'s queue waits for a person because the server refused
/// the account (a 403).
fn paused(outbox: &feedback_core::Outbox, origin: &str) -> bool {
    outbox
        .pause(origin)
        .ok()
        .flatten()
        .is_some_and(|pause| pause.kind == feedback_core::outbox::PauseKind::Forbidden)
}

fn server_faults(rng: &mut fastrand::Rng) -> Faults {
    let every = |rng: &mut fastrand::Rng| Some(rng.u32(1..5));
    let mut faults = Faults::default();
    match rng.u32(0..12) {
        0 => faults.fail_every = every(rng),
        1 => faults.drop_after_store_every = every(rng),
        2 => faults.drop_before_store_every = every(rng),
        3 => faults.html_502_every = every(rng),
        4 => faults.stall_every = every(rng),
        5 => faults.slow_after_store = Duration::from_secs(rng.u64(1..60)),
        6 => {
            faults.odd_2xx = Some(OddKind::ALL[rng.usize(..OddKind::ALL.len())]);
            faults.odd_2xx_every = every(rng);
        }
        7 => {
            let statuses = StatusEvery::STATUSES;
            faults.status_every = vec![StatusEvery {
                every: rng.u32(2..6),
                status: statuses[rng.usize(..statuses.len())],
            }];
        }
        8 => faults.retry_after_zero = true,
        9 => faults.retry_after = Some(rng.u64(100_000..10_000_000)),
        10 => faults.reset_skew = rng.i64(-86_400..86_400),
        _ => faults.latency = Duration::from_millis(rng.u64(100..20_000)),
    }
    faults
}

/// Damages the first page of the outbox's due-ticket index (its WAL folded
/// in first, as after a clean close): the file no longer passes its check,
/// and the tickets themselves are all still there to be read.
fn damage(outbox: &std::path::Path) {
    let Ok(connection) = rusqlite::Connection::open(outbox) else {
        return;
    };
    let _ = connection.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);");
    let page: Option<(i64, i64)> = connection
        .query_row(
            "SELECT (SELECT rootpage FROM sqlite_master WHERE name = 'tickets_due'), page_size FROM pragma_page_size",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .ok();
    drop(connection);
    let Some((root, size)) = page else { return };
    let Ok(mut bytes) = std::fs::read(outbox) else {
        return;
    };
    let start = usize::try_from((root - 1) * size).unwrap_or(usize::MAX);
    if start + 16 <= bytes.len() {
        bytes[start..start + 16].fill(0xff);
        let _ = std::fs::write(outbox, &bytes);
    }
}
