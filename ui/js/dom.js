// Small DOM helpers shared by the views.

export const $ = (id) => document.getElementById(id);

// An element with attributes (`text` for its text, `on*` for listeners,
// `dataset` for data-*) and children.
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") element.textContent = value;
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : value);
  }
  element.append(...children.flat().filter((child) => child !== null && child !== undefined));
  return element;
}

// A secondary button whose action's error is shown by `onError`.
export function button(label, action, { onError, className = "ghost", ...attributes } = {}) {
  return el("button", {
    type: "button",
    class: className,
    text: label,
    ...attributes,
    onclick: async () => {
      try { await action(); } catch (error) { onError?.(error); }
    },
  });
}

export function errorText(error) {
  return error?.message || String(error);
}

const shownKeys = new WeakMap();

// Whether `element` shows something other than `data` (in the page's
// language) now. A list is rebuilt only then: rebuilding it at every
// render would take the focus (and a screen reader's place) away from
// whoever is on one of its buttons.
export function differs(element, data) {
  const key = JSON.stringify([document.documentElement.lang, data]);
  if (shownKeys.get(element) === key) return false;
  shownKeys.set(element, key);
  return true;
}

// An action whose error is shown by `onError`, followed in any case by
// `reload` (what it changed is Rust's to say).
export function acting(onError, reload) {
  return async (action) => {
    try {
      await action();
    } catch (error) {
      onError(errorText(error));
    }
    await reload();
  };
}

// Replaces `list`'s children with `items`, keeping the keyboard's place: a
// control that had focus is focused again in the new list (found by its
// accessible name), so a redraw (a retry's new time) does not throw a
// keyboard or screen-reader user back to the top of the page.
export function replaceKeepingFocus(list, items) {
  const focused = list.contains(document.activeElement) ? document.activeElement.getAttribute("aria-label") : null;
  list.replaceChildren(...items);
  if (focused) {
    const again = [...list.querySelectorAll("[aria-label]")].find((control) => control.getAttribute("aria-label") === focused);
    again?.focus();
  }
}
