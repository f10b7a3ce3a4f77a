//! What the app asks of WebKitGTK, its web engine on Linux.

use crate::harness::{self, World};

/// The page is painted on the CPU: every web process of the app runs with
/// `WEBKIT_SKIA_ENABLE_CPU_RENDERING=1`, which keeps it some 32 MiB
/// lighter than Skia's GPU painting where the GL is software (the start-up
/// benchmark measures that; this keeps the setting from being lost).
#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn the_page_is_painted_on_the_cpu() {
    let (_world, app) = World::start().await;
    let apps = harness::instances(&harness::built_binary("debug", "wemasy-feedback"));
    let web: Vec<u32> = harness::processes()
        .into_iter()
        .filter(|process| {
            apps.contains(&process.parent)
                && process
                    .exe
                    .as_deref()
                    .and_then(|exe| exe.file_name())
                    .is_some_and(|name| name == "WebKitWebProcess")
        })
        .map(|process| process.pid)
        .collect();
    assert!(!web.is_empty(), "the app {apps:?} runs a WebKitWebProcess");
    for pid in web {
        let environment = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
        let painting: Vec<String> = environment
            .split(|byte| *byte == 0)
            .map(String::from_utf8_lossy)
            .filter(|entry| entry.starts_with("WEBKIT_SKIA_ENABLE_CPU_RENDERING="))
            .map(String::from)
            .collect();
        assert_eq!(
            painting,
            ["WEBKIT_SKIA_ENABLE_CPU_RENDERING=1"],
            "web process {pid} paints on the CPU"
        );
    }
    app.end().await;
}
