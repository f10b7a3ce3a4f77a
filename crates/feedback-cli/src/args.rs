//! The command line, as clap types.

use clap::{Args, Parser, Subcommand};
use feedback_core::policy::{Policy, ServerError};
use feedback_core::{ApiBase, Draft};

use crate::failure::Failure;

const EXIT_CODES: &str = "\
Exit codes:
  0  delivered (or the command succeeded)
  2  invalid input: nothing was sent or saved
  3  rejected by the server (403, 404, 422): the ticket needs attention
  5  queued: saved in the outbox, to be sent later (rate limited, offline,
     server error, or sign-in needed)
  1  any other failure (for example, the outbox file or the OS keyring)";

/// File Wemasy support tickets from a terminal.
#[derive(Debug, Parser)]
#[command(name = "feedback", version, after_help = EXIT_CODES)]
pub(crate) struct Cli {
    /// The API base URL (default: the one your organisation's policy sets,
    /// else production). Plain http is accepted only to this machine.
    // Checked when a command needs it, not while parsing: `doctor` reports
    // an invalid base among its checks instead of failing before them.
    #[arg(long, global = true, env = "FEEDBACK_API_BASE", value_name = "URL")]
    pub(crate) api_base: Option<String>,

    /// The outbox file, shared with the desktop app.
    #[arg(long, global = true, env = "FEEDBACK_OUTBOX", value_name = "FILE")]
    pub(crate) outbox: Option<std::path::PathBuf>,

    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Store an API token in the OS keyring, for the API base's origin.
    #[command(after_help = "\
The token is read without echo from the terminal, or from standard input when
that is not a terminal. When FEEDBACK_TOKEN is set, commands use it instead of
the keyring.

Examples:
  feedback login
  echo \"$TOKEN\" | feedback --api-base http://127.0.0.1:8787/api login")]
    Login,

    /// Remove the stored token for the API base's origin.
    #[command(after_help = "\
Examples:
  feedback logout
  feedback --api-base http://127.0.0.1:8787/api logout")]
    Logout,

    /// Validate a ticket, save it in the outbox, then try to deliver it.
    #[command(after_help = "\
The ticket is checked first with the server's own rules; invalid input is not
saved or sent, so no rate-limit quota is spent on it. A valid ticket is saved
in the outbox before the first attempt, then delivered within --wait seconds
(prints `delivered TCK-…`, or the whole ticket as JSON with --json) or left
queued (prints `queued (reason)`, exit 5) for a later `feedback outbox drain`
or the desktop app.

Examples:
  feedback submit --channel feedback --subject \"Cannot connect my Google Ads account\" \\
      --message \"I keep getting an error.\" --priority high --type bug
  FEEDBACK_TOKEN=demo-token feedback --api-base http://127.0.0.1:8787/api submit \\
      --channel support --subject Hello --message \"A test ticket\" --json")]
    Submit(Box<SubmitArgs>),

    /// List, retry, discard, export or deliver the tickets in the outbox.
    #[command(subcommand)]
    Outbox(OutboxCommand),

    /// Check the setup: API base, keyring, outbox file, delivery, network.
    #[command(after_help = "\
Each check prints one line: `ok`, `warn` or `FAIL`, what was found, and what
to do about it. Nothing is sent to the server: reaching it is checked with a
TCP connection only, so no rate-limit quota is spent. The outbox is looked at
read-only first, so an unreadable one is reported, not moved aside. Exits 0
when no check FAILs, 1 otherwise. No token is ever printed.

Examples:
  feedback doctor
  feedback --api-base http://127.0.0.1:8787/api doctor --json")]
    Doctor {
        /// The checks and the full diagnostics report, as JSON.
        #[arg(long)]
        json: bool,
    },
}

