// The header and the status line: which server and account, since when
// the token works, the outbox badge, the view tabs, and how delivery
// stands, quota included ("7 of 10 sends left · 10 again at 14:05"), or
// what the server said of a token just entered.

import { $ } from "./dom.js";
import { onRender } from "./state.js";
import { t, plural, atTime, timeOf } from "./i18n.js";

function renderHeader({ app, view }) {
  if (!app) return;
  const server = $("server");
  server.dataset.production = String(app.isProduction);
  $("server-base").textContent = app.apiBase || t("server.invalid");
  $("server-mark").textContent = app.isProduction ? t("server.production") : t("server.notProduction");
  // The address in full (a narrow window shortens it with "…") and since
  // when the token works (a narrow window shows it only here).
  server.title = [
    app.apiBase,
    app.lastAccepted ? t("server.acceptedAt", { time: timeOf(app.lastAccepted) }) : t("server.neverAccepted"),
  ].filter(Boolean).join("\n");
  $("server-accepted").textContent = app.lastAccepted ? t("server.acceptedAt", { time: timeOf(app.lastAccepted) }) : "";
  $("account-button").textContent = app.signedIn ? t("account.signOut") : t("account.signIn");

  const waiting = app.outbox.queued + app.outbox.sending + app.outbox.needsAttention;
  const badge = $("outbox-badge");
  badge.hidden = waiting === 0;
  badge.textContent = String(waiting);
  $("outbox-badge-words").textContent = waiting ? plural("outbox.badge", waiting) : "";

  for (const tab of document.querySelectorAll("[data-view]")) {
    if (tab.dataset.view === view) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
}

function renderStatus({ app, signedIn }) {
  const line = $("status-line");
  if (!app) return;
  const status = app.status;
  const base = app.apiBase || "";
  line.title = "";
  let kind = status?.kind || "ready";
  let text;
  if (app.starting) {
    // The keyring is being read; the form works meanwhile.
    kind = "starting";
    text = t("status.starting");
  } else if (!app.apiBase && app.invalidBase) {
    kind = "invalidBase";
    text = t("status.invalidBase", { reason: app.invalidBase });
  } else if (!app.signedIn && !(status && ["keyringUnavailable", "storageError", "signInNeeded"].includes(status.kind))) {
    // A keyring that did not answer, or a failing outbox file, is not "signed out".
    kind = "signIn";
    text = t("status.signedOut");
  } else if (signedIn && (!status || ["ready", "online"].includes(status.kind))) {
    // What the server said of the token just entered, until a ticket is
    // sent: accepted (with the send its check used), known but not
    // allowed to file, or kept to be checked.
    kind = { accepted: "ready", notAllowed: "forbidden" }[signedIn.kind] || "unchecked";
    if (signedIn.kind === "accepted") {
      text = withQuota(t(signedIn.spent ? "signIn.acceptedSpent" : "signIn.accepted"), app.quota);
    } else {
      text = t(signedIn.kind === "notAllowed" ? "signIn.notAllowed" : "signIn.unchecked");
    }
    line.title = signedIn.message || signedIn.reason || "";
  } else {
    text = {
      // A token this server has not accepted yet is never "ready".
      ready: () => (app.lastAccepted ? withQuota(t("status.ready", { base }), app.quota) : t("status.unchecked", { base })),
      online: () => withQuota(t("status.online", { base }), app.quota),
      offline: () => t("status.offline", { time: atTime(status.retryAt) }),
      serverError: () => t("status.serverError", { time: atTime(status.retryAt) }),
      rateLimited: () => t("status.rateLimited", { time: atTime(status.until) }),
      signInNeeded: () => t("status.signIn"),
      forbidden: () => t("status.forbidden"),
      signedOut: () => t("status.signedOut"),
      keyringUnavailable: () => t("status.keyring"),
      storageError: () => t("status.storage"),
    }[kind]?.() ?? kind;
    // The technical cause (in English, from the system) is a tooltip; the
    // line itself is in plain words.
    line.title = status?.reason || status?.message || "";
  }
  line.dataset.kind = kind;
  if (line.textContent !== text) line.textContent = text;
}

// "Connected to … · 7 of 10 sends left · 10 again at 14:05".
function withQuota(text, quota) {
  if (!quota) return text;
  const left = quota.resetsAt
    ? t("status.quota", { remaining: quota.remaining, limit: quota.limit, time: atTime(quota.resetsAt) })
    : t("status.quotaFull", { limit: quota.limit });
  return `${text} · ${left}`;
}

export function startStatus() {
  onRender(renderHeader);
  onRender(renderStatus);
}
