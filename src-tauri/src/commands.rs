//! The commands the window may call: each one expression into `App`, which
//! calls into feedback-core. Errors cross as `{code, message}`.

use feedback_core::{Draft, Entry, Submitted};
use tauri::{AppHandle, State};

use crate::ipc_error::IpcError;
use crate::settings::Settings;
use crate::state::{App, AppState};

#[tauri::command]
pub(crate) async fn app_state(app: State<'_, App>) -> Result<AppState, IpcError> {
    app.state().await
}

/// Stores the token in the OS keyring; it is never sent back to the window.
#[tauri::command]
pub(crate) async fn sign_in(app: State<'_, App>, token: String) -> Result<(), IpcError> {
    app.sign_in(token).await
}

#[tauri::command]
pub(crate) async fn sign_out(app: State<'_, App>) -> Result<(), IpcError> {
    app.sign_out().await
}

#[tauri::command]
pub(crate) async fn submit_ticket(
    app: State<'_, App>,
    draft: Draft,
) -> Result<Submitted, IpcError> {
    app.submit(draft).await
}

#[tauri::command]
pub(crate) async fn outbox_list(app: State<'_, App>) -> Result<Vec<Entry>, IpcError> {
    app.list().await
}

/// Saves unsent tickets (of one server, or all) as JSON in the Downloads
/// folder; returns the file's path.
#[tauri::command]
pub(crate) async fn outbox_export(
    handle: AppHandle,
    app: State<'_, App>,
    origin: Option<String>,
) -> Result<String, IpcError> {
    app.export(origin, export_dir(&handle)?).await
}

fn export_dir(handle: &AppHandle) -> Result<std::path::PathBuf, IpcError> {
    use tauri::Manager;
    let paths = handle.path();
    paths
        .download_dir()
        .or_else(|_| paths.home_dir())
        .map_err(|error| IpcError::new(None, error))
}

#[tauri::command]
pub(crate) async fn outbox_retry(app: State<'_, App>, id: String) -> Result<Entry, IpcError> {
    app.retry(id).await
}

#[tauri::command]
pub(crate) async fn outbox_discard(app: State<'_, App>, id: String) -> Result<Entry, IpcError> {
    app.discard(id).await
}

#[tauri::command]
pub(crate) async fn outbox_edit(app: State<'_, App>, id: String) -> Result<Draft, IpcError> {
    app.edit(id).await
}

#[tauri::command]
pub(crate) async fn send_queued_now(app: State<'_, App>) -> Result<usize, IpcError> {
    app.send_queued_now().await
}

#[tauri::command]
pub(crate) fn settings_get(handle: AppHandle) -> Settings {
    Settings::load(&handle)
}

/// Saves the settings; only a new API base touches delivery.
#[tauri::command]
pub(crate) async fn settings_set(
    handle: AppHandle,
    app: State<'_, App>,
    settings: Settings,
) -> Result<AppState, IpcError> {
    let base = crate::api_base_for(&settings)?;
    settings
        .save(&handle)
        .map_err(|message| IpcError::new(None, message))?;
    app.keep_delivered(settings.keep_delivered_days);
    app.switch_base(base).await;
    app.state().await
}

#[tauri::command]
pub(crate) async fn draft_save(app: State<'_, App>, draft: Draft) -> Result<(), IpcError> {
    app.draft_save(draft).await
}

#[tauri::command]
pub(crate) async fn draft_load(app: State<'_, App>) -> Result<Option<Draft>, IpcError> {
    app.draft_load().await
}

/// The window's language (the setting, else the OS's): the tray and
/// notifications follow it.
#[tauri::command]
pub(crate) fn set_window_language(handle: AppHandle, language: String) {
    crate::words::set(&handle, &language)
}

/// Quits for good (the window asked the person first when tickets wait),
/// once any attempt in flight has been finished and recorded.
#[tauri::command]
pub(crate) async fn quit(handle: AppHandle, app: State<'_, App>) -> Result<(), IpcError> {
    app.shutdown().await;
    handle.exit(0);
    Ok(())
}
