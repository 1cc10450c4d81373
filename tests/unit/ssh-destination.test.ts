import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseLibvirtUri as parseConsoleUri, sshArgs as consoleSshArgs } from '../../electron/console/uri.js';
import { hostShellCommand } from '../../electron/console/pty-session.js';
import { routeToVnc } from '../../electron/console/vnc-target.js';
import { collectRemoteFacts, sshTarget } from '../../electron/host/facts.js';
import { openConnection } from '../../electron/libvirt/connection.js';
import {
  checkConnectTimeout,
  checkSshDestination,
  checkSshHost,
  checkSshPath,
  checkSshPort,
  checkSshUser,
  SshDestinationError,
} from '../../electron/libvirt/ssh-destination.js';
import { sshArgs as transportSshArgs } from '../../electron/libvirt/transport.js';
import { parseLibvirtUri } from '../../electron/libvirt/uri.js';

const HOSTILE_USERS = [
  'a\ntouch /tmp/pwned',
  'a\rb',
  '$(touch /tmp/pwned)',
  '`touch /tmp/pwned`',
  '-oProxyCommand=touch /tmp/pwned',
  '-o',
  'a b',
  'a;b',
  'a|b',
  'a&b',
  "a'b",
  'a"b',
  'a%r',
  'root:pw',
  'a\u0000b',
  'a\u202eb',
  '',
  'x'.repeat(65),
];

const HOSTILE_HOSTS = [
  '-oProxyCommand=touch /tmp/pwned',
  '-h',
  'h\nProxyCommand x',
  'h x',
  '$(touch /tmp/pwned)',
  '`id`',
  'h;id',
  'h%0A',
  'fe80::1%eth0;id',
  '::1 -o',
  '.h',
  'h.',
  '',
];

describe('ssh destination validator', () => {
  it('accepts ordinary hosts, users, ports and paths', () => {
    for (const h of [
      'kvm1.example.com',
      'localhost',
      'h',
      '10.0.0.1',
      'fe80::1',
      '::1',
      'fe80::1%eth0',
      'my_host',
    ])
      expect(checkSshHost(h)).toBe(h);
    for (const u of ['root', 'alice', 'bob.smith', 'svc_virt', 'a-b', '_x', 'u1'])
      expect(checkSshUser(u)).toBe(u);
    expect(checkSshPort('22')).toBe(22);
    expect(checkSshPort(65535)).toBe(65535);
    expect(checkSshPath('/home/a/.ssh/id_ed25519', 'key file')).toBe('/home/a/.ssh/id_ed25519');
    expect(checkConnectTimeout(10)).toBe(10);
    expect(checkSshDestination({ host: 'h', user: null, port: null })).toEqual({
      host: 'h',
      user: null,
      port: null,
      keyFile: null,
      knownHostsFile: null,
      connectTimeout: null,
    });
  });

  it.each(HOSTILE_USERS)('refuses the user name %j with a plain message', (u) => {
    expect(() => checkSshUser(u)).toThrow(SshDestinationError);
    expect(() => checkSshUser(u)).toThrow(/ssh user name .* is not allowed/);
  });

  it.each(HOSTILE_HOSTS)('refuses the host %j', (h) => {
    expect(() => checkSshHost(h)).toThrow(SshDestinationError);
  });

  it('refuses bad ports, paths and timeouts', () => {
    for (const p of [0, 65536, -1, 1.5, NaN, '22x', '-22', '', '0x16', '1e3'])
      expect(() => checkSshPort(p)).toThrow(/ssh port/);
    for (const p of ['relative/key', '-oProxyCommand=x', '/k\nx', '~/.ssh/id', ''])
      expect(() => checkSshPath(p, 'key file')).toThrow(/key file/);
    expect(() => checkSshPath('/a b/known', 'known-hosts file', true)).toThrow(/blanks or quotes/);
    expect(checkSshPath('/a b/key', 'key file')).toBe('/a b/key');
    for (const t of [0, -1, 1.5, 3601, NaN]) expect(() => checkConnectTimeout(t)).toThrow(/connect timeout/);
  });

  // Every caller percent-decodes first and then validates: the encoded forms of the attacks are refused.
  const ENCODED_ATTACKS = [
    'qemu+ssh://a%0Atouch%20%2Ftmp%2Fpwned@localhost/system',
    'qemu+ssh://%24(touch%20%2Ftmp%2Fpwned)@localhost/system',
    'qemu+ssh://%60id%60@localhost/system',
    'qemu+ssh://%2DoProxyCommand%3Dtouch%20x@localhost/system',
    'qemu+ssh://a%20b@localhost/system',
    'qemu+ssh://%2DoProxyCommand%3Dx/system',
    'qemu+ssh://h%0Ax/system',
    'qemu+ssh://h/system?keyfile=-oProxyCommand%3Dx',
  ];

  it.each(ENCODED_ATTACKS)('the libvirt transport refuses %s', (uri) => {
    let parsed;
    try {
      parsed = parseLibvirtUri(uri);
    } catch {
      return; // refused even earlier, by the URI parser
    }
    expect(() => transportSshArgs(parsed, false)).toThrow(/not allowed|no host/);
  });

  it.each(ENCODED_ATTACKS)('consoles refuse %s', (uri) => {
    expect(() => consoleSshArgs(parseConsoleUri(uri), { interactive: true })).toThrow(/not allowed/);
  });

  it.each(ENCODED_ATTACKS.filter((u) => !u.includes('keyfile')))('host facts refuse %s', (uri) => {
    expect(() => sshTarget(uri)).toThrow(SshDestinationError);
  });

  it('every caller puts "--" right before the host, after all options', () => {
    const uri = 'qemu+ssh://alice@h.example:2222/system?keyfile=/id';
    const a = transportSshArgs(parseLibvirtUri(uri), false);
    const b = consoleSshArgs(parseConsoleUri(uri), { interactive: false, options: ['-T'] });
    for (const args of [a, b]) expect(args[args.indexOf('--') + 1]).toBe('h.example');
    expect(sshTarget(uri)).toMatchObject({ host: 'h.example', user: 'alice', port: 2222 });
  });
});

