//! The command line of `feedback-sandbox`, turned into a [`Config`].

use std::net::IpAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use clap::Parser;

use crate::config::{Config, Faults, MaxLength, OddKind, RateLimit, StatusEvery, TokenSpec};
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
  feedback-sandbox --max subject=20   # a server stricter than the documentation
  feedback-sandbox --odd-2xx truncated --odd-2xx-every 2   # stored, but half a body
  feedback-sandbox --rate-limit 1/60 --retry-after-zero    # 429s that say \"now\"
  feedback-sandbox --rate-limit 1/60 --retry-after 999999 --reset-skew -3600
  feedback-sandbox --slow-after-store 5000   # holds the ticket, answers late
  feedback-sandbox --status-every 3=409 --status-every 5=302

At run time (JSON bodies):
  POST /__sandbox/forbid {\"token\":\"demo-token\"}     that user now gets 403
  POST /__sandbox/allow  {\"token\":\"demo-token\"}     and no longer does
  POST /__sandbox/faults {\"slow_after_store_ms\":0}  change faults (GET shows them)"
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
    /// Serve the files in DIR at /updates/FILE: a local update server for
    /// the app (an update manifest, packages, signatures).
    #[arg(long = "updates", value_name = "DIR")]
    pub updates_dir: Option<PathBuf>,
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
    /// Store the ticket, then wait this many milliseconds before the 200.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub slow_after_store: u64,
    /// Store the ticket but answer 200 with an odd body: html, data-array,
    /// empty, error-true or truncated.
    #[arg(long = "odd-2xx", value_name = "KIND")]
    pub odd_2xx: Option<OddKind>,
    /// Give only every Nth request the --odd-2xx body (default: every one).
    #[arg(long = "odd-2xx-every", value_name = "N", requires = "odd_2xx")]
    pub odd_2xx_every: Option<u32>,
    /// Answer every Nth request with CODE (400, 405, 409, 413, 415, 418,
    /// 301, 302 or 307) after the throttle, storing nothing; may repeat.
    #[arg(long = "status-every", value_name = "N=CODE")]
    pub status_every: Vec<StatusEvery>,
    /// Every 429 says Retry-After: 0, with X-RateLimit-Reset at the current
    /// second.
    #[arg(long, conflicts_with = "retry_after")]
    pub retry_after_zero: bool,
    /// Every 429 says Retry-After: SECS, whatever the window says.
    #[arg(long, value_name = "SECS")]
    pub retry_after: Option<u64>,
    /// Seconds added to every 429's X-RateLimit-Reset (a skewed clock; may
    /// be negative).
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = 0,
        allow_hyphen_values = true
    )]
    pub reset_skew: i64,
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
                slow_after_store: Duration::from_millis(self.slow_after_store),
                odd_2xx: self.odd_2xx,
                odd_2xx_every: self.odd_2xx_every,
                status_every: self.status_every,
                retry_after_zero: self.retry_after_zero,
                retry_after: self.retry_after,
                reset_skew: self.reset_skew,
                channel_not_found_message: None,
            },
            max_lengths: self.max_lengths,
            updates_dir: self.updates_dir,
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

impl FromStr for OddKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.name() == text)
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|kind| kind.name()).collect();
                format!("`{text}` is not one of {}", names.join(", "))
            })
    }
}

impl FromStr for StatusEvery {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (every, status) = text
            .split_once('=')
            .ok_or_else(|| format!("`{text}` is not N=CODE, such as 3=409"))?;
        let every: u32 = every
            .trim()
            .parse()
            .ok()
            .filter(|every| *every > 0)
            .ok_or_else(|| format!("`{every}` is not a request count of at least 1"))?;
        let status: u16 = status
            .trim()
            .parse()
            .ok()
            .filter(|status| Self::STATUSES.contains(status))
            .ok_or_else(|| {
                let codes: Vec<_> = Self::STATUSES.iter().map(u16::to_string).collect();
                format!("`{status}` is not one of {}", codes.join(", "))
            })?;
        Ok(Self { every, status })
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
    fn the_fault_flags_parse() {
        let config = Args::parse_from([
            "feedback-sandbox",
            "--odd-2xx",
            "error-true",
            "--odd-2xx-every",
            "3",
            "--status-every",
            "2=409",
            "--status-every",
            "5=307",
            "--retry-after",
            "999999",
            "--reset-skew",
            "-3600",
            "--slow-after-store",
            "1500",
        ])
        .into_config();
        let faults = config.faults;
        assert_eq!(faults.odd_2xx, Some(OddKind::ErrorTrue));
        assert_eq!(faults.odd_2xx_every, Some(3));
        assert_eq!(
            faults.status_every,
            vec![
                StatusEvery {
                    every: 2,
                    status: 409
                },
                StatusEvery {
                    every: 5,
                    status: 307
                }
            ],
            "--status-every repeats, in order"
        );
        assert_eq!(faults.retry_after, Some(999_999));
        assert!(!faults.retry_after_zero);
        assert_eq!(
            faults.reset_skew, -3600,
            "a negative skew is a value, not a flag"
        );
        assert_eq!(faults.slow_after_store, Duration::from_millis(1500));
    }

    #[test]
    fn fault_flags_that_contradict_are_refused() {
        let parse = |args: &[&str]| {
            Args::try_parse_from(std::iter::once("feedback-sandbox").chain(args.iter().copied()))
        };
        assert!(
            parse(&["--retry-after-zero", "--retry-after", "5"]).is_err(),
            "two different forced Retry-After values"
        );
        assert!(
            parse(&["--odd-2xx-every", "2"]).is_err(),
            "every Nth request, but no kind of odd body"
        );
        assert!(
            parse(&["--odd-2xx", "html"]).is_ok_and(|args| args.odd_2xx_every.is_none()),
            "a kind alone means every request"
        );
    }

    #[test]
    fn bad_values_are_refused() {
        assert!("xml".parse::<OddKind>().is_err(), "not a kind of odd body");
        assert!(
            "3=500".parse::<StatusEvery>().is_err(),
            "500 has its own flag"
        );
        assert!("0=409".parse::<StatusEvery>().is_err(), "every 0th request");
        assert!("409".parse::<StatusEvery>().is_err(), "no N");
        for kind in OddKind::ALL {
            assert_eq!(
                kind.name().parse(),
                Ok(kind),
                "each kind's name parses back"
            );
        }
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
