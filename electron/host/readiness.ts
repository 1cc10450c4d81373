/**
 * KVM readiness check: pure functions over facts collected from the host (see facts.ts), so tests can
 * feed a fake host. Every failed or warning item says why (`reason` + `detail`) and carries the exact
 * commands that fix it on Debian/Ubuntu and on Fedora.
 *
 * The decisive facts come first: when /dev/kvm can be opened, or libvirt offers the kvm domain type, KVM
 * works here — whatever the CPU flags say (a VM whose hypervisor hides vmx/svm) and whichever module
 * provides it (kvm_intel, kvm_amd, or another one such as kvm_pvm). The CPU-flag and module items only
 * explain a host where KVM does not work, and only name a vendor module when the CPU flags say it applies.
 */
import { attr, descendants, parseXml, text, XmlError } from '../libvirt-xml/index.js';

export type ReadinessStatus = 'pass' | 'fail' | 'warn' | 'skip';

export type ReadinessItemId =
  'cpu-virt' | 'kvm-modules' | 'dev-kvm' | 'daemon' | 'groups' | 'kvm-domcaps' | 'nested';

export interface ReadinessFix {
  debian: string[];
  fedora: string[];
}

export interface ReadinessItem {
  id: ReadinessItemId;
  status: ReadinessStatus;
  /** machine-readable reason, also the i18n key suffix: readiness.<id>.<reason> */
  reason: string;
  /** the raw fact behind the verdict (flag found, error text, group list…) */
  detail: string;
  /** English explanation (the renderer shows its own translation of `reason` when it has one) */
  message: string;
  fix: ReadinessFix | null;
  /** steps that are not commands (firmware settings, re-login) */
  noteKey: 'firmware' | 'relogin' | 'outer-host' | null;
}

export interface ReadinessReport {
  where: 'local' | 'remote';
  host: string;
  uri: string;
  ok: boolean;
  items: ReadinessItem[];
}

/** What the check looks at. `null` = could not be collected (unknown). */
export interface HostFacts {
  where: 'local' | 'remote';
  host: string;
  uri: string;
  /** `uname -m` style: x86_64, aarch64, … */
  arch: string | null;
  /** the flags of /proc/cpuinfo (first CPU) */
  cpuFlags: string[] | null;
  cpuVendor: string | null;
  /** loaded kernel modules (from /proc/modules and /sys/module) */
  modules: string[] | null;
  devKvm: { state: 'ok' | 'missing' | 'denied' | 'error'; error?: string } | null;
  user: {
    name: string;
    uid: number;
    /** groups of the running process (what is effective now) */
    effectiveGroups: string[];
    /** groups the user is a member of in the group database (effective after re-login) */
    configuredGroups: string[] | null;
  } | null;
  daemon: { reachable: boolean; error?: string };
  /**
   * KVM offered by the daemon's domain capabilities; null when not checked (daemon unreachable).
   * `unsupported`: the connection's driver has no domain capabilities at all (libvirt answered
   * VIR_ERR_NO_SUPPORT / VIR_ERR_OPERATION_UNSUPPORTED, e.g. the test:// driver) and its capabilities
   * list no kvm guest: it does not run KVM guests, so the check does not apply.
   */
  kvmDomainCaps: { offered: boolean; error?: string; unsupported?: boolean } | null;
  /** content of /sys/module/kvm_{intel,amd}/parameters/nested */
  nested: { module: 'kvm_intel' | 'kvm_amd'; value: string } | null;
}

const MODPROBE = (m: string): ReadinessFix => ({
  debian: [`sudo modprobe ${m}`],
  fedora: [`sudo modprobe ${m}`],
});
const INSTALL: ReadinessFix = {
  debian: ['sudo apt install qemu-system-x86 libvirt-daemon-system', 'sudo systemctl enable --now libvirtd'],
  fedora: ['sudo dnf install @virtualization', 'sudo systemctl enable --now virtqemud.socket'],
};
const GROUPS_FIX: ReadinessFix = {
  debian: ['sudo usermod -aG libvirt,kvm $USER'],
  fedora: ['sudo usermod -aG libvirt,kvm $USER'],
};

const isX86 = (arch: string | null): boolean => arch === null || /^(x86_64|amd64|i[3-6]86)$/.test(arch);

