//! The commands the window may call: each one expression into the desk
//! (through [`Shell`]), its error turned into `{code, message}`.

use std::time::Duration;

use feedback_core::desk::{ChannelChoices, FiledFromForm, OutboxView, Suggestions};
use feedback_core::outbox::{ImportReport, SentPage, Template, TemplateFields};
use feedback_core::placeholders::Filling;
use feedback_core::policy::Listed;
use feedback_core::updates::UpdateView;
use feedback_core::{Draft, Entry, FieldErrors, Settings, SignedIn, Submitted};
use tauri::{AppHandle, Manager, State, WebviewWindow};

use crate::ipc_error::IpcError;
use crate::state::{AppState, Shell, WindowStart};
use crate::{save_dialog, setup, spelling, tray, updates, words};

/// How long `ticket_outcome` waits for the server before answering "queued".
const SUBMIT_WAIT: Duration = Duration::from_secs(4);

#[tauri::command]
pub(crate) async fn app_state(
    handle: AppHandle,
    shell: State<'_, Shell>,
) -> Result<AppState, IpcError> {
    shell.state(&handle).await
}

/// Settings, state and draft at once, for the window's first paint.
#[tauri::command]
pub(crate) async fn window_start(
    handle: AppHandle,
    shell: State<'_, Shell>,
) -> Result<WindowStart, IpcError> {
    shell.window_start(&handle)
}

/// Checks the token with the server, then keeps it in the OS keyring
/// unless the server refused it; it is never sent back to the window.
#[tauri::command]
pub(crate) async fn sign_in(shell: State<'_, Shell>, token: String) -> Result<SignedIn, IpcError> {
    Ok(shell.desk.sign_in(&token).await?)
}

#[tauri::command]
pub(crate) async fn sign_out(shell: State<'_, Shell>) -> Result<(), IpcError> {
    Ok(shell.desk.sign_out().await?)
}

/// Files the form's ticket; says what the next new form starts with.
#[tauri::command]
pub(crate) async fn submit_ticket(
    shell: State<'_, Shell>,
    draft: Draft,
) -> Result<FiledFromForm, IpcError> {
    Ok(shell.desk.keep_from_form(&draft)?)
}

/// What became of a ticket just saved, after a short wait for the server.
#[tauri::command]
pub(crate) async fn ticket_outcome(
    shell: State<'_, Shell>,
    id: String,
) -> Result<Submitted, IpcError> {
    Ok(shell.desk.outcome(&id, SUBMIT_WAIT).await?)
}

/// Rust's validation of the form as it stands (the window shows it as
/// the person leaves a field; sending validates again).
#[tauri::command]
pub(crate) fn validate_draft(draft: Draft) -> FieldErrors {
    feedback_core::validate(&draft).err().unwrap_or_default()
}

#[tauri::command]
pub(crate) async fn outbox_view(shell: State<'_, Shell>) -> Result<OutboxView, IpcError> {
    Ok(shell.desk.outbox_view()?)
}

/// A page of delivered tickets for this server, newest first.
#[tauri::command]
pub(crate) async fn sent_page(
    shell: State<'_, Shell>,
    search: String,
    offset: usize,
    limit: usize,
) -> Result<SentPage, IpcError> {
    Ok(shell.desk.sent(search, offset, limit)?)
}

#[tauri::command]
pub(crate) async fn sent_ticket(shell: State<'_, Shell>, id: String) -> Result<Entry, IpcError> {
    Ok(shell.desk.ticket(&id)?)
}

#[tauri::command]
pub(crate) async fn templates_list(shell: State<'_, Shell>) -> Result<Vec<Listed>, IpcError> {
    Ok(shell.desk.templates()?)
}

#[tauri::command]
pub(crate) async fn template_save(
    shell: State<'_, Shell>,
    name: String,
    fields: TemplateFields,
) -> Result<Template, IpcError> {
    Ok(shell.desk.save_template(&name, &fields)?)
}

#[tauri::command]
pub(crate) async fn template_rename(
    shell: State<'_, Shell>,
    id: String,
    name: String,
) -> Result<Template, IpcError> {
    Ok(shell.desk.rename_template(&id, &name)?)
}

