//! The app's start: the log, the outbox, the desk over them (managed as
//! [`Shell`]), and, once the form is interactive, what only helps (the
//! shortcut, the clipboard, the tray, the updater), one short main-thread
//! step at a time.

use std::sync::Arc;

use feedback_core::desk::Opened;
use feedback_core::policy::LastRead;
use feedback_core::{ClientConfig, Desk, DraftFile, OsKeyring};
use tauri::{AppHandle, Manager, Runtime};

use crate::settings_store::PluginStore;
use crate::state::Shell;
use crate::window::on_main_thread;
use crate::{capture, desktop, events, login, policy, spelling, tray, updates, words};

/// When `run` began: the start of the `RUST_LOG=debug` timings.
pub(crate) static RUN_BEGAN: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

pub(crate) fn setup(app: &mut tauri::App) -> Result<(), Box<dyn std::error::Error>> {
    let began = std::time::Instant::now();
    let handle = app.handle().clone();
    let mut notices: Vec<String> = start_logging(&handle).into_iter().collect();
    if let Some(run) = RUN_BEGAN.get() {
        log::debug!(
            "setup began {} ms after the start (the plugins before it)",
            began.duration_since(*run).as_millis()
        );
    }
    let path = match std::env::var_os("FEEDBACK_OUTBOX") {
        Some(path) => path.into(),
        // The same file the CLI uses: <local data dir>/<identifier>/outbox.sqlite3,
        // moved there from the roaming folder on Windows.
        None => {
            let local = handle.path().app_local_data_dir()?;
            let (dir, kept) =
                feedback_core::data_dir::settle(&local, &handle.path().app_data_dir()?);
            if let Some(error) = kept {
                notices.push(format!(
                    "The outbox stays in {} for now: it could not be moved to the local folder ({error}).",
                    dir.display()
                ));
            }
            dir.join("outbox.sqlite3")
        }
    };
    let opened = Opened::outbox(&path, std::time::Duration::from_secs(10))?;
    log::debug!("setup: outbox open at {} ms", began.elapsed().as_millis());
    let client = ClientConfig {
        user_agent: feedback_core::client::default_user_agent("WemasyFeedback"),
        ..ClientConfig::default()
    };
    let last_read = LastRead::beside(&path);
    let desk = Desk::over(opened, Arc::new(OsKeyring::default()));
    let desk = desk
        .settings(
            Arc::new(PluginStore(handle.clone())),
            std::env::var("FEEDBACK_API_BASE").ok(),
        )
        .form(DraftFile::beside(&path))
        .policy(policy::read(&last_read))
        .notices(notices)
        .client(client)
        .starting();
    let desk = match login::marker(&handle) {
        Some(marker) => desk.login(Arc::new(login::Entry(handle.clone())), marker),
        None => desk,
    };
    let desk = desk.build();
    log::debug!(
        "setup: policy and settings read at {} ms",
        began.elapsed().as_millis()
    );
    let shell = Shell::new(desk.clone());
    app.manage(words::WindowLanguage::default());
    app.manage(capture::Shortcut::default());
    // A state that cannot be read now is asked for by the page, which then
    // says why it failed.
    let start = shell.window_start(&handle).ok();
    log::debug!(
        "setup: the form's first state read at {} ms",
        began.elapsed().as_millis()
    );
    app.manage(shell);
    crate::window::open_main(&handle, &start)?;
    log::debug!("setup: window opened at {} ms", began.elapsed().as_millis());
    events::forward(handle.clone());
    policy::watch(handle.clone(), last_read);
    tauri::async_runtime::spawn(async move {
        let keep_days = desk.settings().unwrap_or_default().keep_delivered_days;
        desk.keep_delivered(keep_days);
        desk.start().await;
    });
    // The tray, the global shortcut and the clipboard (some 70 ms on a cold
    // start, on the main thread) come once the form is interactive: the
    // window says so (`window_ready`), or 3 s pass.
    let later = handle.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
        finish_start(&later);
    });
    if login::started_at_login()
        && let Some(window) = handle.get_webview_window("main")
    {
        // Out of the way until the tray is there to hide in (finish_start).
        let _ = window.minimize();
    }
    log::debug!("setup took {} ms", began.elapsed().as_millis());
    let looking = handle.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let available = desktop::tray_host_available();
        log::info!("tray host available: {available}");
        if let Some(shell) = looking.try_state::<Shell>() {
            shell
                .tray_available
                .store(available, std::sync::atomic::Ordering::SeqCst);
        }
    });
    Ok(())
}

