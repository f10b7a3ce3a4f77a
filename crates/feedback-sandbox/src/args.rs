//! The command line of `feedback-sandbox`, turned into a [`Config`].

use std::net::IpAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use clap::Parser;

use crate::config::{Config, Faults, MaxLength, RateLimit, TokenSpec};
use crate::validation;

/// A local implementation of the Wemasy support-ticket endpoint, with
/// Laravel's authentication, throttle and validation, and fault injection.
#[derive(Debug, Parser)]
#[command(
    name = "feedback-sandbox",
    version,
    after_help = "\
Serves POST /api/services/platforms/v1/support/tickets/store, and for tests
GET /__sandbox/tickets (stored tickets with their Idempotency-Key) and
GET /__sandbox/stats (replies by status).

Examples:
  feedback-sandbox --port 8787 --token demo-token --rate-limit 10/300
  feedback-sandbox --port 0 --token alice=7 --forbidden-token reader --data /tmp/sandbox
  feedback-sandbox --token demo-token --fail-every 3 --latency 200
  feedback-sandbox --max subject=20   # a server stricter than the documentation"
)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Port to listen on; 0 picks a free one (the printed line shows it).
    #[arg(long, default_value_t = 8787)]
    pub port: u16,
    /// A valid token, as TOKEN or TOKEN=USER_ID; may repeat. Default: demo-token.
    #[arg(long = "token", value_name = "TOKEN[=USER_ID]")]
    pub tokens: Vec<TokenSpec>,
    /// A token of a user who may not file tickets (403); may repeat.
    #[arg(long = "forbidden-token", value_name = "TOKEN")]
    pub forbidden_tokens: Vec<String>,
    /// Requests per user per window, as COUNT/SECONDS.
    #[arg(long, default_value = "10/300", value_name = "COUNT/SECONDS")]
    pub rate_limit: RateLimit,
    /// Keep received tickets in DIR/tickets.jsonl across restarts.
    #[arg(long = "data", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Answer every Nth request with a 500 (nothing stored).
    #[arg(long, value_name = "N")]
    pub fail_every: Option<u32>,
    /// Wait this many milliseconds before every reply.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency: u64,
    /// Store every Nth ticket, then close the connection without a reply.
    #[arg(long, value_name = "N")]
    pub drop_after_store_every: Option<u32>,
    /// Close every Nth request's connection without a reply (nothing stored).
    #[arg(long, value_name = "N")]
    pub drop_before_store_every: Option<u32>,
    /// Answer every Nth request with a proxy's HTML 502 page (no quota spent).
    #[arg(long = "html-502-every", value_name = "N")]
    pub html_502_every: Option<u32>,
    /// Never answer every Nth request (nothing stored).
    #[arg(long, value_name = "N")]
    pub stall_every: Option<u32>,
    /// A text field's server-side limit in characters, replacing the
    /// documented one (a server whose rules changed); may repeat.
    #[arg(long = "max", value_name = "FIELD=N")]
    pub max_lengths: Vec<MaxLength>,
}

impl Args {
    pub fn into_config(self) -> Config {
        let defaults = Config::default();
        Config {
            host: self.host,
            port: self.port,
            tokens: if self.tokens.is_empty() {
                defaults.tokens
            } else {
                self.tokens
            },
            forbidden_tokens: self.forbidden_tokens,
            rate_limit: self.rate_limit,
            data_dir: self.data_dir,
            faults: Faults {
                fail_every: self.fail_every,
                drop_after_store_every: self.drop_after_store_every,
                drop_before_store_every: self.drop_before_store_every,
                html_502_every: self.html_502_every,
                stall_every: self.stall_every,
                latency: Duration::from_millis(self.latency),
            },
            max_lengths: self.max_lengths,
        }
    }
}

impl FromStr for TokenSpec {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (token, user_id) = match text.split_once('=') {
            Some((token, id)) => (
                token,
                Some(id.parse().map_err(|_| format!("`{id}` is not a user id"))?),
            ),
            None => (text, None),
        };
        if token.is_empty() || token.contains(char::is_whitespace) {
            return Err("a token must be non-empty, without spaces".into());
        }
        Ok(Self {
            token: token.to_owned(),
            user_id,
        })
    }
}

impl FromStr for MaxLength {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (field, max) = text
            .split_once('=')
            .ok_or_else(|| format!("`{text}` is not FIELD=N, such as subject=20"))?;
        if !validation::has_max_length(field) {
            return Err(format!("`{field}` is not a text field with a length limit"));
        }
        let max = max
            .parse()
            .map_err(|_| format!("`{max}` is not a character count"))?;
        Ok(Self {
            field: field.to_owned(),
            max,
        })
    }
}

impl FromStr for RateLimit {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let usage = || format!("`{text}` is not COUNT/SECONDS, such as 10/300");
        let (max, seconds) = text.split_once('/').ok_or_else(usage)?;
        let max: u32 = max.trim().parse().map_err(|_| usage())?;
        let seconds: f64 = seconds.trim().parse().map_err(|_| usage())?;
        let window = Duration::try_from_secs_f64(seconds).map_err(|_| usage())?;
        if max == 0 || window.is_zero() {
            return Err(usage());
        }
        Ok(Self { max, window })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn the_documented_example_parses() {
        let args = Args::parse_from([
            "feedback-sandbox",
            "--port",
            "8787",
            "--token",
            "demo-token",
            "--token",
            "b=9",
            "--rate-limit",
            "10/300",
        ]);
        let config = args.into_config();
        assert_eq!(config.port, 8787);
        assert_eq!(
            config.tokens[1],
            TokenSpec {
                token: "b".into(),
                user_id: Some(9)
            }
        );
        assert_eq!(
            config.rate_limit,
            RateLimit {
                max: 10,
                window: Duration::from_secs(300)
            }
        );
    }

    #[test]
    fn bad_values_are_refused() {
        assert!("10".parse::<RateLimit>().is_err());
        assert!("0/5".parse::<RateLimit>().is_err());
        assert!("a=b".parse::<TokenSpec>().is_err());
        assert!("=1".parse::<TokenSpec>().is_err());
        assert!("subject".parse::<MaxLength>().is_err());
        assert!("rating=3".parse::<MaxLength>().is_err());
        assert!("subject=x".parse::<MaxLength>().is_err());
        assert_eq!(
            "subject=20".parse::<MaxLength>(),
            Ok(MaxLength {
                field: "subject".into(),
                max: 20
            })
        );
    }
}
