//! `feedback`: file Wemasy support tickets from a terminal.
//!
//! # Layout
//!
//! - `args`: the command line (clap).
//! - `credentials`: where the token comes from; `login` and `logout`.
//! - `submit`: validate, save in the outbox, deliver within `--wait`.
//! - `outbox_cmd`: `feedback outbox list|retry|discard|export|drain`.
//! - `deliver`: starting the delivery engine.
//! - `doctor`: `feedback doctor`, the setup's checks and the diagnostics.
//! - `failure`: errors and their exit codes.
//!
//! `main` only dispatches and maps the result to an exit code.

mod args;
mod credentials;
mod deliver;
mod doctor;
mod failure;
mod outbox_cmd;
mod submit;

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use feedback_core::Outbox;
use feedback_core::data_dir::Folders;
use feedback_core::policy::{LastRead, Policy};

use crate::args::{Cli, Command};
use crate::failure::Failure;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        // A closed pipe (`feedback outbox list | head`) is not worth a panic.
        Ok(output) => {
            let _ = writeln!(std::io::stdout(), "{output}");
            ExitCode::SUCCESS
        }
        Err(failure @ Failure::Checks(_)) => {
            let _ = writeln!(std::io::stdout(), "{failure}");
            failure.exit_code()
        }
        Err(failure) => {
            let _ = writeln!(std::io::stderr(), "{failure}");
            failure.exit_code()
        }
    }
}

fn run(cli: &Cli) -> Result<String, Failure> {
    let policy = policy(cli);
    match &cli.command {
        Command::Login => {
            let base = cli.base(&policy)?;
            let desk = deliver::desk(&base, outbox_for_keyring(cli))?;
            runtime()?.block_on(credentials::login(&desk, &base))
        }
        Command::Logout => {
            let base = cli.base(&policy)?;
            let desk = deliver::desk(&base, outbox_for_keyring(cli))?;
            runtime()?.block_on(credentials::logout(&desk, &base))
        }
        Command::Submit(args) => {
            let base = cli.base(&policy)?;
            let outbox = open_outbox(cli)?;
            runtime()?.block_on(submit::submit(&base, outbox, args))
        }
        Command::Outbox(command) => {
            let base = cli.base(&policy)?;
            let outbox = open_outbox(cli)?;
            runtime()?.block_on(outbox_cmd::run(&base, outbox, command))
        }
        Command::Doctor { json } => {
            let base = cli.base(&policy).map_err(|failure| failure.to_string());
            // Only looked at: the doctor moves no outbox.
            let (path, folders) = match &cli.outbox {
                Some(path) => (Ok(path.clone()), None),
                None => match user_folders() {
                    Ok(folders) => (Ok(folders.outbox()), Some(folders)),
                    Err(failure) => (Err(failure), None),
                },
            };
            runtime()?.block_on(doctor::doctor(base, &policy, path, folders.as_ref(), *json))
        }
    }
}

/// The organisation's policy in force, as the app holds it: while it
/// cannot be read, the last one that could be, kept beside the outbox
/// ([`LastRead`]; the doctor only looks).
fn policy(cli: &Cli) -> Policy {
    let outbox = match &cli.outbox {
        Some(path) => Some(path.clone()),
        None => user_folders().ok().map(|folders| folders.outbox()),
    };
    let Some(last_read) = outbox.as_deref().map(LastRead::beside) else {
        return Policy::read();
    };
    match cli.command {
        Command::Doctor { .. } => last_read.look(Policy::read()),
        _ => last_read.read(deliver::now_ms()),
    }
}

fn user_folders() -> Result<Folders, Failure> {
    Folders::of_user().ok_or_else(|| {
        Failure::Other("no data directory for the outbox; set FEEDBACK_OUTBOX".into())
    })
}

/// Opens the outbox to write; an outbox that an earlier version kept in
/// the roaming folder is moved to the local one first.
fn open_outbox(cli: &Cli) -> Result<Arc<Outbox>, Failure> {
    let path = match &cli.outbox {
        Some(path) => path.clone(),
        None => user_folders()?.settle().0,
    };
    Ok(Arc::new(Outbox::open(&path)?))
}

/// The outbox a sign-in is told in, so that an app running beside this
/// reads the keyring again. Where there is none yet, no app has one open
/// to tell, and none is made; one that cannot be opened does not keep the
/// token from the keyring (the app reads it at its next start).
fn outbox_for_keyring(cli: &Cli) -> Arc<Outbox> {
    let existing = match &cli.outbox {
        Some(path) => path.exists(),
        None => user_folders().is_ok_and(|folders| folders.outbox().exists()),
    };
    existing
        .then(|| open_outbox(cli).ok())
        .flatten()
        .unwrap_or_else(|| {
            Arc::new(Outbox::in_memory().expect("SQLite opens a database in memory"))
        })
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| Failure::Other(format!("could not start: {error}")))
}
