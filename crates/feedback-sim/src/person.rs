//! What the simulated person does, in the app's window or at a terminal:
//! each a call of the desk, made as the window or the CLI makes it, in the
//! process it belongs to (so that a kill cuts it off where it is), and
//! what came of it written in the [`Book`](crate::book::Book). A refusal
//! that leaves a ticket out of the person's reach is written down as a
//! broken promise at once.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use feedback_core::outbox::State;
use feedback_core::{ApiBase, DeskError, Draft, OutboxError, Submitted};

use crate::book::{Book, Filed, Invariant};
use crate::clock::Clocks;
use crate::net::Net;
use crate::world::{World, lock, note};

/// How long the window waits for a send before it says "saved".
const WINDOW_WAIT: Duration = Duration::from_secs(4);

/// What a person types into the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typed {
    /// A ticket the server takes.
    Good,
    /// A channel the server does not have: a 404, back into the form.
    UnknownChannel,
    /// A message left empty: refused before anything is saved.
    Incomplete,
}

/// What the actions need of the world, cheap to move into a task.
#[derive(Clone)]
struct Ledger {
    book: Arc<Mutex<Book>>,
    clocks: Arc<Clocks>,
    net: Arc<Net>,
    outbox: std::path::PathBuf,
    /// How many times the person's form was emptied or replaced by a
    /// filing or an edit: typing is checked only between two of them.
    form_moves: Arc<std::sync::atomic::AtomicU64>,
}

impl Ledger {
    fn note(&self, line: impl std::fmt::Display) {
        note(&self.book, &self.clocks, line);
    }

    /// Records what filing `name` came to.
    fn filed(
        &self,
        who: &str,
        name: &str,
        base: &str,
        seq: u64,
        result: &Result<Submitted, DeskError>,
    ) {
        let (id, said) = match result {
            Ok(Submitted::Delivered {
                id, ticket_number, ..
            }) => (
                Some(id),
                format!(
                    "delivered {}",
                    ticket_number.as_deref().unwrap_or("(no number)")
                ),
            ),
            Ok(Submitted::Queued { id, reason, .. }) => (Some(id), format!("queued ({reason})")),
            Ok(Submitted::NeedsAttention { id, reason, .. }) => {
                (Some(id), format!("refused ({reason})"))
            }
            Ok(Submitted::Invalid { .. }) => (None, "invalid, nothing saved".to_owned()),
            Err(error) => (None, format!("not saved: {error}")),
        };
        self.note(format_args!("{who} files {name} for {base}: {said}"));
        if let Some(id) = id {
            lock(&self.book).file(Filed {
                name: name.to_owned(),
                id: id.clone(),
                base: base.to_owned(),
                seq,
                discarded: None,
                in_form: false,
            });
        }
    }

    /// The app points elsewhere since `seq` than `before`: the tickets
    /// waiting for that server go there from now on.
    fn pointed(&self, before: Option<ApiBase>, asked: Option<ApiBase>, seq: u64) {
        let mut book = lock(&self.book);
        // The change asked for is known now, done or not. (The desk moves
        // the waiting tickets along at once, before it awaits anything, so
        // the order of the asking is the order of the moves.)
        book.bases.retain(|(at, _, sure)| *at != seq || *sure);
        if let Some(asked) = asked.filter(|asked| Some(asked) != before.as_ref()) {
            book.bases.push((seq, asked.to_string(), true));
        }
    }

    /// The person asks for `base` at `seq`: until the process says how it
    /// went, it may have taken effect (the process may die first).
    fn asking(&self, base: &str, seq: u64) {
        lock(&self.book).bases.push((seq, base.to_owned(), false));
    }

