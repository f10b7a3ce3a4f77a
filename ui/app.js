// The form, the outbox panel and the dialogs. Every decision is made in
// Rust; this file shows state and forwards what the user does.
"use strict";

const { invoke } = window.__TAURI__.core;
const { listen } = window.__TAURI__.event;

const FIELDS = ["channel_slug", "subject", "message", "priority", "rating", "type", "tool_key", "page", "user_agent"];
const REQUIRED = new Set(["channel_slug", "subject", "message"]);
const $ = (id) => document.getElementById(id);

let appState = null;
let settings = null;
let sending = false;
let saveTimer = null;

// Lengths as the server counts them (PHP mb_strlen): code points, after
// trimming. A browser's maxlength counts UTF-16 units, so it is not used.
function charCount(text) {
  return [...text.trim()].length;
}

function control(field) {
  return field === "rating" ? null : $(field);
}

function value(field) {
  if (field === "rating") {
    const checked = document.querySelector('input[name="rating"]:checked');
    return checked ? checked.value : "";
  }
  return $(field).value;
}

function readDraft() {
  const draft = {};
  for (const field of FIELDS) {
    const text = value(field);
    draft[field] = REQUIRED.has(field) ? text : (text.trim() === "" ? null : text);
  }
  return draft;
}

function fillDraft(draft) {
  for (const field of FIELDS) {
    const text = draft[field] ?? "";
    if (field === "rating") {
      const radio = document.querySelector(`input[name="rating"][value="${String(text)}"]`);
      if (radio) radio.checked = true;
    } else {
      $(field).value = text;
    }
  }
  FIELDS.forEach(updateCount);
}

function localError(field) {
  const text = value(field).trim();
  if (REQUIRED.has(field) && text === "") return t("error.required");
  const input = control(field);
  const max = input && Number(input.dataset.max);
  if (max && charCount(text) > max) return t("error.tooLong", { max });
  if (field === "rating" && text !== "" && !/^[1-5]$/.test(text)) return t("error.rating");
  return "";
}

function showError(field, message) {
  $(`${field}-error`).textContent = message;
  const input = control(field);
  if (input) input.setAttribute("aria-invalid", message ? "true" : "false");
}

function updateCount(field) {
  const input = control(field);
  const counter = $(`${field}-count`);
  if (!input || !counter || !input.dataset.max) return;
  const used = charCount(input.value);
  counter.textContent = `${used} / ${input.dataset.max}`;
  counter.dataset.over = String(used > Number(input.dataset.max));
}

function showFieldErrors(fieldErrors) {
  let first = null;
  for (const [field, messages] of Object.entries(fieldErrors || {})) {
    if (!FIELDS.includes(field)) continue;
    showError(field, messages.join(" "));
    // A field folded away under "Tool, page and user agent" is unfolded to show it.
    const folded = $(field)?.closest("details");
    if (folded) folded.open = true;
    first = first || field;
  }
  if (first) focusField(first);
}

function focusField(field) {
  const target = control(field) || document.querySelector('input[name="rating"]');
  // A field folded away under "Tool, page and user agent" is unfolded first.
  const folded = target.closest("details");
  if (folded) folded.open = true;
  target.focus();
}

// Whether the form holds anything typed beyond its defaults.
function formHasTyping() {
  return ["subject", "message", "tool_key", "page"].some((field) => value(field).trim() !== "");
}

