// The window's own dialogs (window.confirm() does nothing in macOS's
// WKWebView under Tauri): confirmations, a name prompt, sign-in, settings,
// quitting with tickets waiting, and a sent ticket in full.

import { commands } from "./ipc.js";
import { $, el, errorText } from "./dom.js";
import { state, update } from "./state.js";
import { t, plural, chooseLanguage, dateTimeOf, wordsFor } from "./i18n.js";
import { detailsOf } from "./result.js";

export function openDialog(id) {
  const dialog = $(id);
  dialog.querySelectorAll("[data-close]").forEach((element) => { element.onclick = () => dialog.close(); });
  dialog.showModal();
}

// An in-page confirmation: resolves true when the person confirms.
export function ask(heading, text, yes) {
  const dialog = $("confirm-dialog");
  $("confirm-heading").textContent = heading;
  $("confirm-text").textContent = text;
  $("confirm-yes").textContent = yes;
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "yes"), { once: true });
    openDialog("confirm-dialog");
  });
}

// An in-page prompt for a name: resolves the trimmed text, or null.
export function askName(heading, hint, initial = "") {
  const dialog = $("name-dialog");
  $("name-heading").textContent = heading;
  $("name-hint").textContent = hint;
  $("name-input").value = initial;
  $("name-error").textContent = "";
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      const name = $("name-input").value.trim();
      resolve(dialog.returnValue === "save" && name ? name : null);
    }, { once: true });
    openDialog("name-dialog");
  });
}

// The window's language, told to the shell so the tray and notifications
// speak it too, and spelling is checked in it (the fields whose text is
// the person's own say their language too: WebView2 and WKWebView check
// by it; WebKitGTK by the languages the shell gives it).
export function useLanguage(setting) {
  chooseLanguage(setting);
  const lang = document.documentElement.lang;
  for (const field of document.querySelectorAll("[spellcheck=true]")) field.lang = lang;
  commands.setLanguage(lang).catch(() => {});
}

export function openSignIn() {
  $("token").value = "";
  $("sign-in-error").replaceChildren();
  $("sign-in-base").textContent = t("account.base", { base: state.app.apiBase });
  openDialog("sign-in-dialog");
}

export function openSettings() {
  const settings = state.settings;
  for (const name of Object.keys(CONTROLS)) showSetting(name, settings);
  $("settings-error").textContent = "";
  $("diagnostics-state").textContent = "";
  renderShortcut();
  renderLocks(settings.locked || []);
  openDialog("settings-dialog");
}

// Each setting's control, by the setting's name.
const CONTROLS = {
  apiBase: "setting-api-base",
  defaultChannel: "setting-channel",
  defaultPriority: "setting-priority",
  defaultType: "setting-type",
  language: "setting-language",
  notifications: "setting-notifications",
  keepRunningInTray: "setting-tray",
  startAtLogin: "setting-login",
  updateChecks: "setting-updates",
  keepDeliveredDays: "setting-keep-days",
  quickCaptureShortcut: "setting-shortcut",
};

// A shortcut as the keyboard says it ("Ctrl+Alt+N", "⌘+Alt+N" on macOS),
// and back as the accelerator the app registers ("CommandOrControl+Alt+N").
const IN_WORDS = {
  CommandOrControl: "Ctrl", CmdOrCtrl: "Ctrl", CommandOrCtrl: "Ctrl", CmdOrControl: "Ctrl",
  Control: "Ctrl", Option: "Alt", Command: "Super", Cmd: "Super", Meta: "Super",
};
const IN_WORDS_MAC = {
  CommandOrControl: "⌘", CmdOrCtrl: "⌘", CommandOrCtrl: "⌘", CmdOrControl: "⌘",
  Command: "⌘", Cmd: "⌘", Super: "⌘", Meta: "⌘", Control: "Ctrl", Option: "Alt",
};
const onMac = () => state.app?.os === "macos";

export function keysInWords(accelerator) {
  const words = onMac() ? IN_WORDS_MAC : IN_WORDS;
  return accelerator.split("+").map((key) => words[key.trim()] ?? key.trim()).join("+");
}

function keysAsAccelerator(text) {
  const ctrl = onMac() ? { "⌘": "CommandOrControl", Ctrl: "Control" } : { Ctrl: "CommandOrControl" };
  return text.split("+").map((key) => key.trim()).filter(Boolean).map((key) => ctrl[key] ?? key).join("+");
}

