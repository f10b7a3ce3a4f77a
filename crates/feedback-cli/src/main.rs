//! `feedback`: file Wemasy support tickets from a terminal.
//!
//! # Layout
//!
//! - `args`: the command line (clap).
//! - `credentials`: where the token comes from; `login` and `logout`.
//! - `submit`: validate, send, report.
//! - `failure`: errors and their exit codes.
//!
//! `main` only dispatches and maps the result to an exit code.

mod args;
mod credentials;
mod failure;
mod submit;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::failure::Failure;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(output) => {
            println!("{output}");
            ExitCode::SUCCESS
        }
        Err(failure) => {
            for line in failure.to_string().lines() {
                eprintln!("{line}");
            }
            failure.exit_code()
        }
    }
}

fn run(cli: &Cli) -> Result<String, Failure> {
    match &cli.command {
        Command::Login => credentials::login(&cli.api_base),
        Command::Logout => credentials::logout(&cli.api_base),
        Command::Submit(args) => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| Failure::Other(format!("could not start: {error}")))?
            .block_on(submit::submit(&cli.api_base, args)),
    }
}
