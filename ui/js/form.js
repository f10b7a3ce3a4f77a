// The ticket form: its fields and character counters, Rust's field errors,
// the autosaved draft, "New ticket" with undo, and sending. Validation is
// Rust's: the window asks it (`validate_draft`) and shows what it says.

import { commands } from "./ipc.js";
import { $, el, errorText, differs } from "./dom.js";
import { state, update, onRender, renderNow } from "./state.js";
import { t } from "./i18n.js";
import { ask } from "./dialogs.js";
import { showOutcome, showError, tellEarlier } from "./result.js";
import { startChannel, channelMaySend, resetChannel } from "./channel.js";

export const FIELDS = ["channel_slug", "subject", "message", "priority", "rating", "type", "tool_key", "page", "user_agent"];
const REQUIRED = new Set(["channel_slug", "subject", "message"]);
// What a template keeps: everything but the rating and the user agent.
export const TEMPLATE_FIELDS = ["channel_slug", "type", "priority", "tool_key", "page", "subject", "message"];

let saveTimer = null;
// The fields judged when left: those the person changed since the form
// was filled, and every one once a send was tried. A blank form, or one
// the app just filled, shows no error for a field merely passed through.
const judged = new Set();

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

export function readDraft() {
  const draft = {};
  for (const field of FIELDS) {
    const text = value(field);
    draft[field] = REQUIRED.has(field) ? text : (text.trim() === "" ? null : text);
  }
  return draft;
}

export function fillDraft(draft) {
  for (const field of FIELDS) {
    const text = draft?.[field] ?? "";
    if (field === "rating") {
      const radio = document.querySelector(`input[name="rating"][value="${String(text)}"]`)
        || document.querySelector('input[name="rating"][value=""]');
      radio.checked = true;
    } else {
      $(field).value = text;
    }
    showFieldError(field, "");
  }
  judged.clear();
  FIELDS.forEach(updateCount);
  resetChannel();
}

function updateCount(field) {
  const input = control(field);
  const counter = $(`${field}-count`);
  if (!input || !counter || !input.dataset.max) return;
  const used = charCount(input.value);
  counter.textContent = `${used} / ${input.dataset.max}`;
  counter.dataset.over = String(used > Number(input.dataset.max));
}

// Rust's messages (and the server's) in the window's language where the
// window has words for them; otherwise as they came.
function inWords(message) {
  if (message === "is required") return t("error.required");
  const longer = /^must not be longer than (\d+) characters$/.exec(message);
  if (longer) return t("error.tooLong", { max: longer[1] });
  if (message.startsWith("must be one of")) return t("error.oneOf");
  if (message === "must be a whole number" || message.startsWith("must be from")) return t("error.rating");
  return message;
}

function showFieldError(field, message) {
  $(`${field}-error`).textContent = message;
  const input = control(field);
  if (input) {
    input.setAttribute("aria-invalid", message ? "true" : "false");
    delete input.dataset.refused;
  }
}

// A field's errors as the server or Rust said them. The server's words
// stay until the field changes: the local rules may be laxer than the
// server's, so leaving the field must not wipe what the server said.
export function showFieldErrors(fieldErrors, { focus = true } = {}) {
  let first = null;
  for (const field of FIELDS) {
    const messages = fieldErrors?.[field];
    showFieldError(field, messages ? messages.map(inWords).join(" ") : "");
    if (messages && control(field)) control(field).dataset.refused = control(field).value;
    // A field folded away under "Tool, page and user agent" is unfolded to show it.
    const folded = messages && $(field)?.closest("details");
    if (folded) folded.open = true;
    if (messages && !first) first = field;
  }
  if (first && focus) focusField(first);
  return first;
}

// Where the keyboard lands in a group of radio buttons, as Tab lands: its
// checked one, else its first.
function radioStop(name) {
  return document.querySelector(`input[name="${name}"]:checked`) || document.querySelector(`input[name="${name}"]`);
}

export function focusField(field) {
  const target = control(field) || radioStop("rating");
  // A field folded away under "Tool, page and user agent" is unfolded first.
  const folded = target.closest("details");
  if (folded) folded.open = true;
  target.focus();
}

// Whether the form holds anything typed beyond its defaults.
export function formHasTyping() {
  return !formIsEmpty(readDraft());
}

// What a new ticket starts with, as Rust last said (the last channel and
// priority sent, else the defaults), and this window's user agent.
function defaults() {
  const next = state.newForm || {};
  return {
    channel_slug: next.channel_slug || state.settings?.defaultChannel || "feedback",
    priority: next.priority || null,
    type: next.type || null,
    user_agent: state.app ? `WemasyFeedback/${state.app.version} (${state.app.os}) ${navigator.userAgent}` : null,
  };
}

