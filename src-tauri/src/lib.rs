//! Wemasy Feedback's desktop shell: windows, tray, settings glue and
//! one-expression commands. Everything that decides anything lives in
//! `feedback-core`.
//!
//! # Layout
//!
//! - `commands`: the commands the window may call.
//! - `state`: `App`, the managed state around the outbox and engine.
//! - `events`: engine events to the window, tray and notifications.
//! - `settings`: the user's settings in tauri-plugin-store.
//! - `policy`: the organisation's policy as this run holds it, read again
//!   every few seconds and applied when it changes.
//! - `tray`: the tray icon and its menu.
//! - `capture`: quick capture (the tray's New ticket, a global shortcut).
//! - `desktop`: what the desktop offers (a tray host, global shortcuts).
//! - `login`: starting at login, always or once to send what waits.
//! - `words`: the shell's own words (tray, notifications) in English or Dutch.
//! - `ipc_error`: errors as `{code, message}`.

mod capture;
mod commands;
mod desktop;
mod events;
mod ipc_error;
mod login;
mod policy;
mod settings;
mod state;
mod tray;
mod updates;
mod words;

use std::sync::Arc;

use feedback_core::{ApiBase, Outbox, Summary};
use tauri::{AppHandle, Manager, Runtime, WindowEvent};

use crate::ipc_error::IpcError;
use crate::settings::Settings;
use crate::state::App;

/// `FEEDBACK_API_BASE` (as for the CLI) overrides the setting, unless the
/// organisation enforces the server; production is the default. An
/// invalid base is refused with the reason, never replaced by production:
/// test tickets must not be filed live.
pub(crate) fn api_base_for(settings: &Settings) -> Result<ApiBase, IpcError> {
    let env = std::env::var("FEEDBACK_API_BASE")
        .ok()
        .filter(|_| !settings.locked.contains(&"apiBase"));
    api_base_from(env, settings.api_base.clone())
}

fn api_base_from(env: Option<String>, setting: Option<String>) -> Result<ApiBase, IpcError> {
    let from_env = env.filter(|text| !text.trim().is_empty());
    let (chosen, source) = match from_env {
        Some(text) => (Some(text), "FEEDBACK_API_BASE"),
        None => (setting, "the API base setting"),
    };
    match chosen.filter(|text| !text.trim().is_empty()) {
        Some(text) => ApiBase::parse(&text).map_err(|error| {
            IpcError::new(
                Some("invalid_api_base"),
                format!(
                    "{source} ({text}) is not usable: {error}. Nothing is sent until it is fixed."
                ),
            )
        }),
        None => Ok(ApiBase::production()),
    }
}

/// Counts over every server's tickets (the window lists other servers'
/// apart).
pub(crate) fn summary<R: Runtime>(handle: &AppHandle<R>) -> Option<Summary> {
    handle
        .try_state::<App>()
        .and_then(|app| app.outbox.summary().ok())
}

/// Tickets queued or being sent that this app will deliver.
pub(crate) fn waiting<R: Runtime>(handle: &AppHandle<R>) -> usize {
    handle
        .try_state::<App>()
        .map_or(0, |app| app.deliverable_waiting())
}

/// Quits, unless tickets wait: then the window says how many and asks
/// (its answer comes back as the `quit` command).
pub(crate) fn quit_or_ask<R: Runtime>(handle: &AppHandle<R>) {
    match waiting(handle) {
        0 => handle.exit(0),
        waiting => {
            tray::show_main(handle);
            events::tell(handle, events::AppEvent::QuitRequested { waiting });
        }
    }
}

/// When `run` began: the start of the `RUST_LOG=debug` timings.
static RUN_BEGAN: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

fn setup(app: &mut tauri::App) -> Result<(), Box<dyn std::error::Error>> {
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
    let outbox = match Outbox::open(&path) {
        Ok(outbox) => Ok(outbox),
        // Kept byte for byte beside it and reported; a fresh outbox takes its place.
        Err(feedback_core::OutboxError::Corrupt { moved_to, .. }) => {
            let notice = format!(
                "The outbox file could not be read. It was kept as {} and a new one was started.",
                moved_to.display()
            );
            log::warn!("{notice}");
            notices.push(notice);
            Outbox::open(&path)
        }
        Err(error) => Err(error),
    };
    // An outbox that cannot be opened at all (a folder that cannot be
    // written, a full disk) is told in the window, which then refuses to
    // take tickets it could not keep; the app still starts.
    log::debug!("setup: outbox open at {} ms", began.elapsed().as_millis());
    let drafts = feedback_core::DraftFile::beside(&path);
    let (outbox, unusable) = match outbox {
        Ok(outbox) => (outbox, None),
        Err(error) => {
            let reason = format!(
                "The outbox file {} cannot be opened ({error}). Nothing can be saved or sent until that is fixed; what you type stays in the form.",
                path.display()
            );
            log::error!("{reason}");
            (Outbox::in_memory()?, Some(reason))
        }
    };
    // Read once, before anything asks for the settings.
    let policy = policy::OrgPolicy::read();
    app.manage(policy.clone());
    notices.extend(policy.problems());
    let settings = Settings::load(&handle);
    let base = api_base_for(&settings).map_err(|error| error.message);
    log::debug!(
        "setup: policy and settings read at {} ms",
        began.elapsed().as_millis()
    );
    let forwarding = handle.clone();
    let on_engine: feedback_core::deliveries::OnEngine = Arc::new(move |origin, events| {
        events::forward(forwarding.clone(), origin.to_owned(), events)
    });
    app.manage(App::new(
        Arc::new(outbox),
        drafts,
        unusable,
        base,
        notices,
        policy,
        on_engine,
    ));
    app.manage(words::WindowLanguage::default());
    policy::watch(handle.clone());
    let starting = handle.clone();
    let keep_days = settings.keep_delivered_days;
    tauri::async_runtime::spawn(async move {
        let app = starting.state::<App>();
        app.keep_delivered(keep_days);
        app.start().await;
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
        if let Some(app) = looking.try_state::<App>() {
            app.tray_available
                .store(available, std::sync::atomic::Ordering::SeqCst);
        }
    });
    Ok(())
}

