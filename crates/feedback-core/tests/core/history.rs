//! The sent history and the suggestions while typing, filled by real
//! deliveries to the sandbox: newest first, paged, searched by ticket
//! number or text (with `%` and `_` taken literally), and a stored ticket
//! that cannot be read does not break it.

use std::sync::Arc;
use std::time::Duration;

use feedback_core::delivery::{Clock, TokenLookup, TokenSource};
use feedback_core::outbox::{Outbox, SentPage, SentQuery, State, SuggestionKind};
use feedback_core::{ApiBase, Client, ClientConfig, Delivery, DeliveryConfig, Token};
use feedback_sandbox::{Config, Faults, OddKind, RateLimit};

use crate::support::{TOKEN, doc_ticket, sandbox};

struct Filed {
    channel: &'static str,
    subject: &'static str,
    message: &'static str,
    tool_key: Option<&'static str>,
}

/// Filed in this order; the third gets a 2xx whose body is not the ticket,
/// the last names a channel the server does not know (a 404).
const FILED: [Filed; 5] = [
    Filed {
        channel: "feedback",
        subject: "Printer on floor 2 jams",
        message: "Every morning.",
        tool_key: Some("print_hub"),
    },
    Filed {
        channel: "support",
        subject: "Invoice 100% wrong",
        message: "The total is off.",
        tool_key: None,
    },
    Filed {
        channel: "feedback",
        subject: "Login_page broken",
        message: "The button does nothing.",
        tool_key: Some("sso"),
    },
    Filed {
        channel: "support",
        subject: "Export is slow",
        message: "It costs 1000 seconds to load the homepage export.",
        tool_key: Some("exporter"),
    },
    Filed {
        channel: "nope",
        subject: "Unknown channel",
        message: "Refused.",
        tool_key: Some("never_accepted"),
    },
];

fn search(outbox: &Outbox, text: &str) -> SentPage {
    outbox
        .sent(&SentQuery {
            search: text.into(),
            ..SentQuery::default()
        })
        .unwrap()
}

fn subjects(page: &SentPage) -> Vec<&str> {
    page.items
        .iter()
        .map(|item| item.subject.as_str())
        .collect()
}