// Whether the form may be replaced: asks first when it holds typing.
export async function mayReplaceForm(heading = t("edit.heading"), text = t("edit.text")) {
  return !formHasTyping() || ask(heading, text, t("edit.replace"));
}

// Puts `draft` in the form (over the defaults) and shows it; what was
// there can be brought back with Undo.
export function putInForm(draft) {
  const before = readDraft();
  fillDraft({ ...defaults(), ...draft });
  update({ view: "ticket", undo: formIsEmpty(before) ? null : before });
  renderNow();
  saveDraftNow();
}

function formIsEmpty(draft) {
  return ["subject", "message", "tool_key", "page"].every((field) => !draft[field] || !draft[field].trim());
}

// "New ticket" (the button, Ctrl/⌘+N, quick capture): an empty form with
// the cursor in the subject; what it cleared can be undone.
export function newTicket() {
  const before = readDraft();
  fillDraft(defaults());
  update({ view: "ticket", undo: formIsEmpty(before) ? null : before, result: null });
  // Shown now, so that the focus can go there.
  renderNow();
  saveDraftNow();
  focusField("subject");
}

export function undoClear() {
  if (!state.undo) return;
  fillDraft(state.undo);
  update({ undo: null });
  saveDraftNow();
  focusField("subject");
}

function scheduleDraftSave() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(saveDraftNow, 400);
}

async function saveDraftNow() {
  clearTimeout(saveTimer);
  try {
    await commands.saveDraft(readDraft());
    $("draft-state").textContent = t("form.draftSaved");
  } catch (error) {
    $("draft-state").textContent = errorText(error);
  }
}

// Sends the form: once the ticket is saved in the outbox (a moment, before
// the server is asked) the form is the next ticket's, and what the person
// types there is their draft; the result panel follows the saved ticket.
async function send(event) {
  event.preventDefault();
  if (state.sending) return;
  update({ sending: true });
  FIELDS.forEach((field) => judged.add(field));
  // What is sent is filed, not autosaved as the draft again.
  clearTimeout(saveTimer);
  const draft = readDraft();
  let saved;
  try {
    // A channel Wemasy never accepted is asked about first (once).
    if (!(await channelMaySend(draft.channel_slug))) {
      saveDraftNow();
      focusField("channel_slug");
      return;
    }
    saved = await commands.submit(draft);
  } catch (error) {
    // Not saved: the form is still the person's draft, to the last key.
    saveDraftNow();
    showError(errorText(error));
    return;
  } finally {
    update({ sending: false });
  }
  if (saved.kind === "invalid") {
    saveDraftNow();
    showFieldErrors(saved.fieldErrors);
    return;
  }
  // In the outbox: a pending autosave of the sent form must not bring it back.
  clearTimeout(saveTimer);
  update({ newForm: saved.nextForm });
  fillDraft(defaults());
  update({ undo: null, signedIn: null });
  $("draft-state").textContent = "";
  showOutcome(saved, draft, { sending: true });
  focusField("subject");
  followOutcome(saved.id, draft);
}

// What became of ticket `id`, once the server answered (or the short wait
// ended): said in the panel while it is still about this ticket. A refused
// ticket comes back into the form only if the form is still empty; else it
// waits in the outbox, and what the person typed meanwhile stays.
async function followOutcome(id, draft) {
  let outcome;
  try {
    outcome = await commands.outcome(id);
  } catch (error) {
    if (state.result?.id !== id) return;
    // Taken back into the form or discarded meanwhile: the panel about it
    // has nothing left to say.
    if (error?.code === "not_found") update({ result: null });
    else showError(errorText(error));
    return;
  }
  if (state.result?.id !== id) {
    // The panel is about a later ticket: this one's outcome goes below it.
    tellEarlier(id, outcome);
    return;
  }
  if (outcome.kind !== "needsAttention") {
    showOutcome(outcome, draft);
    return;
  }
  if (!outcome.editable) {
    // An earlier try may have reached Wemasy: it is not changed.
    showOutcome(outcome, draft, { inOutbox: true });
    return;
  }
  if (!formIsEmpty(readDraft())) {
    showOutcome(outcome, draft, { inOutbox: true });
    offerChannel(id, outcome, draft, { inOutbox: true });
    return;
  }
  try {
    putInForm(await commands.edit(id));
  } catch (error) {
    // Edited or discarded elsewhere meanwhile: the outbox says where it is.
    showOutcome(outcome, draft, { inOutbox: true });
    offerChannel(id, outcome, draft, { inOutbox: true });
    return;
  }
  showOutcome(outcome, draft);
  showFieldErrors(outcome.fieldErrors);
  offerChannel(id, outcome, draft, { inOutbox: false });
}

