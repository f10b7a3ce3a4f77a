// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    #[cfg(target_os = "linux")]
    paint_on_the_cpu();
    wemasy_feedback_lib::run();
}

/// WebKitGTK 2.50 paints the page's tiles with Skia on the GPU by default,
/// compiling shader programs for each kind of drawing at the first paint
/// (rounded borders, coloured text, gradients: the form has them all). A
/// form gains nothing from that: painted on the CPU, with compositing still
/// accelerated, the web process holds some 32 MiB less where the GL is
/// software (measured under Xvfb: 154 MiB against 187 MiB for the same
/// page), with no shader compiling before the first paint. A value the
/// person set (`WEBKIT_SKIA_ENABLE_CPU_RENDERING=0`) wins.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn paint_on_the_cpu() {
    const CPU_RENDERING: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";
    if std::env::var_os(CPU_RENDERING).is_none() {
        // SAFETY: the first thing `main` does: no other thread exists yet
        // that could read the environment while it changes. WebKit's web
        // process, started later, inherits it.
        unsafe { std::env::set_var(CPU_RENDERING, "1") };
    }
}
