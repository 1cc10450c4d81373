import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openConnection } from '../../../electron/libvirt/connection.js';
import { procedures } from '../../../electron/libvirt/protocol/remote.js';
import { LibvirtConnectionError } from '../../../electron/libvirt/errors.js';
import { type Packet } from '../../../electron/libvirt/packet.js';
import {
  SYSTEM_SOCKET_DIR,
  chooseUnixSocket,
  openTransport,
  shellQuote,
  sshArgs,
  sshRemoteCommand,
} from '../../../electron/libvirt/transport.js';
import { daemonUriName, parseLibvirtUri, usesSessionDaemon } from '../../../electron/libvirt/uri.js';
import { array, int, struct } from '../../../electron/libvirt/xdr/schema.js';
import { FakeDaemon, reply, type FakeClient } from './fake-daemon.js';

const tmpDirs: string[] = [];
const cleanups: (() => void | Promise<void>)[] = [];
function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'virtdesk-transport-'));
  tmpDirs.push(d);
  return d;
}
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  for (const d of tmpDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function writeScript(dir: string, name: string, body: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, `#!${process.execPath}\n${body}`, { mode: 0o755 });
  return p;
}

describe('libvirt URIs', () => {
  it('parses driver, transport, user, host, port, path and params', () => {
    const u = parseLibvirtUri('qemu+ssh://alice@virt.example.com:2222/system?keyfile=/k&no_verify=1');
    expect(u).toMatchObject({
      driver: 'qemu',
      explicitTransport: 'ssh',
      transport: 'ssh',
      user: 'alice',
      host: 'virt.example.com',
      port: 2222,
      path: '/system',
      params: [
        ['keyfile', '/k'],
        ['no_verify', '1'],
      ],
    });
    expect(parseLibvirtUri('qemu:///system')).toMatchObject({
      transport: 'unix',
      host: null,
      path: '/system',
    });
    expect(parseLibvirtUri('qemu://host/system').transport).toBe('tls');
    expect(parseLibvirtUri('qemu+ssh://[fe80::1]/system').host).toBe('fe80::1');
    expect(parseLibvirtUri('test+unix:///default?socket=/a%20b').params).toEqual([['socket', '/a b']]);
  });

  it('rejects malformed URIs', () => {
    for (const bad of [
      'qemu:/system',
      'qemu+foo:///system',
      'qemu+unix://host/system',
      '',
      '/var/run/sock',
      'qemu+ssh://a%zz@h/system',
      'qemu+ssh://h/sys%zztem',
    ]) {
      expect(() => parseLibvirtUri(bad)).toThrow(LibvirtConnectionError);
    }
  });

  it('builds the name sent to the daemon like libvirt’s remote driver', () => {
    const name = (s: string) => daemonUriName(parseLibvirtUri(s));
    expect(name('qemu:///system')).toBe('qemu:///system');
    expect(name('qemu:///session')).toBe('qemu:///session');
    expect(name('test+unix:///default?socket=/tmp/s')).toBe('test:///default');
    expect(name('qemu+ssh://u@h:22/system?keyfile=/k&no_tty=1&foo=bar')).toBe('qemu:///system?foo=bar');
    expect(name('qemu+ssh://h/system?name=qemu:///embed')).toBe('qemu:///embed');
    expect(name('remote+ssh://h/')).toBe('');
  });

  it('uses the session daemon for /session and test+transport URIs, non-root only', () => {
    expect(usesSessionDaemon(parseLibvirtUri('qemu:///session'), 1000)).toBe(true);
    expect(usesSessionDaemon(parseLibvirtUri('test+unix:///default'), 1000)).toBe(true);
    expect(usesSessionDaemon(parseLibvirtUri('qemu:///system'), 1000)).toBe(false);
    expect(usesSessionDaemon(parseLibvirtUri('qemu:///session'), 0)).toBe(false);
  });
});