// A ticket refused for an unknown channel: the panel offers the known
// channel nearest to it (Rust's choice), as a button that puts the
// ticket in the form with that channel.
async function offerChannel(id, outcome, draft, { inOutbox }) {
  const refused = draft?.channel_slug?.trim();
  if (outcome.problem !== "unknownChannel" || !refused) return;
  let nearest;
  try {
    ({ nearest } = await commands.channelChoices(refused));
  } catch {
    return; // The panel still says what is wrong.
  }
  if (!nearest || state.result?.id !== id) return;
  const action = { label: t("result.useChannel", { channel: nearest }), run: () => useChannel(id, nearest, inOutbox) };
  update({ result: { ...state.result, action } });
}

async function useChannel(id, channel, inOutbox) {
  if (inOutbox) {
    if (!(await mayReplaceForm())) return;
    putInForm({ ...(await commands.edit(id)), channel_slug: channel });
  } else {
    $("channel_slug").value = channel;
    $("channel_slug").dispatchEvent(new Event("input", { bubbles: true }));
  }
  if (state.result?.id === id) {
    update({ result: { ...state.result, action: null, note: t("result.channelCorrected", { channel }) } });
  }
  $("send").focus();
}

// Asks Rust about the field just left; shows only that field's error.
async function validateField(field) {
  const input = control(field);
  if (input && input.dataset.refused === input.value) return;
  const asked = value(field);
  try {
    const errors = await commands.validate(readDraft());
    // Typed on meanwhile (or filled in): this answer is about old text.
    if (value(field) !== asked) return;
    const messages = errors?.[field];
    showFieldError(field, messages ? messages.map(inWords).join(" ") : "");
  } catch {
    // The check is a courtesy; sending checks again.
  }
}

function renderForm(current) {
  $("ticket").hidden = current.view !== "ticket";
  const send = $("send");
  send.disabled = current.sending;
  send.textContent = current.sending ? t("form.sending") : t("form.send");
  $("undo-clear").hidden = !current.undo;
  fillList("tool-key-suggestions", current.suggestions.toolKeys);
}

function fillList(id, values) {
  const list = $(id);
  if (differs(list, values)) list.replaceChildren(...values.map((value) => el("option", { value })));
}

export async function loadNewForm() {
  try {
    update({ newForm: await commands.newForm() });
  } catch {
    // The last answer stands.
  }
}

export async function loadSuggestions() {
  try {
    update({ suggestions: await commands.suggestions() });
  } catch {
    // Suggestions are a help, not a need.
  }
}

// The form's next control after `from` that a person can reach, as Tab
// would: a group of radio buttons is one stop, at its checked one.
function focusNextControl(form, from) {
  const grouped = (control) => control.type === "radio" && control.name === from.name;
  const reachable = [...form.elements].filter(
    (control) =>
      control === from ||
      (!grouped(control) && !control.disabled && control.tabIndex >= 0 && control.getClientRects().length > 0),
  );
  const next = reachable[reachable.indexOf(from) + 1];
  (next?.type === "radio" ? radioStop(next.name) : next)?.focus();
}

// Fills the form (from the saved `draft`, if any) and listens to it.
export function startForm(draft) {
  fillDraft({ ...defaults(), ...(draft || {}) });
  if (!draft?.user_agent) $("user_agent").value = defaults().user_agent;
  updateCount("user_agent");
  if (state.app?.os === "macos") $("send-shortcut").textContent = "⌘ Enter";

  const form = $("ticket-form");
  form.addEventListener("submit", send);
  // Ctrl+Enter (⌘+Enter on macOS) sends from any field, the message
  // included; Enter alone in a one-line field moves on to the next one
  // (a browser would send the form: a subject is not a ticket).
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.isComposing) return;
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      form.requestSubmit();
    } else if (!event.altKey && !event.shiftKey && event.target instanceof HTMLInputElement) {
      event.preventDefault();
      focusNextControl(form, event.target);
    }
  });
  form.addEventListener("input", (event) => {
    const field = event.target.name;
    if (FIELDS.includes(field)) {
      updateCount(field);
      judged.add(field);
      // An error Rust's rules gave goes as soon as it no longer holds (the
      // server's words stay until the field is left: its rules may be stricter).
      const input = control(field);
      if (input?.getAttribute("aria-invalid") === "true" && !input.dataset.refused) validateField(field);
    }
    scheduleDraftSave();
  });
  form.addEventListener("focusout", (event) => {
    const field = event.target.name;
    if (FIELDS.includes(field) && field !== "rating" && judged.has(field)) validateField(field);
  });
  startChannel();
  $("new-ticket").addEventListener("click", newTicket);
  $("undo-clear").addEventListener("click", undoClear);
  onRender(renderForm);
}
