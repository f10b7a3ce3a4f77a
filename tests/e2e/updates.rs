//! Signed updates from a local update server (the sandbox's `--updates`
//! folder) in the real window: the app finds a newer version at start and
//! shows it with its notes, refuses a tampered package with nothing
//! changed, and installs the genuine one only once the send in flight is
//! done. The debug build takes the update source and the publisher's key
//! from `FEEDBACK_UPDATE_URL` and `FEEDBACK_UPDATE_PUBKEY`; the key pair is
//! made here with the Tauri CLI's signer, as the release workflow's was.
//! The installation updated is a stand-in AppImage (`APPIMAGE`): the
//! updater replaces that file, as it does a real AppImage, and starts it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use feedback_sandbox::{Config, Faults};

use crate::harness::{World, instances, sign_in};
use crate::webdriver::By;

/// The Tauri CLI from the project's npm packages.
fn tauri_cli() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../node_modules/.bin/tauri")
}

/// A new signing key pair in `dir`: the private key's path and the public key.
fn key_pair(dir: &Path) -> (PathBuf, String) {
    let key = dir.join("updater.key");
    let made = Command::new(tauri_cli())
        .args([
            "signer",
            "generate",
            "--ci",
            "--password",
            "",
            "--write-keys",
        ])
        .arg(&key)
        .output()
        .expect("the Tauri CLI runs (npm install)");
    assert!(made.status.success(), "{made:?}");
    let public = std::fs::read_to_string(key.with_extension("key.pub")).unwrap();
    (key, public.trim().to_owned())
}

/// Signs `file` for `version` with `key`; returns the signature.
fn sign(key: &Path, file: &Path, version: &str) -> String {
    let signed = Command::new(tauri_cli())
        .args(["signer", "sign", "--password", "", "--app-version", version])
        .arg("--private-key-path")
        .arg(key)
        .arg(file)
        .output()
        .expect("the Tauri CLI runs");
    assert!(signed.status.success(), "{signed:?}");
    let mut sig = file.as_os_str().to_owned();
    sig.push(".sig");
    std::fs::read_to_string(sig).unwrap().trim().to_owned()
}

/// Waits up to `limit` for `done`.
async fn until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn an_update_is_found_a_tampered_one_refused_and_the_genuine_one_installed_after_the_send() {
    let dir = tempfile::tempdir().unwrap();
    let served = dir.path().join("updates");
    std::fs::create_dir(&served).unwrap();
    // The installed "AppImage" and the new one: two different programs.
    let installed = dir.path().join("Wemasy_Feedback.AppImage");
    let old = std::fs::read("/usr/bin/false").unwrap();
    let new = std::fs::read("/usr/bin/true").unwrap();
    assert_ne!(old, new);
    std::fs::write(&installed, &old).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        let executable = std::fs::Permissions::from_mode(0o755);
        std::fs::set_permissions(&installed, executable).unwrap();
    }

    let (key, public) = key_pair(dir.path());
    let package = dir.path().join("new.AppImage");
    std::fs::write(&package, &new).unwrap();
    let signature = sign(&key, &package, "9.9.9");

    let (mut world, app) = World::start_in(
        Config {
            updates_dir: Some(served.clone()),
            ..Config::default()
        },
        &[
            ("FEEDBACK_UPDATE_URL", "{sandbox}/updates/latest.json"),
            ("FEEDBACK_UPDATE_PUBKEY", &public),
            ("APPIMAGE", installed.to_str().unwrap()),
        ],
    )
    .await;
    sign_in(&app).await;
    // Nothing published yet (404): a failed check is not the person's
    // business; the banner stays away.
    assert!(
        app.script("return document.getElementById('update').hidden;")
            .await
            .as_bool()
            .unwrap(),
        "no update shown"
    );

    // A release is published; the next start checks.
    let manifest = serde_json::json!({
        "version": "9.9.9",
        "notes": "Faster sending.\nThe tray remembers the window.",
        "pub_date": "2026-12-01T10:00:00Z",
        "platforms": {"linux-x86_64": {
            "signature": signature,
            "url": format!("{}/updates/package.AppImage", world.origin()),
        }},
    });
    std::fs::write(served.join("latest.json"), manifest.to_string()).unwrap();
    // Served tampered first: one byte changed after signing.
    let mut tampered = new.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 0xff;
    std::fs::write(served.join("package.AppImage"), &tampered).unwrap();

    let app = world.relaunch(app).await;
    app.wait_for_text(
        By::TestId("update"),
        "Version 9.9.9 is available (you have 0.1.0).",
    )
    .await;
    app.click(By::Css("#update-notes summary".into())).await;
    app.wait_for_text(By::TestId("update"), "The tray remembers the window.")
        .await;

    app.click(By::Button("Install and restart")).await;
    app.wait_for_text(
        By::TestId("update-error"),
        "does not carry the publisher's signature, so it was refused. Nothing was changed.",
    )
    .await;
    assert_eq!(std::fs::read(&installed).unwrap(), old, "nothing changed");
    // The banner, its notes open and its error shown, passes axe-core.
    crate::a11y::inject_axe(&app).await;
    let violations = crate::a11y::audit(&app, "update banner").await;
    assert!(violations.is_empty(), "{violations:#?}");

    // The genuine package, while a ticket is on its way to a slow server:
    // the install waits for the send, which is recorded once.
    std::fs::write(served.join("package.AppImage"), &new).unwrap();
    world.sandbox().set_faults(Faults {
        latency: Duration::from_secs(3),
        ..Faults::default()
    });
    app.type_into(By::Label("Subject"), "Sent before the update")
        .await;
    app.type_into(By::Label("Message"), "The update waits for this one.")
        .await;
    let sandbox = world.sandbox();
    // The sign-in's check of the token was a request too.
    let before = sandbox.stats().requests;
    app.click(By::Button("Send ticket")).await;
    until("the send is in flight", Duration::from_secs(20), || {
        sandbox.stats().requests == before + 1
    })
    .await;
    // Back up to the banner above the form, as a person scrolls.
    app.script("window.scrollTo(0, 0);").await;
    app.click(By::Button("Install and restart")).await;
    until("the update is installed", Duration::from_secs(30), || {
        std::fs::read(&installed).is_ok_and(|bytes| bytes == new)
    })
    .await;
    assert_eq!(
        sandbox.tickets().len(),
        1,
        "the send in flight was finished before the install"
    );
    // The app started the new version (the stand-in exits at once) and left.
    let binary = crate::harness::built_binary("debug", "wemasy-feedback");
    until("the old version has left", Duration::from_secs(20), || {
        instances(&binary).is_empty()
    })
    .await;
    app.end().await;
    world.stop_sandbox().await;
}

