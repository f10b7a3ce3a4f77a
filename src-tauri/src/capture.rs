//! Quick capture: from the tray's "New ticket" or a global shortcut, the
//! window comes forward on an empty form with the cursor in the subject.

use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_global_shortcut::{GlobalShortcut, ShortcutState};

/// Whether the configured shortcut works, and why not when it does not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ShortcutReport {
    pub(crate) accelerator: Option<String>,
    pub(crate) available: bool,
    pub(crate) reason: Option<String>,
    /// The shortcut's plugin has not started yet: the saved shortcut is
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
/// where the shortcut's plugin is started once the window is ready: in
/// that one queue, whichever runs last applies the latest saved setting,
/// and a save after the window is ready finds the plugin started.
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

/// The global-shortcut plugin, calling [`new_ticket`] on a press.
pub(crate) fn plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_global_shortcut::Builder::new()
        .with_handler(|handle, _shortcut, event| {
            if event.state() == ShortcutState::Pressed {
                new_ticket(handle);
            }
        })
        .build()
}

/// Makes `accelerator` (none: no shortcut) the one global shortcut, and
/// says whether it works; `current` is what the last call made.
///
/// Only a change is asked of the plugin: on X11 each call waits for its
/// key thread, which looks for work every 50 ms, and the plugin makes the
/// main thread wait with it (one register and one unregister held the
/// window's first 100 ms after start-up, and every settings save).
fn apply<R: Runtime>(
    handle: &AppHandle<R>,
    current: &ShortcutReport,
    accelerator: Option<&str>,
) -> ShortcutReport {
    // The plugin starts once the window is interactive (`finish_start`),
    // which applies the saved shortcut then.
    let Some(shortcuts) = handle.try_state::<GlobalShortcut<R>>() else {
        return ShortcutReport {
            accelerator: accelerator.map(ToOwned::to_owned),
            pending: true,
            ..ShortcutReport::default()
        };
    };
    let wanted = accelerator.map(str::trim).filter(|a| !a.is_empty());
    let registered = current
        .accelerator
        .as_deref()
        .filter(|_| current.available && !current.pending);
    if registered.is_some() && registered == wanted {
        return current.clone();
    }
    if let Some(registered) = registered {
        let _ = shortcuts.unregister(registered);
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
    match shortcuts.register(accelerator) {
        Ok(()) => ShortcutReport {
            accelerator: Some(accelerator.to_owned()),
            available: true,
            ..ShortcutReport::default()
        },
        // Not a shortcut, or another app holds it.
        Err(error) => unavailable(error.to_string()),
    }
}
