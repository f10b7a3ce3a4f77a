// Every command the window calls and every event it hears, in one place.
// Rust decides; the window asks for what it shows and forwards what the
// person does. Errors arrive as { code, message }.

const { invoke } = window.__TAURI__.core;
const { listen } = window.__TAURI__.event;

export const commands = {
  appState: () => invoke("app_state"),
  signIn: (token) => invoke("sign_in", { token }),
  signOut: () => invoke("sign_out"),
  validate: (draft) => invoke("validate_draft", { draft }),
  submit: (draft) => invoke("submit_ticket", { draft }),
  outbox: () => invoke("outbox_view"),
  exportOutbox: (origin) => invoke("outbox_export", { origin }),
  retry: (id) => invoke("outbox_retry", { id }),
  discard: (id) => invoke("outbox_discard", { id }),
  edit: (id) => invoke("outbox_edit", { id }),
  sendQueuedNow: () => invoke("send_queued_now"),
  sent: (search, offset, limit) => invoke("sent_page", { search, offset, limit }),
  sentTicket: (id) => invoke("sent_ticket", { id }),
  templates: () => invoke("templates_list"),
  saveTemplate: (name, fields) => invoke("template_save", { name, fields }),
  renameTemplate: (id, name) => invoke("template_rename", { id, name }),
  deleteTemplate: (id) => invoke("template_delete", { id }),
  exportTemplates: () => invoke("templates_export"),
  importTemplates: (json) => invoke("templates_import", { json }),
  suggestions: () => invoke("suggestions"),
  settings: () => invoke("settings_get"),
  saveSettings: (settings) => invoke("settings_set", { settings }),
  saveDraft: (draft) => invoke("draft_save", { draft }),
  loadDraft: () => invoke("draft_load"),
  copy: (text) => invoke("copy_text", { text }),
  copyDiagnostics: () => invoke("copy_diagnostics"),
  setLanguage: (language) => invoke("set_window_language", { language }),
  quit: () => invoke("quit"),
};

export const events = {
  // The outbox changed (counts by state); anything shown from it is stale.
  outboxChanged: (handler) => listen("outbox://changed", (event) => handler(event.payload)),
  // How delivery to the configured server stands.
  status: (handler) => listen("delivery://status", (event) => handler(event.payload)),
  // The configured server's quota changed: { limit, remaining, resetsAt, blockedUntil }.
  quota: (handler) => listen("delivery://quota", (event) => handler(event.payload)),
  // A ticket was delivered: { id, ticketNumber, possibleDuplicate }.
  delivered: (handler) => listen("delivery://delivered", (event) => handler(event.payload)),
  // Quitting would leave this many tickets behind: ask.
  quitRequested: (handler) => listen("app://quit-requested", (event) => handler(event.payload)),
  // Quick capture (tray item, global shortcut): an empty form, now.
  newTicket: (handler) => listen("app://new-ticket", () => handler()),
};
