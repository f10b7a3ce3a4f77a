//! Ticket templates in the outbox file: saved by name (whatever its case),
//! renamed, deleted, and shared through a file that is imported whole or
//! not at all.

use feedback_core::outbox::{ImportReport, Outbox, OutboxError, TemplateFields};

struct Desk {
    dir: tempfile::TempDir,
    outbox: Outbox,
}

impl Desk {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(&dir.path().join("outbox.sqlite3")).unwrap();
        Self { dir, outbox }
    }

    fn file(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }

    fn names(&self) -> Vec<String> {
        self.outbox
            .templates()
            .unwrap()
            .into_iter()
            .map(|template| template.name)
            .collect()
    }
}

fn fields(subject: &str) -> TemplateFields {
    TemplateFields {
        channel_slug: Some("support".into()),
        kind: Some("bug".into()),
        subject: Some(subject.into()),
        ..TemplateFields::default()
    }
}

#[test]
fn templates_are_saved_by_name_whatever_its_case_and_listed_by_name() {
    let desk = Desk::new();
    let printer = desk
        .outbox
        .save_template("  Printer ", &fields("The printer"), 1_000)
        .unwrap();
    assert_eq!(printer.name, "Printer", "trimmed");
    desk.outbox
        .save_template("access request", &fields("Access"), 2_000)
        .unwrap();
    let again = desk
        .outbox
        .save_template("PRINTER", &fields("The printer again"), 3_000)
        .unwrap();
    assert_eq!(again.id, printer.id, "the same template, not a second one");
    assert_eq!(again.fields.subject.as_deref(), Some("The printer again"));
    assert_eq!(again.updated_at, 3_000);
    assert_eq!(
        desk.names(),
        ["access request", "PRINTER"],
        "by name, ignoring case"
    );

    for bad in ["", "   ", &"x".repeat(101)] {
        let refused = desk.outbox.save_template(bad, &fields("s"), 4_000);
        assert!(
            matches!(refused, Err(OutboxError::TemplateName { .. })),
            "{bad:?}: {refused:?}"
        );
    }
    assert_eq!(desk.names().len(), 2, "nothing saved by a refused name");
}

#[test]
fn renaming_to_a_taken_name_is_refused_and_deleting_twice_is_fine() {
    let desk = Desk::new();
    let printer = desk
        .outbox
        .save_template("Printer", &fields("p"), 1)
        .unwrap();
    desk.outbox
        .save_template("Access", &fields("a"), 2)
        .unwrap();

    let taken = desk.outbox.rename_template(&printer.id, "access", 3);
    let Err(error) = taken else {
        panic!("renamed over another template: {taken:?}")
    };
    assert!(
        matches!(&error, OutboxError::TemplateNameTaken(name) if name == "access"),
        "{error:?}"
    );
    assert!(error.to_string().contains("already exists"), "{error}");

    let renamed = desk
        .outbox
        .rename_template(&printer.id, "printer (floor 2)", 4)
        .unwrap();
    assert_eq!(
        (renamed.name.as_str(), renamed.updated_at),
        ("printer (floor 2)", 4)
    );
    let recased = desk
        .outbox
        .rename_template(&printer.id, "Printer (Floor 2)", 5);
    assert!(recased.is_ok(), "its own name in another case: {recased:?}");
    assert!(matches!(
        desk.outbox.rename_template("no-such-id", "x", 6),
        Err(OutboxError::TemplateNotFound(_))
    ));

    assert!(desk.outbox.delete_template(&printer.id).unwrap());
    assert!(
        !desk.outbox.delete_template(&printer.id).unwrap(),
        "deleting a deleted template succeeds, saying there was none"
    );
    assert_eq!(desk.names(), ["Access"]);
}

#[test]
fn an_export_imports_into_another_outbox_adding_then_replacing() {
    let from = Desk::new();
    from.outbox
        .save_template("Printer", &fields("The printer"), 1)
        .unwrap();
    from.outbox
        .save_template("Access", &TemplateFields::default(), 2)
        .unwrap();
    let file = from.file("templates.json");
    assert_eq!(from.outbox.export_templates(&file).unwrap(), 2);
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(written["format"], "wemasy-feedback-templates");
    assert_eq!(written["version"], 1);
    assert_eq!(
        written["templates"][1],
        serde_json::json!({"name": "Printer", "fields": {
            "channel_slug": "support", "type": "bug", "subject": "The printer"}}),
        "the API's field names; absent fields left out"
    );

    let to = Desk::new();
    to.outbox
        .save_template("printer", &fields("Mine"), 5)
        .unwrap();
    let report = to.outbox.import_templates(&file, 10).unwrap();
    assert_eq!(
        report,
        ImportReport {
            added: 1,
            replaced: 1
        },
        "merged by name, ignoring case"
    );
    let templates = to.outbox.templates().unwrap();
    assert_eq!(templates.len(), 2);
    let printer = templates.iter().find(|t| t.name == "Printer").unwrap();
    assert_eq!(
        printer.fields,
        fields("The printer"),
        "the file's fields win"
    );
    assert_eq!(printer.updated_at, 10);

    let again = to.outbox.import_templates(&file, 11).unwrap();
    assert_eq!(
        again,
        ImportReport {
            added: 0,
            replaced: 2
        }
    );
}