/** Which vendor module applies: from the flags, else from the vendor string. */
export function vendorModule(f: Pick<HostFacts, 'cpuFlags' | 'cpuVendor'>): 'kvm_intel' | 'kvm_amd' | null {
  return flagModule(f) ?? vendorStringModule(f);
}

/** The vendor module the CPU flags call for: only a CPU that shows vmx/svm can load kvm_intel/kvm_amd. */
export function flagModule(f: Pick<HostFacts, 'cpuFlags'>): 'kvm_intel' | 'kvm_amd' | null {
  if (f.cpuFlags?.includes('vmx')) return 'kvm_intel';
  if (f.cpuFlags?.includes('svm')) return 'kvm_amd';
  return null;
}

const vendorStringModule = (f: Pick<HostFacts, 'cpuVendor'>): 'kvm_intel' | 'kvm_amd' | null =>
  f.cpuVendor === 'GenuineIntel'
    ? 'kvm_intel'
    : f.cpuVendor === 'AuthenticAMD' || f.cpuVendor === 'HygonGenuine'
      ? 'kvm_amd'
      : null;

/** A module that provides KVM: `kvm` itself and its vendor/backends (kvm_intel, kvm_amd, kvm_pvm, …). */
export const isKvmModule = (m: string): boolean => m === 'kvm' || m.startsWith('kvm_');

/** The decisive facts: can guests use KVM here, as far as this host tells? */
export function kvmWorks(f: Pick<HostFacts, 'devKvm' | 'kvmDomainCaps'>): boolean {
  return f.devKvm?.state === 'ok' || f.kvmDomainCaps?.offered === true;
}

const kvmEvidence = (f: Pick<HostFacts, 'devKvm' | 'kvmDomainCaps'>): string =>
  [f.devKvm?.state === 'ok' ? '/dev/kvm' : null, f.kvmDomainCaps?.offered ? 'libvirt: kvm' : null]
    .filter(Boolean)
    .join(', ');

/** The driver part of a libvirt URI: `test` of test+unix:///default, `qemu` of qemu+ssh://h/system. */
export const driverName = (uri: string): string => /^([a-z0-9]+)[+:]/i.exec(uri)?.[1] ?? uri;

/** True for a system (privileged) libvirt URI: qemu:///system, qemu+ssh://h/system, … */
export const isSystemUri = (uri: string): boolean => /^qemu(\+[a-z]+)?:\/\/[^/]*\/system(\?|$)/.test(uri);

function item(
  id: ReadinessItemId,
  status: ReadinessStatus,
  reason: string,
  detail: string,
  message: string,
  fix: ReadinessFix | null = null,
  noteKey: ReadinessItem['noteKey'] = null,
): ReadinessItem {
  return { id, status, reason, detail, message, fix, noteKey };
}

export function checkCpuVirt(f: HostFacts): ReadinessItem {
  if (!isX86(f.arch))
    return item(
      'cpu-virt',
      'skip',
      'arch',
      f.arch ?? '',
      `CPU flags are not checked on ${f.arch}; /dev/kvm decides.`,
    );
  if (f.cpuFlags === null)
    return item('cpu-virt', 'warn', 'unknown', '', 'Could not read /proc/cpuinfo on this host.');
  if (f.cpuFlags.includes('vmx'))
    return item('cpu-virt', 'pass', 'vmx', 'vmx', 'Intel VT-x is available (vmx).');
  if (f.cpuFlags.includes('svm')) return item('cpu-virt', 'pass', 'svm', 'svm', 'AMD-V is available (svm).');
  if (kvmWorks(f))
    return item(
      'cpu-virt',
      'pass',
      'kvm-works',
      kvmEvidence(f),
      f.cpuFlags.includes('hypervisor')
        ? 'This machine is itself a virtual machine and its CPU does not show vmx/svm, but KVM works here.'
        : 'The CPU does not show vmx/svm, but KVM works here.',
    );
  if (f.cpuFlags.includes('hypervisor')) {
    // The outer host runs the same CPU vendor: its module is named by this CPU's vendor string. Unknown
    // vendor → the note only (no guessed module name).
    const m = vendorStringModule(f);
    const cmds = m
      ? [
          `echo "options ${m} nested=1" | sudo tee /etc/modprobe.d/kvm-nested.conf`,
          `sudo modprobe -r ${m}`,
          `sudo modprobe ${m}`,
        ]
      : null;
    return item(
      'cpu-virt',
      'fail',
      'nested-guest',
      'hypervisor',
      'This machine is itself a virtual machine and its CPU does not expose vmx/svm: enable nested ' +
        'virtualization on the outer host (and pass the host CPU model to this VM).',
      cmds ? { debian: cmds, fedora: cmds } : null,
      'outer-host',
    );
  }
  return item(
    'cpu-virt',
    'fail',
    'no-flags',
    '',
    'The CPU does not report vmx (Intel VT-x) or svm (AMD-V): enable virtualization in the firmware ' +
      '(BIOS/UEFI) setup, or the CPU does not support it.',
    null,
    'firmware',
  );
}

