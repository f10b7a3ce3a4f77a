//! One world per test: a sandbox, a virtual display, tauri-driver, and a
//! data directory of its own, all stopped when it drops.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use feedback_sandbox::{Config, Sandbox};

use crate::tray::TrayHost;
use crate::webdriver::{By, Session};

/// The title of the app's window, by which the tests find it on the display.
const WINDOW_TITLE: &str = "Wemasy Feedback";

/// One app at a time: two WebKitWebDriver sessions starting at once can
/// stall each other.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub(crate) struct World {
    _turn: Option<tokio::sync::MutexGuard<'static, ()>>,
    /// A stand-in tray host on the bus for this world's app, if asked for.
    pub(crate) tray: Option<TrayHost>,
    pub(crate) sandbox: Option<Sandbox>,
    config: Config,
    port: u16,
    // Kept for the data directory's lifetime: the app writes there.
    dir: tempfile::TempDir,
    xvfb: Child,
    display: String,
    driver: Child,
    driver_url: String,
    binary: PathBuf,
}

/// `target/<profile>/<name>`, which must have been built.
/// Builds `packages` as shipped, for a benchmark: the release profile with
/// the page served from the binary, as `tauri build` builds them.
#[allow(dead_code, reason = "used by the benchmarks, not by the tests")]
pub(crate) fn build_release(packages: &[&str]) {
    let mut command = Command::new(env!("CARGO"));
    command.args(["build", "--release", "--locked"]);
    for package in packages {
        command.args(["-p", package]);
    }
    command.args(["--features", "tauri/custom-protocol"]);
    let status = command.status().expect("cargo runs");
    assert!(status.success(), "the release build of {packages:?} failed");
}

pub(crate) fn built_binary(profile: &str, name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let binary = target.join(profile).join(name);
    assert!(
        binary.exists(),
        "build it first: cargo build -p {name} ({})",
        binary.display()
    );
    binary
}

/// Two free ports, different from each other: both are held until both
/// are chosen (two ports picked one after the other can be the same one,
/// and WebKitWebDriver then cannot listen, while tauri-driver waits for it).
fn two_free_ports() -> (u16, u16) {
    let bind = || std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let (first, second) = (bind(), bind());
    let port = |listener: &std::net::TcpListener| listener.local_addr().unwrap().port();
    (port(&first), port(&second))
}

/// Where screenshots go: `target/e2e-screenshots/`.
pub(crate) fn screenshot_path(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{name}.png"))
}

impl World {
    /// A world around the default sandbox.
    pub(crate) async fn start() -> (World, Session) {
        Self::start_with(Config::default()).await
    }

    /// A world around a sandbox configured as `config` (its port is chosen here).
    pub(crate) async fn start_with(config: Config) -> (World, Session) {
        Self::start_in(config, &[]).await
    }

    /// A world whose desktop sets `env` for the app (a language, a theme);
    /// `{sandbox}` in a value becomes the sandbox's origin
    /// (`http://127.0.0.1:PORT`), whose port is chosen at the start.
    pub(crate) async fn start_in(config: Config, env: &[(&str, &str)]) -> (World, Session) {
        Self::start_binary_in(built_binary("debug", "wemasy-feedback"), config, env).await
    }

    /// [`start_in`](Self::start_in) for another build of the app (such as
    /// one marked as installed from a package), taking its turn.
    pub(crate) async fn start_binary_in(
        binary: PathBuf,
        config: Config,
        env: &[(&str, &str)],
    ) -> (World, Session) {
        let turn = ONE_AT_A_TIME.lock().await;
        let (mut world, session) = Self::start_binary(binary, config, env).await;
        world._turn = Some(turn);
        (world, session)
    }

    /// A world whose desktop shows tray icons (a stand-in tray host is on
    /// the bus before the app starts, and only while this world lives).
    pub(crate) async fn start_with_tray() -> (World, Session) {
        let turn = ONE_AT_A_TIME.lock().await;
        let tray = TrayHost::start().await;
        let (mut world, session) = Self::start_binary(
            built_binary("debug", "wemasy-feedback"),
            Config::default(),
            &[],
        )
        .await;
        world._turn = Some(turn);
        world.tray = Some(tray);
        (world, session)
    }