describe('UNIX socket selection', () => {
  it('system sockets, read-only variant, and ?socket= override', () => {
    const rw = chooseUnixSocket(parseLibvirtUri('qemu:///system'), { euid: 0 });
    const ro = chooseUnixSocket(parseLibvirtUri('qemu:///system'), { euid: 0, readOnly: true });
    expect(path.dirname(rw.socketPath)).toBe(SYSTEM_SOCKET_DIR);
    expect(rw.socketPath).toMatch(/-sock$/);
    expect(ro.socketPath).toMatch(/-sock-ro$/);
    const explicit = chooseUnixSocket(parseLibvirtUri('qemu:///system?socket=/x/y'), {});
    expect(explicit).toEqual({ socketPath: '/x/y', daemon: null });
  });

  it('session socket under $XDG_RUNTIME_DIR/libvirt, preferring a running daemon’s socket', () => {
    const run = tmpDir();
    const env = { XDG_RUNTIME_DIR: run, PATH: '/nonexistent' };
    const uri = parseLibvirtUri('qemu:///session');
    const noStart = chooseUnixSocket(uri, { euid: 1000, env, autostart: false });
    expect(noStart).toEqual({ socketPath: path.join(run, 'libvirt', 'libvirt-sock'), daemon: null });
    fs.mkdirSync(path.join(run, 'libvirt'));
    fs.writeFileSync(path.join(run, 'libvirt', 'virtqemud-sock'), '');
    expect(chooseUnixSocket(uri, { euid: 1000, env }).socketPath).toBe(
      path.join(run, 'libvirt', 'virtqemud-sock'),
    );
  });

  it('spawns the session daemon (argument array, --timeout=120) and waits for its socket', async () => {
    const dir = tmpDir();
    const run = path.join(dir, 'run');
    fs.mkdirSync(run);
    const record = path.join(dir, 'argv.json');
    const fake = writeScript(
      dir,
      'libvirtd',
      `const net = require('net'), fs = require('fs'), path = require('path');
fs.writeFileSync(${JSON.stringify(record)}, JSON.stringify({ argv: process.argv.slice(2), pid: process.pid }));
const d = path.join(process.env.XDG_RUNTIME_DIR, 'libvirt');
fs.mkdirSync(d, { recursive: true });
setTimeout(() => { const s = net.createServer((c) => c.end()); s.listen(path.join(d, 'libvirt-sock')); }, 200);
setTimeout(() => process.exit(0), 5000);
`,
    );
    cleanups.push(() => {
      try {
        const { pid } = JSON.parse(fs.readFileSync(record, 'utf8')) as { pid: number };
        process.kill(pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    });
    const env = { XDG_RUNTIME_DIR: run, LIBVIRTD_PATH: fake, PATH: '/nonexistent' };
    const sock = await openTransport(parseLibvirtUri('qemu:///session'), {
      euid: 1000,
      env,
      connectTimeout: 5000,
    });
    sock.destroy();
    expect(JSON.parse(fs.readFileSync(record, 'utf8')).argv).toEqual(['--timeout=120']);
  });

  it('a session daemon that never comes up fails within the bound', async () => {
    const dir = tmpDir();
    const fake = writeScript(dir, 'libvirtd', 'process.exit(1);\n');
    const env = { XDG_RUNTIME_DIR: dir, LIBVIRTD_PATH: fake, PATH: '/nonexistent' };
    const t0 = Date.now();
    await expect(
      openTransport(parseLibvirtUri('qemu:///session'), { euid: 1000, env, connectTimeout: 400 }),
    ).rejects.toThrow(/did not create/);
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});

describe('ssh transport', () => {
  it('builds an argument array with BatchMode, port, user and a -- separator', () => {
    const args = sshArgs(parseLibvirtUri('qemu+ssh://alice@h.example:2222/system?keyfile=/id'), false);
    expect(args.slice(0, -1)).toEqual([
      '-T',
      '-e',
      'none',
      '-o',
      'BatchMode=yes',
      '-p',
      '2222',
      '-l',
      'alice',
      '-i',
      '/id',
      '--',
      'h.example',
    ]);
    expect(args.at(-1)).toMatch(/^sh -c '/);
    expect(args.at(-1)).toContain('virt-ssh-helper');
    expect(sshArgs(parseLibvirtUri('qemu+ssh://h/system'), true).at(-1)).toContain('virt-ssh-helper -r');
  });

  it('quotes hostile socket paths so the remote shell passes them through verbatim', () => {
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
    const dir = tmpDir();
    const out = path.join(dir, 'nc-args.json');
    writeScript(
      dir,
      'nc',
      `if (process.argv[2] !== '-q') require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.argv.slice(2)));\n`,
    );
    const hostile = `/tmp/it's "a" $(touch ${dir}/pwned) \`id\`; rm -rf x/sock`;
    const uri = parseLibvirtUri(`qemu+ssh://h/system?socket=${encodeURIComponent(hostile)}`);
    const cmd = sshRemoteCommand(uri, false);
    // This is what the remote login shell does with the command string.
    const r = spawnSync('sh', ['-c', cmd], { env: { PATH: `${dir}:/usr/bin:/bin` }, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toEqual(['-U', hostile]);
    expect(fs.existsSync(path.join(dir, 'pwned'))).toBe(false);
  });

  it('opens a full connection through ssh (fake ssh + fake nc bridging to a fake daemon)', async () => {
    const authListRet = struct({ types: array(int, 20) });
    const daemon = await FakeDaemon.start((p: Packet, c: FakeClient) => {
      if (p.header.proc === procedures.authList.proc) reply(c, p.header, authListRet, { types: [0] });
      else if (p.header.proc === procedures.connectSupportsFeature.proc)
        reply(c, p.header, struct({ s: int }), { s: 0 });
      else reply(c, p.header);
    });
    cleanups.push(() => daemon.stop());
    const dir = tmpDir();
    const sshLog = path.join(dir, 'ssh-args.json');
    writeScript(
      dir,
      'ssh',
      `require('fs').writeFileSync(${JSON.stringify(sshLog)}, JSON.stringify(process.argv.slice(2)));
const cmd = process.argv[process.argv.length - 1];
const c = require('child_process').spawn('sh', ['-c', cmd], { stdio: 'inherit' });
c.on('exit', (code) => process.exit(code ?? 1));
`,
    );
    writeScript(
      dir,
      'nc',
      `if (process.argv[2] === '-q') process.exit(0);
const s = require('net').createConnection(process.argv[process.argv.length - 1]);
process.stdin.pipe(s); s.pipe(process.stdout);
s.on('close', () => process.exit(0));
`,
    );
    const uri = `test+ssh://bob@fakehost:2200/default?socket=${encodeURIComponent(daemon.socketPath)}`;
    const conn = await openConnection(uri, { env: { PATH: `${dir}:/usr/bin:/bin` } });
    const closed = new Promise((r) => conn.on('close', r));
    expect(conn.daemonUri).toBe('test:///default');
    await conn.close();
    await closed;
    const args = JSON.parse(fs.readFileSync(sshLog, 'utf8')) as string[];
    expect(args).toContain('BatchMode=yes');
    expect(args.slice(args.indexOf('--'), -1)).toEqual(['--', 'fakehost']);
    expect(args.slice(args.indexOf('-p'), args.indexOf('-p') + 4)).toEqual(['-p', '2200', '-l', 'bob']);
  });

  it('reports ssh failures with ssh’s own stderr', async () => {
    const dir = tmpDir();
    writeScript(
      dir,
      'ssh',
      `process.stderr.write('bob@fakehost: Permission denied (publickey).\\n'); process.exit(255);\n`,
    );
    await expect(
      openConnection('qemu+ssh://bob@fakehost/system', { env: { PATH: `${dir}:/usr/bin:/bin` } }),
    ).rejects.toThrow(/Permission denied \(publickey\)/);
  });
});
