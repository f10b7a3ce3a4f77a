// "Version X is available": the update banner. Rust checks (at start and
// daily) and installs; the window shows what it found, its notes, and
// installs only when the person says so. Loaded after the form is ready:
// nothing here is needed for the first paint.

import { commands, on } from "./ipc.js";
import { $, errorText } from "./dom.js";
import { t } from "./i18n.js";

let shown = null;

function render(update) {
  shown = update;
  const banner = $("update");
  const available = update?.available;
  banner.hidden = !available;
  if (!available) return;
  $("update-title").textContent = t("update.available", { version: available.version, current: update.current });
  const notes = $("update-notes");
  notes.hidden = !available.notes;
  // Release notes are text from the network: never parsed as HTML.
  $("update-notes-text").textContent = available.notes || "";
  const busy = update.phase !== "idle";
  const install = $("update-install");
  install.hidden = update.install !== "app";
  install.disabled = busy;
  $("update-later").disabled = busy;
  const how = $("update-how");
  how.textContent = update.install === "app" ? "" : t(`update.${update.install}`);
  how.hidden = update.install === "app";
  $("update-progress").textContent = busy ? t(`update.${update.phase}`) : "";
  $("update-error").textContent = update.error
    ? t("update.failed", { reason: t(`update.refused.${update.error.kind}`) })
    : "";
}

// "Check for updates now" in Settings: says what it found.
async function checkNow() {
  const said = $("check-updates-state");
  said.textContent = t("update.checking");
  try {
    const update = await commands.checkForUpdate();
    render(update);
    said.textContent = update.available
      ? t("update.found", { version: update.available.version })
      : t("update.upToDate", { current: update.current });
  } catch (error) {
    const known = { no_update_source: "update.noSource", update_checks_off: "update.checksOff" }[error?.code];
    said.textContent = known ? t(known) : t("update.checkFailed", { reason: errorText(error) });
  }
}

export async function startUpdates() {
  // An event and the answer to `updateState` can cross: an event heard
  // while the question was out is at least as new as the answer.
  let heard = 0;
  on("update", ({ update }) => {
    heard += 1;
    render(update);
  });
  $("update-install").addEventListener("click", async () => {
    try {
      // Returns only if it was not installed (else the app starts again).
      await commands.installUpdate();
    } catch (error) {
      if (!shown?.error) $("update-error").textContent = errorText(error);
    }
  });
  $("update-later").addEventListener("click", () => commands.updateLater());
  $("check-updates").addEventListener("click", checkNow);
  const asked = heard;
  const view = await commands.updateState();
  if (heard === asked) render(view);
}