export function checkModules(f: HostFacts): ReadinessItem {
  const loaded = (f.modules ?? []).filter(isKvmModule).sort();
  // KVM works: whichever module provides it is fine (kvm_pvm, a kernel with KVM built in, …).
  if (kvmWorks(f))
    return item(
      'kvm-modules',
      'pass',
      loaded.length ? 'loaded' : 'kvm-works',
      loaded.join(', ') || kvmEvidence(f),
      loaded.length ? `Loaded: ${loaded.join(', ')}.` : 'KVM works here (built into the kernel).',
    );
  if (f.modules === null)
    return item('kvm-modules', 'warn', 'unknown', '', 'Could not list the loaded kernel modules.');
  const has = (m: string) => f.modules!.includes(m);
  const vm = isX86(f.arch) ? flagModule(f) : null;
  const missing: string[] = [];
  if (!has('kvm')) missing.push('kvm');
  if (vm && !has(vm)) missing.push(vm);
  if (missing.length === 0 && loaded.length > 0)
    return item('kvm-modules', 'pass', 'loaded', loaded.join(', '), `Loaded: ${loaded.join(', ')}.`);
  const noFlags = isX86(f.arch) && f.cpuFlags !== null && vm === null;
  if (noFlags)
    // Without vmx/svm no vendor module can load: the CPU item says what to do; no modprobe to suggest.
    return item(
      'kvm-modules',
      'fail',
      'missing-no-flags',
      missing.join(', ') || 'kvm_intel / kvm_amd',
      'No KVM module can load until the CPU exposes vmx/svm (see the CPU item).',
    );
  const target = vm && missing.includes(vm) ? vm : (missing[0] ?? 'kvm');
  return item(
    'kvm-modules',
    'fail',
    'missing',
    missing.join(', '),
    `Not loaded: ${missing.join(', ')}.`,
    MODPROBE(target),
  );
}

export function checkDevKvm(f: HostFacts): ReadinessItem {
  const d = f.devKvm;
  if (d === null) return item('dev-kvm', 'warn', 'unknown', '', 'Could not check /dev/kvm.');
  // libvirt offers KVM: its QEMU can open /dev/kvm (on qemu:///system it runs as its own user), so what
  // this user may do with /dev/kvm does not matter.
  if (d.state !== 'ok' && f.kvmDomainCaps?.offered)
    return item(
      'dev-kvm',
      'pass',
      'libvirt-has-kvm',
      d.error ?? d.state,
      'This user cannot open /dev/kvm, but libvirt can: it offers KVM to its guests.',
    );
  const m = flagModule(f);
  const modprobe = (...cmds: string[]): string[] => (m ? cmds.map((c) => c.replaceAll('$M', m)) : []);
  switch (d.state) {
    case 'ok':
      return item(
        'dev-kvm',
        'pass',
        'ok',
        '/dev/kvm',
        '/dev/kvm is present and can be opened for read/write.',
      );
    case 'missing':
      return item(
        'dev-kvm',
        'fail',
        'missing',
        d.error ?? 'ENOENT',
        '/dev/kvm does not exist: the KVM modules are not loaded or the CPU has no virtualization ' +
          'extensions; without it VMs run in slow emulation (TCG).',
        {
          debian: [...modprobe('sudo modprobe $M'), 'sudo apt install qemu-system-x86'],
          fedora: [...modprobe('sudo modprobe $M'), 'sudo dnf install qemu-kvm'],
        },
      );
    case 'denied':
      return item(
        'dev-kvm',
        'fail',
        'denied',
        d.error ?? 'EACCES',
        `/dev/kvm exists but ${f.user?.name ?? 'this user'} cannot open it for read/write: join the kvm group ` +
          '(then log out and back in).',
        {
          debian: ['sudo usermod -aG kvm $USER', 'sudo apt install qemu-system-x86'],
          fedora: ['sudo usermod -aG kvm $USER', 'sudo dnf install qemu-kvm'],
        },
        'relogin',
      );
    default:
      return item(
        'dev-kvm',
        'fail',
        'error',
        d.error ?? '',
        `/dev/kvm could not be opened: ${d.error ?? 'error'}.`,
        m
          ? {
              debian: modprobe('sudo modprobe -r $M', 'sudo modprobe $M'),
              fedora: modprobe('sudo modprobe -r $M', 'sudo modprobe $M'),
            }
          : null,
      );
  }
}

