//! Leaving: quitting, or closing the window, never strands a ticket
//! where nobody can find it. With tickets waiting, closing keeps
//! delivering from the tray where a tray is shown, minimises where none
//! is (vanilla GNOME), and with the tray setting off asks first, as Quit does.

use tauri::{AppHandle, Manager, Runtime};

use crate::state::Shell;
use crate::window::{self, ShellEvent};

/// Tickets this app would deliver if it stayed.
fn waiting<R: Runtime>(handle: &AppHandle<R>) -> usize {
    handle
        .try_state::<Shell>()
        .map_or(0, |shell| shell.desk.waiting())
}

/// Quits, unless tickets wait: then the window says how many and asks
/// (its answer comes back as the `quit` command).
pub(crate) fn quit_or_ask<R: Runtime>(handle: &AppHandle<R>) {
    match waiting(handle) {
        0 => handle.exit(0),
        waiting => {
            window::show_main(handle);
            window::tell(handle, &ShellEvent::QuitRequested { waiting });
        }
    }
}

/// Closing the window with tickets waiting.
pub(crate) fn on_close<R: Runtime>(window: &tauri::Window<R>, api: &tauri::CloseRequestApi) {
    let handle = window.app_handle();
    if waiting(handle) == 0 {
        return;
    }
    api.prevent_close();
    let Some(shell) = handle.try_state::<Shell>() else {
        return;
    };
    match (
        shell.settings().keep_running_in_tray,
        shell.tray_available(),
    ) {
        (true, true) => {
            let _ = window.hide();
        }
        (true, false) => {
            let _ = window.minimize();
        }
        (false, _) => quit_or_ask(handle),
    }
}
