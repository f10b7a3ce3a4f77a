//! Quick capture: from the tray's "New ticket" or a global shortcut, the
//! window comes forward on an empty form with the cursor in the subject.
//! The shortcut is tauri-plugin-global-shortcut's on Windows and macOS,
//! and on Linux (X11) this app's own ([`crate::x11_shortcut`]), whose
//! thread sleeps until a key comes where the plugin's looks 20 times a
//! second.

use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime};
#[cfg(not(target_os = "linux"))]
use tauri_plugin_global_shortcut::{GlobalShortcut, ShortcutState};

/// Whether the configured shortcut works, and why not when it does not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ShortcutReport {
    pub(crate) accelerator: Option<String>,
    pub(crate) available: bool,
    pub(crate) reason: Option<String>,
    /// The shortcut's listener has not started yet: the saved shortcut is
    /// applied when it has (`finish_start`).
    pub(crate) pending: bool,
}

/// The quick-capture shortcut as last applied, as managed state.
#[derive(Default)]
pub(crate) struct Shortcut(std::sync::Mutex<ShortcutReport>);

/// How the quick-capture shortcut stands, for the window to say.
pub(crate) fn report<R: Runtime>(handle: &AppHandle<R>) -> ShortcutReport {
    handle
        .try_state::<Shortcut>()
        .and_then(|shortcut| shortcut.0.lock().ok().map(|report| report.clone()))
        .unwrap_or_default()
}

/// Makes `accelerator` the quick-capture shortcut, on the main thread,
/// where the shortcut's listener is started once the window is ready: in
/// that one queue, whichever runs last applies the latest saved setting,
/// and a save after the window is ready finds the listener started.
pub(crate) async fn refresh<R: Runtime>(handle: &AppHandle<R>, accelerator: Option<String>) {
    crate::window::on_main_thread(handle, "the shortcut", move |handle| {
        apply_now(handle, accelerator.as_deref());
    })
    .await;
}

/// Makes `accelerator` the shortcut now (on the main thread: see [`refresh`]).
pub(crate) fn apply_now<R: Runtime>(handle: &AppHandle<R>, accelerator: Option<&str>) {
    let Some(shortcut) = handle.try_state::<Shortcut>() else {
        return;
    };
    // Held across the change: two applications never interleave.
    if let Ok(mut current) = shortcut.0.lock() {
        *current = apply(handle, &current, accelerator);
    }
}

pub(crate) fn new_ticket<R: Runtime>(handle: &AppHandle<R>) {
    crate::window::show_main(handle);
    crate::window::tell(handle, &crate::window::ShellEvent::NewTicket);
}

/// Starts listening for the shortcut (on the main thread, once the window
/// is interactive): on Windows and macOS the global-shortcut plugin,
/// calling [`new_ticket`] on a press; on Linux, nothing yet: the X display
/// is reached when a shortcut is first grabbed (none, or Wayland: never).
pub(crate) fn start<R: Runtime>(handle: &AppHandle<R>) -> tauri::Result<()> {
    #[cfg(not(target_os = "linux"))]
    {
        handle.plugin(
            tauri_plugin_global_shortcut::Builder::new()
                .with_handler(|handle, _shortcut, event| {
                    if event.state() == ShortcutState::Pressed {
                        new_ticket(handle);
                    }
                })
                .build(),
        )
    }
    #[cfg(target_os = "linux")]
    {
        handle.manage(Listener::default());
        Ok(())
    }
}

/// The X11 shortcut's connection and thread once a shortcut was first
/// grabbed, or why there are none.
#[cfg(target_os = "linux")]
#[derive(Debug, Default)]
struct Listener(std::sync::OnceLock<Result<crate::x11_shortcut::Keys, String>>);

/// Whether the shortcut's listener has started ([`start`]).
fn started<R: Runtime>(handle: &AppHandle<R>) -> bool {
    #[cfg(not(target_os = "linux"))]
    {
        handle.try_state::<GlobalShortcut<R>>().is_some()
    }
    #[cfg(target_os = "linux")]
    {
        handle.try_state::<Listener>().is_some()
    }
}

/// Asks the OS for `accelerator`, so its presses come to this app; why
/// not, in plain words, when they cannot.
fn register<R: Runtime>(handle: &AppHandle<R>, accelerator: &str) -> Result<(), String> {
    #[cfg(not(target_os = "linux"))]
    {
        let shortcuts = handle
            .try_state::<GlobalShortcut<R>>()
            .ok_or("the shortcut's plugin has not started")?;
        shortcuts
            .register(accelerator)
            .map_err(|error| error.to_string())
    }
    #[cfg(target_os = "linux")]
    {
        let listener = handle
            .try_state::<Listener>()
            .ok_or("the shortcut's listener has not started")?;
        let keys = listener.0.get_or_init(|| {
            let pressing = handle.clone();
            crate::x11_shortcut::Keys::connect(move || new_ticket(&pressing))
        });
        keys.as_ref().map_err(Clone::clone)?.grab(accelerator)
    }
}

/// Gives `accelerator` back to the OS.
fn unregister<R: Runtime>(handle: &AppHandle<R>, accelerator: &str) {
    #[cfg(not(target_os = "linux"))]
    {
        if let Some(shortcuts) = handle.try_state::<GlobalShortcut<R>>() {
            let _ = shortcuts.unregister(accelerator);
        }
    }
    #[cfg(target_os = "linux")]
    {
        // One shortcut at a time: the one grabbed is `accelerator`.
        let _ = accelerator;
        if let Some(listener) = handle.try_state::<Listener>()
            && let Some(Ok(keys)) = listener.0.get()
        {
            keys.ungrab();
        }
    }
}

/// Makes `accelerator` (none: no shortcut) the one global shortcut, and
/// says whether it works; `current` is what the last call made.
///
/// Only a change is asked of the OS: each ask waits for an answer on the
/// main thread (the plugin's own thread on Windows and macOS, the X
/// server's round trip on Linux; with global-hotkey's X11 thread, which
/// looked for work every 50 ms, one register and one unregister held the
/// window's first 100 ms after start-up, and every settings save).
fn apply<R: Runtime>(
    handle: &AppHandle<R>,
    current: &ShortcutReport,
    accelerator: Option<&str>,
) -> ShortcutReport {
    // The listener starts once the window is interactive (`finish_start`),
    // which applies the saved shortcut then.
    if !started(handle) {
        return ShortcutReport {
            accelerator: accelerator.map(ToOwned::to_owned),
            pending: true,
            ..ShortcutReport::default()
        };
    }
    let wanted = accelerator.map(str::trim).filter(|a| !a.is_empty());
    let registered = current
        .accelerator
        .as_deref()
        .filter(|_| current.available && !current.pending);
    if registered.is_some() && registered == wanted {
        return current.clone();
    }
    if let Some(registered) = registered {
        unregister(handle, registered);
    }
    let Some(accelerator) = wanted else {
        return ShortcutReport::default();
    };
    let unavailable = |reason: String| ShortcutReport {
        accelerator: Some(accelerator.to_owned()),
        reason: Some(reason),
        ..ShortcutReport::default()
    };
    if let Some(reason) = crate::desktop::shortcuts_unavailable() {
        return unavailable(reason.to_owned());
    }
    match register(handle, accelerator) {
        Ok(()) => ShortcutReport {
            accelerator: Some(accelerator.to_owned()),
            available: true,
            ..ShortcutReport::default()
        },
        // Not a shortcut, or another app holds it.
        Err(reason) => unavailable(reason),
    }
}