/**
 * The attack end to end: a fake `ssh` on PATH records its argv and then does what OpenSSH does for
 * `Match exec "… %r"` in ssh_config: substitutes the user name into a shell command line.
 */
describe('ssh injection through a user name, against a fake ssh', () => {
  let dir: string;
  let log: string;
  let marker: string;
  let savedPath: string | undefined;
  let attackUri: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'virtdesk-ssh-inject-'));
    log = path.join(dir, 'ssh-argv');
    marker = path.join(dir, 'pwned');
    fs.writeFileSync(
      path.join(dir, 'ssh'),
      `#!/bin/sh
printf '%s\\n' "$@" >> '${log}'
user=; prev=
for a in "$@"; do [ "$prev" = "-l" ] && user="$a"; prev="$a"; done
sh -c "true $user" >/dev/null 2>&1
echo 'ssh: connect to host: Connection refused' >&2
exit 255
`,
      { mode: 0o755 },
    );
    savedPath = process.env.PATH;
    process.env.PATH = `${dir}:${savedPath ?? '/usr/bin:/bin'}`;
    attackUri = `qemu+ssh://a%0Atouch%20${encodeURIComponent(marker)}@localhost/system`;
  });

  afterEach(() => {
    process.env.PATH = savedPath;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const sshWasRun = (): boolean => fs.existsSync(log);

  it('the fake ssh really executes an unchecked user name (control)', () => {
    spawnSync(path.join(dir, 'ssh'), ['-l', `a\ntouch ${marker}`, '--', 'localhost'], { encoding: 'utf8' });
    expect(fs.existsSync(marker)).toBe(true);
  });

  it('libvirt transport: a valid URI reaches ssh (control), the attack does not', async () => {
    await expect(openConnection('qemu+ssh://alice@localhost/system')).rejects.toThrow(/Connection refused/);
    expect(sshWasRun()).toBe(true);
    fs.rmSync(log);
    await expect(openConnection(attackUri)).rejects.toThrow(/ssh user name .* is not allowed/);
    expect(sshWasRun()).toBe(false);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('consoles (VNC over ssh and the host terminal): the attack never reaches ssh', async () => {
    const ok = routeToVnc(
      { kind: 'tcp', host: '127.0.0.1', port: 5900, passwordNeeded: false },
      parseConsoleUri('qemu+ssh://alice@localhost/system'),
    );
    await expect(
      ok
        .connect(() => undefined)
        .then(
          (d) =>
            new Promise((_resolve, reject) => {
              d.on('error', reject);
              d.on('close', () => reject(new Error('closed')));
              d.resume();
            }),
        ),
    ).rejects.toThrow(/Connection refused|closed/);
    expect(sshWasRun()).toBe(true);
    fs.rmSync(log);

    expect(() =>
      routeToVnc(
        { kind: 'tcp', host: '127.0.0.1', port: 5900, passwordNeeded: false },
        parseConsoleUri(attackUri),
      ),
    ).toThrow(/ssh user name .* is not allowed/);
    expect(() =>
      routeToVnc({ kind: 'unix', path: '/run/vnc.sock', passwordNeeded: false }, parseConsoleUri(attackUri)),
    ).toThrow(/ssh user name .* is not allowed/);
    expect(() => hostShellCommand(attackUri)).toThrow(/ssh user name .* is not allowed/);
    expect(sshWasRun()).toBe(false);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('host facts (readiness): the attack never reaches ssh', async () => {
    await expect(collectRemoteFacts('qemu+ssh://alice@localhost/system', 5000)).rejects.toThrow(
      /Connection refused/,
    );
    expect(sshWasRun()).toBe(true);
    fs.rmSync(log);
    await expect(collectRemoteFacts(attackUri, 5000)).rejects.toThrow(/ssh user name .* is not allowed/);
    expect(sshWasRun()).toBe(false);
    expect(fs.existsSync(marker)).toBe(false);
  });
});
