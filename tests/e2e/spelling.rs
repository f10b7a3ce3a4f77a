//! Spelling checked in Subject and Message, in the window's language
//! (issue 18). The fields say so (`spellcheck`, `lang`) for every OS's web
//! view; on Linux WebKitGTK checks only once the shell turns it on, so
//! what it draws is looked at: the wavy line under a misspelt word, in the
//! window's language and not in the other one.

use crate::harness::{World, screenshot_path, sign_in};
use crate::webdriver::{By, Session};

/// `spellcheck` and `lang` of Subject and Message, as "id spellcheck lang".
async fn spelling_attributes(app: &Session) -> String {
    app.script(
        "return ['subject', 'message'].map((id) => {
           const field = document.getElementById(id);
           return `${id} ${field.spellcheck} ${field.lang}`;
         }).join(', ');",
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

/// The pixels inside Subject (its border and the focus ring left out)
/// that are red: the colour WebKitGTK underlines a misspelt word with.
/// Other web views draw their own marks; this test runs on Linux.
async fn marked_pixels(app: &Session, label: &'static str, text: &str, shot: &str) -> usize {
    app.type_into(By::Label(label), text).await;
    // Checking runs after the word is typed: wait for it as a person reading
    // the line would.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let rect = app
        .script(
            "const r = document.getElementById('subject').getBoundingClientRect();
             return [r.left, r.top, r.width, r.height].map(Math.round);",
        )
        .await;
    let rect: Vec<u32> = serde_json::from_value(rect).expect("a rectangle");
    let path = screenshot_path(shot);
    app.screenshot(&path).await;
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&path).expect("the screenshot"),
    ));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("a size")];
    let frame = reader.next_frame(&mut pixels).expect("a frame");
    let channels = frame.color_type.samples();
    let inset = 4;
    let mut red = 0;
    for y in rect[1] + inset..rect[1] + rect[3] - inset {
        for x in rect[0] + inset..rect[0] + rect[2] - inset {
            let at = (y * frame.width + x) as usize * channels;
            let (r, g, b) = (pixels[at], pixels[at + 1], pixels[at + 2]);
            // A light red line (antialiased) on the field's light grey.
            if r > 200 && r.saturating_sub(g) > 60 && r.saturating_sub(b) > 60 {
                red += 1;
            }
        }
    }
    red
}

/// What the app logged about spelling (where a failure is explained).
fn spelling_log(world: &World) -> String {
    let logs = world.data_dir().join("data/nl.wemasy.feedback/logs");
    std::fs::read_dir(&logs)
        .into_iter()
        .flatten()
        .filter_map(|entry| std::fs::read_to_string(entry.ok()?.path()).ok())
        .flat_map(|text| {
            text.lines()
                .filter(|line| line.contains("spelling"))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn spelling_is_checked_in_the_windows_language() {
    let (world, app) = World::start_in(
        feedback_sandbox::Config::default(),
        &[("LANG", "en_US.UTF-8")],
    )
    .await;
    sign_in(&app).await;
    assert_eq!(
        spelling_attributes(&app).await,
        "subject true en, message true en"
    );
    let english = "The printer does not work ";
    let wrong = "Thiss printre dose nott wrk ";
    let dutch = "De printer werkt niet meer ";
    let only_english = "Nothing happens when clicking ";
    assert_eq!(
        marked_pixels(&app, "Subject", english, "spelling-en-right").await,
        0,
        "English in an English window is not marked; the log says: {}",
        spelling_log(&world)
    );
    assert!(
        marked_pixels(&app, "Subject", wrong, "spelling-en-wrong").await > 20,
        "misspelt English is marked in an English window; the log says: {}",
        spelling_log(&world)
    );

    app.click(By::Button("Settings")).await;
    app.click("#setting-language option[value=nl]").await;
    app.click(By::Button("Save")).await;
    app.wait_for_text(By::TestId("send"), "Ticket versturen")
        .await;
    assert_eq!(
        spelling_attributes(&app).await,
        "subject true nl, message true nl"
    );
    assert_eq!(
        marked_pixels(&app, "Onderwerp", dutch, "spelling-nl-right").await,
        0,
        "Dutch in a Dutch window is not marked; the log says: {}",
        spelling_log(&world)
    );
    assert!(
        marked_pixels(&app, "Onderwerp", only_english, "spelling-nl-english").await > 20,
        "English words in a Dutch window are marked; the log says: {}",
        spelling_log(&world)
    );
    app.end().await;
}
