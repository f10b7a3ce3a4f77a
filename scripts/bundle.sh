#!/usr/bin/env bash
# Builds the Linux installers here (offline): the .deb and the .rpm, with the
# Tauri CLI from npm (package-lock.json). Extra arguments go to `tauri build`,
# e.g. `scripts/bundle.sh --config '{"version":"0.1.1"}'`.
# AppImage, NSIS, MSI, .app and DMG are built by .github/workflows/release.yml.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
# `npm install`, not `npm ci`: a registry mirror may lack the CLI's binaries for
# other platforms, which package-lock.json then cannot list and `npm ci` refuses.
[[ -x node_modules/.bin/tauri && -f node_modules/axe-core/axe.min.js ]] || npm install --no-save --no-audit --no-fund --loglevel=error
node_modules/.bin/tauri build --ci --bundles deb,rpm "$@"

bundle="${CARGO_TARGET_DIR:-target}/release/bundle"
for package in "$bundle"/deb/*.deb "$bundle"/rpm/*.rpm; do
  printf '%8s KiB  %s\n' "$(( $(stat -c %s "$package") / 1024 ))" "$package"
done
