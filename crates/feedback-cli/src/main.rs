//! `feedback`: file Wemasy support tickets from a terminal.
//!
//! # Layout
//!
//! - `args`: the command line (clap).
//! - `credentials`: where the token comes from; `login` and `logout`.
//! - `submit`: validate, save in the outbox, deliver within `--wait`.
//! - `outbox_cmd`: `feedback outbox list|retry|discard|export|drain`.
//! - `deliver`: starting the delivery engine.
//! - `failure`: errors and their exit codes.
//!
//! `main` only dispatches and maps the result to an exit code.

mod args;
mod credentials;
mod deliver;
mod failure;
mod outbox_cmd;
mod submit;

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use feedback_core::Outbox;

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
        Err(failure) => {
            let _ = writeln!(std::io::stderr(), "{failure}");
            failure.exit_code()
        }
    }
}

fn run(cli: &Cli) -> Result<String, Failure> {
    match &cli.command {
        Command::Login => credentials::login(&cli.api_base),
        Command::Logout => credentials::logout(&cli.api_base),
        Command::Submit(args) => {
            let outbox = open_outbox(cli)?;
            runtime()?.block_on(submit::submit(&cli.api_base, outbox, args))
        }
        Command::Outbox(command) => {
            let outbox = open_outbox(cli)?;
            runtime()?.block_on(outbox_cmd::run(&cli.api_base, outbox, command))
        }
    }
}

fn open_outbox(cli: &Cli) -> Result<Arc<Outbox>, Failure> {
    let path = match &cli.outbox {
        Some(path) => path.clone(),
        None => Outbox::default_path().ok_or_else(|| {
            Failure::Other("no data directory for the outbox; set FEEDBACK_OUTBOX".into())
        })?,
    };
    Ok(Arc::new(Outbox::open(&path)?))
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| Failure::Other(format!("could not start: {error}")))
}
