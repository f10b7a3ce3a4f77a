// The result panel: what became of the ticket just sent. It follows that
// ticket: "Saved — it will be sent…" turns into "Ticket TCK-… created"
// when the engine delivers it later.

import { commands } from "./ipc.js";
import { $, el, button, errorText, differs } from "./dom.js";
import { state, update, onRender } from "./state.js";
import { t, atTime, dateTimeOf, wordsFor } from "./i18n.js";

// The panel for where ticket `outcome.id`, filed from `draft`, stands:
// saved and being sent (`sending`), or what the server said. The focus
// stays where the person is: in the form, on the next ticket.
export function showOutcome(outcome, draft, { sending = false, inOutbox = false } = {}) {
  if (sending) sentHere.set(outcome.id, draft?.subject?.trim() || "");
  if (outcome.kind === "delivered") {
    update({ result: delivered(outcome.id, outcome.ticketNumber, outcome.ticket, outcome.possibleDuplicate, draft) });
  } else if (outcome.kind === "queued" && sending) {
    update({ result: { kind: "queued", id: outcome.id, draft, title: t("result.sending"), note: "" } });
  } else if (outcome.kind === "queued") {
    update({ result: { kind: "queued", id: outcome.id, draft, title: queuedTitle(outcome), note: "", detail: queuedDetail(outcome) } });
  } else if (outcome.kind === "needsAttention") {
    const channel = draft?.channel_slug?.trim() || "";
    const said = problemWords(outcome.problem, channel);
    // One an earlier try may have delivered is not changed (it would be a
    // second ticket there): the Outbox sends it again as it is, or drops it.
    const maybeThere = outcome.editable === false;
    const where = maybeThere ? t("result.maybeThereInOutbox") : inOutbox ? t("result.waitsInOutbox") : t("result.backInForm");
    const title = said ?? (maybeThere ? t("result.attentionMaybeThere") : inOutbox ? t("result.attentionInOutbox") : t("result.attention"));
    update({ result: { kind: "attention", id: outcome.id, draft, title, note: said ? where : "", detail: outcome.reason } });
  }
}

// A refusal in the person's words, where the window has words of its own
// for it (else `null`: the general "did not accept" is said).
export function problemWords(problem, channel) {
  if (problem === "unknownChannel") return t("problem.unknownChannel", { channel });
  if (problem === "notFound") return t("problem.notFound");
  return null;
}

// The technical detail, one click away: a disclosure the person opens.
export function detailsOf(detail) {
  return el("details", { class: "detail" }, [el("summary", { text: t("result.details") }), el("p", { text: detail })]);
}

export function showError(message, note = "") {
  update({ result: { kind: "attention", title: message, note } });
  focusResult();
}

export function showNotice(title, note = "") {
  update({ result: { kind: "notice", title, note } });
}

function delivered(id, number, ticket, possibleDuplicate, draft) {
  ticket = ticket || {};
  number = number || (ticket.id ? `#${ticket.id}` : "");
  const channel = ticket.channel?.slug || draft?.channel_slug?.trim() || "";
  return {
    kind: "delivered",
    id,
    number,
    title: number ? t("result.delivered", { number }) : t("result.deliveredNoNumber"),
    details: [
      [t("field.subject"), ticket.subject ?? draft?.subject],
      [t("field.channel"), channel],
      [t("field.priority"), wordsFor("priority", ticket.priority ?? draft?.priority)],
      [t("result.status"), ticket.status],
      [t("result.created"), dateTimeOf(ticket.created_at)],
    ],
    note: possibleDuplicate ? t("result.possibleDuplicate") : "",
  };
}

function queuedTitle(outcome) {
  const at = outcome.retryAt && atTime(outcome.retryAt);
  if (outcome.waitingFor === "signIn" || !state.app?.signedIn) return t("result.queuedSignIn");
  if (outcome.waitingFor === "permission") return t("result.queuedPermission");
  if (outcome.waitingFor === "rateLimit" && at) return t("result.queuedRateLimited", { time: at });
  if (at) return t("result.queuedAt", { time: at });
  return t("result.queuedOffline");
}

function queuedDetail(outcome) {
  // The technical cause, one click away below the plain-language title.
  return outcome.waitingFor === "retry" || outcome.waitingFor === "permission" ? outcome.reason : "";
}

// Tickets sent from this window (id to subject), whose outcome is told
// even once the panel is about another one.
const sentHere = new Map();