// An in-page confirmation (window.confirm() does nothing in macOS's
// WKWebView under Tauri): resolves true when the person confirms.
function ask(heading, text, yes) {
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

function clearForm() {
  $("ticket-form").reset();
  $("channel_slug").value = settings?.defaultChannel || "feedback";
  prefillUserAgent();
  FIELDS.forEach((field) => { showError(field, ""); updateCount(field); });
}

function prefillUserAgent() {
  if (appState && !$("user_agent").value) {
    $("user_agent").value = `WemasyFeedback/${appState.version} (${appState.os}) ${navigator.userAgent}`;
    updateCount("user_agent");
  }
}

function showResult(kind, title, details = [], note = "") {
  const result = $("result");
  result.hidden = false;
  result.dataset.kind = kind;
  result.replaceChildren();
  const heading = document.createElement("h2");
  heading.textContent = title;
  result.append(heading);
  if (note) {
    const p = document.createElement("p");
    p.textContent = note;
    result.append(p);
  }
  if (details.length) {
    const list = document.createElement("dl");
    for (const [term, description] of details) {
      const dt = document.createElement("dt");
      dt.textContent = term;
      const dd = document.createElement("dd");
      dd.textContent = description === null || description === undefined || description === "" ? "—" : description;
      list.append(dt, dd);
    }
    result.append(list);
  }
  result.focus();
}

async function send(event) {
  event.preventDefault();
  if (sending) return;
  let invalid = false;
  for (const field of FIELDS) {
    const message = localError(field);
    showError(field, message);
    invalid = invalid || Boolean(message);
  }
  if (invalid) {
    focusField(FIELDS.find((field) => $(`${field}-error`).textContent));
    return;
  }
  sending = true;
  $("send").disabled = true;
  $("send").textContent = t("form.sending");
  try {
    const draft = readDraft();
    const outcome = await invoke("submit_ticket", { draft });
    if (outcome.kind !== "invalid" && outcome.kind !== "needsAttention") {
      // Saved in the outbox: a pending autosave must not bring the draft back.
      clearTimeout(saveTimer);
    }
    if (outcome.kind === "delivered") {
      const ticket = outcome.ticket || {};
      const number = outcome.ticketNumber || (ticket.id ? `#${ticket.id}` : "");
      const title = number ? t("result.delivered", { number }) : t("result.deliveredNoNumber");
      showResult("delivered", title, [
        [t("field.subject"), ticket.subject],
        [t("field.channel"), draft.channel_slug.trim() + (ticket.channel_id ? ` (#${ticket.channel_id})` : "")],
        [t("field.priority"), wordsFor("priority", ticket.priority)],
        [t("result.status"), ticket.status],
        [t("result.created"), dateTimeOf(ticket.created_at)],
      ], outcome.possibleDuplicate ? t("result.possibleDuplicate") : "");
      clearForm();
      $("draft-state").textContent = "";
    } else if (outcome.kind === "queued") {
      const time = outcome.retryAt && timeOf(outcome.retryAt);
      let title = t("result.queuedOffline");
      let detail = "";
      if (outcome.waitingFor === "signIn" || !appState?.signedIn) {
        title = t("result.queuedSignIn");
      } else if (outcome.waitingFor === "permission") {
        title = t("result.queuedPermission");
        detail = outcome.reason;
      } else if (outcome.waitingFor === "rateLimit" && time) {
        title = t("result.queuedRateLimited", { time });
      } else if (time) {
        // The technical cause stays visible, below the plain-language title.
        title = t("result.queuedAt", { time });
        detail = outcome.reason;
      }
      showResult("queued", title, [], detail);
      clearForm();
      $("draft-state").textContent = "";
    } else if (outcome.kind === "needsAttention") {
      showResult("attention", t("result.attention"), [], outcome.reason);
      showFieldErrors(outcome.fieldErrors);
    } else if (outcome.kind === "invalid") {
      showFieldErrors(outcome.fieldErrors);
    }
  } catch (error) {
    showResult("attention", error.message || String(error));
  } finally {
    sending = false;
    $("send").disabled = false;
    $("send").textContent = t("form.send");
    refresh();
  }
}

function scheduleDraftSave() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(async () => {
    try {
      await invoke("draft_save", { draft: readDraft() });
      $("draft-state").textContent = t("form.draftSaved");
    } catch (error) {
      $("draft-state").textContent = error.message || String(error);
    }
  }, 400);
}

function renderStatus(status) {
  const line = $("status-line");
  const base = appState?.apiBase || "";
  line.title = "";
  // A keyring that did not answer, or a failing outbox file, is not "signed out".
  const own = status && ["keyringUnavailable", "storageError"].includes(status.kind);
  if (!appState?.signedIn && !own) {
    line.dataset.kind = "signIn";
    line.textContent = t("status.signedOut");
    return;
  }
  if (!status) {
    line.dataset.kind = "ready";
    line.textContent = t("status.ready", { base });
    return;
  }
  line.dataset.kind = status.kind;
  // The technical cause (in English, from the system) is a tooltip here and
  // stays readable in the outbox panel; the line itself is in plain words.
  if (status.reason) line.title = status.reason;
  line.textContent = {
    ready: () => t("status.ready", { base }),
    online: () => t("status.online", { base }),
    offline: () => t("status.offline", { time: timeOf(status.retryAt) }),
    serverError: () => t("status.serverError", { time: timeOf(status.retryAt) }),
    rateLimited: () => t("status.rateLimited", { time: timeOf(status.until) }),
    signInNeeded: () => t("status.signIn"),
    forbidden: () => t("status.forbidden"),
    signedOut: () => t("status.signedOut"),
    keyringUnavailable: () => t("status.keyring"),
    storageError: () => t("status.storage"),
  }[status.kind]?.() ?? status.kind;
  if (status.message) line.title = status.message;
}

