// A field with a list under it (the ARIA 1.2 combobox pattern: the focus
// stays in the field, the list's active option is its
// aria-activedescendant), narrowed as one types; chosen with the arrow keys
// and Enter, or the mouse. What the list holds is Rust's (`choicesFor`);
// what choosing does is the user's of it (`onChoose`). Channel and the
// template picker are two.

import { el } from "./dom.js";

// `choicesFor(typed)` resolves to `[{ value, label }]`; `enterTakesFirst`:
// Enter on an open list with nothing active takes its first option (a
// picker: type a name, Enter).
export function combobox({ field, list, idPrefix, choicesFor, onChoose, enterTakesFirst = false }) {
  let options = [];
  let active = -1;
  // Answers come back in any order: only the latest asked is shown.
  let asked = 0;
  // Set while the field is changed by a choice, not by typing.
  let quiet = false;

  // Asks for the options that match what is typed and opens the list
  // (`first`: with its first option active, as Down does on a closed list).
  async function open({ first = false } = {}) {
    const typed = field.value;
    const mine = ++asked;
    let answer;
    try {
      answer = await choicesFor(typed);
    } catch {
      return; // The list is a help; typing goes on without it.
    }
    if (mine !== asked || field.value !== typed || document.activeElement !== field) return;
    show(answer);
    if (first && options.length) activate(0);
  }

  function show(choices) {
    options = choices;
    active = -1;
    list.replaceChildren(...options.map((option, index) => el("li", {
      id: `${idPrefix}-${index}`,
      role: "option",
      "aria-selected": "false",
      text: option.label,
      // Chosen on press, before the field loses the focus to the list.
      onmousedown: (event) => {
        event.preventDefault();
        choose(option);
      },
    })));
    const opened = options.length > 0;
    list.hidden = !opened;
    field.setAttribute("aria-expanded", String(opened));
    field.removeAttribute("aria-activedescendant");
  }

  function close() {
    asked++;
    options = [];
    active = -1;
    list.hidden = true;
    list.replaceChildren();
    field.setAttribute("aria-expanded", "false");
    field.removeAttribute("aria-activedescendant");
  }

  function activate(index) {
    const items = list.children;
    if (active >= 0 && items[active]) items[active].setAttribute("aria-selected", "false");
    active = index;
    const item = items[active];
    item.setAttribute("aria-selected", "true");
    field.setAttribute("aria-activedescendant", item.id);
    item.scrollIntoView({ block: "nearest" });
  }

  function choose(option) {
    close();
    onChoose(option);
  }

  field.addEventListener("keydown", (event) => {
    const opened = !list.hidden;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!opened) open({ first: !event.altKey });
      else activate((active + 1) % options.length);
    } else if (event.key === "ArrowUp" && opened) {
      event.preventDefault();
      activate(active <= 0 ? options.length - 1 : active - 1);
    } else if (event.key === "Enter" && opened && (active >= 0 || enterTakesFirst) && !event.ctrlKey && !event.metaKey) {
      // The option is chosen; the form's Enter (move on) waits for the next one.
      event.preventDefault();
      event.stopPropagation();
      choose(options[Math.max(active, 0)]);
    } else if (event.key === "Escape" && opened) {
      event.preventDefault();
      event.stopPropagation();
      close();
    }
  });
  // A value put in by a choice is not a reason to open the list again.
  field.addEventListener("input", () => {
    if (!quiet) open();
  });
  field.addEventListener("click", () => {
    if (list.hidden) open();
  });
  field.addEventListener("blur", close);

  return {
    close,
    // Runs `change` (which may fire the field's input event) without
    // opening the list.
    quietly(change) {
      quiet = true;
      try {
        change();
      } finally {
        quiet = false;
      }
    },
  };
}
