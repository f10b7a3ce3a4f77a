// The outbox view: this server's unsent tickets, and other servers' apart
// under their names. The window asks Rust for exactly that (`outbox_view`).

import { commands } from "./ipc.js";
import { $, el, button, errorText, differs, acting, replaceKeepingFocus } from "./dom.js";
import { state, update, onRender } from "./state.js";
import { t, plural, timeOf } from "./i18n.js";
import { ask } from "./dialogs.js";
import { mayReplaceForm, putInForm, showFieldErrors } from "./form.js";
import { showError, showNotice, problemWords, detailsOf } from "./result.js";

export async function loadOutbox() {
  if (state.view !== "outbox") return;
  try {
    update({ outbox: await commands.outbox() });
  } catch (error) {
    showError(errorText(error));
  }
}

// After an action: the list is Rust's to say.
const act = acting((message) => showError(message), () => loadOutbox());

function renderOutbox(current) {
  const panel = $("outbox");
  panel.hidden = current.view !== "outbox";
  if (panel.hidden || !current.outbox || !differs(panel, current.outbox)) return;
  const { entries, otherServers } = current.outbox;
  const items = entries.map(outboxItem);
  for (const server of otherServers) {
    const words = server.delivering
      ? t("outbox.otherServerSending", { origin: server.origin })
      : t("outbox.otherServer", { origin: server.origin });
    items.push(el("li", { class: "server", dataset: { testid: "outbox-server" } },
      el("span", { text: words }),
      el("div", { class: "buttons" }, button(t("outbox.export"), () => act(async () => {
        // Rust asks where (the OS's save dialog); nothing is said when cancelled.
        const path = await commands.exportOutbox(server.origin);
        if (path) showNotice(t("outbox.exported", { path }));
      }), { "aria-label": `${t("outbox.export")}: ${server.origin}` }))));
    items.push(...server.entries.map(outboxItem));
  }
  replaceKeepingFocus($("outbox-list"), items);
  $("outbox-empty").hidden = items.length > 0;
}

function outboxItem(entry) {
  // Offline, the app tries every few seconds: since when it has been
  // failing says more than a count of thousands.
  const parts = [entry.firstFailedAt ? t("outbox.failingSince", { time: timeOf(entry.firstFailedAt) }) : plural("outbox.attempts", entry.attempts)];
  if (entry.state === "queued") parts.push(t("outbox.next", { time: timeOf(entry.nextAttemptAt) }));
  // The person's words in the list; the server's (or the network's) one click away.
  const detail = entry.attention?.reason || entry.lastError;
  if (entry.state === "needsAttention") {
    parts.push(problemWords(entry.attention?.problem, entry.ticket.channel_slug) ?? t("outbox.refused"));
  } else if (entry.lastError) {
    parts.push(t("outbox.willRetry"));
  }
  const subject = entry.ticket.subject;
  const buttons = [];
  // Only a waiting ticket is helped by trying again now: one the server
  // refused would be refused again as it is; it is edited or discarded.
  // But one that cannot be changed (an earlier try may have reached
  // Wemasy) can only go as it is: again, once what the server refused is
  // mended (its address, say), unless fields are wrong in it.
  const asItIs = entry.state === "needsAttention" && !entry.editable && entry.mayHaveArrived;
  if (entry.state === "queued" || (asItIs && !Object.keys(entry.attention?.fieldErrors || {}).length)) {
    buttons.push(button(t("outbox.retry"), () => act(() => commands.retry(entry.id)), { "aria-label": `${t("outbox.retry")}: ${subject}` }));
  }
  // As in a mail client's outbox: a refused ticket, or one still waiting,
  // is opened in the form to be changed (Rust says which can be: never one
  // being sent, nor one an earlier try may have delivered).
  if (entry.editable) {
    buttons.push(button(t("outbox.edit"), () => act(async () => {
      if (!(await mayReplaceForm())) return;
      putInForm(await commands.edit(entry.id));
      // A panel about it would speak of a ticket that is now the form.
      if (state.result?.id === entry.id) update({ result: null });
      showFieldErrors(entry.attention?.fieldErrors || {});
    }), { "aria-label": `${t("outbox.edit")}: ${subject}` }));
  } else if (entry.state === "queued" && entry.mayHaveArrived) {
    parts.push(t("outbox.goesAsItIs"));
  } else if (asItIs) {
    parts.push(t("outbox.refusedMaybeThere"));
  }
  buttons.push(button(t("outbox.discard"), () => act(async () => {
    if (await ask(t("outbox.discardHeading"), t("outbox.confirmDiscard", { subject }), t("outbox.discard"))) {
      await commands.discard(entry.id);
    }
  }), { "aria-label": `${t("outbox.discard")}: ${subject}` }));
  return el("li", { dataset: { testid: "outbox-item" } },
    el("div", { class: "row" },
      el("span", { class: "subject", text: subject }),
      el("span", { class: "state", dataset: { state: entry.state }, text: t(`state.${entry.state}`) })),
    el("div", { class: "hint", text: parts.join(" · ") }),
    ...(detail ? [detailsOf(detail)] : []),
    el("div", { class: "buttons" }, buttons));
}

export function startOutbox() {
  $("send-now").addEventListener("click", () => act(() => commands.sendQueuedNow()));
  onRender(renderOutbox);
}
