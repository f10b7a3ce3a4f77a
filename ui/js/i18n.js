// English and Dutch; the OS language decides unless a setting says otherwise.
// A key ending in ".one"/".other" is a plural pair: plural(key, n).

const STRINGS = {
  en: {
    "app.title": "Wemasy Feedback",
    "nav.label": "Views",
    "nav.ticket": "Ticket",
    "nav.outbox": "Outbox",
    "nav.sent": "Sent",
    "nav.templates": "Templates",

    "server.production": "Production",
    "server.notProduction": "Not production",
    "server.label": "Server",
    "server.acceptedAt": "Token last accepted {time}",
    "server.neverAccepted": "Token not yet accepted by this server",
    "server.invalid": "No usable server",

    "outbox.title": "Outbox",
    "outbox.sendNow": "Send queued now",
    "outbox.empty": "No tickets waiting.",
    "outbox.retry": "Retry now",
    "outbox.edit": "Edit",
    "outbox.discard": "Discard",
    "outbox.confirmDiscard": "Discard “{subject}”? It will not be sent.",
    "outbox.discardHeading": "Discard this ticket?",
    "outbox.otherServer": "Waiting for {origin}: another server, not signed in there. Export them, or discard them one by one.",
    "outbox.otherServerSending": "Waiting for {origin}: another server, sent with that server's own sign-in.",
    "outbox.export": "Export",
    "outbox.exported": "Saved as {path}",
    "outbox.attempts.one": "1 attempt",
    "outbox.attempts.other": "{n} attempts",
    "outbox.next": "next attempt {time}",
    "outbox.badge.one": "1 ticket waiting",
    "outbox.badge.other": "{n} tickets waiting",

    "sent.title": "Sent tickets",
    "sent.search": "Search sent tickets",
    "sent.searchHint": "Ticket number, subject or message",
    "sent.kept": "Sent tickets are kept for {days} days (Settings), then removed from this computer.",
    "sent.count.one": "1 ticket",
    "sent.count.other": "{n} tickets",
    "sent.empty": "No sent tickets yet.",
    "sent.noMatch": "No sent ticket matches “{search}”.",
    "sent.copy": "Copy {number}",
    "sent.copied": "Copied {number}",
    "sent.open": "Open",
    "sent.again": "File another like this",
    "sent.more": "Show more",
    "sent.noNumber": "no number",
    "sent.duplicate": "Possibly filed twice",
    "sent.oddReply": "The server's reply could not be read",
    "sent.detailTitle": "Ticket {number}",
    "sent.close": "Close",
    "sent.at": "Sent {time}",
    "sent.when": "Sent",
    "sent.shortcut": "Ctrl+Shift+C copies the latest ticket number.",

    "templates.title": "Templates",
    "templates.empty": "No templates yet. Fill in the form and choose “Save as template”.",
    "templates.pick": "Template",
    "templates.none": "Choose a template…",
    "templates.apply": "Fill the form",
    "templates.saveAs": "Save as template…",
    "templates.name": "Template name",
    "templates.saveHeading": "Save the form as a template",
    "templates.saveHint": "Channel, type, priority, tool key, page, subject and message are kept. A template with the same name is replaced.",
    "templates.saved": "Template “{name}” saved",
    "templates.fromOrganisation": "From your organisation",
    "templates.own": "Your own",
    "templates.rename": "Rename",
    "templates.renameHeading": "Rename the template",
    "templates.delete": "Delete",
    "templates.deleteHeading": "Delete this template?",
    "templates.deleteText": "Delete the template “{name}”? Tickets filed from it are not affected.",
    "templates.export": "Export templates",
    "templates.import": "Import templates",
    "templates.exported": "Templates saved as {path}",
    "templates.imported": "Imported: {added} added, {replaced} replaced",
    "templates.replaceHeading": "Replace what you typed?",
    "templates.replaceText": "The form holds a ticket you are typing. The template's fields take its place (you can undo).",

    "form.new": "New ticket",
    "form.cleared": "The form was cleared.",
    "form.undo": "Undo",
    "form.more": "Tool, page and user agent",
    "form.send": "Send ticket",
    "form.sending": "Sending…",
    "form.draftSaved": "Draft saved",
    "form.suggestions": "Used before",
    "error.required": "Required",
    "error.tooLong": "At most {max} characters",
    "error.oneOf": "Choose one of the options",
    "error.rating": "A whole number from 1 to 5",

    "edit.heading": "Replace what you typed?",
    "edit.text": "The form holds a ticket you are typing. Editing this one puts its fields in the form instead.",
    "edit.replace": "Replace",
    "switch.heading": "Switch servers?",
    "switch.text.one": "1 ticket waits for {base}. It stays for that server and is sent with its own sign-in; it is never sent to the new one.",
    "switch.text.other": "{n} tickets wait for {base}. They stay for that server and are sent with its own sign-in; they are never sent to the new one.",
    "switch.yes": "Switch",

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
    "settings.defaultPriority": "Default priority",
    "settings.defaultType": "Default type",
    "settings.updateChecks": "Check for updates",
    "settings.language": "Language",
    "settings.languageSystem": "Follow the system",
    "settings.notifications": "Show notifications",
    "settings.tray": "Keep sending from the tray after closing the window",
    "settings.keepDays": "Keep sent tickets for (days)",
    "settings.shortcut": "Quick capture shortcut",
    "settings.shortcutHint": "Brings this window forward on a new ticket from anywhere. Leave empty for none.",
    "settings.locked": "Set by your organisation",
    "settings.login": "Start at login",
    "settings.shortcutActive": "Active: {shortcut}",
    "settings.shortcutUnavailable": "Not available here: {reason}",
    "settings.diagnostics": "Copy diagnostics",
    "settings.diagnosticsCopied": "Diagnostics copied (no token, no ticket text).",

    "dialog.cancel": "Cancel",
    "dialog.save": "Save",
    "dialog.close": "Close",

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

    "result.delivered": "Ticket {number} created",
    "result.deliveredNoNumber": "Ticket created (the server gave no number)",
    "result.queuedOffline": "Saved — it will be sent when the server can be reached",
    "result.queuedAt": "Saved — it will be sent automatically; next try {time}",
    "result.queuedRateLimited": "Saved — the rate limit is reached; it will be sent {time}",
    "result.notice": "Something went wrong while starting; nothing was lost",
    "result.policyProblems": "Some of your organisation's settings were ignored",
    "result.queuedSignIn": "Saved — it will be sent after you sign in",
    "result.queuedPermission": "Saved — the server says this account may not file tickets. It is sent once the permission is back and you choose Send queued now.",
    "result.attention": "The server did not accept this ticket. It is back in the form: fix it and send again.",
    "result.possibleDuplicate": "An earlier attempt got no reply, so the server may hold this ticket twice.",
    "result.status": "Status",
    "result.created": "Created",
    "result.copyNumber": "Copy number",

    "quit.heading.one": "1 ticket is still waiting",
    "quit.heading.other": "{n} tickets are still waiting",
    "quit.text.one": "It is kept on this computer and sent the next time Wemasy Feedback runs. To keep sending with the window closed, turn on “Keep sending from the tray after closing the window” in Settings.",
    "quit.text.other": "They are kept on this computer and sent the next time Wemasy Feedback runs. To keep sending them with the window closed, turn on “Keep sending from the tray after closing the window” in Settings.",
    "quit.stay": "Keep open",
    "quit.quit": "Quit anyway",
    "quit.atLogin": "Quit and send at next login",

    "status.ready": "Ready: {base}",
    "status.starting": "Reading the sign-in from the keyring…",
    "status.online": "Connected to {base}",
    "status.quota": "{remaining} of {limit} left · window resets {time}",
    "status.quotaFull": "{limit} of {limit} left",
    "status.offline": "Offline: the server cannot be reached. Tickets are saved; next try {time}.",
    "status.serverError": "Server error, retrying {time}",
    "status.rateLimited": "Rate limit reached: next send {time}",
    "status.signIn": "Sign-in needed: the server refused the token",
    "status.forbidden": "Not allowed: the server says this account may not file tickets. Tickets wait.",
    "status.signedOut": "Not signed in. Tickets are saved and sent after sign-in.",
    "status.keyring": "The keyring did not answer (it may be locked). Tickets wait and are sent once it does.",
    "status.storage": "The outbox file could not be written (is the disk full?). Trying again.",
    "status.invalidBase": "No usable server: {reason}",
    "time.at": "at {time}",
    "update.available": "Version {version} is available (you have {current}).",
    "update.notes": "What's new",
    "update.install": "Install and restart",
    "update.later": "Later",
    "update.packageManager": "This app was installed as a package: your system's software updates (or apt, dnf) install the new version.",
    "update.manual": "This copy was not installed from a package: install the new version the way you installed this one.",
    "update.downloading": "Downloading and checking the update…",
    "update.waitingForSend": "Waiting for the ticket being sent to finish…",
    "update.installing": "Installing… the app starts again by itself.",
    "update.checking": "Checking for updates…",
    "update.failed": "Not installed: {reason}",
    "update.refused.signature": "the download does not carry the publisher's signature, so it was refused. Nothing was changed.",
    "update.refused.format": "the download is not a package for this installation. Nothing was changed.",
    "update.refused.denied": "installing was not allowed. Nothing was changed.",
    "update.refused.other": "something went wrong (see Copy diagnostics). Nothing was changed.",
    "update.checkNow": "Check for updates now",
    "update.upToDate": "You have the newest version ({current}).",
    "update.found": "Version {version} is available: see above the form.",
    "update.noSource": "This copy has no update source (a development build).",
    "update.checksOff": "Your organisation has turned update checks off.",
    "update.checkFailed": "Could not check: {reason}",
  },
  nl: {
    "app.title": "Wemasy Feedback",
    "nav.label": "Weergaven",
    "nav.ticket": "Ticket",
    "nav.outbox": "Postvak uit",
    "nav.sent": "Verstuurd",
    "nav.templates": "Sjablonen",

    "server.production": "Productie",
    "server.notProduction": "Geen productie",
    "server.label": "Server",
    "server.acceptedAt": "Token laatst geaccepteerd {time}",
    "server.neverAccepted": "Token nog niet geaccepteerd door deze server",
    "server.invalid": "Geen bruikbare server",

    "outbox.title": "Postvak uit",
    "outbox.sendNow": "Wachtrij nu versturen",
    "outbox.empty": "Er wachten geen tickets.",
    "outbox.retry": "Nu opnieuw",
    "outbox.edit": "Bewerken",
    "outbox.discard": "Verwijderen",
    "outbox.confirmDiscard": "“{subject}” verwijderen? Het wordt niet verstuurd.",
    "outbox.discardHeading": "Dit ticket verwijderen?",
    "outbox.otherServer": "Wacht op {origin}: een andere server, daar niet ingelogd. Exporteer ze, of verwijder ze een voor een.",
    "outbox.otherServerSending": "Wacht op {origin}: een andere server, verstuurd met de eigen aanmelding van die server.",
    "outbox.export": "Exporteren",
    "outbox.exported": "Opgeslagen als {path}",
    "outbox.attempts.one": "1 poging",
    "outbox.attempts.other": "{n} pogingen",
    "outbox.next": "volgende poging {time}",
    "outbox.badge.one": "1 ticket wacht",
    "outbox.badge.other": "{n} tickets wachten",

    "sent.title": "Verstuurde tickets",
    "sent.search": "Verstuurde tickets zoeken",
    "sent.searchHint": "Ticketnummer, onderwerp of bericht",
    "sent.kept": "Verstuurde tickets worden {days} dagen bewaard (Instellingen) en daarna van deze computer verwijderd.",
    "sent.count.one": "1 ticket",
    "sent.count.other": "{n} tickets",
    "sent.empty": "Nog geen verstuurde tickets.",
    "sent.noMatch": "Geen verstuurd ticket past bij “{search}”.",
    "sent.copy": "{number} kopiëren",
    "sent.copied": "{number} gekopieerd",
    "sent.open": "Openen",
    "sent.again": "Nog een zoals dit",
    "sent.more": "Meer tonen",
    "sent.noNumber": "geen nummer",
    "sent.duplicate": "Mogelijk dubbel ingediend",
    "sent.oddReply": "Het antwoord van de server was onleesbaar",
    "sent.detailTitle": "Ticket {number}",
    "sent.close": "Sluiten",
    "sent.at": "Verstuurd {time}",
    "sent.when": "Verstuurd",
    "sent.shortcut": "Ctrl+Shift+C kopieert het laatste ticketnummer.",

    "templates.title": "Sjablonen",
    "templates.empty": "Nog geen sjablonen. Vul het formulier in en kies “Opslaan als sjabloon”.",
    "templates.pick": "Sjabloon",
    "templates.none": "Kies een sjabloon…",
    "templates.apply": "Formulier invullen",
    "templates.saveAs": "Opslaan als sjabloon…",
    "templates.name": "Naam van het sjabloon",
    "templates.saveHeading": "Het formulier opslaan als sjabloon",
    "templates.saveHint": "Kanaal, soort, prioriteit, toolsleutel, pagina, onderwerp en bericht worden bewaard. Een sjabloon met dezelfde naam wordt vervangen.",
    "templates.saved": "Sjabloon “{name}” opgeslagen",
    "templates.fromOrganisation": "Van je organisatie",
    "templates.own": "Je eigen",
    "templates.rename": "Hernoemen",
    "templates.renameHeading": "Het sjabloon hernoemen",
    "templates.delete": "Verwijderen",
    "templates.deleteHeading": "Dit sjabloon verwijderen?",
    "templates.deleteText": "Het sjabloon “{name}” verwijderen? Tickets die ermee zijn ingediend veranderen niet.",
    "templates.export": "Sjablonen exporteren",
    "templates.import": "Sjablonen importeren",
    "templates.exported": "Sjablonen opgeslagen als {path}",
    "templates.imported": "Geïmporteerd: {added} toegevoegd, {replaced} vervangen",
    "templates.replaceHeading": "Wat u typte vervangen?",
    "templates.replaceText": "Het formulier bevat een ticket dat u aan het typen bent. De velden van het sjabloon komen ervoor in de plaats (u kunt dit ongedaan maken).",

    "form.new": "Nieuw ticket",
    "form.cleared": "Het formulier is leeggemaakt.",
    "form.undo": "Ongedaan maken",
    "form.more": "Tool, pagina en user-agent",
    "form.send": "Ticket versturen",
    "form.sending": "Versturen…",
    "form.draftSaved": "Concept bewaard",
    "form.suggestions": "Eerder gebruikt",
    "error.required": "Verplicht",
    "error.tooLong": "Hooguit {max} tekens",
    "error.oneOf": "Kies een van de opties",
    "error.rating": "Een geheel getal van 1 tot 5",

    "edit.heading": "Wat u typte vervangen?",
    "edit.text": "Het formulier bevat een ticket dat u aan het typen bent. Bewerken zet de velden van dit ticket ervoor in de plaats.",
    "edit.replace": "Vervangen",
    "switch.heading": "Van server wisselen?",
    "switch.text.one": "1 ticket wacht op {base}. Het blijft voor die server en gaat met de eigen aanmelding daarvan; het gaat nooit naar de nieuwe.",
    "switch.text.other": "{n} tickets wachten op {base}. Ze blijven voor die server en gaan met de eigen aanmelding daarvan; ze gaan nooit naar de nieuwe.",
    "switch.yes": "Wisselen",

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
    "settings.defaultPriority": "Standaardprioriteit",
    "settings.defaultType": "Standaardsoort",
    "settings.updateChecks": "Controleren op updates",
    "settings.language": "Taal",
    "settings.languageSystem": "Zoals het systeem",
    "settings.notifications": "Meldingen tonen",
    "settings.tray": "Na sluiten van het venster vanuit het systeemvak blijven versturen",
    "settings.keepDays": "Verstuurde tickets bewaren (dagen)",
    "settings.shortcut": "Sneltoets voor snel vastleggen",
    "settings.shortcutHint": "Haalt dit venster van overal naar voren met een nieuw ticket. Laat leeg voor geen.",
    "settings.locked": "Ingesteld door je organisatie",
    "settings.login": "Starten bij inloggen",
    "settings.shortcutActive": "Actief: {shortcut}",
    "settings.shortcutUnavailable": "Hier niet beschikbaar: {reason}",
    "settings.diagnostics": "Diagnose kopiëren",
    "settings.diagnosticsCopied": "Diagnose gekopieerd (zonder token en zonder tickettekst).",

    "dialog.cancel": "Annuleren",
    "dialog.save": "Opslaan",
    "dialog.close": "Sluiten",

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

    "result.delivered": "Ticket {number} aangemaakt",
    "result.deliveredNoNumber": "Ticket aangemaakt (de server gaf geen nummer)",
    "result.queuedOffline": "Bewaard — het wordt verstuurd zodra de server bereikbaar is",
    "result.queuedAt": "Bewaard — het wordt vanzelf verstuurd; volgende poging {time}",
    "result.queuedRateLimited": "Bewaard — de limiet is bereikt; het wordt verstuurd {time}",
    "result.notice": "Er ging iets mis bij het starten; er is niets verloren gegaan",
    "result.policyProblems": "Een deel van de instellingen van je organisatie is genegeerd",
    "result.queuedSignIn": "Bewaard — het wordt verstuurd nadat u bent ingelogd",
    "result.queuedPermission": "Bewaard — de server zegt dat dit account geen tickets mag indienen. Het gaat zodra de toestemming terug is en u Wachtrij nu versturen kiest.",
    "result.attention": "De server heeft dit ticket niet geaccepteerd. Het staat weer in het formulier: pas het aan en verstuur opnieuw.",
    "result.possibleDuplicate": "Een eerdere poging kreeg geen antwoord; de server kan dit ticket dubbel hebben.",
    "result.status": "Status",
    "result.created": "Aangemaakt",
    "result.copyNumber": "Nummer kopiëren",

    "quit.heading.one": "Er wacht nog 1 ticket",
    "quit.heading.other": "Er wachten nog {n} tickets",
    "quit.text.one": "Het blijft op deze computer bewaard en wordt verstuurd zodra Wemasy Feedback weer draait. Zet “Na sluiten van het venster vanuit het systeemvak blijven versturen” aan in Instellingen om ook met gesloten venster te versturen.",
    "quit.text.other": "Ze blijven op deze computer bewaard en worden verstuurd zodra Wemasy Feedback weer draait. Zet “Na sluiten van het venster vanuit het systeemvak blijven versturen” aan in Instellingen om ze ook met gesloten venster te versturen.",
    "quit.stay": "Open laten",
    "quit.quit": "Toch afsluiten",
    "quit.atLogin": "Afsluiten en versturen bij volgende login",

    "status.ready": "Gereed: {base}",
    "status.starting": "Aanmelding uit de sleutelbos lezen…",
    "status.online": "Verbonden met {base}",
    "status.quota": "Nog {remaining} van {limit} · venster begint opnieuw {time}",
    "status.quotaFull": "Nog {limit} van {limit}",
    "status.offline": "Offline: de server is niet bereikbaar. Tickets zijn bewaard; volgende poging {time}.",
    "status.serverError": "Serverfout, nieuwe poging {time}",
    "status.rateLimited": "Limiet bereikt: volgende verzending {time}",
    "status.signIn": "Inloggen nodig: de server weigerde het token",
    "status.forbidden": "Niet toegestaan: de server zegt dat dit account geen tickets mag indienen. Tickets wachten.",
    "status.signedOut": "Niet ingelogd. Tickets worden bewaard en na inloggen verstuurd.",
    "status.keyring": "De sleutelbos antwoordde niet (misschien vergrendeld). Tickets wachten en gaan zodra die antwoordt.",
    "status.storage": "Het bestand van het postvak uit kon niet worden geschreven (is de schijf vol?). Nieuwe poging volgt.",
    "status.invalidBase": "Geen bruikbare server: {reason}",
    "time.at": "om {time}",
    "update.available": "Versie {version} is beschikbaar (u hebt {current}).",
    "update.notes": "Wat is er nieuw",
    "update.install": "Installeren en opnieuw starten",
    "update.later": "Later",
    "update.packageManager": "Deze app is als pakket geïnstalleerd: de software-updates van uw systeem (of apt, dnf) installeren de nieuwe versie.",
    "update.manual": "Deze kopie is niet vanuit een pakket geïnstalleerd: installeer de nieuwe versie zoals u deze hebt geïnstalleerd.",
    "update.downloading": "De update wordt gedownload en gecontroleerd…",
    "update.waitingForSend": "Wachten tot het ticket dat nu verstuurd wordt klaar is…",
    "update.installing": "Bezig met installeren… de app start vanzelf opnieuw.",
    "update.checking": "Zoeken naar updates…",
    "update.failed": "Niet geïnstalleerd: {reason}",
    "update.refused.signature": "de download draagt niet de handtekening van de uitgever en is daarom geweigerd. Er is niets veranderd.",
    "update.refused.format": "de download is geen pakket voor deze installatie. Er is niets veranderd.",
    "update.refused.denied": "installeren werd niet toegestaan. Er is niets veranderd.",
    "update.refused.other": "er ging iets mis (zie Diagnose kopiëren). Er is niets veranderd.",
    "update.checkNow": "Nu zoeken naar updates",
    "update.upToDate": "U hebt de nieuwste versie ({current}).",
    "update.found": "Versie {version} is beschikbaar: zie boven het formulier.",
    "update.noSource": "Deze kopie heeft geen updatebron (een ontwikkelversie).",
    "update.checksOff": "Uw organisatie heeft het zoeken naar updates uitgezet.",
    "update.checkFailed": "Zoeken lukte niet: {reason}",
  },
};