// Puts setting `name`'s value in its control.
function showSetting(name, settings) {
  const control = $(CONTROLS[name]);
  const value = settings[name];
  if (control.type === "checkbox") control.checked = Boolean(value);
  else if (name === "keepDeliveredDays") control.value = String(value ?? 90);
  else if (name === "quickCaptureShortcut") control.value = keysInWords(value ?? "");
  else control.value = value ?? "";
}

// The organisation's policy changed (`before`: the settings in force until
// now). An open settings dialog shows the new locks, and the values in
// force of what was or is now locked; what the person is changing
// elsewhere in it stays.
export function showPolicyChange(before) {
  if (!$("settings-dialog").open) return;
  const settings = state.settings;
  const changed = [...(before?.locked || []), ...(settings.locked || [])];
  for (const name of Object.keys(CONTROLS)) {
    if (changed.includes(name)) showSetting(name, settings);
  }
  renderLocks(settings.locked || []);
}

// What the organisation enforces is shown, locked, and says so.
function renderLocks(locked) {
  for (const [name, id] of Object.entries(CONTROLS)) {
    const control = $(id);
    const isLocked = locked.includes(name);
    control.disabled = isLocked;
    const hintId = `${id}-locked`;
    let hint = document.getElementById(hintId);
    if (isLocked && !hint) {
      hint = el("span", { class: "hint locked", id: hintId, text: t("settings.locked") });
      hint.dataset.testid = "locked-hint";
      // After the control, or after the label a checkbox sits in.
      (control.type === "checkbox" ? control.closest("label") : control).after(hint);
    }
    if (hint) {
      hint.hidden = !isLocked;
      hint.textContent = t("settings.locked");
    }
    const described = (control.getAttribute("aria-describedby") || "").split(" ").filter((x) => x && x !== hintId);
    if (isLocked) described.push(hintId);
    if (described.length) control.setAttribute("aria-describedby", described.join(" "));
    else control.removeAttribute("aria-describedby");
  }
}

function renderShortcut() {
  const shortcut = state.app?.shortcut;
  const line = $("shortcut-state");
  if (!shortcut || !shortcut.accelerator) {
    line.textContent = "";
  } else if (shortcut.available) {
    line.textContent = t("settings.shortcutActive", { shortcut: keysInWords(shortcut.accelerator) });
  } else if (shortcut.pending) {
    line.textContent = t("settings.shortcutPending", { shortcut: keysInWords(shortcut.accelerator) });
  } else {
    line.textContent = t("settings.shortcutUnavailable", { reason: shortcut.reason });
  }
}

// A sent ticket as the server returned it.
export function openTicket(entry) {
  const record = entry.delivered || {};
  const number = record.ticketNumber || t("sent.noNumber");
  $("sent-ticket-heading").textContent = t("sent.detailTitle", { number });
  // The ticket as a ticket: what the server made of it where it said,
  // else what was sent.
  const sent = entry.ticket;
  const server = record.ticket || {};
  const rows = [
    [t("field.subject"), server.subject ?? sent.subject],
    [t("field.channel"), server.channel?.slug ?? sent.channel_slug],
    [t("field.priority"), wordsFor("priority", server.priority ?? sent.priority)],
    [t("field.type"), wordsFor("type", server.type ?? sent.type)],
    [t("field.rating"), server.rating ?? sent.rating],
    [t("field.toolKey"), server.tool_key ?? sent.tool_key],
    [t("field.page"), server.page ?? sent.page],
    [t("result.status"), server.status],
    [t("result.created"), server.created_at ? dateTimeOf(server.created_at) : null],
    [t("sent.when"), dateTimeOf(new Date(record.at).toISOString())],
  ];
  $("ticket-summary").replaceChildren(...rows.flatMap(([term, text]) => [
    el("dt", { text: term }),
    el("dd", { text: text === null || text === undefined || text === "" ? "—" : String(text) }),
  ]));
  $("ticket-message").textContent = server.message ?? sent.message;
  // Exactly what the server sent back (or, for an unreadable 2xx, why
  // not): the detail, one click away.
  $("ticket-json").textContent = record.ticket ? JSON.stringify(record.ticket, null, 2) : (record.note || "");
  $("ticket-raw").open = false;
  openDialog("ticket-dialog");
}