function renderBadge(summary) {
  const waiting = summary.queued + summary.sending + summary.needsAttention;
  const badge = $("outbox-badge");
  badge.hidden = waiting === 0;
  badge.textContent = String(waiting);
  badge.setAttribute("aria-label", `${waiting}`);
}

async function renderOutbox() {
  const entries = await invoke("outbox_list");
  const list = $("outbox-list");
  list.replaceChildren();
  $("outbox-empty").hidden = entries.length > 0;
  // This server's tickets first; another server's apart, under its name.
  const current = new URL(appState.apiBase || "http://invalid").origin;
  const others = [...new Set(entries.map((entry) => entry.account))].filter((origin) => origin !== current);
  for (const entry of entries.filter((entry) => entry.account === current)) list.append(outboxItem(entry));
  for (const origin of others) {
    const server = (appState.otherServers || []).find((other) => other.origin === origin);
    const heading = document.createElement("li");
    heading.className = "server";
    heading.dataset.testid = "outbox-server";
    const words = document.createElement("span");
    words.textContent = server?.delivering ? t("outbox.otherServerSending", { origin }) : t("outbox.otherServer", { origin });
    const buttons = document.createElement("div");
    buttons.className = "buttons";
    buttons.append(button(t("outbox.export"), async () => {
      const path = await invoke("outbox_export", { origin });
      showResult("queued", t("outbox.exported", { path }));
    }));
    heading.append(words, buttons);
    list.append(heading);
    for (const entry of entries.filter((entry) => entry.account === origin)) list.append(outboxItem(entry));
  }
}

function outboxItem(entry) {
  const item = document.createElement("li");
  item.dataset.testid = "outbox-item";
  const row = document.createElement("div");
  row.className = "row";
  const subject = document.createElement("span");
  subject.className = "subject";
  subject.textContent = entry.ticket.subject;
  const state = document.createElement("span");
  state.className = "state";
  state.dataset.state = entry.state;
  state.textContent = t(`state.${entry.state}`);
  row.append(subject, state);
  const detail = document.createElement("div");
  detail.className = "hint";
  const parts = [t("outbox.attempts", { n: entry.attempts })];
  if (entry.state === "queued") parts.push(t("outbox.next", { time: timeOf(entry.nextAttemptAt) }));
  const why = entry.attention?.reason || entry.lastError;
  if (why) parts.push(why);
  detail.textContent = parts.join(" · ");
  const buttons = document.createElement("div");
  buttons.className = "buttons";
  const refused = Object.keys(entry.attention?.fieldErrors || {}).length > 0 || entry.unreadable;
  // A ticket the server refused field by field is edited, not resent as it is.
  if (!refused) buttons.append(button(t("outbox.retry"), () => invoke("outbox_retry", { id: entry.id })));
  if (entry.state === "needsAttention" && !entry.unreadable) {
    buttons.append(button(t("outbox.edit"), async () => {
      if (formHasTyping() && !(await ask(t("edit.heading"), t("edit.text"), t("edit.replace")))) return;
      fillDraft(await invoke("outbox_edit", { id: entry.id }));
      showFieldErrors(Object.fromEntries(Object.entries(entry.attention?.fieldErrors || {})));
    }));
  }
  buttons.append(button(t("outbox.discard"), async () => {
    const subject = entry.ticket.subject;
    if (await ask(t("outbox.discardHeading"), t("outbox.confirmDiscard", { subject }), t("outbox.discard"))) {
      await invoke("outbox_discard", { id: entry.id });
    }
  }));
  item.append(row, detail, buttons);
  return item;
}

function button(label, action) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = "ghost";
  element.textContent = label;
  element.addEventListener("click", async () => {
    try { await action(); } catch (error) { showResult("attention", error.message || String(error)); }
    refresh();
  });
  return element;
}

async function refresh() {
  appState = await invoke("app_state");
  $("account-button").textContent = appState.signedIn ? t("account.signOut") : t("account.signIn");
  renderBadge(appState.outbox);
  renderStatus(appState.status);
  if (!$("outbox").hidden) await renderOutbox();
}

// The window's language, told to the shell so the tray and notifications
// speak it too.
function useLanguage(setting) {
  chooseLanguage(setting);
  invoke("set_window_language", { language }).catch(() => {});
}

function openDialog(id) {
  const dialog = $(id);
  dialog.querySelectorAll("[data-close]").forEach((el) => { el.onclick = () => dialog.close(); });
  dialog.showModal();
}

