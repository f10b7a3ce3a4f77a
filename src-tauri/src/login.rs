//! Starting at login: the "Start at login" setting, and a one-time start
//! that sends the tickets left waiting when the person quit ("Send them at
//! the next login"). Both are one login entry that starts the app with
//! [`ARG`], to the tray (or minimised where there is no tray); the one-time
//! start removes the entry again once nothing waits.
//!
//! On Linux the entry is an XDG autostart file,
//! `$XDG_CONFIG_HOME/autostart/nl.wemasy.feedback.desktop`; on Windows and
//! macOS tauri-plugin-autostart makes it (the registry's `Run` key, a
//! launch agent).

use std::path::PathBuf;

use tauri::{AppHandle, Manager, Runtime};

/// The argument a start at login carries.
pub(crate) const ARG: &str = "--autostart";

/// Whether this start came from a login entry.
pub(crate) fn started_at_login() -> bool {
    std::env::args_os().any(|arg| arg == ARG)
}

/// The marker of a one-time start: beside the outbox.
fn marker<R: Runtime>(handle: &AppHandle<R>) -> Option<PathBuf> {
    Some(
        handle
            .path()
            .app_local_data_dir()
            .ok()?
            .join("send-at-next-login"),
    )
}

/// Whether a one-time start is asked for.
pub(crate) fn one_time_asked<R: Runtime>(handle: &AppHandle<R>) -> bool {
    marker(handle).is_some_and(|marker| marker.exists())
}

/// Asks for a one-time start at the next login (quitting with tickets
/// waiting), and makes the entry.
pub(crate) fn ask_once<R: Runtime>(handle: &AppHandle<R>) -> Result<(), String> {
    let marker = marker(handle).ok_or("no data folder")?;
    std::fs::write(&marker, b"").map_err(|error| error.to_string())?;
    set_entry(handle, true)
}

/// Makes the login entry agree with the setting and any one-time start.
pub(crate) fn apply<R: Runtime>(handle: &AppHandle<R>, start_at_login: bool) -> Result<(), String> {
    set_entry(handle, start_at_login || one_time_asked(handle))
}

/// Nothing waits any more: a one-time start is done, and its entry goes
/// unless the person starts the app at every login.
pub(crate) fn nothing_waits<R: Runtime>(handle: &AppHandle<R>) {
    let Some(marker) = marker(handle).filter(|marker| marker.exists()) else {
        return;
    };
    if let Err(error) = std::fs::remove_file(&marker) {
        log::warn!("the one-time start could not be ended: {error}");
        return;
    }
    let start_at_login = crate::settings::Settings::load(handle).start_at_login;
    if let Err(error) = apply(handle, start_at_login) {
        log::warn!("the login entry could not be removed: {error}");
    } else {
        log::info!("the tickets left at quit are sent; the one-time start is removed");
    }
}

#[cfg(target_os = "linux")]
fn set_entry<R: Runtime>(handle: &AppHandle<R>, wanted: bool) -> Result<(), String> {
    let dir = handle
        .path()
        .config_dir()
        .map_err(|error| error.to_string())?
        .join("autostart");
    let file = dir.join(format!("{}.desktop", handle.config().identifier));
    if !wanted {
        return match std::fs::remove_file(&file) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error.to_string()),
            _ => Ok(()),
        };
    }
    // An AppImage is started as itself, not as the file it unpacked.
    let program = match std::env::var_os("APPIMAGE") {
        Some(image) => PathBuf::from(image),
        None => std::env::current_exe().map_err(|error| error.to_string())?,
    };
    let entry = desktop_entry(&handle.package_info().name, &program.to_string_lossy());
    std::fs::create_dir_all(&dir).map_err(|error| error.to_string())?;
    let partial = file.with_extension("desktop.partial");
    std::fs::write(&partial, entry).map_err(|error| error.to_string())?;
    std::fs::rename(&partial, &file).map_err(|error| error.to_string())
}

/// An XDG autostart entry that runs `program` with [`ARG`].
#[cfg(any(target_os = "linux", test))]
fn desktop_entry(name: &str, program: &str) -> String {
    format!(
        "[Desktop Entry]\nType=Application\nName={name}\nExec={} {ARG}\nTerminal=false\nX-GNOME-Autostart-enabled=true\n",
        exec_quoted(program)
    )
}

/// `text` as one argument of a desktop entry's `Exec` key: quoted, with
/// `"`, `` ` ``, `$` and `\` escaped (the Desktop Entry Specification), and
/// `%` doubled (a field code otherwise).
#[cfg(any(target_os = "linux", test))]
fn exec_quoted(text: &str) -> String {
    let mut quoted = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '`' | '$' | '\\' => {
                quoted.push('\\');
                quoted.push(c);
            }
            '%' => quoted.push_str("%%"),
            _ => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(not(target_os = "linux"))]
fn set_entry<R: Runtime>(handle: &AppHandle<R>, wanted: bool) -> Result<(), String> {
    use tauri_plugin_autostart::ManagerExt;
    let entry = handle.autolaunch();
    let done = if wanted {
        entry.enable()
    } else {
        entry.disable()
    };
    done.map_err(|error| error.to_string())
}

/// The plugin that makes login entries on Windows and macOS.
#[cfg(not(target_os = "linux"))]
pub(crate) fn plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_autostart::Builder::new().arg(ARG).build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entry_runs_the_program_as_one_argument_with_the_login_flag() {
        let entry = desktop_entry("Wemasy Feedback", "/opt/My Apps/wemasy $feedback%");
        assert!(
            entry.contains("\nExec=\"/opt/My Apps/wemasy \\$feedback%%\" --autostart\n"),
            "{entry}"
        );
        assert!(entry.starts_with("[Desktop Entry]\nType=Application\n"));
    }
}
