//! [`Book`]: what the simulated person did and was told, as the checks
//! need it: every ticket filed and what became of it at their hands, the
//! servers they pointed the app at, and what the day already showed to be
//! wrong. Also the day's trace, one line an event.

use std::fmt;

/// A promise broken: which one, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub invariant: Invariant,
    pub what: String,
}

/// The five promises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Invariant {
    NeverLost,
    NeverTwice,
    NeverStuck,
    AlwaysInReach,
    TokensStayHome,
}

impl fmt::Display for Invariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NeverLost => "1 never lost",
            Self::NeverTwice => "2 never twice",
            Self::NeverStuck => "3 never stuck",
            Self::AlwaysInReach => "4 always in reach",
            Self::TokensStayHome => "5 tokens stay home",
        })
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.invariant, self.what)
    }
}

/// A ticket the person filed.
#[derive(Debug, Clone)]
pub struct Filed {
    /// The person's name for it (`T7`), in the trace.
    pub name: String,
    /// Its outbox id (its `Idempotency-Key`).
    pub id: String,
    /// The base it was filed for.
    pub base: String,
    pub seq: u64,
    /// Discarded by the person: at this event, after this many recorded attempts.
    pub discarded: Option<(u64, i64)>,
    /// Taken back into the form (the person has it there).
    pub in_form: bool,
}

/// A sign-in or sign-out.
#[derive(Debug, Clone)]
pub struct TokenChange {
    pub at: u64,
    pub origin: String,
    pub token: Option<String>,
    /// It succeeded; `false`: the keyring answered too late to say.
    pub sure: bool,
}

#[derive(Debug, Default)]
pub struct Book {
    pub trace: Vec<String>,
    pub filed: Vec<Filed>,
    /// Bases the person set, by event: the app's setting or the policy
    /// (`true`), or asked for in a process that died before it could say
    /// (`false`: it may have taken effect).
    pub bases: Vec<(u64, String, bool)>,
    /// The person's sign-ins and sign-outs: when (the day's ms), which
    /// origin, the token after, and whether it is sure to have happened
    /// (a keyring that answered after the app gave up may have done it anyway).
    pub tokens: Vec<TokenChange>,
    /// Tokens the person typed at sign-in: the origin they were typed
    /// for, the token, and when (the day's ms). Sign-in asks that server
    /// whether it takes the token before keeping it, so the token may
    /// reach it in that request even when it is never kept.
    pub entered: Vec<(String, String, u64)>,
    pub violations: Vec<Violation>,
    /// Tickets the person discarded, or took back into the form, before
    /// their filing had returned (another process listed them first): kept
    /// until the filing is recorded.
    early: Vec<(String, Early)>,
}

#[derive(Debug, Clone, Copy)]
enum Early {
    Discarded(u64, i64),
    InForm,
}

impl Book {
    fn filed_mut(&mut self, id: &str) -> Option<&mut Filed> {
        self.filed.iter_mut().find(|filed| filed.id == id)
    }

    /// Records a ticket filed, with what the person did to it before the
    /// filing returned.
    pub fn file(&mut self, mut filed: Filed) {
        for (id, early) in &self.early {
            if *id == filed.id {
                match *early {
                    Early::Discarded(seq, attempts) => filed.discarded = Some((seq, attempts)),
                    Early::InForm => filed.in_form = true,
                }
            }
        }
        self.filed.push(filed);
    }

    /// The person discarded ticket `id` at event `seq`, after `attempts`
    /// recorded attempts.
    pub fn discarded(&mut self, id: &str, seq: u64, attempts: i64) {
        match self.filed_mut(id) {
            Some(filed) => filed.discarded = Some((seq, attempts)),
            None => self
                .early
                .push((id.to_owned(), Early::Discarded(seq, attempts))),
        }
    }

    /// The person took ticket `id` back into the form.
    pub fn taken_into_form(&mut self, id: &str) {
        match self.filed_mut(id) {
            Some(filed) => filed.in_form = true,
            None => self.early.push((id.to_owned(), Early::InForm)),
        }
    }

    pub fn name_of(&self, id: &str) -> String {
        self.filed.iter().find(|filed| filed.id == id).map_or_else(
            || id.get(..8).unwrap_or(id).to_owned(),
            |filed| filed.name.clone(),
        )
    }

    pub fn broke(&mut self, invariant: Invariant, what: String) {
        self.violations.push(Violation { invariant, what });
    }
}