/// What the app needs once the form is interactive, not before: the tray,
/// the global shortcut, the clipboard, spelling, the updater. Once, on the main
/// thread, in short steps: the main loop answers the window (and input)
/// between two, where one long step held it for some 130 ms.
pub(crate) fn finish_start<R: Runtime>(handle: &AppHandle<R>) {
    static DONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if DONE.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    // Queued now, so that a settings save after the window is ready queues
    // behind it and finds the shortcut's listener started (see
    // `capture::refresh`).
    let shortcut = on_main_thread(handle, "the shortcut's listener", |handle| {
        started(handle, capture::start(handle));
    });
    let later = handle.clone();
    tauri::async_runtime::spawn(async move {
        shortcut.await;
        on_main_thread(&later, "the shortcut", |handle| {
            if let Some(shell) = handle.try_state::<Shell>() {
                let accelerator = shell.settings().quick_capture_shortcut;
                capture::apply_now(handle, accelerator.as_deref());
            }
        })
        .await;
        on_main_thread(&later, "the clipboard", |handle| {
            started(
                handle,
                handle.plugin(tauri_plugin_clipboard_manager::init()),
            );
        })
        .await;
        on_main_thread(&later, "tray", |handle| {
            let Some(shell) = handle.try_state::<Shell>() else {
                return;
            };
            // A tray that cannot be made is told in the window; the app goes on.
            match tray::create(handle) {
                Err(error) => shell
                    .desk
                    .notice(format!("The tray icon could not be shown: {error}")),
                // A start at login goes to the tray, where there is one.
                Ok(()) if login::started_at_login() && shell.tray_available() => {
                    if let Some(window) = handle.get_webview_window("main") {
                        let _ = window.hide();
                    }
                }
                Ok(()) => {}
            }
        })
        .await;
        on_main_thread(&later, "spelling", spelling::start).await;
        on_main_thread(&later, "updater", updates::start).await;
    });
    let checking = handle.clone();
    tauri::async_runtime::spawn_blocking(move || {
        // The login entry agrees with the setting (repairs a removed one).
        if let Some(shell) = checking.try_state::<Shell>()
            && let Err(error) = shell.desk.apply_login(shell.settings().start_at_login)
        {
            log::warn!("the login entry could not be set: {error}");
        }
    });
}

/// Tells the window when a part that only helps (a plugin) could not start.
fn started<R: Runtime>(handle: &AppHandle<R>, start: tauri::Result<()>) {
    if let Err(error) = start
        && let Some(shell) = handle.try_state::<Shell>()
    {
        shell
            .desk
            .notice(format!("Part of the app could not start: {error}"));
    }
}

/// Logs to a rotating file in the OS log directory (and standard error):
/// feedback-core's `tracing` events arrive as `log` records. Info by
/// default, which carries no token and no ticket text; `RUST_LOG=debug`
/// says more. A log directory that cannot be made (a file in its way, a
/// full disk) leaves standard error only, and says so: logging never
/// keeps the app from starting.
fn start_logging<R: Runtime>(handle: &AppHandle<R>) -> Option<String> {
    use tauri_plugin_log::{RotationStrategy, Target, TargetKind};
    let level = std::env::var("RUST_LOG")
        .ok()
        .and_then(|level| level.parse().ok())
        .unwrap_or(log::LevelFilter::Info);
    let folder = handle
        .path()
        .app_log_dir()
        .map_err(|error| error.to_string())
        .and_then(|dir| {
            std::fs::create_dir_all(&dir)
                .map(|()| dir.clone())
                .map_err(|error| format!("{}: {error}", dir.display()))
        });
    let mut targets = vec![Target::new(TargetKind::Stderr)];
    if let Ok(path) = &folder {
        targets.push(Target::new(TargetKind::Folder {
            path: path.clone(),
            file_name: None,
        }));
    }
    let logging = tauri_plugin_log::Builder::new()
        .clear_targets()
        .targets(targets)
        // Other crates' chatter (HTTP internals, WebKit glue) only at warn.
        .level(log::LevelFilter::Warn)
        .level_for("feedback_core", level)
        .level_for("wemasy_feedback_lib", level)
        .max_file_size(1_000_000)
        .rotation_strategy(RotationStrategy::KeepSome(5))
        .build();
    let started = handle.plugin(logging).map_err(|error| error.to_string());
    match (folder, started) {
        (Ok(_), Ok(())) => None,
        (Err(reason), _) | (_, Err(reason)) => Some(format!(
            "Logs cannot be written to a file ({reason}); they go to standard error only."
        )),
    }
}
