#!/usr/bin/env node
// The Tauri command tauri-action runs in the release's signing job: bundles
// and signs an app that was compiled elsewhere, and compiles nothing.
//
// tauri-action runs its `tauriScript` input as `<tauriScript> build <args>`,
// then uploads what it finds under target/ (src/runner.ts and src/build.ts
// at the commit .github/workflows/release.yml pins). In the release, the app
// is compiled by an earlier job that has no secret; the job with the signing
// keys gets only its executable. So `build` becomes `tauri bundle`, which
// signs and packages target/.../release/wemasy-feedback and fails if it is
// not there: no crate's build script or proc macro runs beside the keys.
//
// The step names every signing secret, and one that the environment does
// not have arrives as an empty variable: those are removed, as an empty
// APPLE_CERTIFICATE would make the Tauri CLI try to import a certificate and
// fail. The updater's key and its public half come together or not at all.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const SIGNING = [
  'APPLE_CERTIFICATE',
  'APPLE_CERTIFICATE_PASSWORD',
  'APPLE_SIGNING_IDENTITY',
  'APPLE_ID',
  'APPLE_PASSWORD',
  'APPLE_TEAM_ID',
  'TAURI_SIGNING_PRIVATE_KEY',
  'TAURI_SIGNING_PRIVATE_KEY_PASSWORD',
];

function fail(message) {
  console.log(`::error::${message}`);
  process.exit(1);
}

const [command, ...args] = process.argv.slice(2);
if (command !== 'build') {
  fail(`release-bundle: expected tauri-action's "build", got "${command}"`);
}

const env = { ...process.env };
for (const name of SIGNING) {
  if (!env[name]) delete env[name];
}
const publicKey = Boolean(env.TAURI_SIGNING_PUBLIC_KEY?.trim());
delete env.TAURI_SIGNING_PUBLIC_KEY;
if (env.TAURI_SIGNING_PRIVATE_KEY && !publicKey) {
  fail(
    'the release environment has TAURI_SIGNING_PRIVATE_KEY but the repository variable TAURI_SIGNING_PUBLIC_KEY is not set: the app could not check its updates',
  );
}
if (publicKey && !env.TAURI_SIGNING_PRIVATE_KEY) {
  fail(
    'the repository variable TAURI_SIGNING_PUBLIC_KEY is set (the app was built to check updates against it) but the release environment has no TAURI_SIGNING_PRIVATE_KEY to sign them',
  );
}
if (!publicKey) {
  console.log('::notice::no updater key: the app has no update source and checks nothing');
}
if (process.platform === 'darwin' && !env.APPLE_CERTIFICATE) {
  console.log('::notice::no APPLE_CERTIFICATE: the app and DMG are not signed or notarised');
}

const cli = path.join(__dirname, '..', 'node_modules', '@tauri-apps', 'cli', 'tauri.js');
const bundle = spawnSync(process.execPath, [cli, 'bundle', ...args], { stdio: 'inherit', env });
if (bundle.error) fail(`release-bundle: ${bundle.error.message}`);
process.exit(bundle.status ?? 1);