/// The templates the picker offers for what is typed.
#[tauri::command]
pub(crate) async fn template_choices(
    shell: State<'_, Shell>,
    typed: String,
) -> Result<Vec<Listed>, IpcError> {
    Ok(shell.desk.template_choices(&typed)?)
}

/// A template's fields for the form, its placeholders filled.
#[tauri::command]
pub(crate) async fn template_use(
    shell: State<'_, Shell>,
    id: String,
    filling: Filling,
) -> Result<TemplateFields, IpcError> {
    Ok(shell.desk.use_template(&id, &filling)?)
}

#[tauri::command]
pub(crate) async fn template_delete(shell: State<'_, Shell>, id: String) -> Result<bool, IpcError> {
    Ok(shell.desk.delete_template(&id)?)
}

/// Asks where to save every template (the OS's save dialog), then saves
/// them there as JSON; returns the path, or nothing when cancelled.
#[tauri::command]
pub(crate) async fn templates_export(
    window: WebviewWindow,
    shell: State<'_, Shell>,
) -> Result<Option<String>, IpcError> {
    let title = words::current(window.app_handle()).save_templates();
    let name = shell.desk.templates_export_name();
    let start = save_dialog::start_folder(&window);
    let Some(file) = save_dialog::ask_where_to_save(&window, title, &name, start).await else {
        return Ok(None);
    };
    shell.desk.export_templates(&file)?;
    Ok(Some(file.display().to_string()))
}

/// Asks which templates file to import (the OS's open dialog), then
/// imports it; nothing when cancelled. The core reads the file, measuring
/// it first: the page never holds it.
#[tauri::command]
pub(crate) async fn templates_import(
    window: WebviewWindow,
    shell: State<'_, Shell>,
) -> Result<Option<ImportReport>, IpcError> {
    let title = words::current(window.app_handle()).open_templates();
    let start = save_dialog::start_folder(&window);
    let Some(file) = save_dialog::ask_which_to_open(&window, title, start).await else {
        return Ok(None);
    };
    Ok(Some(shell.desk.import_templates_file(&file)?))
}

#[tauri::command]
pub(crate) async fn suggestions(shell: State<'_, Shell>) -> Result<Suggestions, IpcError> {
    Ok(shell.desk.suggestions()?)
}

/// The channel list for what is typed in Channel, and whether it is known.
#[tauri::command]
pub(crate) async fn channel_choices(
    shell: State<'_, Shell>,
    typed: String,
) -> Result<ChannelChoices, IpcError> {
    Ok(shell.desk.channel_choices(&typed)?)
}

/// What a new ticket starts with (the last channel and priority, or the defaults).
#[tauri::command]
pub(crate) async fn new_form(shell: State<'_, Shell>) -> Result<Draft, IpcError> {
    Ok(shell.desk.new_form())
}

/// Puts `text` (a ticket number) on the clipboard.
#[tauri::command]
pub(crate) fn copy_text(handle: AppHandle, text: String) -> Result<(), IpcError> {
    use tauri_plugin_clipboard_manager::Clipboard;
    handle
        .try_state::<Clipboard<tauri::Wry>>()
        .ok_or_else(|| IpcError::new(None, "the clipboard is not ready yet; try again"))?
        .write_text(text)
        .map_err(|error| IpcError::new(None, error))
}

/// The form is interactive: the tray, shortcut and clipboard may start.
#[tauri::command]
pub(crate) fn window_ready(handle: AppHandle) {
    setup::finish_start(&handle)
}

/// Puts the diagnostics report on the clipboard (no token, no ticket text).
#[tauri::command]
pub(crate) async fn copy_diagnostics(
    handle: AppHandle,
    shell: State<'_, Shell>,
) -> Result<(), IpcError> {
    let report = shell.desk.diagnostics().await + "\n" + &updates::view(&handle).report();
    copy_text(handle, report)
}

