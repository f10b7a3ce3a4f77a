//! `feedback submit`: validate, send once, report.

use feedback_core::{ApiBase, Client, ClientConfig, Outcome, validate};

use crate::args::SubmitArgs;
use crate::credentials::token_for;
use crate::failure::Failure;

pub(crate) async fn submit(base: &ApiBase, args: &SubmitArgs) -> Result<String, Failure> {
    let ticket = validate(&args.draft()).map_err(Failure::Invalid)?;
    let token = token_for(base)?;
    let config = ClientConfig {
        user_agent: feedback_core::client::default_user_agent("WemasyFeedbackCli"),
        ..ClientConfig::default()
    };
    let client =
        Client::new(base.clone(), &config).map_err(|error| Failure::Other(error.to_string()))?;
    match client.submit(&token, &ticket, None).await.outcome {
        Outcome::Created(ticket) if args.json => serde_json::to_string_pretty(&ticket)
            .map_err(|error| Failure::Other(format!("could not print the ticket: {error}"))),
        Outcome::Created(ticket) => Ok(ticket.reference()),
        other => Err(Failure::from_outcome(other)),
    }
}
