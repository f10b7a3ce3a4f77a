#!/usr/bin/env bash
# The test command: installs what is missing, then runs every check CI runs:
# the GitHub workflows' lint, formatting, clippy, docs, and all tests
# (keyring tests against a real Secret Service in a private D-Bus session;
# the app in a real window under Xvfb through tauri-driver; the .deb
# installed, upgraded and removed).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
# The GitHub workflows first (seconds): pinned actions, least permissions,
# signing secrets only where they sign (docs/release-pipeline.md).
scripts/lint-workflows.sh
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet
# The Group Policy template's strings and presentations resolve in every language.
python3 scripts/check-admx.py
# The shell stays thin: no import circle, under 10% of the Rust lines.
python3 scripts/check-layers.py
# The end-to-end tests drive the built app (and the CLI beside it).
cargo build --locked --quiet -p wemasy-feedback -p feedback-cli
# The installer test upgrades from this version's .deb to the next one's.
target_dir=${CARGO_TARGET_DIR:-target}
installers="$target_dir/test-installers"
rm -rf "$installers" && mkdir -p "$installers/old" "$installers/new"
scripts/bundle.sh
cp "$target_dir"/release/bundle/deb/*.deb "$installers/old/"
next=$(python3 -c 'import json; v = json.load(open("src-tauri/tauri.conf.json"))["version"].split("."); v[2] = str(int(v[2]) + 1); print(".".join(v))')
rm -f "$target_dir"/release/bundle/deb/*.deb
scripts/bundle.sh --config "{\"version\": \"$next\"}"
cp "$target_dir"/release/bundle/deb/*.deb "$installers/new/"
export FEEDBACK_DEB_OLD FEEDBACK_DEB_NEW
FEEDBACK_DEB_OLD=$(realpath "$installers"/old/*.deb)
FEEDBACK_DEB_NEW=$(realpath "$installers"/new/*.deb)
scripts/in-test-session.sh cargo test --workspace --locked -- --include-ignored
