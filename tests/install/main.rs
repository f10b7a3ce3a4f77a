//! The Linux installer as an administrator and a user meet it: install the
//! `.deb` with dpkg, open the installed app in a real window, queue a ticket
//! while the server is down, upgrade to the next version over it, see the
//! ticket and the settings survive and the ticket go, then remove the
//! package and find the user's outbox still there.
//!
//! `scripts/test.sh` builds two versions with `scripts/bundle.sh` and passes
//! their paths in `FEEDBACK_DEB_OLD` and `FEEDBACK_DEB_NEW`. The package is
//! installed system-wide (as root, or through sudo) and removed at the end.

#![allow(clippy::unwrap_used)]

#[path = "../e2e/harness.rs"]
#[allow(dead_code)]
mod harness;
#[path = "../e2e/tray.rs"]
#[allow(dead_code)]
mod tray;
#[path = "../e2e/webdriver.rs"]
#[allow(dead_code)]
mod webdriver;

use std::path::{Path, PathBuf};
use std::process::Command;

use feedback_sandbox::Config;

use crate::harness::{World, file_while_offline, sign_in};
use crate::webdriver::{By, Session};

const PACKAGE: &str = "wemasy-feedback";
const BINARY: &str = "/usr/bin/wemasy-feedback";

fn deb(variable: &str) -> PathBuf {
    let path = std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            panic!("{variable} is not set: run scripts/test.sh, which builds the .debs")
        });
    assert!(path.exists(), "{} does not exist", path.display());
    path
}

/// Runs `program` as root: directly when we are root, else through sudo.
fn as_root(program: &str, args: &[&str]) -> std::process::Output {
    let root = Command::new("id").arg("-u").output().unwrap().stdout == b"0\n";
    let mut command = if root {
        Command::new(program)
    } else {
        let mut sudo = Command::new("sudo");
        sudo.args(["-n", program]);
        sudo
    };
    let output = command
        .env("DEBIAN_FRONTEND", "noninteractive")
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn installed_version() -> Option<String> {
    let output = Command::new("dpkg-query")
        .args(["-W", "-f=${Status} ${Version}", PACKAGE])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.strip_prefix("install ok installed ")
        .map(str::to_owned)
}

fn deb_field(deb: &Path, field: &str) -> String {
    let output = Command::new("dpkg-deb")
        .args(["-f", deb.to_str().unwrap(), field])
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// Removes the package when the test ends, whatever happened.
struct Uninstall;

impl Drop for Uninstall {
    fn drop(&mut self) {
        if installed_version().is_some() {
            let _ = Command::new("dpkg").args(["-r", PACKAGE]).status();
        }
    }
}

async fn open_installed(world: &World) -> Session {
    let app = world.launch().await;
    app.wait_for_text(By::TestId("send"), "Send ticket").await;
    app
}

#[tokio::test]
#[ignore = "installs a .deb system-wide: scripts/test.sh builds the packages and runs it"]
async fn install_queue_upgrade_deliver_and_remove() {
    let (old, new) = (deb("FEEDBACK_DEB_OLD"), deb("FEEDBACK_DEB_NEW"));
    let (old_version, new_version) = (deb_field(&old, "Version"), deb_field(&new, "Version"));
    assert_ne!(old_version, new_version, "two versions to upgrade between");
    assert_eq!(deb_field(&old, "Package"), PACKAGE);
    // Spelling is checked with the system's dictionaries (issue 18).
    let recommends = deb_field(&new, "Recommends");
    for dictionary in ["hunspell-en-us", "hunspell-nl"] {
        assert!(
            recommends.split(", ").any(|package| package == dictionary),
            "the package recommends {dictionary}: Recommends: {recommends}"
        );
    }
    assert!(
        installed_version().is_none(),
        "{PACKAGE} is already installed on this machine; remove it first"
    );

    let _uninstall = Uninstall;
    as_root("dpkg", &["-i", old.to_str().unwrap()]);
    assert_eq!(installed_version().as_deref(), Some(old_version.as_str()));
    let files = String::from_utf8(
        Command::new("dpkg")
            .args(["-L", PACKAGE])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let desktop = files
        .lines()
        .find(|line| line.starts_with("/usr/share/applications/") && line.ends_with(".desktop"))
        .unwrap_or_else(|| panic!("no desktop entry in {files}"));
    let validate = Command::new("desktop-file-validate")
        .arg(desktop)
        .output()
        .unwrap();
    assert!(
        validate.status.success() && validate.stdout.is_empty(),
        "{desktop}: {}",
        String::from_utf8_lossy(&validate.stdout)
    );
    assert!(
        files.contains("/usr/share/icons/hicolor/128x128/apps/"),
        "{files}"
    );

    // The installed binary opens its window; a ticket waits for the server.
    let (mut world, app) = World::start_binary(PathBuf::from(BINARY), Config::default(), &[]).await;
    app.wait_for_text(By::TestId("send"), "Send ticket").await;
    sign_in(&app).await;
    app.click(By::Button("Settings")).await;
    app.type_into(By::Label("Default channel"), "support").await;
    app.click(By::Button("Save")).await;
    file_while_offline(&mut world, &app, "Queued before the upgrade").await;
    app.end().await;

    // Upgrade over it: the queue and the settings are the user's, and stay.
    as_root("dpkg", &["-i", new.to_str().unwrap()]);
    assert_eq!(installed_version().as_deref(), Some(new_version.as_str()));
    let app = open_installed(&world).await;
    app.wait_for_text(By::TestId("outbox-badge"), "1").await;
    app.wait_for_value(By::Label("Channel"), "support").await;
    world.restart_sandbox().await;
    app.wait_for_hidden(By::TestId("outbox-badge")).await;
    let stored = world.sandbox().tickets();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].ticket.subject, "Queued before the upgrade");
    app.end().await;

    // Remove: the program goes, the user's outbox stays.
    let outbox = world
        .data_dir()
        .join("data/nl.wemasy.feedback/outbox.sqlite3");
    assert!(outbox.exists(), "{} exists", outbox.display());
    as_root("dpkg", &["-r", PACKAGE]);
    assert!(installed_version().is_none());
    assert!(!Path::new(BINARY).exists());
    assert!(!Path::new(desktop).exists());
    assert!(
        outbox.exists(),
        "removing the program keeps the user's outbox"
    );
}