// What became of ticket `id`, sent from this window, while the panel is
// about a later one: said in a line below it (the last three are kept).
export function tellEarlier(id, outcome) {
  if (!sentHere.has(id)) return;
  const subject = sentHere.get(id);
  let text;
  if (outcome.kind === "delivered") {
    text = outcome.ticketNumber
      ? t("result.earlierDelivered", { subject, number: outcome.ticketNumber })
      : t("result.earlierDeliveredNoNumber", { subject });
  } else if (outcome.kind === "needsAttention") {
    text = t("result.earlierAttention", { subject });
  } else {
    text = t("result.earlierQueued", { subject });
  }
  if (!state.result) {
    // The panel was closed: the line is said on a panel of its own.
    const kind = { delivered: "delivered", needsAttention: "attention" }[outcome.kind] || "queued";
    update({ result: { kind, title: text, note: "" }, earlier: [] });
    return;
  }
  const earlier = [...state.earlier.filter((line) => line.id !== id), { id, text }].slice(-3);
  update({ earlier });
}

// A ticket the server refused later (after the send's short wait): the
// panel still saying it waits says so; a ticket sent here before the
// panel's gets its line below it.
export async function followAttention({ id }) {
  const onPanel = state.result?.id === id;
  if ((onPanel && state.result.kind === "attention") || (!onPanel && !sentHere.has(id))) return;
  let outcome;
  try {
    outcome = await commands.outcome(id);
  } catch {
    return; // Edited or discarded meanwhile: the outbox says where it is.
  }
  if (outcome.kind !== "needsAttention") return;
  if (state.result?.id !== id) tellEarlier(id, outcome);
  else if (state.result.kind !== "attention") showOutcome(outcome, state.result.draft, { inOutbox: true });
}

// A ticket the engine delivered: if the panel is still saying it waits,
// it now says it was created, with what the server returned; a ticket sent
// here before the panel's gets its line below it.
export async function followDelivery({ id, ticketNumber, possibleDuplicate }) {
  if (state.result?.id !== id) {
    tellEarlier(id, { kind: "delivered", ticketNumber });
    return;
  }
  if (state.result.kind === "delivered") return;
  const { draft } = state.result;
  let ticket = null;
  try {
    ticket = (await commands.sentTicket(id)).delivered?.ticket;
  } catch {
    // The number alone says enough.
  }
  // Said meanwhile (the send's own answer came first): nothing to add.
  if (state.result?.id !== id || state.result.kind === "delivered") return;
  update({ result: delivered(id, ticketNumber, ticket, possibleDuplicate, draft) });
}

function focusResult() {
  queueMicrotask(() => $("result").focus());
}

function renderResult({ result, earlier }) {
  const panel = $("result");
  panel.hidden = !result;
  if (!result) return;
  if (!differs(panel, { result, earlier })) return;
  panel.dataset.kind = result.kind;
  // It floats over the page's foot: it can be put away.
  const close = button(t("result.close"), () => update({ result: null, earlier: [] }), { className: "ghost close" });
  const parts = [close, el("h2", { text: result.title })];
  if (result.note) parts.push(el("p", { text: result.note }));
  if (result.detail) parts.push(detailsOf(result.detail));
  if (result.details?.length) {
    parts.push(el("dl", {}, result.details.flatMap(([term, description]) => [
      el("dt", { text: term }),
      el("dd", { text: description === null || description === undefined || description === "" ? "—" : description }),
    ])));
  }
  if (result.action) {
    parts.push(el("div", { class: "buttons" }, button(result.action.label, result.action.run, { onError: (e) => showError(errorText(e)), dataset: { testid: "result-action" } })));
  }
  if (result.number) {
    parts.push(el("div", { class: "buttons" }, button(t("result.copyNumber"), () => copyNumber(result.number), { onError: (e) => showError(errorText(e)) })));
  }
  const before = earlier.filter((line) => line.id !== result.id);
  if (before.length) {
    parts.push(el("ul", { class: "earlier", dataset: { testid: "earlier" } }, before.map((line) => el("li", { text: line.text }))));
  }
  panel.replaceChildren(...parts);
}

export async function copyNumber(number) {
  await commands.copy(number);
  const status = $("copy-status");
  status.textContent = t("sent.copied", { number });
  setTimeout(() => { if (status.textContent === t("sent.copied", { number })) status.textContent = ""; }, 4000);
}

export function startResult() {
  onRender(renderResult);
}
