#!/usr/bin/env node
// Writes the updater's part of a release build's Tauri configuration to the
// file named by the first argument: the signed update artifacts, the public
// key the app checks every update against (TAURI_SIGNING_PUBLIC_KEY, the .pub
// file of `npx tauri signer generate`), and where the app finds the published
// release's manifest (UPDATE_MANIFEST_URL; tauri-action uploads latest.json
// with the release, and a draft is seen by nobody until it is published).
//
// .github/workflows/release.yml writes it the same way in the job that
// compiles the app (the key and the address are compiled in) and in the one
// that bundles and signs, which does not take it from the first.
'use strict';
const fs = require('node:fs');

const [file] = process.argv.slice(2);
const pubkey = (process.env.TAURI_SIGNING_PUBLIC_KEY || '').trim();
const manifest = (process.env.UPDATE_MANIFEST_URL || '').trim();
if (!file || !pubkey || !manifest) {
  console.error(
    'usage: TAURI_SIGNING_PUBLIC_KEY=... UPDATE_MANIFEST_URL=... node scripts/updater-config.js FILE',
  );
  process.exit(2);
}
const config = {
  bundle: { createUpdaterArtifacts: true },
  plugins: { updater: { pubkey, endpoints: [manifest] } },
};
fs.writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