async function start() {
  settings = await invoke("settings_get");
  useLanguage(settings.language);
  await refresh();
  const draft = await invoke("draft_load");
  if (draft) fillDraft(draft); else clearForm();
  prefillUserAgent();
  if (appState.notices?.length) showResult("attention", t("result.notice"), [], appState.notices.join(" "));
  if (appState.os === "macos") $("send-shortcut").textContent = "⌘ Enter";

  const form = $("ticket-form");
  form.addEventListener("submit", send);
  // Ctrl+Enter (⌘+Enter on macOS) sends from any field, the message included.
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("input", (event) => {
    if (FIELDS.includes(event.target.name)) updateCount(event.target.name);
    scheduleDraftSave();
  });
  form.addEventListener("focusout", (event) => {
    const field = event.target.name;
    if (FIELDS.includes(field) && field !== "rating") showError(field, localError(field));
  });

  $("outbox-toggle").addEventListener("click", async () => {
    const panel = $("outbox");
    panel.hidden = !panel.hidden;
    $("outbox-toggle").setAttribute("aria-expanded", String(!panel.hidden));
    if (!panel.hidden) {
      await renderOutbox();
      // The panel opens below the form: bring it into view and move there.
      $("outbox-heading").focus({ preventScroll: true });
      panel.scrollIntoView({ block: "start" });
    }
  });
  $("send-now").addEventListener("click", async () => { await invoke("send_queued_now"); refresh(); });

  $("account-button").addEventListener("click", async () => {
    if (appState.signedIn) {
      await invoke("sign_out");
      refresh();
      return;
    }
    $("token").value = "";
    $("sign-in-error").textContent = "";
    $("sign-in-base").textContent = t("account.base", { base: appState.apiBase });
    openDialog("sign-in-dialog");
  });
  $("sign-in-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await invoke("sign_in", { token: $("token").value });
      $("token").value = "";
      $("sign-in-dialog").close();
      refresh();
    } catch (error) {
      $("sign-in-error").textContent = error.message || String(error);
    }
  });

  $("settings-button").addEventListener("click", () => {
    $("setting-api-base").value = settings.apiBase || "";
    $("setting-channel").value = settings.defaultChannel;
    $("setting-language").value = settings.language || "";
    $("setting-notifications").checked = settings.notifications;
    $("setting-tray").checked = settings.keepRunningInTray;
    $("setting-keep-days").value = String(settings.keepDeliveredDays ?? 90);
    $("settings-error").textContent = "";
    openDialog("settings-dialog");
  });
  $("settings-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const next = {
      apiBase: $("setting-api-base").value.trim() || null,
      defaultChannel: $("setting-channel").value.trim() || "feedback",
      language: $("setting-language").value || null,
      notifications: $("setting-notifications").checked,
      keepRunningInTray: $("setting-tray").checked,
      keepDeliveredDays: Math.min(3650, Math.max(1, Number.parseInt($("setting-keep-days").value, 10) || 90)),
    };
    // Switching servers: tickets waiting for the old one stay its own.
    const oldBase = appState.apiBase;
    const waiting = appState.outbox.queued + appState.outbox.sending;
    const switching = next.apiBase !== (settings.apiBase || null);
    if (switching && waiting > 0 &&
        !(await ask(t("switch.heading"), t("switch.text", { n: waiting, base: oldBase }), t("switch.yes")))) return;
    try {
      appState = await invoke("settings_set", { settings: next });
      settings = next;
      useLanguage(settings.language);
      $("settings-dialog").close();
      refresh();
    } catch (error) {
      $("settings-error").textContent = error.message || String(error);
    }
  });

  // Quitting with tickets waiting: say how many, and quit only if asked to.
  await listen("app://quit-requested", (event) => {
    const waiting = event.payload;
    const one = waiting === 1;
    $("quit-heading").textContent = one ? t("quit.headingOne") : t("quit.heading", { n: waiting });
    $("quit-text").textContent = one ? t("quit.textOne") : t("quit.text");
    if (!$("quit-dialog").open) openDialog("quit-dialog");
  });
  $("quit-form").addEventListener("submit", () => { invoke("quit"); });
  await listen("outbox://changed", (event) => { renderBadge(event.payload); refresh(); });
  await listen("delivery://status", (event) => { if (appState) appState.status = event.payload; renderStatus(event.payload); });
  // The form is filled in and listening: what the start-up benchmark waits for.
  document.documentElement.dataset.ready = "true";
}

start().catch((error) => {
  $("status-line").textContent = error.message || String(error);
});
