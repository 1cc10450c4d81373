/**
 * `npm run serve` as a real process: the access token must never appear on any process's command line
 * (a fake `xdg-open` on PATH stands in for the browser opener and stays alive while we look).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SERVE = join(ROOT, 'electron/web/serve.ts');

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'virtdesk-serve-'));
  dirs.push(d);
  return d;
};

const waitFor = async <T>(fn: () => T | undefined | null | false, ms = 20_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 25));
  }
};

/** Every process's command line on this machine, NUL separators turned into spaces. */
const allCommandLines = (): string[] => {
  const out: string[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      out.push(readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' '));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
};

/** Starts serve.ts with a private config dir and runtime dir and a fake xdg-open on PATH. */
const startServe = (extraArgs: string[] = ['--allow-root'], envExtra: NodeJS.ProcessEnv = {}) => {
  const dir = tmp();
  const bin = join(dir, 'bin');
  const runtime = join(dir, 'runtime');
  const config = join(dir, 'config');
  const opened = join(dir, 'xdg-open.args');
  for (const d of [bin, runtime]) mkdirSync(d, { recursive: true, mode: 0o700 });
  writeFileSync(
    join(bin, 'xdg-open'),
    `#!/bin/sh\nprintf '%s' "$1" > '${opened}.tmp'\ncp "$1" '${opened}.html'\nmv '${opened}.tmp' '${opened}'\nexec sleep 30\n`,
    { mode: 0o755 },
  );
  const child = spawn(process.execPath, ['--import', 'tsx', SERVE, '--port', '0', ...extraArgs], {
    cwd: ROOT,
    env: {
      ...process.env,
      PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      DISPLAY: ':99',
      XDG_RUNTIME_DIR: runtime,
      VIRTDESK_CONFIG_DIR: config,
      ...envExtra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    dir,
    runtime,
    opened,
    exited,
    out: () => stdout,
    err: () => stderr,
    url: () => waitFor(() => /(https?:\/\/\S+\?token=\S+)/.exec(stdout)?.[1]),
  };
};

describe('serve opens the browser without the token on any command line', () => {
  it('opens a private 0600 redirect file, never the URL, and removes it on exit', async () => {
    const s = startServe();
    const url = await s.url();
    const token = new URL(url).searchParams.get('token')!;
    expect(token.length).toBeGreaterThanOrEqual(32);
    const openedPath = await waitFor(() => existsSync(s.opened) && readFileSync(s.opened, 'utf8'));

    // The opener got a file path in the private runtime dir, not the URL.
    expect(openedPath).not.toContain(token);
    expect(openedPath.startsWith(s.runtime + '/')).toBe(true);
    // While the (fake) opener is still running, no process on the machine shows the token.
    const hits = allCommandLines().filter((c) => c.includes(token));
    expect(hits).toEqual([]);
    // The file forwards to the tokenized URL and is readable by its owner only.
    expect(readFileSync(`${s.opened}.html`, 'utf8')).toContain(`url=${url}`);
    expect(statSync(openedPath).mode & 0o777).toBe(0o600);
    expect(statSync(resolve(openedPath, '..')).mode & 0o777).toBe(0o700);

    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(existsSync(openedPath)).toBe(false);
    expect(existsSync(resolve(openedPath, '..'))).toBe(false);
  }, 30_000);
});

describe('serve refuses unsafe starts', () => {
  it.runIf(process.geteuid?.() === 0)('refuses to run as root without --allow-root, saying why', async () => {
    const s = startServe([]);
    expect(await s.exited).toBe(2);
    expect(s.err()).toMatch(/Refusing to run as root/);
    expect(s.out()).not.toMatch(/token=/);
  });

  it('refuses a network address without TLS or --insecure-no-tls', async () => {
    const s = startServe(['--allow-root', '--host', '0.0.0.0', '--no-open']);
    expect(await s.exited).toBe(2);
    expect(s.err()).toMatch(/without TLS/);
    expect(s.out()).not.toMatch(/token=/);
  });

  it('serves a network address with --insecure-no-tls, loudly, with the host terminal off', async () => {
    const s = startServe(['--allow-root', '--host', '0.0.0.0', '--no-open', '--insecure-no-tls']);
    await s.url();
    await waitFor(() => /host terminal is off/.test(s.err()));
    expect(s.err()).toMatch(/INSECURE/);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });
});
