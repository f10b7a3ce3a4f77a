//! Text for the OS's notifications. Their bodies carry words from outside
//! the app (a server's reason for refusing a ticket, a ticket number), and
//! some Linux notification servers render markup in bodies (those that
//! list `body-markup` among their capabilities: bold, links, images). There
//! such text is escaped, so that it shows as written and can never become
//! a link or an image; elsewhere it goes as it is (escaped, it would show
//! its `&lt;`).

/// `text` as a notification's body, for a server that renders markup in
/// bodies (`markup`) or one that shows them as plain text.
pub fn body(text: &str, markup: bool) -> String {
    if !markup {
        return text.to_owned();
    }
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a markup renderer shows for `markup`: entities read back.
    fn shown(markup: &str) -> String {
        markup
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&")
    }

    #[test]
    fn a_servers_markup_shows_as_written_and_never_renders() {
        let hostile =
            r#"<b>Refused</b> <a href="https://evil.example">log in again</a> & <img src=x>"#;
        let escaped = body(hostile, true);
        assert!(
            !escaped.contains('<') && !escaped.contains('>'),
            "{escaped}"
        );
        assert_eq!(shown(&escaped), hostile);
        assert_eq!(body(hostile, false), hostile, "plain servers show it as is");
    }

    /// Every text, generated from a seed (`NOTIFICATION_SEED` replays
    /// one): escaped, it holds no tag and no `&` that does not start one
    /// of the five entities, and reads back as it was.
    #[test]
    fn any_text_escaped_reads_back_as_it_was() {
        let seed = std::env::var("NOTIFICATION_SEED")
            .ok()
            .and_then(|seed| seed.parse().ok())
            .unwrap_or(19);
        let mut random = fastrand::Rng::with_seed(seed);
        let alphabet: Vec<char> = "<>&;\"'/=ab amp lt gt quot #x27 é€\n\t😀".chars().collect();
        for round in 0..5_000 {
            let text: String = (0..random.usize(0..40))
                .map(|_| alphabet[random.usize(0..alphabet.len())])
                .collect();
            let escaped = body(&text, true);
            assert!(
                !escaped.contains(['<', '>', '"', '\'']),
                "seed {seed}, round {round}: {escaped:?}"
            );
            for (at, _) in escaped.match_indices('&') {
                let rest = &escaped[at..];
                assert!(
                    ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                        .iter()
                        .any(|entity| rest.starts_with(entity)),
                    "seed {seed}, round {round}: a bare & in {escaped:?}"
                );
            }
            assert_eq!(shown(&escaped), text, "seed {seed}, round {round}");
        }
    }
}
