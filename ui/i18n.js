// English and Dutch strings; the OS language decides unless a setting says otherwise.
"use strict";

const STRINGS = {
  en: {
    "app.title": "Wemasy Feedback",
    "outbox.title": "Outbox",
    "outbox.sendNow": "Send queued now",
    "outbox.empty": "No tickets waiting.",
    "outbox.retry": "Retry now",
    "outbox.edit": "Edit",
    "outbox.discard": "Discard",
    "outbox.confirmDiscard": "Discard “{subject}”? It will not be sent.",
    "outbox.attempts": "{n} attempts",
    "outbox.next": "next attempt {time}",
    "state.queued": "Queued",
    "state.sending": "Sending",
    "state.delivered": "Delivered",
    "state.needsAttention": "Needs attention",
    "account.signIn": "Sign in",
    "account.signOut": "Sign out",
    "account.signInTitle": "Sign in to the Wemasy API",
    "account.token": "API token",
    "account.base": "Tokens are kept in the system keyring, for {base}.",
    "settings.title": "Settings",
    "settings.apiBase": "API base URL",
    "settings.defaultChannel": "Default channel",
    "settings.language": "Language",
    "settings.languageSystem": "Follow the system",
    "settings.notifications": "Show notifications",
    "settings.tray": "Keep sending from the tray after closing the window",
    "dialog.cancel": "Cancel",
    "dialog.save": "Save",
    "field.channel": "Channel",
    "field.priority": "Priority",
    "field.type": "Type",
    "field.subject": "Subject",
    "field.message": "Message",
    "field.rating": "Rating",
    "field.toolKey": "Tool key",
    "field.page": "Page",
    "field.userAgent": "User agent",
    "option.default": "Default (normal)",
    "option.none": "None",
    "priority.low": "Low", "priority.normal": "Normal", "priority.high": "High", "priority.urgent": "Urgent",
    "type.bug": "Bug", "type.suggestion": "Suggestion", "type.other": "Other",
    "form.more": "Tool, page and user agent",
    "form.send": "Send ticket",
    "form.sending": "Sending…",
    "form.draftSaved": "Draft saved",
    "error.required": "Required",
    "error.tooLong": "At most {max} characters",
    "error.oneOf": "Choose one of the options",
    "error.rating": "A whole number from 1 to 5",
    "result.delivered": "Ticket {number} created",
    "result.deliveredNoNumber": "Ticket created (the server gave no number)",
    "result.queuedOffline": "Saved — it will be sent when the server can be reached",
    "result.queuedAt": "Saved — it will be sent automatically; next try at {time}",
    "result.queuedRateLimited": "Saved — the rate limit is reached; it will be sent at {time}",
    "result.notice": "Something went wrong while starting; nothing was lost",
    "result.queuedSignIn": "Saved — it will be sent after you sign in",
    "result.attention": "The server did not accept this ticket. It is back in the form: fix it and send again.",
    "result.possibleDuplicate": "An earlier attempt got no reply, so the server may hold this ticket twice.",
    "result.status": "Status",
    "result.created": "Created",
    "quit.heading": "{n} tickets are still waiting",
    "quit.headingOne": "1 ticket is still waiting",
    "quit.text": "They are kept on this computer and sent the next time Wemasy Feedback runs. To keep sending them with the window closed, turn on “Keep sending from the tray after closing the window” in Settings.",
    "quit.textOne": "It is kept on this computer and sent the next time Wemasy Feedback runs. To keep sending with the window closed, turn on “Keep sending from the tray after closing the window” in Settings.",
    "quit.stay": "Keep open",
    "quit.quit": "Quit anyway",
    "status.online": "Connected to {base}",
    "status.offline": "Offline: the server cannot be reached. Tickets are saved and will be sent.",
    "status.rateLimited": "Rate limit reached: sending again at {time}",
    "status.signIn": "Sign-in needed: tickets wait until you sign in.",
    "status.signedOut": "Not signed in. Tickets are saved and sent after sign-in.",
    "status.ready": "Ready: {base}",
  },
  nl: {
    "app.title": "Wemasy Feedback",
    "outbox.title": "Postvak uit",
    "outbox.sendNow": "Wachtrij nu versturen",
    "outbox.empty": "Er wachten geen tickets.",
    "outbox.retry": "Nu opnieuw",
    "outbox.edit": "Bewerken",
    "outbox.discard": "Verwijderen",
    "outbox.confirmDiscard": "“{subject}” verwijderen? Het wordt niet verstuurd.",
    "outbox.attempts": "{n} pogingen",
    "outbox.next": "volgende poging {time}",
    "state.queued": "In wachtrij",
    "state.sending": "Bezig",
    "state.delivered": "Afgeleverd",
    "state.needsAttention": "Aandacht nodig",
    "account.signIn": "Inloggen",
    "account.signOut": "Uitloggen",
    "account.signInTitle": "Inloggen bij de Wemasy API",
    "account.token": "API-token",
    "account.base": "Tokens staan in de sleutelbos van het systeem, voor {base}.",
    "settings.title": "Instellingen",
    "settings.apiBase": "API-basis-URL",
    "settings.defaultChannel": "Standaardkanaal",
    "settings.language": "Taal",
    "settings.languageSystem": "Zoals het systeem",
    "settings.notifications": "Meldingen tonen",
    "settings.tray": "Na sluiten van het venster vanuit het systeemvak blijven versturen",
    "dialog.cancel": "Annuleren",
    "dialog.save": "Opslaan",
    "field.channel": "Kanaal",
    "field.priority": "Prioriteit",
    "field.type": "Soort",
    "field.subject": "Onderwerp",
    "field.message": "Bericht",
    "field.rating": "Beoordeling",
    "field.toolKey": "Toolsleutel",
    "field.page": "Pagina",
    "field.userAgent": "User-agent",
    "option.default": "Standaard (normaal)",
    "option.none": "Geen",
    "priority.low": "Laag", "priority.normal": "Normaal", "priority.high": "Hoog", "priority.urgent": "Dringend",
    "type.bug": "Fout", "type.suggestion": "Suggestie", "type.other": "Anders",
    "form.more": "Tool, pagina en user-agent",
    "form.send": "Ticket versturen",
    "form.sending": "Versturen…",
    "form.draftSaved": "Concept bewaard",
    "error.required": "Verplicht",
    "error.tooLong": "Hooguit {max} tekens",
    "error.oneOf": "Kies een van de opties",
    "error.rating": "Een geheel getal van 1 tot 5",
    "result.delivered": "Ticket {number} aangemaakt",
    "result.deliveredNoNumber": "Ticket aangemaakt (de server gaf geen nummer)",
    "result.queuedOffline": "Bewaard — het wordt verstuurd zodra de server bereikbaar is",
    "result.queuedAt": "Bewaard — het wordt vanzelf verstuurd; volgende poging om {time}",
    "result.queuedRateLimited": "Bewaard — de limiet is bereikt; het wordt verstuurd om {time}",
    "result.notice": "Er ging iets mis bij het starten; er is niets verloren gegaan",
    "result.queuedSignIn": "Bewaard — het wordt verstuurd nadat u bent ingelogd",
    "result.attention": "De server heeft dit ticket niet geaccepteerd. Het staat weer in het formulier: pas het aan en verstuur opnieuw.",
    "result.possibleDuplicate": "Een eerdere poging kreeg geen antwoord; de server kan dit ticket dubbel hebben.",
    "result.status": "Status",
    "result.created": "Aangemaakt",
    "quit.heading": "Er wachten nog {n} tickets",
    "quit.headingOne": "Er wacht nog 1 ticket",
    "quit.text": "Ze blijven op deze computer bewaard en worden verstuurd zodra Wemasy Feedback weer draait. Zet “Na sluiten van het venster vanuit het systeemvak blijven versturen” aan in Instellingen om ze ook met gesloten venster te versturen.",
    "quit.textOne": "Het blijft op deze computer bewaard en wordt verstuurd zodra Wemasy Feedback weer draait. Zet “Na sluiten van het venster vanuit het systeemvak blijven versturen” aan in Instellingen om ook met gesloten venster te versturen.",
    "quit.stay": "Open laten",
    "quit.quit": "Toch afsluiten",
    "status.online": "Verbonden met {base}",
    "status.offline": "Offline: de server is niet bereikbaar. Tickets zijn bewaard en worden verstuurd.",
    "status.rateLimited": "Limiet bereikt: weer versturen om {time}",
    "status.signIn": "Inloggen nodig: tickets wachten tot u inlogt.",
    "status.signedOut": "Niet ingelogd. Tickets worden bewaard en na inloggen verstuurd.",
    "status.ready": "Gereed: {base}",
  },
};

let language = "en";

function chooseLanguage(setting) {
  const wanted = setting || (navigator.language || "en");
  language = wanted.toLowerCase().startsWith("nl") ? "nl" : "en";
  document.documentElement.lang = language;
  document.querySelectorAll("[data-i18n]").forEach((element) => {
    element.textContent = t(element.dataset.i18n);
  });
}

function t(key, vars = {}) {
  const text = (STRINGS[language] && STRINGS[language][key]) || STRINGS.en[key] || key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

// A server timestamp (ISO 8601) as a local date and time; other text as is.
function dateTimeOf(text) {
  const date = new Date(text);
  if (!text || Number.isNaN(date.getTime())) return text;
  return date.toLocaleString(language, { dateStyle: "medium", timeStyle: "short" });
}

// A value the server sent (a priority, say) in words when there are words for it.
function wordsFor(prefix, value) {
  if (value === null || value === undefined) return value;
  const key = `${prefix}.${value}`;
  const text = t(key);
  return text === key ? String(value) : text;
}

function timeOf(ms) {
  return new Date(ms).toLocaleTimeString(language, { hour: "2-digit", minute: "2-digit" });
}