    /// A refusal to discard or retry `id`: the promise holds if the ticket
    /// is in an attempt under way (its claim's lease not yet lapsed, or a
    /// request of a living process out).
    fn refused(&self, who: &str, what: &str, id: &str, error: &DeskError) {
        let name = lock(&self.book).name_of(id);
        self.note(format_args!("{who} cannot {what} {name}: {error}"));
        let DeskError::Outbox(OutboxError::WrongState { state, .. }) = error else {
            return;
        };
        if *state != State::Sending.describe() || self.net.in_flight(id) {
            return;
        }
        // A claim of a living process's whose lease has lapsed may hold a
        // reply that process could not record yet (a full or locked disk):
        // it records it the moment it can. A dead process's is the ticket
        // stranded "being sent" for ever.
        let (until, holder) = claim(&self.outbox, id);
        let lapsed = until.is_some_and(|until| until < self.clocks.desktop_ms());
        let dead = holder.is_none_or(|holder| {
            self.net
                .is_killed(holder.split('-').next().unwrap_or_default())
        });
        if lapsed && dead {
            lock(&self.book).broke(
                Invariant::AlwaysInReach,
                format!(
                    "{who} could not {what} {name}, though no attempt of it was under way: {error}"
                ),
            );
        }
    }
}

/// The base the app saves a ticket for, and the moment: filing saves at
/// once, before it waits for anything.
fn saving(desk: &feedback_core::Desk, ledger: &Ledger) -> (String, u64) {
    let base = desk.base().map(|base| base.to_string()).unwrap_or_default();
    (base, ledger.net.tick())
}

/// The attempts the outbox has recorded of ticket `id`.
fn attempts(outbox: &std::path::Path, id: &str) -> i64 {
    rusqlite::Connection::open_with_flags(outbox, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|connection| {
            connection.query_row("SELECT attempts FROM tickets WHERE id = ?1", [id], |row| {
                row.get(0)
            })
        })
        .unwrap_or(0)
}