/// A copy of the debug build marked as installed from a `.deb`, as the
/// bundler marks the binary it packs (`tauri::utils::platform::bundle_type`
/// reads the mark).
fn marked_as_deb(dir: &Path) -> PathBuf {
    let built = crate::harness::built_binary("debug", "wemasy-feedback");
    let mut bytes = std::fs::read(&built).unwrap();
    let (unknown, deb) = (
        b"__TAURI_BUNDLE_TYPE_VAR_UNK",
        b"__TAURI_BUNDLE_TYPE_VAR_DEB",
    );
    let at = bytes
        .windows(unknown.len())
        .position(|window| window == unknown)
        .expect("the build carries the bundle-type mark");
    bytes[at..at + deb.len()].copy_from_slice(deb);
    let copy = dir.join("wemasy-feedback");
    std::fs::write(&copy, bytes).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
    copy
}

/// "Check for updates now" in Settings says `what`; the dialog is left.
async fn check_now_says(app: &crate::webdriver::Session, what: &str) {
    app.click(By::Button("Settings")).await;
    app.click(By::Button("Check for updates now")).await;
    app.wait_for_text(By::TestId("check-updates-state"), what)
        .await;
    app.click(By::Button("Cancel")).await;
}

/// Whether the window shows the update banner, and its Install button.
async fn banner(app: &crate::webdriver::Session) -> (bool, bool) {
    let shown = app
        .script(
            "const shown = !document.getElementById('update').hidden;
             return [shown, shown && !document.getElementById('update-install').hidden];",
        )
        .await;
    (
        shown[0].as_bool().unwrap_or_default(),
        shown[1].as_bool().unwrap_or_default(),
    )
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn a_package_managers_install_is_told_of_the_update_unless_the_policy_says_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let served = dir.path().join("updates");
    std::fs::create_dir(&served).unwrap();
    let (key, public) = key_pair(dir.path());
    let package = dir.path().join("package.deb");
    std::fs::write(&package, b"not installed here").unwrap();
    let manifest = serde_json::json!({
        "version": "9.9.9",
        "platforms": {"linux-x86_64": {
            "signature": sign(&key, &package, "9.9.9"),
            "url": "http://127.0.0.1:9/package.deb",
        }},
    });
    std::fs::write(served.join("latest.json"), manifest.to_string()).unwrap();
    // The administrator has turned update checks off.
    let policy = dir.path().join("policy.json");
    let enforce = |values: serde_json::Value| {
        std::fs::write(&policy, serde_json::json!({"enforced": values}).to_string()).unwrap();
    };
    enforce(serde_json::json!({"UpdateChecks": false}));

    let (world, app) = World::start_binary_in(
        marked_as_deb(dir.path()),
        Config {
            updates_dir: Some(served),
            ..Config::default()
        },
        &[
            ("FEEDBACK_UPDATE_URL", "{sandbox}/updates/latest.json"),
            ("FEEDBACK_UPDATE_PUBKEY", &public),
            ("FEEDBACK_POLICY_FILE", policy.to_str().unwrap()),
        ],
    )
    .await;
    // A check answers within a second here (see below): three are plenty.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(banner(&app).await, (false, false), "checks are off");
    // Asking by hand is not a way round the administrator.
    check_now_says(&app, "Your organisation has turned update checks off.").await;
    assert_eq!(banner(&app).await, (false, false), "still nothing asked");

    // Checks allowed: the update is told, and left to the package manager.
    enforce(serde_json::json!({}));
    let app = world.relaunch(app).await;
    app.wait_for_text(By::TestId("update"), "Version 9.9.9 is available")
        .await;
    app.wait_for_text(By::TestId("update"), "installed as a package")
        .await;
    assert_eq!(banner(&app).await, (true, false), "no Install button");
    check_now_says(&app, "Version 9.9.9 is available: see above the form.").await;

    // The administrator lets the app install its own package.
    enforce(serde_json::json!({"AllowSelfUpdate": true}));
    let app = world.relaunch(app).await;
    app.wait_for_text(By::TestId("update"), "Version 9.9.9 is available")
        .await;
    assert_eq!(banner(&app).await, (true, true), "Install offered");
    app.end().await;
    drop(world);
}
