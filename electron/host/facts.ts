/**
 * Collects the facts the readiness check evaluates: locally with plain fs reads, on a qemu+ssh host by
 * running a constant read-only script through `ssh` (argument array, nothing interpolated).
 */
import { spawn } from 'node:child_process';
import { open, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import {
  REMOTE_FACTS_SCRIPT,
  groupMemberships,
  parseCpuinfo,
  parseFactsScriptOutput,
  type HostFacts,
} from './readiness.js';
import {
  checkSshDestination,
  SshDestinationError,
  sshDestinationOptions,
  type SshDestination,
} from '../libvirt/ssh-destination.js';

export type SystemFacts = Pick<
  HostFacts,
  'arch' | 'cpuFlags' | 'cpuVendor' | 'modules' | 'devKvm' | 'user' | 'nested'
>;

const readText = async (p: string): Promise<string | null> => {
  try {
    return await readFile(p, 'utf8');
  } catch {
    return null;
  }
};

const ARCH: Record<string, string> = {
  x64: 'x86_64',
  ia32: 'i686',
  arm64: 'aarch64',
  arm: 'armv7l',
  ppc64: 'ppc64le',
  s390x: 's390x',
};

/** Facts of the machine this process runs on. `root` lets tests point at a fake filesystem tree. */
export async function collectLocalFacts(root = ''): Promise<SystemFacts> {
  const cpuinfo = await readText(`${root}/proc/cpuinfo`);
  const parsed = cpuinfo === null ? null : parseCpuinfo(cpuinfo);

  let modules: string[] | null = null;
  const procModules = await readText(`${root}/proc/modules`);
  const sysModules = await readdir(`${root}/sys/module`).catch(() => null);
  if (procModules !== null || sysModules !== null) {
    const set = new Set<string>(sysModules ?? []);
    for (const line of (procModules ?? '').split('\n')) {
      const name = line.split(' ')[0];
      if (name) set.add(name);
    }
    modules = [...set];
  }

  let devKvm: HostFacts['devKvm'];
  try {
    const fh = await open(`${root}/dev/kvm`, 'r+');
    await fh.close();
    devKvm = { state: 'ok' };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    devKvm =
      code === 'ENOENT'
        ? { state: 'missing', error: code }
        : code === 'EACCES' || code === 'EPERM'
          ? { state: 'denied', error: code }
          : { state: 'error', error: code };
  }

  let user: HostFacts['user'];
  try {
    const info = os.userInfo();
    const groupFile = (await readText(`${root}/etc/group`)) ?? '';
    const byGid = new Map<number, string>();
    const lines = groupFile.split('\n').filter((l) => l.includes(':'));
    for (const l of lines) {
      const [name, , gid] = l.split(':');
      if (name && gid) byGid.set(Number(gid), name);
    }
    const gids = typeof process.getgroups === 'function' ? process.getgroups() : [];
    const effective = [...new Set([info.gid, ...gids])].map((g) => byGid.get(g) ?? String(g));
    const primary = byGid.get(info.gid);
    user = {
      name: info.username,
      uid: info.uid,
      effectiveGroups: effective,
      configuredGroups: groupMemberships(lines, info.username, primary ? [primary] : []),
    };
  } catch {
    user = null;
  }

  let nested: HostFacts['nested'] = null;
  for (const m of ['kvm_intel', 'kvm_amd'] as const) {
    const v = await readText(`${root}/sys/module/${m}/parameters/nested`);
    if (v !== null) {
      nested = { module: m, value: v.trim() };
      break;
    }
  }

  return {
    arch: ARCH[os.arch()] ?? os.arch(),
    cpuFlags: parsed ? parsed.flags : null,
    cpuVendor: parsed ? parsed.vendor : null,
    modules,
    devKvm,
    user,
    nested,
  };
}

/**
 * ssh target of a qemu+ssh URI, or null when the URI is not ssh. The percent-decoded host, user and
 * port go through the shared ssh validator, which throws a plain-worded SshDestinationError.
 */
export function sshTarget(uri: string): SshDestination | null {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return null;
  }
  if (!/^[a-z0-9]+\+ssh:$/i.test(u.protocol)) return null;
  const decode = (part: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      throw new SshDestinationError('The ssh address of this connection is badly percent-encoded.');
    }
  };
  return checkSshDestination({
    host: decode(u.hostname.replace(/^\[|\]$/g, '')),
    user: u.username ? decode(u.username) : null,
    port: u.port || null,
    connectTimeout: REMOTE_CONNECT_TIMEOUT_S,
  });
}

const REMOTE_CONNECT_TIMEOUT_S = 10;

/** Runs REMOTE_FACTS_SCRIPT on the ssh host of `uri`. Rejects when ssh fails. */
export async function collectRemoteFacts(uri: string, timeoutMs = 20_000): Promise<SystemFacts> {
  const t = sshTarget(uri);
  if (!t) throw new Error('Host facts need a qemu+ssh connection.');
  const args = ['-o', 'BatchMode=yes', '-T', ...sshDestinationOptions(t), '--', t.host, REMOTE_FACTS_SCRIPT];
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn('ssh', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.stdout
      .setEncoding('utf8')
      .on('data', (d: string) => (stdout += d.length + stdout.length < 1_000_000 ? d : ''));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += stderr.length < 10_000 ? d : ''));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (stdout.includes('@@end')) resolve(stdout);
      else reject(new Error(`ssh ${t.host} failed (exit ${code}): ${stderr.trim()}`));
    });
  });
  return parseFactsScriptOutput(out);
}
