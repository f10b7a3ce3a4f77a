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
import { combobox } from "./combobox.js";

const field = () => $("channel_slug");
const note = () => $("channel_slug-note");

let combo = null;
// The channel a Send was held back for: the next Send of it sends.
let heldFor = null;
// What the note is about, to clear it once the field says something else.
let notedFor = null;

async function choicesFor(typed) {
  return commands.channelChoices(typed);
}

async function listFor(typed) {
  const values = (await choicesFor(typed)).options;
  // The one option that is exactly what is typed has nothing to offer.
  if (values.length === 1 && values[0] === typed.trim()) return [];
  return values.map((value) => ({ value, label: value }));
}

export function closeList() {
  combo?.close();
}

// Puts `value` in the field as if typed (the form counts, checks and
// autosaves it), and closes the list.
function choose(value) {
  field().value = value;
  closeList();
  combo.quietly(() => field().dispatchEvent(new Event("input", { bubbles: true })));
  field().focus();
}

function onInput() {
  if (notedFor !== null && field().value.trim() !== notedFor) clearNote();
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
  combo = combobox({
    field: field(),
    list: $("channel-options"),
    idPrefix: "channel-option",
    choicesFor: listFor,
    onChoose: (option) => choose(option.value),
  });
  field().addEventListener("input", onInput);
}
