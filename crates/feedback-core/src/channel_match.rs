//! How a typed channel is matched against the channels the person knows
//! (the ones Wemasy accepted and the default): the list that narrows as
//! one types, and the nearest known channel to a likely typo.
//!
//! Channels are compared without regard to case: `Support` is taken for a
//! typo of `support` (the server's slugs are lower-case), never as a
//! channel of its own.

/// The known channels that match `typed`, in the order given: those that
/// start with it first, then those that contain it, then those it is a
/// likely typo of. Nothing typed, or a channel typed exactly, lists them
/// all: the list is then a choice among them, not a completion.
pub fn matching(typed: &str, known: &[String]) -> Vec<String> {
    let typed = typed.trim().to_lowercase();
    if typed.is_empty() || known.contains(&typed) {
        return known.to_vec();
    }
    let lower = |channel: &String| channel.to_lowercase();
    let starting = known.iter().filter(|c| lower(c).starts_with(&typed));
    let containing = known
        .iter()
        .filter(|c| !lower(c).starts_with(&typed) && lower(c).contains(&typed));
    let near = known.iter().filter(|c| {
        !lower(c).contains(&typed) && distance(&typed, &lower(c)) <= typo_limit(&typed)
    });
    starting.chain(containing).chain(near).cloned().collect()
}

/// The known channel `typed` is most likely a typo of: the one fewest
/// edits away (a letter left out, added, changed, or two swapped), within
/// [`typo_limit`] edits; of equally near ones, the first in `known`. `None`
/// for a channel typed exactly, or one nothing known is near.
pub fn nearest<'a>(typed: &str, known: &'a [String]) -> Option<&'a str> {
    let typed = typed.trim();
    if typed.is_empty() {
        return None;
    }
    let limit = typo_limit(typed);
    let typed_lower = typed.to_lowercase();
    known
        .iter()
        .filter(|channel| channel.as_str() != typed)
        .map(|channel| (distance(&typed_lower, &channel.to_lowercase()), channel))
        .filter(|(edits, _)| *edits <= limit)
        // `min_by_key` keeps the first of equals.
        .min_by_key(|(edits, _)| *edits)
        .map(|(_, channel)| channel.as_str())
}

/// How many edits a typo of `typed` may be: one in a short slug (where
/// two would make most short slugs near each other), two from five
/// characters, three from nine.
pub fn typo_limit(typed: &str) -> usize {
    match typed.chars().count() {
        0..=4 => 1,
        5..=8 => 2,
        _ => 3,
    }
}

/// The edits from `a` to `b`: characters inserted, deleted or changed, and
/// two neighbours swapped, each one edit (the optimal string alignment
/// distance, counted in characters, not bytes).
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows of the table: the one before the previous (for swaps),
    // the previous, and the current.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let changed = usize::from(a[i - 1] != b[j - 1]);
            let mut edits = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + changed);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                edits = edits.min(before[j - 2] + 1);
            }
            current[j] = edits;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(channels: &[&str]) -> Vec<String> {
        channels.iter().map(|&c| c.to_owned()).collect()
    }

    #[test]
    fn distance_counts_each_kind_of_typo_as_one_edit() {
        assert_eq!(distance("support", "support"), 0);
        assert_eq!(distance("suport", "support"), 1, "a letter left out");
        assert_eq!(distance("suppport", "support"), 1, "a letter added");
        assert_eq!(distance("supdort", "support"), 1, "a letter changed");
        assert_eq!(distance("suppotr", "support"), 1, "two neighbours swapped");
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("abc", ""), 3);
        assert_eq!(distance("billing", "support"), 7);
        assert_eq!(distance("kanaal-é", "kanaal-e"), 1, "characters, not bytes");
    }

    #[test]
    fn the_nearest_known_channel_corrects_a_typo() {
        let known = known(&["feedback", "support", "billing"]);
        assert_eq!(nearest("suport", &known), Some("support"));
        assert_eq!(nearest("biling", &known), Some("billing"));
        assert_eq!(
            nearest("Support", &known),
            Some("support"),
            "case is a typo"
        );
        assert_eq!(
            nearest("  suport ", &known),
            Some("support"),
            "spaces are not"
        );
        assert_eq!(nearest("feedbakc", &known), Some("feedback"));
    }

    #[test]
    fn nothing_is_offered_for_a_known_channel_or_one_nothing_is_near() {
        let known = known(&["feedback", "support", "billing"]);
        assert_eq!(nearest("support", &known), None, "typed exactly");
        assert_eq!(nearest("marketing", &known), None, "a new channel");
        assert_eq!(nearest("", &known), None);
        assert_eq!(nearest("suport", &[]), None);
        // Two edits are too many for a short slug: "ops" is not "api".
        assert_eq!(nearest("ops", &known_short()), None);
    }

    fn known_short() -> Vec<String> {
        known(&["api", "web"])
    }

    #[test]
    fn of_equally_near_channels_the_first_known_is_offered() {
        // Most recently used first: "sales" was used last.
        let known = known(&["sales", "tales"]);
        assert_eq!(nearest("xales", &known), Some("sales"));
        let known = known_reversed();
        assert_eq!(nearest("xales", &known), Some("tales"));
        // A nearer one wins over an earlier one.
        let known = self::known(&["supports", "support"]);
        assert_eq!(nearest("suport", &known), Some("support"));
    }

    fn known_reversed() -> Vec<String> {
        known(&["tales", "sales"])
    }

    #[test]
    fn the_typo_limit_grows_with_the_slug() {
        assert_eq!(typo_limit("api"), 1);
        assert_eq!(typo_limit("sales"), 2);
        assert_eq!(typo_limit("feedback"), 2);
        assert_eq!(typo_limit("helpdesk-nl"), 3);
    }

    #[test]
    fn the_list_narrows_to_channels_starting_with_then_containing_what_is_typed() {
        let known = known(&["feedback", "support", "billing", "support-nl", "nl-sales"]);
        assert_eq!(matching("sup", &known), ["support", "support-nl"]);
        assert_eq!(matching("NL", &known), ["nl-sales", "support-nl"]);
        assert_eq!(
            matching("suport", &known),
            ["support"],
            "a likely typo of it"
        );
        assert_eq!(matching("x", &known), Vec::<String>::new());
        assert_eq!(matching("", &known), known, "nothing typed: all");
        assert_eq!(matching("support", &known), known, "a channel chosen: all");
    }
}
