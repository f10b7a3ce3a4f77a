// The window's one state object, and the render functions that show it.
// Views register a render function; `update` changes state and schedules
// one render pass after the current task (not per animation frame: a
// window hidden in the tray gets no frames, and its badge must still move). Data comes from Rust (commands.js): the window
// keeps only what it shows.

export const state = {
  app: null, // AppState from Rust: server, sign-in, counts, status, quota
  settings: null,
  newForm: null, // what a new ticket starts with, as Rust says: { channel_slug, priority, type }
  view: "ticket", // ticket | outbox | sent | templates
  outbox: null, // { entries, otherServers }, while the outbox view is shown
  sent: { search: "", items: [], total: 0 },
  templates: [],
  suggestions: { channels: [], toolKeys: [] },
  result: null, // what the result panel says: { kind, id, title, details, note, number }
  earlier: [], // what became of tickets sent before the panel's, said below it: { id, text }
  undo: null, // the draft "New ticket" cleared, until undone or replaced
  signedIn: null, // what the server said of the token just entered, until a ticket is sent
  sending: false,
};

const renders = [];
let scheduled = false;

export function onRender(render) {
  renders.push(render);
}

export function update(patch = {}) {
  Object.assign(state, patch);
  if (scheduled) return;
  scheduled = true;
  queueMicrotask(() => {
    scheduled = false;
    for (const render of renders) render(state);
  });
}

// Renders now (before a screenshot or a focus move that needs the DOM).
export function renderNow() {
  scheduled = false;
  for (const render of renders) render(state);
}
