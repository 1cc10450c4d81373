#!/usr/bin/env node
// Checks that the Debian packages the tests (and `npm run bench`) need are installed.
// - all present: prints nothing and exits 0 (fast: one dpkg-query call);
// - missing and root: `apt-get update` + `apt-get install -y --no-install-recommends …` (progress shown);
// - missing and not root: prints the exact `sudo apt-get install …` command and exits 1.
// As root it also makes sure the unprivileged user `virtdesk-test` exists (the private test daemon runs as it).
// Plain Node ESM, no dependencies; every command is spawned with an argument array.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const PACKAGES = [
  'libvirt-daemon-system',
  'libvirt-clients',
  'qemu-system-x86',
  'qemu-utils',
  'dnsmasq-base',
  'iproute2', // the private system daemon's network namespace (ip link); libvirt only recommends it
  'chromium',
  'busybox-static',
  'linux-image-cloud-amd64',
  'cpio',
  'qemu-guest-agent', // qemu-ga inside the tiny guest (guest-agent tests)
  'python3-libvirt', // benchmark
  'websockify', // benchmark
  'osinfo-db', // OS list and ISO detection (New VM); unit tests read the real catalogue when present
  'libvirt-dev', // libvirt-api.xml: the unit tests check our libvirt constants against it
  'pkg-config', // finds libvirt-api.xml
  'kbd', // loadkeys: a real German console keymap for the guest (paste as typing e2e)
  'console-data', // the keymaps loadkeys compiles
  'ovmf', // UEFI firmware: the Hardware tab's BIOS → UEFI switch (integration and e2e tests)
  'swtpm', // emulated TPM (the Hardware tab's TPM: integration tests start a VM with one)
  'swtpm-tools', // swtpm_setup, which libvirt runs to create a TPM's state
  'tgt', // a userspace iSCSI target for the iSCSI pool tests (tests/support/iscsi-target.ts)
  'libvirt-daemon-driver-storage-iscsi-direct', // iSCSI-direct pools (libiscsi; no kernel initiator)
  'open-iscsi', // iscsiadm: libvirt's iSCSI discovery and login (only where the kernel has iscsi_tcp)
  'gdb', // the thread stacks of a private libvirtd that stops answering mid-run (tests/support/daemon-watch.ts)
];
const TEST_USER = 'virtdesk-test';
const TEST_HOME = `/var/lib/${TEST_USER}`;

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const say = (msg) => process.stderr.write(`[ensure-host] ${msg}\n`);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw new Error(`${cmd} could not run: ${r.error.message}`);
  return r.status ?? 1;
}

/** Packages whose dpkg status is not "install ok installed". */
function missingPackages() {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package}\\t${db:Status-Abbrev}\\n', ...PACKAGES], {
    encoding: 'utf8',
  });
  if (r.error) {
    say(`dpkg-query could not run (${r.error.message}): this test bed needs a Debian (12 "bookworm") host.`);
    process.exit(1);
  }
  const installed = new Set();
  for (const line of r.stdout.split('\n')) {
    const [name, status] = line.split('\t');
    // db:Status-Abbrev is e.g. "ii " (desired=install, status=installed).
    if (name && status && status.startsWith('ii')) installed.add(name.split(':')[0]);
  }
  return PACKAGES.filter((p) => !installed.has(p));
}

function userExists(name) {
  try {
    return fs
      .readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .some((line) => line.split(':')[0] === name);
  } catch {
    return false;
  }
}

let missing = missingPackages();
if (missing.length > 0) {
  const install = ['apt-get', 'install', '-y', '--no-install-recommends', ...missing];
  if (!isRoot) {
    say(`missing Debian packages: ${missing.join(' ')}`);
    say('install them with:');
    process.stdout.write(`sudo apt-get update && sudo ${install.join(' ')}\n`);
    process.exit(1);
  }
  say(`installing missing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (run('apt-get', ['update'], { env }) !== 0) {
    say('apt-get update failed');
    process.exit(1);
  }
  if (run(install[0], install.slice(1), { env }) !== 0) {
    say(`apt-get install failed: ${missing.join(' ')}`);
    process.exit(1);
  }
  missing = missingPackages();
  if (missing.length > 0) {
    say(`still missing after apt-get install: ${missing.join(' ')}`);
    process.exit(1);
  }
}

if (!userExists(TEST_USER)) {
  if (isRoot) {
    say(`creating the unprivileged test user ${TEST_USER}`);
    const status = run('useradd', [
      '--system',
      '--create-home',
      '--home-dir',
      TEST_HOME,
      '--shell',
      '/usr/sbin/nologin',
      TEST_USER,
    ]);
    if (status !== 0) {
      say(`useradd ${TEST_USER} failed`);
      process.exit(1);
    }
  }
  // Not root: the private daemon runs as the current user, no extra account needed.
}