#[test]
fn a_bad_file_changes_nothing_and_says_why() {
    let desk = Desk::new();
    desk.outbox
        .save_template("Printer", &fields("Kept"), 1)
        .unwrap();
    let file = desk.file("incoming.json");
    std::fs::write(
        &file,
        r#"{"format": "wemasy-feedback-templates", "version": 1, "templates": [
            {"name": "Printer", "fields": {"subject": "Replaced?"}},
            {"name": "New one", "fields": {}},
            {"name": "Broken", "fields": {"subject": ["not", "text"]}}
        ]}"#,
    )
    .unwrap();
    let refused = desk
        .outbox
        .import_templates(&file, 2)
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("template 3") && refused.contains("\"Broken\""),
        "names the entry: {refused}"
    );
    assert!(refused.contains("no template changed"), "{refused}");
    assert_eq!(desk.names(), ["Printer"], "all or nothing");
    assert_eq!(
        desk.outbox.templates().unwrap()[0]
            .fields
            .subject
            .as_deref(),
        Some("Kept")
    );

    let big = desk.file("big.json");
    let padding = "x".repeat(1024 * 1024);
    std::fs::write(
        &big,
        format!(r#"{{"format": "wemasy-feedback-templates", "version": 1, "templates": [], "padding": "{padding}"}}"#),
    )
    .unwrap();
    let refused = desk
        .outbox
        .import_templates(&big, 3)
        .unwrap_err()
        .to_string();
    assert!(refused.contains("too large"), "{refused}");

    let unsent = desk.file("unsent.json");
    desk.outbox.export_unsent(&unsent, None).unwrap();
    let refused = desk
        .outbox
        .import_templates(&unsent, 4)
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("not a Wemasy Feedback templates file"),
        "an outbox export is not a templates file: {refused}"
    );
    let missing = desk
        .outbox
        .import_templates(&desk.file("missing.json"), 5)
        .unwrap_err()
        .to_string();
    assert!(missing.contains("cannot be read"), "{missing}");
    assert_eq!(desk.names(), ["Printer"]);
}

#[test]
fn an_exported_file_imports_and_a_file_that_is_not_json_changes_nothing() {
    let from = Desk::new();
    from.outbox
        .save_template("Printer", &fields("The printer"), 1)
        .unwrap();
    let file = from.file("templates.json");
    from.outbox.export_templates(&file).unwrap();

    let to = Desk::new();
    let report = to.outbox.import_templates(&file, 2).unwrap();
    assert_eq!(
        report,
        ImportReport {
            added: 1,
            replaced: 0
        }
    );
    assert_eq!(
        to.outbox.templates().unwrap()[0].fields,
        fields("The printer")
    );

    let bad = to.file("bad.json");
    std::fs::write(&bad, "not json").unwrap();
    let refused = to.outbox.import_templates(&bad, 3).unwrap_err();
    assert!(
        matches!(refused, OutboxError::TemplateImport { .. }),
        "{refused:?}"
    );
    let refused = refused.to_string();
    assert!(refused.contains("no template changed"), "{refused}");
    assert!(refused.contains("not JSON"), "{refused}");
    assert_eq!(to.names(), ["Printer"]);
}

