// Starts the window: reads the settings and the app's state from Rust,
// starts each view, and listens to the app's events.

import { commands, on, listenToShell } from "./ipc.js";
import { $, errorText } from "./dom.js";
import { state, update } from "./state.js";
import { t } from "./i18n.js";
import { startForm, newTicket, loadSuggestions, loadNewForm } from "./form.js";
import { startResult, showNotice, followDelivery, followAttention, copyNumber, showError } from "./result.js";
import { startOutbox, loadOutbox } from "./outbox.js";
import { startSent, loadSent } from "./sent.js";
import { startTemplates, loadTemplates, focusTemplatePicker } from "./templates.js";
import { startStatus } from "./status.js";
import { startDialogs, openSignIn, openSettings, askToQuit, useLanguage, showPolicyChange } from "./dialogs.js";

// The app's state from Rust, and whatever view is shown, anew.
async function refresh() {
  update({ app: await commands.appState() });
  await Promise.all([loadOutbox(), loadSent()]);
}

function show(view) {
  update({ view });
  if (view === "outbox") loadOutbox();
  if (view === "sent") loadSent();
  if (view === "templates") loadTemplates();
  // Move to the view's heading, as a page change does.
  queueMicrotask(() => {
    const heading = $(`${view}-heading`);
    if (heading) heading.focus({ preventScroll: true });
  });
}

// The number of the newest delivered ticket: the one in the result panel,
// else the newest in the Sent view, else asked of Rust.
async function latestNumber() {
  if (state.result?.number) return state.result.number;
  const page = await commands.sent("", 0, 1);
  return page.items[0]?.ticketNumber || null;
}

function keyboard(event) {
  const mod = event.ctrlKey || event.metaKey;
  if (!mod || event.altKey) return;
  if (!event.shiftKey && event.key.toLowerCase() === "n") {
    event.preventDefault();
    newTicket();
  } else if (!event.shiftKey && event.key.toLowerCase() === "t") {
    if (focusTemplatePicker()) event.preventDefault();
  } else if (event.shiftKey && event.key.toLowerCase() === "c") {
    event.preventDefault();
    latestNumber().then((number) => number && copyNumber(number)).catch((error) => showError(errorText(error)));
  }
}

// Start-up phases, for the start-up benchmark (performance marks cost nothing).
const mark = (name) => performance.mark(`start:${name}`);

// All the form needs: handed over by Rust with the page, before it was
// parsed (`window.__FEEDBACK_START__`), for the window's first page; asked
// for (one answer) when the page was loaded again, as its state may have
// changed since.
function firstState() {
  const handed = window.__FEEDBACK_START__;
  delete window.__FEEDBACK_START__;
  const first = performance.getEntriesByType("navigation")[0]?.type === "navigate";
  return handed && first ? handed : commands.windowStart();
}

async function start() {
  mark("modules");
  const { settings, app, draft, newForm } = await firstState();
  mark("state");
  useLanguage(settings.language);
  update({ settings, app, newForm });
  startStatus();
  startResult();
  startDialogs({ refresh });
  startForm(draft);
  mark("form");
  startOutbox();
  startSent();
  startTemplates();
  if (state.app.notices?.length) showNotice(t("result.notice"), state.app.notices.join(" "));

  for (const tab of document.querySelectorAll("[data-view]")) {
    tab.addEventListener("click", () => show(tab.dataset.view));
  }
  document.addEventListener("keydown", keyboard);
  $("account-button").addEventListener("click", async () => {
    if (!state.app.signedIn) return openSignIn();
    try {
      await commands.signOut();
      update({ signedIn: null });
    } catch (error) {
      showError(errorText(error));
    }
    refresh();
  });
  $("settings-button").addEventListener("click", openSettings);
  // The form is filled in and Send files: usable, as a person sees it
  // (the start-up benchmark's finish line). Listening comes next.
  document.documentElement.dataset.usable = "true";

  on("quitRequested", ({ waiting }) => askToQuit(waiting));
  on("outboxChanged", () => refresh());
  on("status", ({ status }) => update({ app: { ...state.app, status } }));
  on("quota", ({ quota }) => update({ app: { ...state.app, quota } }));
  on("delivered", (delivered) => {
    followDelivery(delivered);
    loadSuggestions();
  });
  on("needsAttention", (refused) => {
    followAttention(refused);
    // A channel the server does not have is not what the next ticket starts with.
    loadNewForm();
  });
  on("newTicket", () => newTicket());
  // The organisation's policy changed: its locks, defaults, server and
  // templates, as Rust now has them.
  on("policyChanged", ({ settings, app, problems }) => {
    const before = state.settings;
    update({ settings, app });
    useLanguage(settings.language);
    showPolicyChange(before);
    loadNewForm();
    loadTemplates();
    if (problems.length) showNotice(t("result.policyProblems"), problems.join(" "));
  });
  await listenToShell();
  mark("listeners");
  // The form is filled in and listening: what the start-up benchmark waits for.
  document.documentElement.dataset.ready = "true";
  // What only helps (the tray, the template list, suggestions) comes after,
  // and a look at anything that changed before the window was listening.
  commands.windowReady().catch(() => {});
  refresh();
  loadTemplates();
  loadSuggestions();
  import("./updates.js")
    .then(({ startUpdates }) => startUpdates())
    .catch((error) => showError(errorText(error)));
}

start().catch((error) => {
  $("status-line").textContent = errorText(error);
});