export let language = "en";

// Picks the language (a setting, else the OS's) and writes every
// data-i18n text and data-i18n-* attribute in the page.
export function chooseLanguage(setting) {
  const wanted = setting || navigator.language || "en";
  language = wanted.toLowerCase().startsWith("nl") ? "nl" : "en";
  document.documentElement.lang = language;
  for (const element of document.querySelectorAll("[data-i18n]")) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const attribute of ["placeholder", "aria-label", "title"]) {
    for (const element of document.querySelectorAll(`[data-i18n-${attribute}]`)) {
      element.setAttribute(attribute, t(element.getAttribute(`data-i18n-${attribute}`)));
    }
  }
}

export function t(key, vars = {}) {
  const text = STRINGS[language]?.[key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

// `key.one` for one, `key.other` otherwise (both languages need no more).
export function plural(key, n, vars = {}) {
  return t(`${key}.${n === 1 ? "one" : "other"}`, { n, ...vars });
}

// A moment as the person reads it: the time alone when it is today, with
// the day when it is not ("Thu 4 Dec 14:05").
export function timeOf(ms) {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return "";
  const today = new Date();
  const sameDay = date.toDateString() === today.toDateString();
  const options = sameDay
    ? { hour: "2-digit", minute: "2-digit" }
    : { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" };
  return date.toLocaleString(language, options);
}

// "at 14:05" / "om 14:05", or with the day when not today.
export function atTime(ms) {
  return t("time.at", { time: timeOf(ms) });
}

// A server timestamp (ISO 8601) as a local date and time; other text as is.
export function dateTimeOf(text) {
  const date = new Date(text);
  if (!text || Number.isNaN(date.getTime())) return text;
  return date.toLocaleString(language, { dateStyle: "medium", timeStyle: "short" });
}

// A value the server sent (a priority, say) in words when there are words for it.
export function wordsFor(prefix, value) {
  if (value === null || value === undefined) return value;
  const key = `${prefix}.${value}`;
  const text = t(key);
  return text === key ? String(value) : text;
}
