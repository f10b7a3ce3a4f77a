// Every command the window calls and every event it hears, in one place.
// Rust decides; the window asks for what it shows and forwards what the
// person does. Errors arrive as { code, message }.

// The first module to run (main.js imports it first): every module has
// arrived and compiled by now (a start-up benchmark milestone).
performance.mark("start:modules arrived");

// Tauri's IPC as the page always has it (`__TAURI_INTERNALS__`), which is
// all that @tauri-apps/api's `invoke` and `listen` wrap. The app does not
// inject the 40 KB global API bundle (`withGlobalTauri` is off): every
// start parsed it for these two functions.
const internals = window.__TAURI_INTERNALS__;
const invoke = (command, args = {}) => internals.invoke(command, args);
const listen = (event, handler) =>
  invoke("plugin:event|listen", { event, target: { kind: "Any" }, handler: internals.transformCallback(handler) });

export const commands = {
  appState: () => invoke("app_state"),
  windowStart: () => invoke("window_start"),
  signIn: (token) => invoke("sign_in", { token }),
  signOut: () => invoke("sign_out"),
  validate: (draft) => invoke("validate_draft", { draft }),
  submit: (draft) => invoke("submit_ticket", { draft }),
  outcome: (id) => invoke("ticket_outcome", { id }),
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
  importTemplates: () => invoke("templates_import"),
  templateChoices: (typed) => invoke("template_choices", { typed }),
  useTemplate: (id, filling) => invoke("template_use", { id, filling }),
  suggestions: () => invoke("suggestions"),
  channelChoices: (typed) => invoke("channel_choices", { typed }),
  newForm: () => invoke("new_form"),
  settings: () => invoke("settings_get"),
  saveSettings: (settings) => invoke("settings_set", { settings }),
  saveDraft: (draft) => invoke("draft_save", { draft }),
  loadDraft: () => invoke("draft_load"),
  copy: (text) => invoke("copy_text", { text }),
  copyDiagnostics: () => invoke("copy_diagnostics"),
  windowReady: () => invoke("window_ready"),
  setLanguage: (language) => invoke("set_window_language", { language }),
  quit: () => invoke("quit"),
  quitAndSendAtLogin: () => invoke("quit_and_send_at_login"),
  updateState: () => invoke("update_state"),
  checkForUpdate: () => invoke("update_check"),
  installUpdate: () => invoke("update_install"),
  updateLater: () => invoke("update_later"),
};

// Everything the shell tells the window comes as one event, `app://event`,
// whose `kind` says what it is: one subscription at start-up, not six.
const handlers = new Map();

export function on(kind, handler) {
  handlers.set(kind, handler);
}

// Starts listening; resolves once the window hears the shell.
export function listenToShell() {
  return listen("app://event", (event) => handlers.get(event.payload.kind)?.(event.payload));
}
// The kinds: outboxChanged { summary }, status { status }, quota { quota },
// delivered { id, ticketNumber, possibleDuplicate }, quitRequested { waiting },
// newTicket, update { update }, policyChanged { settings, app, problems }.
