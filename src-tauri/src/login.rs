//! The OS's login entry, which starts the app with [`ARG`] at login, to the
//! tray (or minimised where there is no tray). When it is wanted (the
//! "Start at login" setting, or a one-time start to send what waits) the
//! desk decides ([`feedback_core::desk::LoginEntry`]).
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
pub(crate) fn marker<R: Runtime>(handle: &AppHandle<R>) -> Option<PathBuf> {
    Some(
        handle
            .path()
            .app_local_data_dir()
            .ok()?
            .join("send-at-next-login"),
    )
}

/// The OS's login entry for this app, which the desk asks for.
pub(crate) struct Entry<R: Runtime>(pub(crate) AppHandle<R>);

impl<R: Runtime> std::fmt::Debug for Entry<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("login::Entry")
    }
}

impl<R: Runtime> feedback_core::desk::LoginEntry for Entry<R> {
    fn set(&self, wanted: bool) -> Result<(), String> {
        set_entry(&self.0, wanted)
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