export function checkDaemon(f: HostFacts): ReadinessItem {
  if (f.daemon.reachable) return item('daemon', 'pass', 'reachable', f.uri, `libvirt answers at ${f.uri}.`);
  const err = f.daemon.error ?? '';
  if (/permission denied|EACCES|authentication|polkit|not authorized/i.test(err))
    return item(
      'daemon',
      'fail',
      'denied',
      err,
      `The libvirt daemon refused ${f.user?.name ?? 'this user'}: join the libvirt group (then log out and back in).`,
      GROUPS_FIX,
      'relogin',
    );
  return item(
    'daemon',
    'fail',
    'unreachable',
    err,
    `libvirt does not answer at ${f.uri}: the daemon is not installed or not running.`,
    INSTALL,
  );
}

export function checkGroups(f: HostFacts): ReadinessItem {
  if (!isSystemUri(f.uri))
    return item('groups', 'skip', 'session', f.uri, 'Group membership matters only for qemu:///system.');
  const u = f.user;
  if (u === null) return item('groups', 'warn', 'unknown', '', 'Could not read the user and its groups.');
  if (u.uid === 0) return item('groups', 'pass', 'root', 'root', 'Running as root.');
  const need = ['libvirt', 'kvm'];
  const missingNow = need.filter((g) => !u.effectiveGroups.includes(g));
  if (missingNow.length === 0)
    return item(
      'groups',
      'pass',
      'member',
      u.effectiveGroups.join(' '),
      `${u.name} is in the libvirt and kvm groups.`,
    );
  const configured = u.configuredGroups ?? [];
  const missingConfigured = need.filter((g) => !configured.includes(g) && !u.effectiveGroups.includes(g));
  // The daemon may still let the user in (polkit); then missing groups are a warning, not a failure.
  const status: ReadinessStatus = f.daemon.reachable ? 'warn' : 'fail';
  if (missingConfigured.length === 0)
    return item(
      'groups',
      status,
      'relogin',
      missingNow.join(', '),
      `${u.name} was added to ${missingNow.join(', ')} but this session predates it: log out and back in.`,
      { debian: ['newgrp libvirt'], fedora: ['newgrp libvirt'] },
      'relogin',
    );
  return item(
    'groups',
    status,
    'missing',
    missingConfigured.join(', '),
    `${u.name} is not in the ${missingConfigured.join(' and ')} group${missingConfigured.length > 1 ? 's' : ''}.`,
    GROUPS_FIX,
    'relogin',
  );
}

