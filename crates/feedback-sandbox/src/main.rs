//! `feedback-sandbox`: start, print where, serve until Ctrl-C or SIGTERM.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use feedback_sandbox::Sandbox;
use feedback_sandbox::args::Args;

#[tokio::main]
async fn main() -> ExitCode {
    let config = Args::parse().into_config();
    let sandbox = match Sandbox::start(config).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("feedback-sandbox: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("listening on http://{}", sandbox.addr());
    let _ = std::io::stdout().flush();
    stopped().await;
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}

async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
