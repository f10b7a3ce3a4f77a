//! Builds the Tauri context with an app manifest that names every command,
//! so a command left out of the capability file is denied.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&[
        "app_state",
        "window_start",
        "sign_in",
        "sign_out",
        "submit_ticket",
        "validate_draft",
        "outbox_view",
        "sent_page",
        "sent_ticket",
        "templates_list",
        "template_save",
        "template_rename",
        "template_delete",
        "templates_export",
        "templates_import",
        "suggestions",
        "copy_text",
        "copy_diagnostics",
        "window_ready",
        "outbox_export",
        "outbox_retry",
        "outbox_discard",
        "outbox_edit",
        "send_queued_now",
        "settings_get",
        "settings_set",
        "draft_save",
        "draft_load",
        "set_window_language",
        "quit",
        "quit_and_send_at_login",
        "update_state",
        "update_check",
        "update_install",
        "update_later",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("the Tauri context builds");
}