#[tokio::test]
async fn delivered_tickets_are_listed_newest_first_and_found_by_number_or_text() {
    let sandbox = sandbox(Config {
        rate_limit: RateLimit {
            max: 100,
            window: Duration::from_secs(300),
        },
        faults: Faults {
            odd_2xx: Some(OddKind::DataArray),
            odd_2xx_every: Some(3),
            ..Faults::default()
        },
        ..Config::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let outbox = Arc::new(Outbox::open(&dir.path().join("outbox.sqlite3")).unwrap());
    let base = ApiBase::parse(&sandbox.base_url()).unwrap();
    let account = base.origin();
    let now = Clock::system().now_ms();
    let ids: Vec<String> = FILED
        .iter()
        .map(|filed| {
            let mut ticket = doc_ticket();
            ticket.channel_slug = filed.channel.into();
            ticket.subject = filed.subject.into();
            ticket.message = filed.message.into();
            ticket.tool_key = filed.tool_key.map(Into::into);
            outbox.enqueue(&account, &ticket, now).unwrap().id
        })
        .collect();
    let token = Token::new(TOKEN).unwrap();
    let tokens: TokenSource = Arc::new(move |_| TokenLookup::Found(token.clone()));
    let client = Client::new(base, &ClientConfig::default()).unwrap();
    let delivery = Delivery::start(
        DeliveryConfig::default(),
        outbox.clone(),
        client,
        tokens,
        Clock::system(),
    );
    for _ in 0..200 {
        if outbox.summary().unwrap().waiting() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    delivery.shutdown().await;
    assert_eq!(outbox.get(&ids[4]).unwrap().state, State::NeedsAttention);

    let all = outbox.sent(&SentQuery::default()).unwrap();
    assert_eq!(all.total, 4, "the refused ticket is not in the history");
    assert_eq!(
        subjects(&all),
        [
            "Export is slow",
            "Login_page broken",
            "Invoice 100% wrong",
            "Printer on floor 2 jams"
        ],
        "newest first"
    );
    let odd = &all.items[1];
    assert!(
        odd.unreadable_reply && odd.ticket_number.is_none(),
        "the 2xx that was not the ticket: {odd:?}"
    );
    assert_eq!(
        all.items[3].ticket_number.as_deref(),
        Some("TCK-000001"),
        "the number the server gave"
    );
    assert_eq!(all.items[3].channel, "feedback");
    assert!(all.items.iter().all(|item| item.account == account));

    let by_number = search(&outbox, "tck-000002");
    assert_eq!(subjects(&by_number), ["Invoice 100% wrong"], "any case");
    assert_eq!(by_number.total, 1);
    assert_eq!(
        subjects(&search(&outbox, "  PRINTER ")),
        ["Printer on floor 2 jams"],
        "trimmed, any case"
    );
    assert_eq!(
        subjects(&search(&outbox, "button does")),
        ["Login_page broken"],
        "the message is searched too"
    );
    assert_eq!(
        subjects(&search(&outbox, "100%")),
        ["Invoice 100% wrong"],
        "a literal %, not a wildcard that would match 1000"
    );
    assert_eq!(
        subjects(&search(&outbox, "_page")),
        ["Login_page broken"],
        "a literal _, not a wildcard that would match \"homepage\""
    );
    assert_eq!(search(&outbox, "nothing like this").total, 0);
    assert_eq!(
        search(&outbox, "   ").total,
        4,
        "a blank search is everything"
    );

    let page = |offset, limit| {
        outbox
            .sent(&SentQuery {
                offset,
                limit,
                ..SentQuery::default()
            })
            .unwrap()
    };
    assert_eq!(
        subjects(&page(0, 2)),
        ["Export is slow", "Login_page broken"]
    );
    assert_eq!(
        subjects(&page(2, 2)),
        ["Invoice 100% wrong", "Printer on floor 2 jams"]
    );
    let tail = page(3, 2);
    assert_eq!(
        (subjects(&tail), tail.total),
        (vec!["Printer on floor 2 jams"], 4),
        "a last page that is not full still knows the total"
    );
    let past = page(10, 2);
    assert!(past.items.is_empty());
    assert_eq!(past.total, 4, "the total does not depend on the page");
    let elsewhere = outbox
        .sent(&SentQuery {
            account: Some("https://elsewhere.example".into()),
            ..SentQuery::default()
        })
        .unwrap();
    assert_eq!(elsewhere.total, 0, "another account's history is apart");

    let full = outbox.get(&all.items[0].id).unwrap();
    let stored = full.delivered.unwrap().ticket.unwrap();
    assert_eq!(
        stored.subject, "Export is slow",
        "the whole ticket as the server returned it"
    );

    assert_eq!(
        outbox.suggestions(SuggestionKind::Channel).unwrap(),
        ["support", "feedback"],
        "accepted channels, most recently used first; never the refused one"
    );
    assert_eq!(
        outbox.suggestions(SuggestionKind::ToolKey).unwrap(),
        ["exporter", "sso", "print_hub"]
    );
}

#[test]
fn a_stored_ticket_that_cannot_be_read_stays_in_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outbox.sqlite3");
    let outbox = Outbox::open(&path).unwrap();
    let account = "https://api.wemasy.nl";
    for (i, subject) in ["First", "Second"].into_iter().enumerate() {
        let mut ticket = doc_ticket();
        ticket.subject = subject.into();
        let now = i64::try_from(i).unwrap() * 1_000;
        outbox.enqueue(account, &ticket, now).unwrap();
        let claim = outbox.claim(account, "me", now, 5_000).unwrap().unwrap();
        let delivered = feedback_core::outbox::AttemptResult::Delivered {
            ticket: None,
            note: Some("an empty body".into()),
        };
        let update = feedback_core::outbox::AccountUpdate::default();
        assert!(
            outbox
                .record(&claim, &delivered, &update, now + 10)
                .unwrap()
        );
    }
    {
        // Another program (or a bad sector) wrote over one row's ticket.
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.execute(
            "UPDATE tickets SET ticket = '{\"subject\": \"Second, garbled' WHERE delivered_at = 1010",
            [],
        )
        .unwrap();
    }
    let all = outbox.sent(&SentQuery::default()).unwrap();
    assert_eq!(all.total, 2, "one bad row does not fail the history");
    assert!(
        all.items[0].subject.starts_with("(unreadable)"),
        "{:?}",
        all.items[0]
    );
    assert_eq!(all.items[1].subject, "First");
    assert_eq!(
        search(&outbox, "garbled").total,
        1,
        "its stored text is still searched"
    );
    assert_eq!(search(&outbox, "first").total, 1);
}
