#!/usr/bin/env node
// `npm start`: launches the built app in Electron. If Electron cannot run here (binary missing and not
// downloadable, no display, missing system libraries, …) it says so clearly, points to web mode
// (`npm run serve`) and exits non-zero. Every process is spawned with an argument array.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sandboxDecision } from './electron-sandbox.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
/** A non-zero exit within this time counts as "Electron could not start". */
const STARTUP_WINDOW_MS = 10_000;
const RESOLVE_TIMEOUT_MS = 5 * 60_000; // require('electron') may download the binary on first use

function cannotStart(reason, details) {
  process.stderr.write(`\nElectron could not start here: ${reason}\n`);
  if (details) process.stderr.write(`${details.trim()}\n`);
  process.stderr.write(
    '\nUse web mode instead — the same app in your browser:\n' +
      '    npm run serve            (prints a URL with an access token; loopback only by default)\n' +
      '    npm run serve -- --port 8080   (off loopback: --host ADDRESS --tls-cert FILE --tls-key FILE)\n\n',
  );
  process.exit(1);
}

// 0. As root Chromium needs its sandbox off: never done silently (see electron-sandbox.mjs).
const decision = sandboxDecision({
  euid: typeof process.geteuid === 'function' ? process.geteuid() : null,
  argv: process.argv.slice(2),
});
if (!decision.ok) {
  process.stderr.write(`${decision.message}\n`);
  process.exit(1);
}
if (decision.warning) process.stderr.write(`${decision.warning}\n`);

// 1. The app must be built (npm start runs `npm run build` first).
const mainFile = path.join(root, pkg.main);
if (!fs.existsSync(mainFile)) {
  process.stderr.write(`${path.relative(root, mainFile)} is missing: run \`npm run build\` first.\n`);
  process.exit(1);
}

// 2. Locate Electron via require('electron') (which downloads the binary if it is missing). Done in a child
//    process so a failing or slow download cannot take this script down with an unreadable stack.
const resolved = spawnSync(
  process.execPath,
  ['--input-type=commonjs', '-e', "process.stdout.write(String(require('electron')))"],
  { cwd: root, encoding: 'utf8', timeout: RESOLVE_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] },
);
const electronPath = resolved.status === 0 ? resolved.stdout.trim() : '';
if (!electronPath || !fs.existsSync(electronPath)) {
  const why = resolved.error
    ? resolved.error.message
    : (resolved.stderr || '').split('\n').find((l) => /^\w*Error:/.test(l)) || 'binary not found';
  cannotStart(`the Electron binary is not installed and could not be downloaded (${why}).`, '');
}

// 3. A display is needed.
if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  cannotStart('no graphical display (neither DISPLAY nor WAYLAND_DISPLAY is set).');
}

// 4. Launch.
const args = [root, ...decision.electronArgs];

const env = { ...process.env };
delete env.ELECTRON_RUN_AS_NODE;
const started = Date.now();
let stderrTail = '';
const child = spawn(electronPath, args, { cwd: root, env, stdio: ['inherit', 'inherit', 'pipe'] });
child.stderr.on('data', (chunk) => {
  process.stderr.write(chunk);
  stderrTail = (stderrTail + chunk.toString()).slice(-4000);
});
child.on('error', (err) => cannotStart(`${electronPath} could not be executed (${err.message}).`));
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => child.kill(sig));
}
child.on('exit', (code, signal) => {
  const failed = signal !== null || (code !== null && code !== 0);
  if (failed && Date.now() - started < STARTUP_WINDOW_MS && signal !== 'SIGINT' && signal !== 'SIGTERM') {
    cannotStart(
      `Electron exited right away (${signal ? `signal ${signal}` : `exit code ${code}`}).`,
      stderrTail.split('\n').slice(-10).join('\n'),
    );
  }
  process.exit(code ?? (signal ? 128 : 1));
});
