//! The commands the window may call: each one expression into `App`, which
//! calls into feedback-core. Errors cross as `{code, message}`.

use feedback_core::outbox::{ImportReport, SentPage, SentQuery, Template, TemplateFields};
use feedback_core::{Draft, Entry, FieldErrors, Submitted};
use tauri::{AppHandle, State};

use crate::events::changed;
use crate::ipc_error::IpcError;
use crate::settings::Settings;
use crate::state::{App, AppState, OutboxView, Suggestions, WindowStart};

#[tauri::command]
pub(crate) async fn app_state(app: State<'_, App>) -> Result<AppState, IpcError> {
    app.state().await
}

/// Settings, state and draft at once, for the window's first paint.
#[tauri::command]
pub(crate) async fn window_start(
    handle: AppHandle,
    app: State<'_, App>,
) -> Result<WindowStart, IpcError> {
    app.window_start(&handle).await
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
    handle: AppHandle,
    app: State<'_, App>,
    draft: Draft,
) -> Result<Submitted, IpcError> {
    app.submit(draft).await.inspect(|_| changed(&handle))
}

/// Rust's validation of the form as it stands (the window shows it as
/// the person leaves a field; sending validates again).
#[tauri::command]
pub(crate) fn validate_draft(draft: Draft) -> FieldErrors {
    feedback_core::validate(&draft).err().unwrap_or_default()
}

#[tauri::command]
pub(crate) async fn outbox_view(app: State<'_, App>) -> Result<OutboxView, IpcError> {
    app.outbox_view().await
}

/// A page of delivered tickets for this server, newest first.
#[tauri::command]
pub(crate) async fn sent_page(
    app: State<'_, App>,
    search: String,
    offset: usize,
    limit: usize,
) -> Result<SentPage, IpcError> {
    app.sent(SentQuery {
        account: app.current_origin(),
        search,
        offset,
        limit,
    })
    .await
}

#[tauri::command]
pub(crate) async fn sent_ticket(app: State<'_, App>, id: String) -> Result<Entry, IpcError> {
    app.ticket(id).await
}

#[tauri::command]
pub(crate) async fn templates_list(
    app: State<'_, App>,
) -> Result<Vec<feedback_core::policy::Listed>, IpcError> {
    app.templates().await
}

#[tauri::command]
pub(crate) async fn template_save(
    app: State<'_, App>,
    name: String,
    fields: TemplateFields,
) -> Result<Template, IpcError> {
    app.save_template(name, fields).await
}

#[tauri::command]
pub(crate) async fn template_rename(
    app: State<'_, App>,
    id: String,
    name: String,
) -> Result<Template, IpcError> {
    app.rename_template(id, name).await
}

#[tauri::command]
pub(crate) async fn template_delete(app: State<'_, App>, id: String) -> Result<bool, IpcError> {
    app.delete_template(id).await
}

/// Saves every template as JSON in the Downloads folder; returns the path.
#[tauri::command]
pub(crate) async fn templates_export(
    handle: AppHandle,
    app: State<'_, App>,
) -> Result<String, IpcError> {
    app.export_templates(export_dir(&handle)?).await
}

/// Imports templates from the text of a file the person picked.
#[tauri::command]
pub(crate) async fn templates_import(
    app: State<'_, App>,
    json: String,
) -> Result<ImportReport, IpcError> {
    app.import_templates(json).await
}

#[tauri::command]
pub(crate) async fn suggestions(app: State<'_, App>) -> Result<Suggestions, IpcError> {
    app.suggestions().await
}

/// Puts `text` (a ticket number) on the clipboard.
#[tauri::command]
pub(crate) fn copy_text(handle: AppHandle, text: String) -> Result<(), IpcError> {
    crate::clipboard(&handle)?
        .write_text(text)
        .map_err(|error| IpcError::new(None, error))
}

/// The form is interactive: the tray, shortcut and clipboard may start.
#[tauri::command]
pub(crate) fn window_ready(handle: AppHandle) {
    crate::finish_start(&handle)
}

/// Puts the diagnostics report on the clipboard (no token, no ticket text).
#[tauri::command]
pub(crate) async fn copy_diagnostics(
    handle: AppHandle,
    app: State<'_, App>,
) -> Result<(), IpcError> {
    let diagnostics = app.diagnostics().await? + "\n" + &crate::updates::report(&handle);
    copy_text(handle, diagnostics)
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
pub(crate) async fn outbox_retry(
    handle: AppHandle,
    app: State<'_, App>,
    id: String,
) -> Result<Entry, IpcError> {
    app.retry(id).await.inspect(|_| changed(&handle))
}

#[tauri::command]
pub(crate) async fn outbox_discard(
    handle: AppHandle,
    app: State<'_, App>,
    id: String,
) -> Result<Entry, IpcError> {
    app.discard(id).await.inspect(|_| changed(&handle))
}

#[tauri::command]
pub(crate) async fn outbox_edit(
    handle: AppHandle,
    app: State<'_, App>,
    id: String,
) -> Result<Draft, IpcError> {
    app.edit(id).await.inspect(|_| changed(&handle))
}

#[tauri::command]
pub(crate) async fn send_queued_now(
    handle: AppHandle,
    app: State<'_, App>,
) -> Result<usize, IpcError> {
    app.send_queued_now().await.inspect(|_| changed(&handle))
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
    app.save_settings(&handle, settings).await
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

/// Quits, and starts once at the next login to send what waits.
#[tauri::command]
pub(crate) async fn quit_and_send_at_login(
    handle: AppHandle,
    app: State<'_, App>,
) -> Result<(), IpcError> {
    crate::login::ask_once(&handle).map_err(|error| {
        IpcError::new(
            None,
            format!("The start at login could not be set: {error}"),
        )
    })?;
    quit(handle, app).await
}

/// Where updates stand: a newer version, how it gets installed, progress.
/// (Async: off the main thread, which the window's start-up needs.)
#[tauri::command]
pub(crate) async fn update_state(handle: AppHandle) -> crate::updates::UpdateView {
    crate::updates::view(&handle)
}

/// "Check now".
#[tauri::command]
pub(crate) async fn update_check(
    handle: AppHandle,
) -> Result<crate::updates::UpdateView, IpcError> {
    crate::updates::check_now(&handle)
        .await
        .map_err(|not| IpcError::new(Some(not.code), not.reason))?;
    Ok(crate::updates::view(&handle))
}

/// "Install and restart": returns only when the update was not installed.
#[tauri::command]
pub(crate) async fn update_install(handle: AppHandle) -> Result<(), IpcError> {
    crate::updates::install(&handle)
        .await
        .map_err(|reason| IpcError::new(Some("update_refused"), reason))
}

/// "Later": this version is not shown again until the next start.
#[tauri::command]
pub(crate) async fn update_later(handle: AppHandle) {
    crate::updates::later(&handle);
}