export function checkKvmDomainCaps(f: HostFacts): ReadinessItem {
  const c = f.kvmDomainCaps;
  if (c === null)
    return item('kvm-domcaps', 'skip', 'no-daemon', '', 'Not checked: the daemon is not reachable.');
  if (c.offered) return item('kvm-domcaps', 'pass', 'offered', 'kvm', 'libvirt offers the kvm domain type.');
  if (c.unsupported)
    // Not a failure: a driver without domain capabilities (test://, lxc://, …) has no KVM to offer.
    return item(
      'kvm-domcaps',
      'skip',
      'not-applicable',
      c.error ?? '',
      `This connection's driver (${driverName(f.uri)}) does not run KVM guests, so there is no KVM ` +
        'support to check here.',
    );
  if (f.devKvm?.state === 'ok')
    // KVM works for this user, not for the daemon's QEMU: it runs as another user without access to
    // /dev/kvm, or it probed before KVM was usable (libvirt caches what it probed until restarted).
    return item(
      'kvm-domcaps',
      'fail',
      'not-offered-kvm-ok',
      c.error ?? '',
      "/dev/kvm works for you, but libvirt's QEMU cannot use it: the daemon runs as a user without " +
        'access to /dev/kvm, or it looked before KVM was usable. Restart the daemon so it looks again.',
      {
        debian: ['sudo systemctl restart libvirtd'],
        fedora: ['sudo systemctl restart virtqemud'],
      },
    );
  // Load a module only when the CPU flags say which one.
  const m = flagModule(f);
  const load = m ? [`sudo modprobe ${m}`] : [];
  return item(
    'kvm-domcaps',
    'fail',
    'not-offered',
    c.error ?? '',
    'libvirt does not offer the kvm domain type (only emulation): QEMU is missing or /dev/kvm was ' +
      'unusable when the daemon probed it; fix the items above and restart the daemon.',
    {
      debian: [...load, 'sudo apt install qemu-system-x86', 'sudo systemctl restart libvirtd'],
      fedora: [...load, 'sudo dnf install qemu-kvm', 'sudo systemctl restart virtqemud'],
    },
  );
}

export function checkNested(f: HostFacts): ReadinessItem {
  const n = f.nested;
  if (n === null)
    return item('nested', 'skip', 'no-module', '', 'Nested virtualization: no kvm_intel/kvm_amd module.');
  const on = /^(y|1)$/i.test(n.value.trim());
  if (on)
    return item(
      'nested',
      'pass',
      'enabled',
      `${n.module} nested=${n.value.trim()}`,
      'Nested virtualization is enabled.',
    );
  const cmds = [
    `echo "options ${n.module} nested=1" | sudo tee /etc/modprobe.d/kvm-nested.conf`,
    `sudo modprobe -r ${n.module}`,
    `sudo modprobe ${n.module}`,
  ];
  return item(
    'nested',
    'warn',
    'disabled',
    `${n.module} nested=${n.value.trim()}`,
    'Nested virtualization is off (optional: only needed to run KVM inside your VMs).',
    { debian: cmds, fedora: cmds },
  );
}

export function evaluateReadiness(f: HostFacts): ReadinessReport {
  // Decisive facts first (/dev/kvm, the daemon and what it offers), then what explains a failure.
  const items = [
    checkDevKvm(f),
    checkDaemon(f),
    checkKvmDomainCaps(f),
    checkGroups(f),
    checkCpuVirt(f),
    checkModules(f),
    checkNested(f),
  ];
  return { where: f.where, host: f.host, uri: f.uri, ok: !items.some((i) => i.status === 'fail'), items };
}

/**
 * Does a capabilities (`<domain type='kvm'/>` under a guest arch) or domain-capabilities
 * (`<domain>kvm</domain>`) document offer the kvm domain type? An unreadable document offers nothing.
 */
export function kvmInCapabilities(xml: string): boolean {
  let root;
  try {
    root = parseXml(xml);
  } catch (e) {
    if (e instanceof XmlError) return false;
    throw e;
  }
  return [root, ...descendants(root, 'domain')].some(
    (d) => d.nodeName === 'domain' && (attr(d, 'type') === 'kvm' || text(d) === 'kvm'),
  );
}

/**
 * The read-only script run on a remote host over ssh (a constant: nothing is interpolated into it).
 * Its sections are parsed by `parseFactsScriptOutput`.
 */
export const REMOTE_FACTS_SCRIPT = [
  'LC_ALL=C; export LC_ALL',
  "echo '@@arch'; uname -m",
  "echo '@@cpuinfo'; grep -m1 '^vendor_id' /proc/cpuinfo; grep -m1 -E '^(flags|Features)' /proc/cpuinfo",
  "echo '@@modules'; cut -d' ' -f1 /proc/modules 2>/dev/null; ls /sys/module 2>/dev/null",
  "echo '@@devkvm'; if [ ! -e /dev/kvm ]; then echo missing; elif [ -r /dev/kvm ] && [ -w /dev/kvm ]; then echo ok; else echo denied; fi",
  "echo '@@user'; id -un; id -u; id -Gn",
  "echo '@@groupdb'; getent group libvirt kvm 2>/dev/null",
  'echo \'@@nested\'; for m in kvm_intel kvm_amd; do [ -r /sys/module/$m/parameters/nested ] && echo "$m $(cat /sys/module/$m/parameters/nested)"; done',
  "echo '@@end'",
].join('\n');

