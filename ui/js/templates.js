// Templates: the form saved under a name (kept in the outbox file, so one
// file holds everything), picked to fill the form, renamed, deleted, and
// exported or imported as a JSON file a team can share. The organisation's
// templates (its policy) are listed first, marked, and only applied.

import { commands } from "./ipc.js";
import { $, el, button, errorText, differs, acting, replaceKeepingFocus } from "./dom.js";
import { state, update, onRender } from "./state.js";
import { t } from "./i18n.js";
import { ask, askName } from "./dialogs.js";
import { readDraft, mayReplaceForm, putInForm, focusField, TEMPLATE_FIELDS } from "./form.js";
import { showError, showNotice } from "./result.js";

export async function loadTemplates() {
  try {
    update({ templates: await commands.templates() });
  } catch (error) {
    showError(errorText(error));
  }
}

// After an action: the list is Rust's to say.
const act = acting((message) => showError(message), () => loadTemplates());

async function saveForm() {
  const name = await askName(t("templates.saveHeading"), t("templates.saveHint"));
  if (!name) return;
  const draft = readDraft();
  const fields = Object.fromEntries(TEMPLATE_FIELDS.map((field) => [field, draft[field] || null]));
  await act(async () => {
    await commands.saveTemplate(name, fields);
    showNotice(t("templates.saved", { name }));
  });
}

async function apply(id) {
  const template = state.templates.find((candidate) => candidate.id === id);
  if (!template) return;
  if (!(await mayReplaceForm(t("templates.replaceHeading"), t("templates.replaceText")))) return;
  const draft = {};
  for (const field of TEMPLATE_FIELDS) {
    if (template.fields[field] !== null && template.fields[field] !== undefined) draft[field] = template.fields[field];
  }
  putInForm(draft);
  focusField(draft.subject ? "message" : "subject");
}

function renderTemplates(current) {
  // The picker on the form.
  const picker = $("template-picker");
  if (differs(picker, current.templates.map((x) => [x.id, x.name]))) {
    const option = (template) => el("option", { value: template.id, text: template.name });
    const shared = current.templates.filter((template) => template.fromOrganisation);
    const own = current.templates.filter((template) => !template.fromOrganisation);
    // Apart when the organisation shares some: a name may be in both.
    const groups = shared.length === 0 ? own.map(option) : [
      el("optgroup", { label: t("templates.fromOrganisation") }, shared.map(option)),
      own.length ? el("optgroup", { label: t("templates.own") }, own.map(option)) : null,
    ];
    picker.replaceChildren(el("option", { value: "", text: t("templates.none") }), ...groups.filter(Boolean));
  }
  $("template-pick").hidden = current.templates.length === 0;

  // The view.
  const panel = $("templates");
  panel.hidden = current.view !== "templates";
  if (panel.hidden) return;
  $("templates-empty").hidden = current.templates.length > 0;
  if (!differs($("templates-list"), current.templates)) return;
  replaceKeepingFocus($("templates-list"), current.templates.map((template) => {
    const fields = template.fields;
    const summary = [fields.channel_slug, fields.subject].filter(Boolean).join(" · ");
    const applyButton = button(t("templates.apply"), () => apply(template.id), { "aria-label": `${t("templates.apply")}: ${template.name}`, onError: (e) => showError(errorText(e)) });
    if (template.fromOrganisation) {
      return el("li", { dataset: { testid: "template-item", organisation: "true" } },
        el("div", { class: "row" },
          el("span", { class: "subject", text: template.name }),
          el("span", { class: "mark", text: t("templates.fromOrganisation"), dataset: { testid: "template-from-organisation" } })),
        el("div", { class: "hint", text: summary }),
        el("div", { class: "buttons" }, applyButton));
    }
    return el("li", { dataset: { testid: "template-item" } },
      el("div", { class: "row" }, el("span", { class: "subject", text: template.name })),
      el("div", { class: "hint", text: summary }),
      el("div", { class: "buttons" },
        applyButton,
        button(t("templates.rename"), () => act(async () => {
          const name = await askName(t("templates.renameHeading"), "", template.name);
          if (name && name !== template.name) await commands.renameTemplate(template.id, name);
        }), { "aria-label": `${t("templates.rename")}: ${template.name}` }),
        button(t("templates.delete"), () => act(async () => {
          if (await ask(t("templates.deleteHeading"), t("templates.deleteText", { name: template.name }), t("templates.delete"))) {
            await commands.deleteTemplate(template.id);
          }
        }), { "aria-label": `${t("templates.delete")}: ${template.name}` })));
  }));
}

export function startTemplates() {
  $("save-template").addEventListener("click", saveForm);
  $("template-picker").addEventListener("change", async (event) => {
    const id = event.target.value;
    event.target.value = "";
    if (id) await apply(id);
  });
  $("templates-export").addEventListener("click", () => act(async () => {
    const path = await commands.exportTemplates();
    showNotice(t("templates.exported", { path }));
  }));
  $("templates-import").addEventListener("click", () => $("templates-file").click());
  $("templates-file").addEventListener("change", (event) => act(async () => {
    const [file] = event.target.files;
    event.target.value = "";
    if (!file) return;
    // The file's text goes to Rust, which checks it and imports all or nothing.
    const report = await commands.importTemplates(await file.text());
    showNotice(t("templates.imported", report));
  }));
  onRender(renderTemplates);
}
