// Templates: the form saved under a name (kept in the outbox file, so one
// file holds everything), picked to fill the form, renamed, deleted, and
// exported or imported as a JSON file a team can share. The organisation's
// templates (its policy) are listed first, marked, and only applied.
// The picker on the form is typed into (a name, Enter; Ctrl/⌘+T goes
// there); a template's {date} and {time} are filled in and its other
// {names} asked for, by Rust (`template_use`).

import { commands } from "./ipc.js";
import { $, el, button, errorText, differs, acting, replaceKeepingFocus } from "./dom.js";
import { combobox } from "./combobox.js";
import { state, update, onRender } from "./state.js";
import { t } from "./i18n.js";
import { ask, askName, openDialog } from "./dialogs.js";
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

// The answers to a template's questions, asked in one dialog (Enter
// fills the form); null when the person cancels.
function askAnswers(template) {
  const dialog = $("fill-dialog");
  $("fill-heading").textContent = t("templates.fillHeading", { name: template.name });
  const inputs = template.questions.map((question, index) => {
    const id = `fill-${index}`;
    const input = el("input", { id, autocomplete: "off", spellcheck: "false", dataset: { question } });
    return [el("div", { class: "field" }, el("label", { for: id, text: question }), input), input];
  });
  $("fill-fields").replaceChildren(...inputs.map(([field]) => field));
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      if (dialog.returnValue !== "fill") return resolve(null);
      resolve(Object.fromEntries(inputs.map(([, input]) => [input.dataset.question, input.value])));
    }, { once: true });
    openDialog("fill-dialog");
    inputs[0]?.[1].focus();
  });
}

// The moment the template is used, as the window writes it.
function moment() {
  const language = document.documentElement.lang || undefined;
  const now = new Date();
  return {
    date: now.toLocaleDateString(language, { day: "numeric", month: "long", year: "numeric" }),
    time: now.toLocaleTimeString(language, { hour: "2-digit", minute: "2-digit" }),
  };
}

async function apply(id) {
  const template = state.templates.find((candidate) => candidate.id === id);
  if (!template) return;
  if (!(await mayReplaceForm(t("templates.replaceHeading"), t("templates.replaceText")))) return;
  const answers = template.questions.length ? await askAnswers(template) : {};
  if (answers === null) return;
  let fields;
  try {
    fields = await commands.useTemplate(id, { ...moment(), answers });
  } catch (error) {
    showError(errorText(error));
    return;
  }
  const draft = {};
  for (const field of TEMPLATE_FIELDS) {
    if (fields[field] !== null && fields[field] !== undefined) draft[field] = fields[field];
  }
  putInForm(draft);
  focusField(draft.subject ? "message" : "subject");
}

async function pickerChoices(typed) {
  const listed = await commands.templateChoices(typed);
  return listed.map((template) => ({
    value: template.id,
    label: template.fromOrganisation ? `${template.name} · ${t("templates.fromOrganisation")}` : template.name,
  }));
}

function startPicker() {
  const picker = $("template-picker");
  const pick = (id) => {
    picker.value = "";
    apply(id);
  };
  combobox({
    field: picker,
    list: $("template-options"),
    idPrefix: "template-option",
    choicesFor: pickerChoices,
    onChoose: (option) => pick(option.value),
    enterTakesFirst: true,
  });
  // What is typed here picks, it is not part of the ticket: it goes when
  // the picker is left.
  picker.addEventListener("blur", () => {
    picker.value = "";
  });
  // Enter before the list has come (fast hands): the first that matches.
  picker.addEventListener("keydown", async (event) => {
    const typed = picker.value;
    if (event.key !== "Enter" || event.ctrlKey || event.metaKey || event.defaultPrevented || !typed.trim()) return;
    event.preventDefault();
    event.stopPropagation();
    const [first] = await pickerChoices(typed).catch(() => []);
    if (first) pick(first.value);
    else showError(t("templates.noMatch", { typed: typed.trim() }));
  });
}

// Ctrl/⌘+T: to the template picker, from anywhere.
export function focusTemplatePicker() {
  if ($("template-pick").hidden) return false;
  update({ view: "ticket" });
  $("template-picker").focus();
  return true;
}

function renderTemplates(current) {
  // The picker on the form, when there is a template to pick.
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
  startPicker();
  $("templates-export").addEventListener("click", () => act(async () => {
    // Rust asks where (the OS's save dialog); nothing is said when cancelled.
    const path = await commands.exportTemplates();
    if (path) showNotice(t("templates.exported", { path }));
  }));
  $("templates-import").addEventListener("click", () => act(async () => {
    // Rust asks which file (the OS's open dialog), measures it before it
    // reads it, and imports all or nothing; nothing is said when cancelled.
    let report;
    try {
      report = await commands.importTemplates();
    } catch (error) {
      // A file that is not one, or far too large: said in the window's
      // words, what exactly one click away.
      const words = { templates_file_too_large: "templates.importTooLarge", templates_file_refused: "templates.importRefused" }[error?.code];
      if (!words) throw error;
      update({ result: { kind: "attention", title: t(words), note: "", detail: errorText(error) } });
      return;
    }
    if (report) showNotice(t("templates.imported", report));
  }));
  onRender(renderTemplates);
}
