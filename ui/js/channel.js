// The Channel field: a combobox (the ARIA 1.2 pattern: the focus stays in
// the field, the list's active option is its aria-activedescendant) over
// the channels Rust knows, the default and those Wemasy accepted, narrowed
// as one types; chosen with the arrow keys and Enter, or the mouse. A
// channel Wemasy never accepted holds back the first Send with a note
// under the field (the known channel it is likely a typo of as a one-click
// correction); the next Send sends it. What is known, what matches and
// what is near are Rust's (`channel_choices`); the window only shows them.

import { commands } from "./ipc.js";
import { $, el, button } from "./dom.js";
import { t } from "./i18n.js";

const field = () => $("channel_slug");
const list = () => $("channel-options");
const note = () => $("channel_slug-note");

let options = [];
let active = -1;
// Answers come back in any order: only the latest asked is shown.
let asked = 0;
// The channel a Send was held back for: the next Send of it sends.
let heldFor = null;
// What the note is about, to clear it once the field says something else.
let notedFor = null;
// Set while a chosen value is put in the field.
let choosing = false;

async function choicesFor(typed) {
  return commands.channelChoices(typed);
}

// Asks Rust for the list that matches what is typed and opens it
// (`first`: with its first option active, as Down does on a closed list).
async function openList({ first = false } = {}) {
  const typed = field().value;
  const mine = ++asked;
  let answer;
  try {
    answer = await choicesFor(typed);
  } catch {
    return; // The list is a help; typing goes on without it.
  }
  if (mine !== asked || field().value !== typed || document.activeElement !== field()) return;
  showOptions(answer.options, typed);
  if (first && options.length) activate(0);
}

function showOptions(values, typed) {
  // The one option that is exactly what is typed has nothing to offer.
  options = values.length === 1 && values[0] === typed.trim() ? [] : values;
  active = -1;
  list().replaceChildren(...options.map((value, index) => el("li", {
    id: `channel-option-${index}`,
    role: "option",
    "aria-selected": "false",
    text: value,
    // Chosen on press, before the field loses the focus to the list.
    onmousedown: (event) => {
      event.preventDefault();
      choose(value);
    },
  })));
  const open = options.length > 0;
  list().hidden = !open;
  field().setAttribute("aria-expanded", String(open));
  field().removeAttribute("aria-activedescendant");
}

export function closeList() {
  asked++;
  options = [];
  active = -1;
  list().hidden = true;
  list().replaceChildren();
  field().setAttribute("aria-expanded", "false");
  field().removeAttribute("aria-activedescendant");
}

function activate(index) {
  const items = list().children;
  if (active >= 0 && items[active]) items[active].setAttribute("aria-selected", "false");
  active = index;
  const item = items[active];
  item.setAttribute("aria-selected", "true");
  field().setAttribute("aria-activedescendant", item.id);
  item.scrollIntoView({ block: "nearest" });
}

// Puts `value` in the field as if typed (the form counts, checks and
// autosaves it), and closes the list.
function choose(value) {
  field().value = value;
  closeList();
  choosing = true;
  try {
    field().dispatchEvent(new Event("input", { bubbles: true }));
  } finally {
    choosing = false;
  }
  field().focus();
}

function onKey(event) {
  const open = !list().hidden;
  if (event.key === "ArrowDown") {
    event.preventDefault();
    if (!open) openList({ first: !event.altKey });
    else activate((active + 1) % options.length);
  } else if (event.key === "ArrowUp" && open) {
    event.preventDefault();
    activate(active <= 0 ? options.length - 1 : active - 1);
  } else if (event.key === "Enter" && open && active >= 0 && !event.ctrlKey && !event.metaKey) {
    // The option is chosen; the form's Enter (move on) waits for the next one.
    event.preventDefault();
    event.stopPropagation();
    choose(options[active]);
  } else if (event.key === "Escape" && open) {
    event.preventDefault();
    event.stopPropagation();
    closeList();
  }
}

function onInput() {
  if (notedFor !== null && field().value.trim() !== notedFor) clearNote();
  // A value chosen from the list is not a reason to open it again.
  if (!choosing) openList();
}

function showNote(channel, nearest, held) {
  notedFor = channel;
  const parts = [el("p", { text: nearest ? t("channel.typo", { channel, nearest }) : t("channel.new", { channel }) })];
  if (nearest) parts.push(button(t("channel.use", { channel: nearest }), () => choose(nearest), { dataset: { testid: "channel-correction" } }));
  if (held) parts.push(el("p", { text: t("channel.sendAgain") }));
  note().replaceChildren(...parts);
}

// The note goes once the field says something else, and with it the
// leave to send: a channel typed anew is asked about anew.
function clearNote() {
  notedFor = null;
  heldFor = null;
  note().replaceChildren();
}

// Whether the form may be sent with `channel` now: a channel Rust does not
// know holds back the first Send (the note says why and offers the
// correction), not the next. Resolves `false` when held back.
export async function channelMaySend(channel) {
  const typed = channel.trim();
  if (!typed || heldFor === typed) return true;
  let answer;
  try {
    answer = await choicesFor(typed);
  } catch {
    return true; // Asking failed: the server still says whether it has the channel.
  }
  if (answer.known) return true;
  heldFor = typed;
  closeList();
  showNote(typed, answer.nearest, true);
  return false;
}

// The form was filled anew (a new ticket, an undo, a ticket back from the
// outbox): what was said about the old channel goes.
export function resetChannel() {
  clearNote();
  closeList();
}

export function startChannel() {
  const input = field();
  input.addEventListener("keydown", onKey);
  input.addEventListener("input", onInput);
  input.addEventListener("click", () => {
    if (list().hidden) openList();
  });
  input.addEventListener("blur", closeList);
}
