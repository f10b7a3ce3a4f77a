//! The command line, as clap types.

use clap::{Args, Parser, Subcommand};
use feedback_core::{ApiBase, Draft, PRODUCTION_API_BASE};

const EXIT_CODES: &str = "\
Exit codes:
  0  the ticket was created (or the command succeeded)
  2  invalid input: nothing was sent
  3  rejected by the server (401, 403, 404, 422)
  4  not delivered: rate limited, network failure or server error
  1  any other failure (for example, no OS keyring)";

/// File Wemasy support tickets from a terminal.
#[derive(Debug, Parser)]
#[command(name = "feedback", version, after_help = EXIT_CODES)]
pub(crate) struct Cli {
    /// The API base URL. Plain http is accepted only to this machine.
    #[arg(long, global = true, env = "FEEDBACK_API_BASE", default_value = PRODUCTION_API_BASE,
          value_parser = ApiBase::parse, value_name = "URL")]
    pub(crate) api_base: ApiBase,

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

    /// Validate a ticket, then send it.
    #[command(after_help = "\
The ticket is checked first with the server's own rules; invalid input is not
sent, so no rate-limit quota is spent on it. On success the ticket number is
printed (the whole ticket as JSON with --json).

Examples:
  feedback submit --channel feedback --subject \"Cannot connect my Google Ads account\" \\
      --message \"I keep getting an error.\" --priority high --type bug
  FEEDBACK_TOKEN=demo-token feedback --api-base http://127.0.0.1:8787/api submit \\
      --channel support --subject Hello --message \"A test ticket\" --json")]
    Submit(Box<SubmitArgs>),
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
}