export function startDialogs({ refresh }) {
  $("sign-in-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const submit = event.submitter || $("sign-in-form").querySelector("[type=submit]");
    const said = $("sign-in-error");
    submit.disabled = true;
    said.className = "hint";
    said.replaceChildren(t("account.checking"));
    try {
      const signedIn = await commands.signIn($("token").value);
      $("token").value = "";
      said.replaceChildren();
      $("sign-in-dialog").close();
      // Said in the status line, which does not move the page.
      update({ signedIn });
      refresh();
    } catch (error) {
      // A refused token is said in words, the server's own one click away;
      // the dialog stays open with the token, to be corrected.
      said.className = "error";
      if (error?.code === "token_refused") said.replaceChildren(t("signIn.refused"), detailsOf(errorText(error)));
      else said.replaceChildren(errorText(error));
      $("token").focus();
    } finally {
      submit.disabled = false;
    }
  });

  $("settings-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const next = {
      ...state.settings,
      apiBase: $("setting-api-base").value.trim() || null,
      defaultChannel: $("setting-channel").value.trim() || "feedback",
      language: $("setting-language").value || null,
      notifications: $("setting-notifications").checked,
      keepRunningInTray: $("setting-tray").checked,
      startAtLogin: $("setting-login").checked,
      updateChecks: $("setting-updates").checked,
      defaultPriority: $("setting-priority").value || null,
      defaultType: $("setting-type").value || null,
      keepDeliveredDays: Math.min(3650, Math.max(1, Number.parseInt($("setting-keep-days").value, 10) || 90)),
      quickCaptureShortcut: keysAsAccelerator($("setting-shortcut").value) || null,
    };
    // Switching servers: tickets waiting for the old one stay its own.
    const oldBase = state.app.apiBase;
    const waiting = state.app.outbox.queued + state.app.outbox.sending;
    const switching = next.apiBase !== (state.settings.apiBase || null);
    if (switching && waiting > 0 &&
        !(await ask(t("switch.heading"), plural("switch.text", waiting, { base: oldBase }), t("switch.yes")))) return;
    // The channel a new form had: the one in the form, unless typed over.
    const startedWith = state.newForm?.channel_slug || state.settings.defaultChannel || "feedback";
    try {
      const app = await commands.saveSettings(next);
      update({ app, settings: next });
      // A default changed here is what a new ticket starts with now, and
      // the form's channel too while it is still the one it started with
      // (else the first Send would stop at a channel the person just left).
      commands.newForm().then((newForm) => {
        update({ newForm });
        const channel = $("channel_slug");
        if (newForm.channel_slug && channel.value.trim() === startedWith && newForm.channel_slug !== startedWith) {
          channel.value = newForm.channel_slug;
          channel.dispatchEvent(new Event("input", { bubbles: true }));
        }
      }).catch(() => {});
      useLanguage(next.language);
      renderShortcut();
      if (app.shortcut?.accelerator && !app.shortcut.available && !app.shortcut.pending) {
        // Saved, but say so where the person is looking.
        $("settings-error").textContent = t("settings.shortcutUnavailable", { reason: app.shortcut.reason });
        return;
      }
      $("settings-dialog").close();
      refresh();
    } catch (error) {
      $("settings-error").textContent = errorText(error);
    }
  });

  $("copy-diagnostics").addEventListener("click", async () => {
    try {
      await commands.copyDiagnostics();
      $("diagnostics-state").textContent = t("settings.diagnosticsCopied");
    } catch (error) {
      $("diagnostics-state").textContent = errorText(error);
    }
  });

  $("name-form").addEventListener("submit", (event) => {
    if (!$("name-input").value.trim()) {
      event.preventDefault();
      $("name-error").textContent = t("error.required");
    }
  });

  $("quit-form").addEventListener("submit", () => { commands.quit(); });
  $("quit-send-at-login").addEventListener("click", () => {
    // The dialog stays open and says why, if the entry cannot be made.
    commands.quitAndSendAtLogin().catch((error) => {
      $("quit-text").textContent = errorText(error);
    });
  });
}

// Quitting with tickets waiting: say how many, and quit only if asked to.
export function askToQuit(waiting) {
  $("quit-heading").textContent = plural("quit.heading", waiting);
  $("quit-text").textContent = plural("quit.text", waiting);
  if (!$("quit-dialog").open) openDialog("quit-dialog");
}