/// The clipboard, once it has started (see [`finish_start`]).
pub(crate) fn clipboard<R: Runtime>(
    handle: &AppHandle<R>,
) -> Result<tauri::State<'_, tauri_plugin_clipboard_manager::Clipboard<R>>, IpcError> {
    handle
        .try_state::<tauri_plugin_clipboard_manager::Clipboard<R>>()
        .ok_or_else(|| IpcError::new(None, "the clipboard is not ready yet; try again"))
}

/// What the app needs once the form is interactive, not before: the tray,
/// the global shortcut, the clipboard, the updater. Once, on the main
/// thread, in short steps: the main loop answers the window (and input)
/// between two, where one long step held it for some 130 ms.
pub(crate) fn finish_start<R: Runtime>(handle: &AppHandle<R>) {
    static DONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if DONE.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    // Queued now, so that a settings save after the window is ready queues
    // behind it and finds the shortcut's plugin started (see
    // `App::refresh_shortcut`).
    let shortcut = on_main_thread(handle, "the shortcut's plugin", |handle| {
        start_part(handle, capture::plugin());
    });
    let later = handle.clone();
    tauri::async_runtime::spawn(async move {
        shortcut.await;
        on_main_thread(&later, "the shortcut", |handle| {
            if let Some(app) = handle.try_state::<App>() {
                app.apply_saved_shortcut(handle);
            }
        })
        .await;
        on_main_thread(&later, "the clipboard", |handle| {
            start_part(handle, tauri_plugin_clipboard_manager::init());
        })
        .await;
        on_main_thread(&later, "tray", |handle| {
            let Some(app) = handle.try_state::<App>() else {
                return;
            };
            // A tray that cannot be made is told in the window; the app goes on.
            match tray::create(handle) {
                Err(error) => app.notice(format!("The tray icon could not be shown: {error}")),
                // A start at login goes to the tray, where there is one.
                Ok(()) if login::started_at_login() && app.tray_available() => {
                    if let Some(window) = handle.get_webview_window("main") {
                        let _ = window.hide();
                    }
                }
                Ok(()) => {}
            }
        })
        .await;
        on_main_thread(&later, "updater", updates::start).await;
    });
    let checking = handle.clone();
    tauri::async_runtime::spawn_blocking(move || {
        // The login entry agrees with the setting (repairs a removed one).
        if let Err(error) = login::apply(&checking, Settings::load(&checking).start_at_login) {
            log::warn!("the login entry could not be set: {error}");
        }
    });
}

/// Adds a plugin that only helps: one that fails is told in the window.
fn start_part<R: Runtime>(handle: &AppHandle<R>, plugin: impl tauri::plugin::Plugin<R> + 'static) {
    if let Err(error) = handle.plugin(plugin)
        && let Some(app) = handle.try_state::<App>()
    {
        app.notice(format!("Part of the app could not start: {error}"));
    }
}

/// Queues `step` to the main thread now; the future ends when it has run
/// (or at once, when the app is leaving and nothing runs there any more).
pub(crate) fn on_main_thread<R: Runtime>(
    handle: &AppHandle<R>,
    name: &'static str,
    step: impl FnOnce(&AppHandle<R>) + Send + 'static,
) -> impl std::future::Future<Output = ()> + Send + 'static {
    let (done, ran) = tokio::sync::oneshot::channel();
    let on_main = handle.clone();
    let queued = handle.run_on_main_thread(move || {
        let began = std::time::Instant::now();
        step(&on_main);
        log::debug!(
            "{name} took {} ms on the main thread",
            began.elapsed().as_millis()
        );
        let _ = done.send(());
    });
    async move {
        if queued.is_ok() {
            let _ = ran.await;
        }
    }
}