    /// A world that runs `binary` (the app, or the benchmark's bare window).
    /// Worlds started this way do not take turns: the caller runs one app at
    /// a time.
    pub(crate) async fn start_binary(
        binary: PathBuf,
        config: Config,
        env: &[(&str, &str)],
    ) -> (World, Session) {
        Self::start_binary_prepared(binary, config, env, |_| {}).await
    }

    /// A world whose data directory `prepare` sets up (`XDG_DATA_HOME` is
    /// `data/` in the directory it gets) before the app first starts.
    pub(crate) async fn start_prepared(prepare: impl FnOnce(&Path)) -> (World, Session) {
        let turn = ONE_AT_A_TIME.lock().await;
        let (mut world, session) = Self::start_binary_prepared(
            built_binary("debug", "wemasy-feedback"),
            Config::default(),
            &[],
            prepare,
        )
        .await;
        world._turn = Some(turn);
        (world, session)
    }

    async fn start_binary_prepared(
        binary: PathBuf,
        config: Config,
        env: &[(&str, &str)],
        prepare: impl FnOnce(&Path),
    ) -> (World, Session) {
        let sandbox = Sandbox::start(Config {
            port: 0,
            ..config.clone()
        })
        .await
        .unwrap();
        forget_token(&format!("http://127.0.0.1:{}", sandbox.addr().port()));
        let dir = tempfile::tempdir().unwrap();
        prepare(dir.path());

        // -displayfd: Xvfb picks a free display and writes its number.
        let mut xvfb = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1100x900x24",
                "-nolisten",
                "tcp",
                // Not reset when the app, the last client, quits.
                "-noreset",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb is installed (scripts/setup.sh)");
        let mut line = String::new();
        BufReader::new(xvfb.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let display = format!(":{}", line.trim());

        let origin = format!("http://127.0.0.1:{}", sandbox.addr().port());
        let env = env
            .iter()
            .map(|(name, value)| (*name, value.replace("{sandbox}", &origin)));
        let (port, native_port) = two_free_ports();
        let driver = Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("DISPLAY", &display)
            .env("FEEDBACK_API_BASE", sandbox.base_url())
            .env("XDG_DATA_HOME", dir.path().join("data"))
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .env("XDG_CACHE_HOME", dir.path().join("cache"))
            .envs(env)
            .stdout(Stdio::null())
            .stderr(if std::env::var_os("E2E_VERBOSE").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .spawn()
            .expect("tauri-driver is installed (scripts/setup.sh)");
        let driver_url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        // Both: tauri-driver listens at once, but a new session it takes
        // before WebKitWebDriver (which it starts) listens is dropped
        // without an answer ("webdriver server did not respond", one full
        // run in five under load).
        for (listener, what) in [(port, "tauri-driver"), (native_port, "WebKitWebDriver")] {
            while std::net::TcpStream::connect(("127.0.0.1", listener)).is_err() {
                assert!(Instant::now() < deadline, "{what} did not start");
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        let world = World {
            _turn: None,
            tray: None,
            port: sandbox.addr().port(),
            sandbox: Some(sandbox),
            config,
            dir,
            xvfb,
            display,
            driver,
            driver_url,
            binary,
        };
        let session = world.launch().await;
        (world, session)
    }

    /// Clicks the window's close button, as a window manager passes the
    /// click on (`WM_DELETE_WINDOW`; WebDriver's own "close window" tears
    /// the window down instead, which no person can do), until `reacted`
    /// says the app did something about it. Without a window manager, one
    /// such message in a few dozen is not turned into a close request (seen
    /// as no `CloseRequested` at all in the app), so it is sent again after
    /// 3 s, as a person would click again; after four, the test fails.
    pub(crate) async fn close_window_until<F, Fut>(&self, what: &str, mut reacted: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        for attempt in 1..=4 {
            if attempt > 1 {
                eprintln!("harness: the close was not acted on; closing again ({what})");
            }
            close_window_named(&self.display, WINDOW_TITLE);
            let deadline = Instant::now() + Duration::from_secs(3);
            while Instant::now() < deadline {
                if reacted().await {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        panic!("closing the window never led to: {what}");
    }

    /// The X display this world's apps show on.
    #[allow(dead_code, reason = "read by the start-up benchmark, not by the tests")]
    pub(crate) fn display(&self) -> &str {
        &self.display
    }

    /// Whether the app's window is on the display.
    pub(crate) fn window_shown(&self) -> bool {
        find_window(&self.display, WINDOW_TITLE).1.is_some()
    }

    /// Waits up to 10 s for the app's window to be gone from the display.
    pub(crate) async fn wait_for_no_window(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.window_shown() {
            assert!(Instant::now() < deadline, "the window is still open");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Where the app keeps its data: `XDG_DATA_HOME` is `data/` in here.
    pub(crate) fn data_dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    pub(crate) fn sandbox(&self) -> &Sandbox {
        self.sandbox.as_ref().expect("the sandbox is running")
    }

    /// The app's origin for keyring look-ups.
    pub(crate) fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Stops the sandbox: the app sees a server that is down.
    pub(crate) async fn stop_sandbox(&mut self) {
        if let Some(sandbox) = self.sandbox.take() {
            sandbox.shutdown().await;
        }
    }

    /// Starts the sandbox again on the same port.
    pub(crate) async fn restart_sandbox(&mut self) {
        let config = Config {
            port: self.port,
            ..self.config.clone()
        };
        self.sandbox = Some(Sandbox::start(config).await.unwrap());
    }

    /// Starts the app once more in this world (the old session must have ended).
    pub(crate) async fn launch(&self) -> Session {
        self.launch_with(&[]).await
    }

    /// Starts the app once more with `args`, as a login entry would.
    pub(crate) async fn launch_with(&self, args: &[&str]) -> Session {
        let session = self.launch_until_usable_with(args).await;
        // As a person would, act only once the form is there and listening.
        session.wait_ready(Duration::from_millis(5)).await;
        session
    }

    /// Starts the app once more and returns as soon as its form is usable
    /// (the start-up benchmark's finish line), before it may listen.
    pub(crate) async fn launch_until_usable_with(&self, args: &[&str]) -> Session {
        settle_instances(&self.binary).await;
        let session = Session::start(&self.driver_url, &self.binary, args).await;
        session.wait_usable(Duration::from_millis(5)).await;
        session
    }

    /// Starts the app again, with the same data, keyring and sandbox.
    pub(crate) async fn relaunch(&self, old: Session) -> Session {
        old.end().await;
        self.launch().await
    }
}

impl Drop for World {
    fn drop(&mut self) {
        // SIGTERM, not SIGKILL: tauri-driver must stop WebKitWebDriver, which
        // would otherwise keep its port.
        let _ = Command::new("kill")
            .args(["-TERM", &self.driver.id().to_string()])
            .status();
        let _ = self.driver.wait();
        // An app whose session never ended (a failed test) would outlive
        // the driver and, holding the single-instance name, turn the next
        // test's app away.
        let data = self.dir.path().join("data");
        for pid in instances(&self.binary) {
            if environment_has(pid, "XDG_DATA_HOME", &data) {
                kill(pid);
            }
        }
        let _ = self.xvfb.kill();
        let _ = self.xvfb.wait();
    }
}

/// Removes a token for `origin` from the keyring that tests share: the
/// sandbox's port may have been another test's, which signed in to it.
pub(crate) fn forget_token(origin: &str) {
    let _ = Command::new("secret-tool")
        .args(["clear", "service", "nl.wemasy.feedback", "username", origin])
        .status();
}

/// A process as `/proc` shows it.
#[derive(Debug)]
pub(crate) struct Process {
    pub(crate) pid: u32,
    #[allow(
        dead_code,
        reason = "read by the Linux-only engine test and the start-up benchmark"
    )]
    pub(crate) parent: u32,
    /// The program it runs; a binary replaced on disk (an upgrade) keeps
    /// its path here, without the " (deleted)" that `/proc` adds.
    pub(crate) exe: Option<PathBuf>,
    zombie: bool,
}

/// Every process this one may look at.
pub(crate) fn processes() -> Vec<Process> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // The state and the parent are the first fields after the ")"
            // closing the name.
            let mut fields = stat.rsplit_once(')')?.1.split_whitespace();
            let zombie = fields.next()? == "Z";
            let parent = fields.next()?.parse().ok()?;
            let exe = std::fs::read_link(format!("/proc/{pid}/exe"))
                .ok()
                .map(|exe| {
                    let exe = exe.to_string_lossy();
                    PathBuf::from(exe.strip_suffix(" (deleted)").unwrap_or(&exe))
                });
            Some(Process {
                pid,
                parent,
                exe,
                zombie,
            })
        })
        .collect()
}

/// Live (not zombie) processes of the program `binary`, wherever it was
/// started from: the debug build and the installed app share one
/// single-instance name on the session bus.
pub(crate) fn instances(binary: &Path) -> Vec<u32> {
    let name = binary.file_name().expect("a file name");
    processes()
        .into_iter()
        .filter(|process| {
            !process.zombie
                && process
                    .exe
                    .as_deref()
                    .is_some_and(|exe| exe.file_name() == Some(name))
        })
        .map(|process| process.pid)
        .collect()
}

fn environment_has(pid: u32, key: &str, value: &Path) -> bool {
    let wanted = format!("{key}={}", value.display());
    std::fs::read(format!("/proc/{pid}/environ")).is_ok_and(|environ| {
        environ
            .split(|&byte| byte == 0)
            .any(|entry| entry == wanted.as_bytes())
    })
}

fn kill(pid: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status();
}

/// Waits until no instance of `binary` runs, so that the next launch is not
/// turned away by the single-instance check (which WebKitWebDriver would
/// wait on forever). One still running after 10 s is killed, and said so.
async fn settle_instances(binary: &Path) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let running = instances(binary);
        if running.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline + Duration::from_secs(5),
            "{} is still running as {running:?} and could not be killed",
            binary.display()
        );
        if Instant::now() > deadline {
            eprintln!(
                "harness: {} still running as {running:?} after 10 s; killed so the next launch is not turned away",
                binary.display()
            );
            running.into_iter().for_each(kill);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Signs in with the sandbox's demo token through the sign-in dialog.
pub(crate) async fn sign_in(app: &Session) {
    sign_in_with(app, "demo-token").await;
}

/// Signs in with `token` through the sign-in dialog.
pub(crate) async fn sign_in_with(app: &Session, token: &str) {
    app.wait_for_text(By::TestId("status-line"), "Not signed in")
        .await;
    app.click(By::Button("Sign in")).await;
    app.type_into(By::Label("API token"), token).await;
    app.click(By::Button("Sign in")).await;
    app.wait_for_text(By::TestId("account-button"), "Sign out")
        .await;
}

/// Stops the sandbox and files a ticket with `subject` in English, which
/// is saved to wait for the server.
pub(crate) async fn file_while_offline(world: &mut World, app: &Session, subject: &str) {
    world.stop_sandbox().await;
    app.type_into(By::Label("Subject"), subject).await;
    app.type_into(By::Label("Message"), "It fails while the server is down.")
        .await;
    app.click(By::Button("Send ticket")).await;
    app.wait_for_text(By::TestId("result"), "Saved").await;
    app.wait_for_text(By::TestId("outbox-badge"), "1").await;
}

/// The visible top-level window titled `title` on `display`, with the
/// connection to reach it.
fn find_window(
    display: &str,
    title: &str,
) -> (x11rb::rust_connection::RustConnection, Option<u32>) {
    use x11rb::connection::Connection;
    use x11rb::protocol::xproto::{AtomEnum, ConnectionExt, MapState};

    let (conn, screen) = x11rb::connect(Some(display)).expect("the X display answers");
    let root = conn.setup().roots[screen].root;
    let children = conn.query_tree(root).unwrap().reply().unwrap().children;
    let window = children.into_iter().find(|&window| {
        let named = conn
            .get_property(false, window, AtomEnum::WM_NAME, AtomEnum::ANY, 0, 64)
            .ok()
            .and_then(|cookie| cookie.reply().ok())
            .is_some_and(|reply| reply.value == title.as_bytes());
        let visible = conn
            .get_window_attributes(window)
            .ok()
            .and_then(|cookie| cookie.reply().ok())
            .is_some_and(|reply| reply.map_state == MapState::VIEWABLE);
        named && visible
    });
    (conn, window)
}

/// Whether a visible top-level window titled `title` is on `display`.
#[allow(dead_code, reason = "read by the start-up benchmark, not by the tests")]
pub(crate) fn window_titled(display: &str, title: &str) -> bool {
    find_window(display, title).1.is_some()
}

/// Sends `WM_DELETE_WINDOW` to the visible top-level window titled `title`
/// on `display`, the message a window manager sends for the close button.
fn close_window_named(display: &str, title: &str) {
    use x11rb::connection::Connection;
    use x11rb::protocol::xproto::{ClientMessageEvent, ConnectionExt, EventMask};

    let (conn, window) = find_window(display, title);
    let window = window.unwrap_or_else(|| panic!("no visible window titled {title:?}"));
    let atom = |name: &[u8]| {
        conn.intern_atom(false, name)
            .expect("an X request")
            .reply()
            .expect("an X atom")
            .atom
    };
    let (protocols, delete) = (atom(b"WM_PROTOCOLS"), atom(b"WM_DELETE_WINDOW"));
    let message = ClientMessageEvent::new(32, window, protocols, [delete, 0, 0, 0, 0]);
    conn.send_event(false, window, EventMask::NO_EVENT, message)
        .unwrap();
    conn.flush().unwrap();
}

impl World {
    /// The text on the display's clipboard (`CLIPBOARD`, as UTF-8), as
    /// another program pasting it gets it; within 5 s.
    pub(crate) fn clipboard(&self) -> String {
        use x11rb::connection::Connection;
        use x11rb::protocol::Event;
        use x11rb::protocol::xproto::{
            AtomEnum, ConnectionExt, CreateWindowAux, EventMask, WindowClass,
        };

        let (conn, screen) = x11rb::connect(Some(&self.display)).expect("the X display answers");
        let root = conn.setup().roots[screen].root;
        let window = conn.generate_id().unwrap();
        conn.create_window(
            0,
            window,
            root,
            0,
            0,
            1,
            1,
            0,
            WindowClass::INPUT_OUTPUT,
            0,
            &CreateWindowAux::new().event_mask(EventMask::PROPERTY_CHANGE),
        )
        .unwrap();
        let atom = |name: &[u8]| conn.intern_atom(false, name).unwrap().reply().unwrap().atom;
        let (clipboard, utf8, into) =
            (atom(b"CLIPBOARD"), atom(b"UTF8_STRING"), atom(b"E2E_PASTE"));
        conn.convert_selection(window, clipboard, utf8, into, x11rb::CURRENT_TIME)
            .unwrap();
        conn.flush().unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            assert!(Instant::now() < deadline, "nothing on the clipboard");
            match conn.poll_for_event().unwrap() {
                Some(Event::SelectionNotify(event)) if event.property == x11rb::NONE => {
                    return String::new();
                }
                Some(Event::SelectionNotify(_)) => break,
                _ => std::thread::sleep(Duration::from_millis(20)),
            }
        }
        let reply = conn
            .get_property(true, window, into, AtomEnum::ANY, 0, 1 << 20)
            .unwrap()
            .reply()
            .unwrap();
        String::from_utf8(reply.value).expect("UTF-8 text")
    }
}

impl World {
    /// Clicks the window's close button (as [`World::close_window_until`])
    /// until the app asks the window manager to minimise it: ICCCM's
    /// `WM_CHANGE_STATE` to the root window with `IconicState`, which is
    /// what minimising sends. Panics after four closes without it.
    pub(crate) async fn close_until_minimised(&self) {
        use x11rb::connection::Connection;
        use x11rb::protocol::Event;
        use x11rb::protocol::xproto::{ChangeWindowAttributesAux, ConnectionExt, EventMask};

        let (conn, screen) = x11rb::connect(Some(&self.display)).expect("the X display answers");
        let root = conn.setup().roots[screen].root;
        conn.change_window_attributes(
            root,
            &ChangeWindowAttributesAux::new().event_mask(EventMask::SUBSTRUCTURE_NOTIFY),
        )
        .unwrap();
        let change_state = conn
            .intern_atom(false, b"WM_CHANGE_STATE")
            .unwrap()
            .reply()
            .unwrap()
            .atom;
        conn.flush().unwrap();
        const ICONIC_STATE: u32 = 3;
        for attempt in 1..=4 {
            if attempt > 1 {
                eprintln!("harness: the close was not acted on; closing again (minimise)");
            }
            close_window_named(&self.display, WINDOW_TITLE);
            let deadline = Instant::now() + Duration::from_secs(3);
            while Instant::now() < deadline {
                match conn.poll_for_event().unwrap() {
                    Some(Event::ClientMessage(message))
                        if message.type_ == change_state
                            && message.data.as_data32()[0] == ICONIC_STATE =>
                    {
                        return;
                    }
                    Some(_) => {}
                    None => tokio::time::sleep(Duration::from_millis(50)).await,
                }
            }
        }
        panic!("closing the window never minimised it");
    }
}

impl World {
    /// Presses `keys` (xdotool's names, such as `ctrl+alt+n`) on this
    /// world's display, as a person does in another app: through the X
    /// server (XTEST), not through the app's window.
    pub(crate) fn press_on_desktop(&self, keys: &str) {
        let status = Command::new("xdotool")
            .args(["key", "--clearmodifiers", keys])
            .env("DISPLAY", &self.display)
            .status()
            .expect("xdotool is installed (scripts/setup.sh)");
        assert!(status.success(), "xdotool key {keys}");
    }

    /// Saves in the OS's save dialog titled `title` (GTK's, a window of its
    /// own) as a person does: the name field's text replaced by `file`'s
    /// full path, then Enter. Waits up to 10 s for the dialog.
    pub(crate) fn save_in_dialog(&self, title: &str, file: &std::path::Path) {
        self.answer_file_dialog(title, "ctrl+a", file);
    }

    /// Opens `file` in the OS's open dialog titled `title`, as a person
    /// does: Ctrl+L for the location, its full path, then Enter.
    pub(crate) fn open_in_dialog(&self, title: &str, file: &std::path::Path) {
        self.answer_file_dialog(title, "ctrl+l", file);
    }

    fn answer_file_dialog(&self, title: &str, first: &str, file: &std::path::Path) {
        let status = Command::new("timeout")
            .arg("10")
            .arg("xdotool")
            .args([
                "search",
                "--sync",
                "--onlyvisible",
                "--name",
                &format!("^{title}$"),
            ])
            .args(["windowfocus", "--sync", "%1"])
            .args(["key", "--clearmodifiers", first])
            .args(["type", "--delay", "20", &file.display().to_string()])
            .env("DISPLAY", &self.display)
            .status()
            .expect("xdotool is installed (scripts/setup.sh)");
        if !status.success() {
            let windows = Command::new("sh")
                .arg("-c")
                .arg("for w in $(xdotool search --name .); do xdotool getwindowname $w; done")
                .env("DISPLAY", &self.display)
                .output()
                .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
                .unwrap_or_default();
            panic!("a file dialog titled {title:?} within 10 s; the windows:\n{windows}");
        }
        // Apart: `type` takes every word after it as text.
        self.press_on_desktop("Return");
    }
}
