// The Sent view: delivered tickets, newest first, a page at a time, as
// Rust finds them (`sent_page`: filtered and counted in SQL); search by
// number or text, copy a number, open the ticket as the server returned
// it, or file another like it.

import { commands } from "./ipc.js";
import { $, el, button, errorText, differs, replaceKeepingFocus } from "./dom.js";
import { state, update, onRender } from "./state.js";
import { t, plural, timeOf, wordsFor } from "./i18n.js";
import { openTicket } from "./dialogs.js";
import { mayReplaceForm, putInForm, focusField, TEMPLATE_FIELDS } from "./form.js";
import { showError, copyNumber } from "./result.js";

const PAGE = 50;
let asked = 0;

// Loads the first page for the current search (or the next page).
export async function loadSent({ more = false } = {}) {
  if (state.view !== "sent") return;
  const ask = ++asked;
  const offset = more ? state.sent.items.length : 0;
  try {
    const page = await commands.sent(state.sent.search, offset, PAGE);
    // A later search has been asked for meanwhile: its answer wins.
    if (ask !== asked) return;
    const items = more ? [...state.sent.items, ...page.items] : page.items;
    update({ sent: { ...state.sent, items, total: page.total, shownFor: state.sent.search } });
  } catch (error) {
    showError(errorText(error));
  }
}

function renderSent(current) {
  const panel = $("sent");
  panel.hidden = current.view !== "sent";
  if (panel.hidden) return;
  const { items, total, search, shownFor } = current.sent;
  $("sent-kept").textContent = t("sent.kept", { days: current.settings?.keepDeliveredDays ?? 90 });
  $("sent-count").textContent = plural("sent.count", total);
  $("sent-table").hidden = items.length === 0;
  if (differs($("sent-list"), items)) replaceKeepingFocus($("sent-list"), items.map(sentItem));
  const empty = $("sent-empty");
  empty.hidden = items.length > 0 || shownFor === undefined;
  empty.textContent = search ? t("sent.noMatch", { search }) : t("sent.empty");
  $("sent-more").hidden = items.length >= total;
  document.documentElement.dataset.sentShown = `${shownFor ?? ""}|${items.length}`;
}

// One row of the table: number, subject (with its flags), channel,
// priority, when, and what can be done with it. In a narrow window the
// channel, priority and time go under the subject as one line instead of
// columns of their own.
function sentItem(item) {
  const number = item.ticketNumber;
  const flags = [];
  if (item.possibleDuplicate) flags.push(el("span", { class: "flag", text: t("sent.duplicate") }));
  if (item.unreadableReply) flags.push(el("span", { class: "flag", text: t("sent.oddReply") }));
  const priority = wordsFor("priority", item.priority);
  const when = timeOf(item.deliveredAt);
  const facts = [item.channel, priority, t("sent.at", { time: when })].filter(Boolean).join(" · ");
  const buttons = [];
  if (number) {
    buttons.push(button(t("sent.copy", { number }), () => copyNumber(number), { onError: (e) => showError(errorText(e)) }));
  }
  buttons.push(button(t("sent.open"), async () => openTicket(await commands.sentTicket(item.id)), {
    onError: (e) => showError(errorText(e)), "aria-label": `${t("sent.open")}: ${item.subject}`,
  }));
  buttons.push(button(t("sent.again"), () => fileAnother(item.id), {
    onError: (e) => showError(errorText(e)), "aria-label": `${t("sent.again")}: ${item.subject}`,
  }));
  return el("tr", { dataset: { testid: "sent-item", number: number || "" } },
    el("td", { class: "number", text: number || t("sent.noNumber") }),
    el("td", { class: "subject" },
      el("span", { class: "subject-text", text: item.subject }),
      ...flags,
      el("div", { class: "facts-line hint", text: facts })),
    el("td", { class: "wide", text: item.channel || "" }),
    el("td", { class: "wide", text: priority || "" }),
    el("td", { class: "wide when", text: when }),
    el("td", { class: "actions-cell" }, el("div", { class: "buttons" }, buttons)));
}

// "File another like this": the sent ticket's fields into the form.
async function fileAnother(id) {
  const entry = await commands.sentTicket(id);
  if (!(await mayReplaceForm())) return;
  const draft = {};
  for (const field of [...TEMPLATE_FIELDS, "rating"]) {
    const value = field === "type" ? entry.ticket.type : entry.ticket[field];
    draft[field] = value === null || value === undefined ? null : String(value);
  }
  putInForm(draft);
  focusField("subject");
}

export function startSent() {
  // Every keystroke asks (a search is a few milliseconds in SQL); an
  // answer overtaken by a later one is dropped.
  $("sent-search").addEventListener("input", (event) => {
    update({ sent: { ...state.sent, search: event.target.value.trim() } });
    loadSent();
  });
  $("sent-more").addEventListener("click", () => loadSent({ more: true }));
  onRender(renderSent);
}