impl Cli {
    /// The API base under the organisation's `policy`
    /// ([`Policy::server_for`]); an invalid one, or one the policy does
    /// not allow, is a usage error (exit 2) before anything is saved or sent.
    pub(crate) fn base(&self, policy: &Policy) -> Result<ApiBase, Failure> {
        policy
            .server_for(self.api_base.as_deref())
            .map_err(|error| match error {
                ServerError::Invalid { .. } => Failure::Usage(error.to_string()),
                ServerError::NotEnforced { .. } => Failure::Usage(format!(
                    "{error}: nothing was sent or queued. Leave out --api-base and FEEDBACK_API_BASE to send there."
                )),
            })
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum OutboxCommand {
    /// Every ticket in the outbox, oldest first.
    #[command(after_help = "Examples:\n  feedback outbox list\n  feedback outbox list --json")]
    List {
        /// All fields, as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Make a queued or needs-attention ticket due now (ID may be a prefix).
    #[command(
        after_help = "Examples:\n  feedback outbox retry 3f2a\n  feedback outbox retry --all"
    )]
    Retry {
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        id: Option<String>,
        /// Every queued and needs-attention ticket.
        #[arg(long)]
        all: bool,
    },
    /// Remove a ticket from the outbox for good.
    #[command(after_help = "Examples:\n  feedback outbox discard 3f2a")]
    Discard { id: String },
    /// Write the queued and needs-attention tickets to FILE as JSON.
    #[command(after_help = "Examples:\n  feedback outbox export unsent.json")]
    Export { file: std::path::PathBuf },
    /// Deliver everything that can be delivered, within the rate limit.
    #[command(after_help = "\
Runs until no ticket is queued (tickets needing attention are left alone),
printing progress: sent / waiting / next attempt.

Examples:
  feedback outbox drain
  feedback outbox drain --timeout 600")]
    Drain {
        /// Give up after this many seconds (the tickets stay queued; at most a week).
        #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(0..=MAX_SECS))]
        timeout: Option<u64>,
    },
}

#[derive(Debug, Args)]
pub(crate) struct SubmitArgs {
    /// The channel's slug, such as `feedback` or `support` (at most 50 characters).
    #[arg(long, value_name = "SLUG")]
    pub(crate) channel: String,
    /// A one-line summary (at most 255 characters).
    #[arg(long, value_name = "TEXT")]
    pub(crate) subject: String,
    /// What happened (at most 5000 characters).
    #[arg(long, value_name = "TEXT")]
    pub(crate) message: String,
    /// low, normal, high or urgent (the server's default is normal).
    #[arg(long, value_name = "PRIORITY")]
    pub(crate) priority: Option<String>,
    /// A whole number from 1 to 5.
    #[arg(long, value_name = "N")]
    pub(crate) rating: Option<String>,
    /// suggestion, bug or other.
    #[arg(long = "type", value_name = "TYPE")]
    pub(crate) kind: Option<String>,
    /// The tool the ticket is about (at most 100 characters).
    #[arg(long, value_name = "KEY")]
    pub(crate) tool_key: Option<String>,
    /// The page the ticket is about (at most 500 characters).
    #[arg(long, value_name = "URL")]
    pub(crate) page: Option<String>,
    /// The user agent to report (at most 1000 characters).
    #[arg(long, value_name = "UA")]
    pub(crate) user_agent: Option<String>,
    /// Print the created ticket as JSON instead of its number.
    #[arg(long)]
    pub(crate) json: bool,
    /// How long to try delivering before leaving the ticket queued (at most a week).
    #[arg(long, value_name = "SECS", default_value_t = 5.0, value_parser = seconds)]
    pub(crate) wait: f64,
}

/// The longest `--wait` and `--timeout`: a week. Longer ones are refused
/// before anything is saved, rather than overflowing a timer afterwards.
const MAX_SECS: u64 = 7 * 24 * 3600;

fn seconds(text: &str) -> Result<f64, String> {
    let secs: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    // `MAX_SECS` is small enough to be exact as an f64.
    #[allow(clippy::cast_precision_loss)]
    let max = MAX_SECS as f64;
    if !(0.0..=max).contains(&secs) {
        return Err(format!("give 0 to {MAX_SECS} seconds"));
    }
    Ok(secs)
}

impl SubmitArgs {
    pub(crate) fn draft(&self) -> Draft {
        Draft {
            channel_slug: self.channel.clone(),
            subject: self.subject.clone(),
            message: self.message.clone(),
            priority: self.priority.clone(),
            rating: self.rating.clone(),
            kind: self.kind.clone(),
            tool_key: self.tool_key.clone(),
            page: self.page.clone(),
            user_agent: self.user_agent.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn huge_waits_are_refused_before_anything_is_saved() {
        assert_eq!(seconds("2.5"), Ok(2.5));
        assert_eq!(seconds("0"), Ok(0.0));
        for bad in ["1e300", "-1", "inf", "NaN", "soon"] {
            assert!(seconds(bad).is_err(), "{bad}");
        }
        let huge = Cli::try_parse_from([
            "feedback",
            "outbox",
            "drain",
            "--timeout",
            "18446744073709551615",
        ]);
        assert!(
            huge.is_err(),
            "a timeout past a week is refused at parse time"
        );
    }
}
