//! The main window as the rest of the shell reaches it: telling it what
//! happened (one `app://event` whose `kind` says what), bringing it
//! forward, and running a step on the main thread, where the window lives.

use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};

/// The one event the window listens to (one subscription, not one per
/// kind: each costs a round trip at start-up); what it is says `kind`.
pub(crate) const APP_EVENT: &str = "app://event";

/// The shell's own events (the desk's come as they are).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub(crate) enum ShellEvent {
    /// Quitting would leave this many tickets behind: ask.
    QuitRequested { waiting: usize },
    /// Quick capture: an empty form, the cursor in the subject.
    NewTicket,
}

/// Opens the main window (as `tauri.conf.json` describes it; Tauri is told
/// not to) with the form's first state handed to the page before it is
/// parsed, as `window.__FEEDBACK_START__` (an initialization script): the
/// page shows its form without asking for it, one IPC round trip through
/// the main thread fewer, and events reconcile whatever changes after
/// (`null`: the page asks).
pub(crate) fn open_main<R: Runtime>(
    handle: &AppHandle<R>,
    start: &impl Serialize,
) -> Result<(), Box<dyn std::error::Error>> {
    let config = handle
        .config()
        .app
        .windows
        .iter()
        .find(|window| window.label == "main")
        .ok_or("tauri.conf.json describes no main window")?
        .clone();
    // JSON is a JavaScript expression: the state arrives as data, whatever
    // the draft holds.
    let script = format!(
        "window.__FEEDBACK_START__ = {};",
        serde_json::to_string(start)?
    );
    tauri::WebviewWindowBuilder::from_config(handle, &config)?
        .initialization_script(script)
        .build()?;
    Ok(())
}

/// Tells the window `event` (a value with a `kind`).
pub(crate) fn tell<R: Runtime>(handle: &AppHandle<R>, event: &impl Serialize) {
    let _ = handle.emit(APP_EVENT, event);
}

pub(crate) fn show_main<R: Runtime>(handle: &AppHandle<R>) {
    if let Some(window) = handle.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Whether the window has the keyboard (the person is looking at it).
pub(crate) fn focused<R: Runtime>(handle: &AppHandle<R>) -> bool {
    handle
        .get_webview_window("main")
        .and_then(|window| window.is_focused().ok())
        .unwrap_or(false)
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
