#!/usr/bin/env bash
# The test command: installs what is missing, then runs every check CI runs:
# formatting, clippy, docs, and all tests (keyring tests against a real
# Secret Service in a private D-Bus session; the app in a real window under
# Xvfb through tauri-driver).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet
# The end-to-end tests drive the built app.
cargo build --locked --quiet -p wemasy-feedback
scripts/in-test-session.sh cargo test --workspace --locked -- --include-ignored
