//! Wemasy Feedback's desktop shell: windows, tray, settings glue and
//! one-expression commands. Every use case is a method of
//! `feedback_core::Desk`, which decides; this crate only translates.
//!
//! # Layout
//!
//! - `lib.rs`: `run`, the app's plugins, window events and commands wired together.
//! - `setup`: the app's start: the log, the outbox, the desk; what comes after the form.
//! - `commands`: the commands the window may call, each one expression into the desk.
//! - `state`: `Shell`, the managed state: the desk, and the state the window shows.
//! - `events`: the desk's events to the window, the tray's count and notifications.
//! - `window`: telling the window, bringing it forward, the main thread.
//! - `quit`: quitting and closing, never stranding a waiting ticket.
//! - `policy`: the organisation's policy read from the OS, again while the app runs.
//! - `settings_store`: where the person's settings are kept (tauri-plugin-store).
//! - `updates`: finding, checking and installing updates with the updater plugin.
//! - `tray`: the tray icon and its menu.
//! - `capture`: quick capture (the tray's New ticket, a global shortcut).
//! - `x11_shortcut`: the global shortcut on Linux: grabbed on X11, a thread asleep until it is pressed.
//! - `accelerator`: a shortcut's text ("CommandOrControl+Alt+N") as X11's modifiers and key.
//! - `desktop`: what the desktop offers (a tray host, global shortcuts).
//! - `login`: the OS's login entry.
//! - `words`: the shell's own words (tray, notifications) in English or Dutch.
//! - `spelling`: spelling checked in the window's language (WebKitGTK's switched on).
//! - `ipc_error`: errors as `{code, message}`.

#[cfg(target_os = "linux")]
mod accelerator;
mod capture;
mod commands;
mod desktop;
mod events;
mod ipc_error;
mod login;
mod policy;
mod quit;
mod save_dialog;
mod settings_store;
mod setup;
mod spelling;
mod state;
mod tray;
mod updates;
mod window;
mod words;
#[cfg(target_os = "linux")]
mod x11_shortcut;

use tauri::WindowEvent;

pub fn run() {
    let _ = setup::RUN_BEGAN.set(std::time::Instant::now());
    let builder = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|handle, _args, _cwd| {
            window::show_main(handle)
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_store::Builder::default().build())
        .plugin(tauri_plugin_notification::init());
    #[cfg(not(target_os = "linux"))]
    let builder = builder.plugin(login::plugin());
    builder
        .setup(setup::setup)
        .on_window_event(|window, event| {
            if let WindowEvent::CloseRequested { api, .. } = event {
                quit::on_close(window, api);
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_state,
            commands::window_start,
            commands::sign_in,
            commands::sign_out,
            commands::submit_ticket,
            commands::ticket_outcome,
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
            commands::template_choices,
            commands::template_use,
            commands::suggestions,
            commands::channel_choices,
            commands::new_form,
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