/// Asks where to save the unsent tickets (of one server, or all), then
/// saves them there as JSON; returns the path, or nothing when cancelled.
#[tauri::command]
pub(crate) async fn outbox_export(
    window: WebviewWindow,
    shell: State<'_, Shell>,
    origin: Option<String>,
) -> Result<Option<String>, IpcError> {
    let title = words::current(window.app_handle()).save_unsent();
    let name = shell.desk.export_name(origin.as_deref());
    let start = save_dialog::start_folder(&window);
    let Some(file) = save_dialog::ask_where_to_save(&window, title, &name, start).await else {
        return Ok(None);
    };
    shell.desk.export(&file, origin.as_deref())?;
    Ok(Some(file.display().to_string()))
}

#[tauri::command]
pub(crate) async fn outbox_retry(shell: State<'_, Shell>, id: String) -> Result<Entry, IpcError> {
    Ok(shell.desk.retry(&id).await?)
}

#[tauri::command]
pub(crate) async fn outbox_discard(shell: State<'_, Shell>, id: String) -> Result<Entry, IpcError> {
    Ok(shell.desk.discard(&id).await?)
}

#[tauri::command]
pub(crate) async fn outbox_edit(shell: State<'_, Shell>, id: String) -> Result<Draft, IpcError> {
    Ok(shell.desk.edit(&id).await?)
}

#[tauri::command]
pub(crate) async fn send_queued_now(shell: State<'_, Shell>) -> Result<usize, IpcError> {
    Ok(shell.desk.send_now().await?)
}

#[tauri::command]
pub(crate) async fn settings_get(shell: State<'_, Shell>) -> Result<Settings, IpcError> {
    Ok(shell.settings())
}

/// Saves the settings; only a new API base touches delivery.
#[tauri::command]
pub(crate) async fn settings_set(
    handle: AppHandle,
    shell: State<'_, Shell>,
    settings: Settings,
) -> Result<AppState, IpcError> {
    shell.save_settings(&handle, settings).await
}

#[tauri::command]
pub(crate) async fn draft_save(shell: State<'_, Shell>, draft: Draft) -> Result<(), IpcError> {
    Ok(shell.desk.save_draft(&draft)?)
}

#[tauri::command]
pub(crate) async fn draft_load(shell: State<'_, Shell>) -> Result<Option<Draft>, IpcError> {
    Ok(shell.desk.load_draft()?)
}

/// The window's language (the setting, else the OS's): the tray and
/// notifications follow it.
#[tauri::command]
pub(crate) fn set_window_language(handle: AppHandle, language: String) {
    let lang = words::set(&handle, &language);
    spelling::check_in(&handle, lang);
    tray::relabel(&handle, lang)
}

/// Quits for good (the window asked the person first when tickets wait),
/// once any attempt in flight has been finished and recorded.
#[tauri::command]
pub(crate) async fn quit(handle: AppHandle, shell: State<'_, Shell>) -> Result<(), IpcError> {
    shell.desk.shutdown().await;
    handle.exit(0);
    Ok(())
}

/// Quits, and starts once at the next login to send what waits.
#[tauri::command]
pub(crate) async fn quit_and_send_at_login(
    handle: AppHandle,
    shell: State<'_, Shell>,
) -> Result<(), IpcError> {
    shell.desk.quit_and_send_at_next_login().await?;
    handle.exit(0);
    Ok(())
}

/// Where updates stand: a newer version, how it gets installed, progress.
/// (Async: off the main thread, which the window's start-up needs.)
#[tauri::command]
pub(crate) async fn update_state(handle: AppHandle) -> UpdateView {
    updates::view(&handle)
}

/// "Check now".
#[tauri::command]
pub(crate) async fn update_check(handle: AppHandle) -> Result<UpdateView, IpcError> {
    updates::check_now(&handle)
        .await
        .map(|()| updates::view(&handle))
        .map_err(|not| IpcError::new(Some(not.code), not.reason))
}

/// "Install and restart": returns only when the update was not installed.
#[tauri::command]
pub(crate) async fn update_install(handle: AppHandle) -> Result<(), IpcError> {
    updates::install(&handle)
        .await
        .map_err(|reason| IpcError::new(Some("update_refused"), reason))
}

/// "Later": this version is not shown again until the next start.
#[tauri::command]
pub(crate) async fn update_later(handle: AppHandle) {
    updates::later(&handle);
}