/// Closing the window with tickets waiting: keep delivering from the tray
/// where a tray is shown; where none is (vanilla GNOME), minimise instead,
/// so the app is never hidden where nobody can find it; with the tray
/// setting off, ask.
fn on_close<R: Runtime>(window: &tauri::Window<R>, api: &tauri::CloseRequestApi) {
    let handle = window.app_handle();
    if waiting(handle) == 0 {
        return;
    }
    api.prevent_close();
    let tray = handle
        .try_state::<App>()
        .is_some_and(|app| app.tray_available());
    match (Settings::load(handle).keep_running_in_tray, tray) {
        (true, true) => {
            let _ = window.hide();
        }
        (true, false) => {
            let _ = window.minimize();
        }
        (false, _) => quit_or_ask(handle),
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

pub fn run() {
    let _ = RUN_BEGAN.set(std::time::Instant::now());
    let builder = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|handle, _args, _cwd| {
            tray::show_main(handle)
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_store::Builder::default().build())
        .plugin(tauri_plugin_notification::init());
    #[cfg(not(target_os = "linux"))]
    let builder = builder.plugin(login::plugin());
    builder
        .setup(setup)
        .on_window_event(|window, event| {
            if let WindowEvent::CloseRequested { api, .. } = event {
                on_close(window, api);
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_state,
            commands::window_start,
            commands::sign_in,
            commands::sign_out,
            commands::submit_ticket,
            commands::validate_draft,
            commands::outbox_view,
            commands::sent_page,
            commands::sent_ticket,
            commands::templates_list,
            commands::template_save,
            commands::template_rename,
            commands::template_delete,
            commands::templates_export,
            commands::templates_import,
            commands::suggestions,
            commands::copy_text,
            commands::copy_diagnostics,
            commands::window_ready,
            commands::outbox_export,
            commands::outbox_retry,
            commands::outbox_discard,
            commands::outbox_edit,
            commands::send_queued_now,
            commands::settings_get,
            commands::settings_set,
            commands::draft_save,
            commands::draft_load,
            commands::set_window_language,
            commands::quit,
            commands::quit_and_send_at_login,
            commands::update_state,
            commands::update_check,
            commands::update_install,
            commands::update_later,
        ])
        .run(tauri::generate_context!())
        .unwrap_or_else(|error| {
            if old_instance_was_leaving(&error) {
                start_again();
            }
            eprintln!("wemasy-feedback: {error}");
            std::process::exit(1);
        });
}

/// How many times this launch has started again (see [`start_again`]).
const START_AGAIN: &str = "WEMASY_FEEDBACK_STARTED_AGAIN";

/// A launch right after the app quit can find the old instance still
/// holding its name on the session bus but no longer answering (it is
/// exiting; the bus has not noticed yet), and so neither hand over to it
/// nor become the instance.
fn old_instance_was_leaving(error: &tauri::Error) -> bool {
    matches!(error, tauri::Error::PluginInitialization(plugin, message)
        if plugin == "single-instance" && message.contains("forward"))
}

/// Starts this launch again, with the same arguments, a moment later: the
/// old instance is gone by then and this one becomes the instance (or
/// hands over to a new one that did). At most ten times, 200 ms apart;
/// returns only if it could not.
fn start_again() {
    let tries: u32 = std::env::var(START_AGAIN)
        .ok()
        .and_then(|tries| tries.parse().ok())
        .unwrap_or(0);
    let Ok(program) = std::env::current_exe() else {
        return;
    };
    if tries >= 10 {
        return;
    }
    eprintln!("wemasy-feedback: the old instance was still leaving; starting again");
    std::thread::sleep(std::time::Duration::from_millis(200));
    let mut command = std::process::Command::new(program);
    command
        .args(std::env::args_os().skip(1))
        .env(START_AGAIN, (tries + 1).to_string());
    #[cfg(unix)]
    {
        // The same process (its id, its parent), a new start.
        use std::os::unix::process::CommandExt;
        let error = command.exec();
        eprintln!("wemasy-feedback: could not start again: {error}");
    }
    #[cfg(not(unix))]
    if let Ok(status) = command.status() {
        std::process::exit(status.code().unwrap_or(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_api_base_is_refused_never_production() {
        for (env, setting) in [
            (Some("ftp://example.com/api"), None),
            (Some("not a url"), Some("http://127.0.0.1:8787/api")),
            (None, Some("http://example.com/api")),
        ] {
            let chosen = api_base_from(env.map(Into::into), setting.map(Into::into));
            let Err(error) = chosen else {
                panic!("{env:?} / {setting:?} gave {chosen:?}: test tickets could go live");
            };
            assert_eq!(error.code, Some("invalid_api_base"));
            assert!(
                error.message.contains("Nothing is sent"),
                "{}",
                error.message
            );
        }
        assert_eq!(
            api_base_from(None, None).map(|base| base.origin()),
            Ok(ApiBase::production().origin()),
            "nothing configured: production"
        );
        assert_eq!(
            api_base_from(Some(" ".into()), Some("http://127.0.0.1:8787/api".into()))
                .map(|base| base.origin()),
            Ok("http://127.0.0.1:8787".to_owned()),
            "an empty variable counts as unset"
        );
    }
}
