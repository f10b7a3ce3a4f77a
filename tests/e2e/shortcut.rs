//! The global shortcut on X11 against another app on the same display: a
//! shortcut it holds is told unavailable, the one given up is let go, and
//! a free one brings a new ticket from the desktop.

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt, GrabMode, ModMask};
use x11rb::rust_connection::RustConnection;

use crate::harness::{World, sign_in};
use crate::webdriver::{By, Session};

/// Another app on the display, grabbing keys as a desktop tool does.
struct OtherApp {
    connection: RustConnection,
    root: u32,
}

impl OtherApp {
    fn on(display: &str) -> Self {
        let (connection, screen) = x11rb::connect(Some(display)).expect("the X display answers");
        let root = connection.setup().roots[screen].root;
        Self { connection, root }
    }

    /// Grabs Ctrl+Alt+`letter`; whether the X server let it.
    fn grab_ctrl_alt(&self, letter: char) -> bool {
        let setup = self.connection.setup();
        let (first, last) = (setup.min_keycode, setup.max_keycode);
        let mapping = self
            .connection
            .get_keyboard_mapping(first, last - first + 1)
            .unwrap()
            .reply()
            .unwrap();
        let per_key = usize::from(mapping.keysyms_per_keycode);
        let index = mapping
            .keysyms
            .chunks(per_key)
            .position(|keysyms| keysyms.contains(&u32::from(letter)))
            .expect("the letter is on the keyboard");
        let keycode = first + u8::try_from(index).unwrap();
        self.connection
            .grab_key(
                false,
                self.root,
                ModMask::CONTROL | ModMask::M1,
                keycode,
                GrabMode::ASYNC,
                GrabMode::ASYNC,
            )
            .unwrap()
            .check()
            .is_ok()
    }
}

/// Presses `keys` on `display` as they are: xdotool's `--clearmodifiers`
/// (`World::press_on_desktop`) would turn Caps Lock off for the press.
fn press_as_is(display: &str, keys: &str) {
    let status = std::process::Command::new("xdotool")
        .args(["key", keys])
        .env("DISPLAY", display)
        .status()
        .expect("xdotool is installed (scripts/setup.sh)");
    assert!(status.success(), "xdotool key {keys}");
}

async fn save_shortcut(app: &Session, keys: &str) {
    app.type_into(By::Label("Quick capture shortcut"), keys)
        .await;
    app.click(By::Button("Save")).await;
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn a_shortcut_another_app_holds_is_told_and_the_one_given_up_is_let_go() {
    let (world, app) = World::start().await;
    sign_in(&app).await;
    app.click(By::Button("Settings")).await;
    app.wait_for_text(By::TestId("shortcut-state"), "Active: Ctrl+Alt+N")
        .await;
    let other = OtherApp::on(world.display());
    assert!(!other.grab_ctrl_alt('n'), "the app holds Ctrl+Alt+N");
    assert!(other.grab_ctrl_alt('j'));

    // Held by the other app: saved, and said where the person looks.
    save_shortcut(&app, "Ctrl+Alt+J").await;
    app.wait_for_text(
        "#settings-error",
        "Not available here: another app already uses this shortcut",
    )
    .await;
    // Ctrl+Alt+N was let go when the setting changed.
    assert!(other.grab_ctrl_alt('n'), "the app let go of Ctrl+Alt+N");

    // A free one works from the desktop, with Caps Lock on too.
    save_shortcut(&app, "Ctrl+Alt+K").await;
    app.wait_for_hidden(By::TestId("settings-dialog")).await;
    app.type_into(By::Label("Subject"), "Half a thought").await;
    app.click(By::TestId("nav-templates")).await;
    press_as_is(world.display(), "Caps_Lock");
    press_as_is(world.display(), "ctrl+alt+k");
    app.wait_for_value(By::Label("Subject"), "").await;
    app.click(By::Button("Undo")).await;
    app.wait_for_value(By::Label("Subject"), "Half a thought")
        .await;
    app.end().await;
}