/// Ticket `id`'s claim: until when, and whose.
fn claim(outbox: &std::path::Path, id: &str) -> (Option<i64>, Option<String>) {
    rusqlite::Connection::open_with_flags(outbox, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|connection| {
            connection.query_row(
                "SELECT lease_until, claimed_by FROM tickets WHERE id = ?1",
                [id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
        })
        .unwrap_or((None, None))
}

impl World {
    fn ledger(&self) -> Ledger {
        Ledger {
            book: self.book.clone(),
            clocks: self.clocks.clone(),
            net: self.net.clone(),
            outbox: self.outbox.clone(),
            form_moves: self.form_moves.clone(),
        }
    }

    fn draft(&mut self, name: &str, typed: Typed) -> Draft {
        let channel = match typed {
            Typed::UnknownChannel => "suport",
            _ if self.rng.u32(0..5) == 0 => "support",
            _ => "feedback",
        };
        Draft {
            channel_slug: channel.into(),
            subject: format!(
                "{name}: the printer in room {} jams{}",
                self.rng.u32(1..400),
                if self.rng.u32(0..3) == 0 {
                    " on every second page since the update"
                } else {
                    ""
                }
            ),
            message: match typed {
                Typed::Incomplete => String::new(),
                _ => "It jams on every second page since this morning.".into(),
            },
            ..Draft::default()
        }
    }

    /// Files a ticket from the app's window: saved (the form is the next
    /// ticket's at once, and the person may start typing it), then its
    /// outcome awaited a few seconds. A refused ticket comes back into the
    /// form only if nothing was typed meanwhile; what was typed is the
    /// form's draft after the outcome, whatever it was.
    pub fn file_in_app(&mut self, typed: Typed) {
        let Some(app) = self.app() else { return };
        let (label, desk) = (app.label.clone(), app.desk.clone());
        let name = self.next_ticket();
        let draft = self.draft(&name, typed);
        let ledger = self.ledger();
        // The window autosaves the form 400 ms after the last keystroke:
        // sent sooner, that save lands while (or after) it is filed.
        let autosave = (self.window_rng.u32(0..3) == 0)
            .then(|| Duration::from_millis(self.window_rng.u64(0..6_000)));
        let next = (self.window_rng.u32(0..2) == 0).then(|| {
            let after = Duration::from_millis(self.window_rng.u64(0..5_000));
            let next = Draft {
                subject: format!("typed after {name}"),
                ..Draft::default()
            };
            (after, next)
        });
        self.run_in(&label.clone(), async move {
            let (base, seq) = saving(&desk, &ledger);
            let filing = async {
                ledger.form_moves.fetch_add(1, Ordering::SeqCst);
                let mut typed = None;
                let result = match desk.keep(&draft) {
                    Ok(Submitted::Queued { id, .. }) => {
                        let typing = async {
                            let (after, next) = next.as_ref()?;
                            tokio::time::sleep(*after).await;
                            desk.save_draft(next).ok()?;
                            let moves = ledger.form_moves.fetch_add(1, Ordering::SeqCst) + 1;
                            Some((next.clone(), moves))
                        };
                        let (result, saved) = tokio::join!(desk.outcome(&id, WINDOW_WAIT), typing);
                        typed = saved;
                        result
                    }
                    other => other,
                };
                ledger.filed(&label, &name, &base, seq, &result);
                // As the window does: back into the form only if it is
                // empty (not counted as a move: over typing, it is the loss
                // checked below).
                let empty = matches!(desk.load_draft(), Ok(None));
                if let (Ok(Submitted::NeedsAttention { id, .. }), true) = (&result, empty) {
                    match desk.edit(id).await {
                        Ok(_) => lock(&ledger.book).taken_into_form(id),
                        Err(error) => ledger.note(format_args!("{label} cannot take {name} back: {error}")),
                    }
                }
                // Nothing else emptied, replaced or saved the form after the
                // typing: it holds what was typed.
                if let Some((typed, moves)) = typed
                    && ledger.form_moves.load(Ordering::SeqCst) == moves
                    && let Ok(kept) = desk.load_draft()
                    && kept.as_ref() != Some(&typed)
                {
                    lock(&ledger.book).broke(
                        Invariant::NeverLost,
                        format!("{label}: what the person typed while {name} was sent is gone from the form (it holds {kept:?})"),
                    );
                }
            };
            tokio::join!(filing, async {
                if let Some(after) = autosave {
                    tokio::time::sleep(after).await;
                    let _ = desk.save_draft(&draft);
                    ledger.form_moves.fetch_add(1, Ordering::SeqCst);
                }
            });
        });
    }

    /// `feedback submit --wait WAIT` for `base`.
    pub fn cli_submit(&mut self, base: ApiBase, wait: Duration, typed: Typed) {
        let name = self.next_ticket();
        let draft = self.draft(&name, typed);
        let Some(label) = self.start_cli(base.clone()) else {
            return;
        };
        let desk = self.procs[&label].desk.clone();
        let ledger = self.ledger();
        if self.rng.u32(0..6) == 0 {
            // Killed a moment in: mid-send, most likely.
            let after = Duration::from_millis(self.rng.u64(0..400));
            self.kill_after(&label, after);
        }
        self.run_to_end(&label.clone(), async move {
            let (_, seq) = saving(&desk, &ledger);
            let result = desk.file(&draft, wait).await;
            // An attempt in flight is finished and recorded, never cut off.
            desk.shutdown().await;
            ledger.filed(&label, &name, base.as_str(), seq, &result);
        });
    }

    /// A ticket of the outbox's, picked as a person picks one in the list.
    fn pick(
        &mut self,
        desk: &feedback_core::Desk,
        wanted: impl Fn(&State) -> bool,
    ) -> Option<String> {
        let entries = desk.list().ok()?;
        // A ticket shown "being sent" for a while is the one a person
        // reaches for.
        let sending = self.rng.bool()
            && entries
                .iter()
                .any(|entry| entry.state == State::Sending && wanted(&entry.state));
        let candidates: Vec<String> = entries
            .into_iter()
            .filter(|entry| wanted(&entry.state) && (!sending || entry.state == State::Sending))
            .map(|entry| entry.id)
            .collect();
        (!candidates.is_empty()).then(|| candidates[self.rng.usize(..candidates.len())].clone())
    }

    /// Discards a waiting ticket, from the app (after a confirmation that
    /// stays open a while) or a CLI run.
    pub fn discard(&mut self, in_app: bool) {
        let confirming = Duration::from_millis(self.rng.u64(0..20_000));
        self.on_a_ticket(
            in_app,
            "discard",
            confirming,
            |state| *state != State::Delivered,
            |desk, id| Box::pin(async move { desk.discard(&id).await.map(|_| ()) }),
        );
    }

    /// Retries a waiting ticket, from the app or a CLI run.
    pub fn retry(&mut self, in_app: bool) {
        self.on_a_ticket(
            in_app,
            "retry",
            Duration::ZERO,
            |state| *state != State::Delivered,
            |desk, id| Box::pin(async move { desk.retry(&id).await.map(|_| ()) }),
        );
    }

    /// The app (`in_app`), if it runs, or a new CLI run for `base`, and
    /// its desk.
    fn process_for(
        &mut self,
        in_app: bool,
        base: ApiBase,
    ) -> Option<(String, Arc<feedback_core::Desk>)> {
        let label = match in_app {
            true => self.app().map(|app| app.label.clone()),
            false => self.start_cli(base),
        }?;
        let desk = self.procs[&label].desk.clone();
        Some((label, desk))
    }

    fn on_a_ticket(
        &mut self,
        in_app: bool,
        what: &'static str,
        after: Duration,
        wanted: impl Fn(&State) -> bool,
        act: impl FnOnce(
            Arc<feedback_core::Desk>,
            String,
        ) -> feedback_core::http::BoxFuture<'static, Result<(), DeskError>>
        + Send
        + 'static,
    ) {
        let base = self.sites[0].base.clone();
        let Some((label, desk)) = self.process_for(in_app, base) else {
            return;
        };
        let Some(id) = self.pick(&desk, wanted) else {
            if !in_app {
                lock(&self.ended).push(label);
            }
            return;
        };
        let ledger = self.ledger();
        let who = label.clone();
        let work = async move {
            let label = who;
            tokio::time::sleep(after).await;
            let seq = ledger.net.tick();
            let attempts = attempts(&ledger.outbox, &id);
            match act(desk, id.clone()).await {
                Ok(()) => {
                    let mut book = lock(&ledger.book);
                    let name = book.name_of(&id);
                    if what == "discard" {
                        book.discarded(&id, seq, attempts);
                    }
                    drop(book);
                    ledger.note(format_args!("{label} {what}s {name}"));
                }
                Err(error) => ledger.refused(&label, what, &id, &error),
            }
        };
        self.run_as(in_app, &label, work);
    }

    /// Takes a ticket that needs attention, or one still waiting (as in a
    /// mail client's outbox), back into the form, fixes its channel and
    /// files it again. A waiting ticket an attempt may have reached the
    /// server with, or one being sent by then, is refused.
    pub fn edit_and_refile(&mut self) {
        let Some(app) = self.app() else { return };
        let (label, desk) = (app.label.clone(), app.desk.clone());
        let Some(id) = self.pick(&desk, |state| {
            matches!(state, State::NeedsAttention | State::Queued)
        }) else {
            return;
        };
        let name = self.next_ticket();
        let ledger = self.ledger();
        self.run_in(&label.clone(), async move {
            ledger.form_moves.fetch_add(1, Ordering::SeqCst);
            match desk.edit(&id).await {
                Ok(mut draft) => {
                    let old = {
                        let mut book = lock(&ledger.book);
                        book.taken_into_form(&id);
                        book.name_of(&id)
                    };
                    ledger.note(format_args!("{label} takes {old} back into the form"));
                    draft.channel_slug = "feedback".into();
                    ledger.form_moves.fetch_add(1, Ordering::SeqCst);
                    let (base, seq) = saving(&desk, &ledger);
                    let result = desk.file(&draft, WINDOW_WAIT).await;
                    ledger.filed(&label, &name, &base, seq, &result);
                }
                Err(error) => ledger.note(format_args!("{label} cannot edit: {error}")),
            }
        });
    }

    /// "Send queued now", in the app or as `feedback outbox retry --all`.
    pub fn send_now(&mut self, in_app: bool) {
        let base = self.sites[0].base.clone();
        let Some((label, desk)) = self.process_for(in_app, base) else {
            return;
        };
        let ledger = self.ledger();
        let who = label.clone();
        let work = async move {
            let label = who;
            let result = desk.send_now().await;
            ledger.note(format_args!("{label} sends queued now: {result:?}"));
        };
        self.run_as(in_app, &label, work);
    }

    /// Exports the waiting tickets: every one of them is in the file.
    pub fn export(&mut self) {
        let Some(app) = self.app() else { return };
        let (label, desk) = (app.label.clone(), app.desk.clone());
        let file = self
            .outbox
            .with_file_name(format!("export-{}.json", self.rng.u32(..)));
        let ledger = self.ledger();
        self.run_in(&label.clone(), async move {
            let listed: Vec<String> = desk
                .list()
                .map(|entries| {
                    entries
                        .into_iter()
                        .filter(|entry| entry.state != State::Delivered)
                        .map(|entry| entry.id)
                        .collect()
                })
                .unwrap_or_default();
            match desk.export(&file, None) {
                Ok(count) => {
                    let text = std::fs::read_to_string(&file).unwrap_or_default();
                    let missing: Vec<&String> = listed
                        .iter()
                        .filter(|id| !text.contains(id.as_str()))
                        .collect();
                    if !missing.is_empty() {
                        lock(&ledger.book).broke(
                            Invariant::AlwaysInReach,
                            format!("{label}'s export left out {missing:?}"),
                        );
                    }
                    ledger.note(format_args!("{label} exports {count} tickets"));
                }
                Err(error) => {
                    lock(&ledger.book).broke(
                        Invariant::AlwaysInReach,
                        format!("{label} could not export the waiting tickets: {error}"),
                    );
                }
            }
        });
    }

    /// `feedback outbox drain --timeout TIMEOUT` for `base`.
    pub fn cli_drain(&mut self, base: ApiBase, timeout: Duration) {
        let Some(label) = self.start_cli(base) else {
            return;
        };
        let desk = self.procs[&label].desk.clone();
        let ledger = self.ledger();
        self.run_to_end(&label.clone(), async move {
            let drained = desk.drain(Some(timeout), |_| {}).await;
            ledger.note(format_args!("{label} drains: {drained:?}"));
        });
    }

    /// Signs in (with the server's token, or a mistyped one) or out, in
    /// the app or with `feedback login`/`logout` for `base`.
    pub fn sign(&mut self, in_app: bool, base: ApiBase, token: Option<String>) {
        let Some((label, desk)) = self.process_for(in_app, base) else {
            return;
        };
        let ledger = self.ledger();
        let who = label.clone();
        let work = async move {
            let label = who;
            let before = desk.base().ok();
            let typed_at = u64::try_from(ledger.clocks.elapsed().as_millis()).unwrap_or(u64::MAX);
            let enter = |base: &Option<ApiBase>| {
                if let (Some(base), Some(token)) = (base, &token) {
                    let typed = (base.origin(), token.clone(), typed_at);
                    lock(&ledger.book).entered.push(typed);
                }
            };
            enter(&before);
            let (what, result) = match &token {
                Some(token) => {
                    let signed_in = desk.sign_in(token).await;
                    ledger.note(format_args!("{label} signs in: {signed_in:?}"));
                    ("signs in", signed_in.map(|_| ()))
                }
                None => ("signs out", desk.sign_out().await),
            };
            ledger.note(format_args!("{label} {what}: {result:?}"));
            enter(&desk.base().ok());
            // Done, or done in the keyring with the others not told, or
            // perhaps done by a keyring that answered after the desk gave up.
            let sure = match &result {
                Ok(()) => Some(true),
                Err(DeskError::NotTold(_)) => Some(false),
                Err(DeskError::Keyring(feedback_core::TokenStoreError::TimedOut(_))) => Some(false),
                Err(_) => None,
            };
            // The server it was for: the one the app pointed at, unless the
            // person pointed it elsewhere meanwhile (then either, unsure).
            let after = desk.base().ok();
            let origins: Vec<(String, bool)> = match (before, after) {
                (Some(before), Some(after)) if before.origin() != after.origin() => {
                    vec![(before.origin(), false), (after.origin(), false)]
                }
                (_, Some(base)) | (Some(base), None) => vec![(base.origin(), true)],
                (None, None) => Vec::new(),
            };
            if let Some(sure) = sure {
                let at = u64::try_from(ledger.clocks.elapsed().as_millis()).unwrap_or(u64::MAX);
                for (origin, certain) in origins {
                    lock(&ledger.book).tokens.push(crate::book::TokenChange {
                        at,
                        origin,
                        token: token.clone(),
                        sure: sure && certain,
                    });
                }
            }
        };
        self.run_as(in_app, &label, work);
    }

    /// The person points the app at `base` in its settings.
    pub fn change_server(&mut self, base: ApiBase) {
        let Some(app) = self.app() else { return };
        let (label, desk) = (app.label.clone(), app.desk.clone());
        let ledger = self.ledger();
        self.run_in(&label.clone(), async move {
            let mut settings = desk.settings().unwrap_or_default();
            settings.api_base = Some(base.to_string());
            let before = desk.base().ok();
            let seq = ledger.net.tick();
            ledger.asking(base.as_str(), seq);
            let result = desk.save_settings(settings).await;
            ledger.note(format_args!("{label} points at {base}: {}", result.is_ok()));
            // What the settings now say (the policy may enforce another).
            let applied = result
                .ok()
                .and_then(|settings| settings.api_base(None).ok());
            ledger.pointed(before, applied, seq);
        });
    }

    /// The organisation's policy changes (a server enforced, or none).
    pub fn change_policy(&mut self, enforced: Option<ApiBase>) {
        self.policy = match &enforced {
            Some(base) => feedback_core::policy::Policy::from_json(&format!(
                r#"{{"enforced": {{"ApiBaseUrl": "{base}"}}}}"#
            )),
            None => feedback_core::policy::Policy::default(),
        };
        self.note(format_args!("the policy enforces {enforced:?}"));
        let Some(app) = self.app() else { return };
        let (label, desk) = (app.label.clone(), app.desk.clone());
        let policy = self.policy.clone();
        let ledger = self.ledger();
        self.run_in(&label, async move {
            let before = desk.base().ok();
            let seq = ledger.net.tick();
            let applied = desk.apply_policy(policy).await;
            let now = applied.ok().and(desk.base().ok());
            ledger.pointed(before, now, seq);
        });
    }

    /// Quits the app: delivery stops after its attempt in flight.
    pub fn quit_app(&mut self) {
        let Some(app) = self.app() else { return };
        let (label, desk) = (app.label.clone(), app.desk.clone());
        self.note(format_args!("{label} quits"));
        self.quitting.insert(label.clone());
        self.run_to_end(&label, async move { desk.shutdown().await });
    }

    /// Quits with tickets waiting, asking for them to be sent at the next
    /// login (a one-time start that ends once nothing waits).
    pub fn quit_and_send_at_next_login(&mut self) {
        let Some(app) = self.app() else { return };
        let (label, desk) = (app.label.clone(), app.desk.clone());
        let ledger = self.ledger();
        self.quitting.insert(label.clone());
        self.run_to_end(&label.clone(), async move {
            let result = desk.quit_and_send_at_next_login().await;
            ledger.note(format_args!(
                "{label} quits, to send at the next login: {result:?}"
            ));
        });
    }

    /// An update is installed: delivery stops after its attempt in flight,
    /// then (the install failing, or the new version started) goes on.
    pub fn update_install(&mut self, pause: Duration) {
        let Some(app) = self.app() else { return };
        let (label, desk) = (app.label.clone(), app.desk.clone());
        let ledger = self.ledger();
        self.run_in(&label.clone(), async move {
            desk.shutdown().await;
            ledger.note(format_args!("{label} stopped for an update"));
            tokio::time::sleep(pause).await;
            desk.start().await;
        });
    }
}
