#!/usr/bin/env bash
# Builds the Linux installers here (offline): the .deb and the .rpm, with the
# Tauri CLI from npm (package-lock.json). Extra arguments go to `tauri build`,
# e.g. `scripts/bundle.sh --config '{"version":"0.1.1"}'`.
# AppImage, NSIS, MSI, .app and DMG are built by .github/workflows/release.yml.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
[[ -x node_modules/.bin/tauri ]] || npm ci --no-audit --no-fund --loglevel=error
node_modules/.bin/tauri build --ci --bundles deb,rpm "$@"

bundle="${CARGO_TARGET_DIR:-target}/release/bundle"
for package in "$bundle"/deb/*.deb "$bundle"/rpm/*.rpm; do
  printf '%8s KiB  %s\n' "$(( $(stat -c %s "$package") / 1024 ))" "$package"
done