/// Issue 18: a template fills in the moment it is used and asks for what
/// differs per caller. For texts generated from every kind of piece (plain
/// words, braces that hold no name, `{date}`/`{time}` in either language
/// and any case, questions whose names repeat in other cases), the filled
/// text is what each piece stands for, and each name is asked once, in
/// the order it first appears. Replays from its seed.
#[test]
fn placeholders_fill_in_the_moment_and_ask_each_question_once() {
    use feedback_core::placeholders::{Filling, fill, questions};

    const NAMES: [&str; 4] = ["customer id", "Shop id", "order #", "caller/agent"];
    const LITERALS: [&str; 6] = ["{}", r#"{"id": 3}"#, "{ x }", "{1st}", "{a:b}", "}"];
    let seed = std::env::var("PLACEHOLDER_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or(18);
    for case in 0..2_000u64 {
        let mut rng = fastrand::Rng::with_seed(seed + case);
        let filling = Filling {
            date: "6 december 2026".into(),
            time: "07:30".into(),
            answers: NAMES
                .iter()
                .map(|name| (name.to_string(), format!("<{}>", name.to_uppercase())))
                .collect(),
        };
        let (mut text, mut expected, mut asked) = (String::new(), String::new(), Vec::new());
        for _ in 0..rng.usize(0..12) {
            let (written, stands_for) = match rng.u8(0..4) {
                0 => {
                    let word = ["Printer ", "kapot", " ", "\n", "é"][rng.usize(0..5)];
                    (word.to_owned(), word.to_owned())
                }
                1 => {
                    let literal = LITERALS[rng.usize(0..LITERALS.len())];
                    (literal.to_owned(), literal.to_owned())
                }
                2 => {
                    let (name, value) = [
                        ("date", &filling.date),
                        ("DATUM", &filling.date),
                        ("Time", &filling.time),
                        ("tijd", &filling.time),
                    ][rng.usize(0..4)];
                    (format!("{{{name}}}"), value.clone())
                }
                _ => {
                    let name = NAMES[rng.usize(0..NAMES.len())];
                    let spelt = if rng.bool() {
                        name.to_uppercase()
                    } else {
                        name.to_owned()
                    };
                    if !asked
                        .iter()
                        .any(|known: &String| known.eq_ignore_ascii_case(name))
                    {
                        asked.push(spelt.clone());
                    }
                    (format!("{{{spelt}}}"), format!("<{}>", name.to_uppercase()))
                }
            };
            text.push_str(&written);
            expected.push_str(&stands_for);
        }
        let fields = TemplateFields {
            channel_slug: Some("{customer id}".into()),
            message: Some(text.clone()),
            ..TemplateFields::default()
        };
        let replay = format!(
            "seed {} (PLACEHOLDER_SEED={seed}, case {case}): {text:?}",
            seed + case
        );
        assert_eq!(questions(&fields), asked, "{replay}");
        let filled = fill(&fields, &filling);
        assert_eq!(
            filled.message.as_deref(),
            Some(expected.as_str()),
            "{replay}"
        );
        assert_eq!(
            filled.channel_slug.as_deref(),
            Some("{customer id}"),
            "a channel is a slug, never filled: {replay}"
        );
    }
}

#[test]
fn a_question_left_unanswered_is_filled_with_nothing() {
    use feedback_core::placeholders::{Filling, fill};
    let fields = TemplateFields {
        subject: Some("Shop {shop id} offline since {time}".into()),
        ..TemplateFields::default()
    };
    let filled = fill(
        &fields,
        &Filling {
            time: "09:12".into(),
            ..Filling::default()
        },
    );
    assert_eq!(filled.subject.as_deref(), Some("Shop  offline since 09:12"));
}

/// Issue 19: a templates file is measured before it is read as JSON. A
/// file past the limit was parsed whole first (to look for the
/// organisation's names), so one a few hundred megabytes large held the
/// window; now its size refuses it, whatever it holds, and a file that
/// fits is parsed once.
#[test]
fn a_templates_file_too_large_is_refused_before_it_is_parsed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outbox.sqlite3");
    let opened = feedback_core::desk::Opened::outbox(&path, std::time::Duration::ZERO).unwrap();
    let policy = feedback_core::policy::Policy::from_json(
        r#"{"enforced": {"Templates": [{"name": "Password reset"}]}}"#,
    );
    let desk = feedback_core::Desk::over(opened, crate::support::Loader::keyring(|_| Ok(None)))
        .policy(policy)
        .build();
    let file = |padding: usize| {
        format!(
            r#"{{"format": "wemasy-feedback-templates", "version": 1, "padding": "{}",
                "templates": [{{"name": "Password reset", "fields": {{}}}}]}}"#,
            "x".repeat(padding)
        )
    };
    let on_disk = dir.path().join("big.json");
    std::fs::write(&on_disk, file(1024 * 1024)).unwrap();
    let too_large = desk
        .import_templates_file(&on_disk)
        .unwrap_err()
        .to_string();
    assert!(
        too_large.contains("too large"),
        "refused for its size, not for what is in it: {too_large}"
    );

    std::fs::write(&on_disk, file(10)).unwrap();
    let organisations = desk
        .import_templates_file(&on_disk)
        .unwrap_err()
        .to_string();
    assert!(
        organisations.contains("no template changed"),
        "a file that fits is still checked for the organisation's names: {organisations}"
    );
}