/** Parses the sections printed by REMOTE_FACTS_SCRIPT into facts (the daemon facts come from elsewhere). */
export function parseFactsScriptOutput(
  text: string,
): Pick<HostFacts, 'arch' | 'cpuFlags' | 'cpuVendor' | 'modules' | 'devKvm' | 'user' | 'nested'> {
  const sections = new Map<string, string[]>();
  let cur: string[] | null = null;
  for (const line of text.split('\n')) {
    const m = /^@@(\w+)$/.exec(line.trim());
    if (m) {
      cur = [];
      sections.set(m[1]!, cur);
    } else if (cur && line.trim() !== '') cur.push(line.trim());
  }
  const arch = sections.get('arch')?.[0] ?? null;
  const cpu = sections.get('cpuinfo');
  let cpuFlags: string[] | null = null;
  let cpuVendor: string | null = null;
  if (cpu) {
    for (const l of cpu) {
      const [k, v] = splitColon(l);
      if (k === 'flags' || k === 'Features') cpuFlags = v.split(/\s+/).filter(Boolean);
      if (k === 'vendor_id') cpuVendor = v;
    }
    cpuFlags ??= [];
  }
  const mods = sections.get('modules');
  const modules = mods ? [...new Set(mods)] : null;
  const dk = sections.get('devkvm')?.[0];
  const devKvm: HostFacts['devKvm'] =
    dk === 'ok' || dk === 'missing' || dk === 'denied'
      ? { state: dk }
      : dk === undefined
        ? null
        : { state: 'error' as const, error: dk };
  const u = sections.get('user');
  const groupdb = sections.get('groupdb') ?? [];
  let user: HostFacts['user'] = null;
  if (u && u.length >= 2) {
    const name = u[0]!;
    user = {
      name,
      uid: Number(u[1]),
      effectiveGroups: (u[2] ?? '').split(/\s+/).filter(Boolean),
      configuredGroups: groupMemberships(groupdb, name, (u[2] ?? '').split(/\s+/).filter(Boolean)),
    };
  }
  const nl = sections.get('nested')?.[0];
  let nested: HostFacts['nested'] = null;
  if (nl) {
    const [mod, value] = nl.split(/\s+/);
    if (mod === 'kvm_intel' || mod === 'kvm_amd') nested = { module: mod, value: value ?? '' };
  }
  return { arch, cpuFlags, cpuVendor, modules, devKvm, user, nested };
}

function splitColon(l: string): [string, string] {
  const i = l.indexOf(':');
  return i < 0 ? [l.trim(), ''] : [l.slice(0, i).trim(), l.slice(i + 1).trim()];
}

/** Groups (of those listed in /etc/group-format lines) that `user` is a member of, plus `also`. */
export function groupMemberships(
  groupLines: readonly string[],
  user: string,
  also: readonly string[] = [],
): string[] {
  const out = new Set(also);
  for (const line of groupLines) {
    const parts = line.split(':');
    if (parts.length < 4) continue;
    const members = parts[3]!.split(',').map((s) => s.trim());
    if (members.includes(user)) out.add(parts[0]!);
  }
  return [...out];
}

/** Extracts flags and vendor from /proc/cpuinfo text. */
export function parseCpuinfo(text: string): { flags: string[]; vendor: string | null } {
  let flags: string[] | null = null;
  let vendor: string | null = null;
  for (const line of text.split('\n')) {
    const [k, v] = splitColon(line);
    if (flags === null && (k === 'flags' || k === 'Features')) flags = v.split(/\s+/).filter(Boolean);
    if (vendor === null && k === 'vendor_id') vendor = v;
    if (flags !== null && vendor !== null) break;
  }
  return { flags: flags ?? [], vendor };
}
