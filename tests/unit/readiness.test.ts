import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectLocalFacts, sshTarget } from '../../electron/host/facts.js';
import {
  REMOTE_FACTS_SCRIPT,
  evaluateReadiness,
  isSystemUri,
  kvmInCapabilities,
  parseFactsScriptOutput,
  type HostFacts,
  type ReadinessItemId,
} from '../../electron/host/readiness.js';

/** A healthy Intel workstation using qemu:///system. */
const good = (): HostFacts => ({
  where: 'local',
  host: 'ws',
  uri: 'qemu:///system',
  arch: 'x86_64',
  cpuFlags: ['fpu', 'vme', 'vmx', 'sse2'],
  cpuVendor: 'GenuineIntel',
  modules: ['kvm', 'kvm_intel', 'irqbypass'],
  devKvm: { state: 'ok' },
  user: {
    name: 'alice',
    uid: 1000,
    effectiveGroups: ['alice', 'libvirt', 'kvm'],
    configuredGroups: ['alice', 'libvirt', 'kvm'],
  },
  daemon: { reachable: true },
  kvmDomainCaps: { offered: true },
  nested: { module: 'kvm_intel', value: 'Y' },
});

/**
 * The same workstation where KVM does not work: /dev/kvm missing and libvirt offering only emulation
 * (coherent facts: a broken module or CPU shows in both), plus `over`.
 */
const broken = (over: Partial<HostFacts> = {}): HostFacts => ({
  ...good(),
  devKvm: { state: 'missing', error: 'ENOENT' },
  kvmDomainCaps: { offered: false },
  ...over,
});

const get = (f: HostFacts, id: ReadinessItemId) => {
  const r = evaluateReadiness(f);
  const it = r.items.find((i) => i.id === id);
  if (!it) throw new Error(id);
  return it;
};
const cmds = (f: HostFacts, id: ReadinessItemId) => {
  const it = get(f, id);
  return [...(it.fix?.debian ?? []), ...(it.fix?.fedora ?? [])];
};

describe('readiness check', () => {
  it('a healthy host passes every item', () => {
    const r = evaluateReadiness(good());
    expect(r.ok).toBe(true);
    // the decisive facts first
    expect(r.items.map((i) => [i.id, i.status])).toEqual([
      ['dev-kvm', 'pass'],
      ['daemon', 'pass'],
      ['kvm-domcaps', 'pass'],
      ['groups', 'pass'],
      ['cpu-virt', 'pass'],
      ['kvm-modules', 'pass'],
      ['nested', 'pass'],
    ]);
  });

  it('no /dev/kvm → fail with modprobe and package fixes for both distros', () => {
    const f = broken({ modules: ['kvm'] });
    const it = get(f, 'dev-kvm');
    expect(it.status).toBe('fail');
    expect(it.reason).toBe('missing');
    expect(it.fix?.debian).toContain('sudo modprobe kvm_intel');
    expect(it.fix?.debian).toContain('sudo apt install qemu-system-x86');
    expect(it.fix?.fedora).toContain('sudo dnf install qemu-kvm');
    expect(evaluateReadiness(f).ok).toBe(false);
  });

  it('/dev/kvm not accessible → join the kvm group, unless libvirt offers KVM anyway', () => {
    const it = get(broken({ devKvm: { state: 'denied', error: 'EACCES' } }), 'dev-kvm');
    expect(it.status).toBe('fail');
    expect(it.fix?.debian).toContain('sudo usermod -aG kvm $USER');
    expect(it.noteKey).toBe('relogin');
    // qemu:///system: libvirt's QEMU runs as its own user and has /dev/kvm; this user needs nothing
    const sys = evaluateReadiness({ ...good(), devKvm: { state: 'denied', error: 'EACCES' } });
    expect(sys.items.find((i) => i.id === 'dev-kvm')).toMatchObject({ status: 'pass', fix: null });
    expect(sys.ok).toBe(true);
  });

  it('no vmx/svm flags → firmware note; inside a VM → nested on the outer host', () => {
    const bare = get(broken({ cpuFlags: ['fpu', 'sse2'] }), 'cpu-virt');
    expect(bare.status).toBe('fail');
    expect(bare.reason).toBe('no-flags');
    expect(bare.noteKey).toBe('firmware');
    const guest = get(broken({ cpuFlags: ['fpu', 'hypervisor'] }), 'cpu-virt');
    expect(guest.status).toBe('fail');
    expect(guest.reason).toBe('nested-guest');
    expect(guest.fix?.debian.join('\n')).toContain('options kvm_intel nested=1');
    // an unknown vendor: no guessed module name, the note only
    const unknown = get(broken({ cpuFlags: ['hypervisor'], cpuVendor: null }), 'cpu-virt');
    expect(unknown).toMatchObject({ status: 'fail', fix: null, noteKey: 'outer-host' });
    const amd = get({ ...good(), cpuFlags: ['svm'], cpuVendor: 'AuthenticAMD' }, 'cpu-virt');
    expect(amd.status).toBe('pass');
    expect(amd.detail).toBe('svm');
    expect(get({ ...good(), arch: 'aarch64', cpuFlags: [] }, 'cpu-virt').status).toBe('skip');
  });

  it('modules not loaded → the vendor module to modprobe', () => {
    const intel = get(broken({ modules: ['irqbypass'] }), 'kvm-modules');
    expect(intel.status).toBe('fail');
    expect(intel.detail).toBe('kvm, kvm_intel');
    expect(cmds(broken({ modules: ['irqbypass'] }), 'kvm-modules')).toEqual([
      'sudo modprobe kvm_intel',
      'sudo modprobe kvm_intel',
    ]);
    const amdFacts = broken({ cpuFlags: ['svm'], cpuVendor: 'AuthenticAMD', modules: ['kvm'] });
    expect(get(amdFacts, 'kvm-modules').fix?.fedora).toEqual(['sudo modprobe kvm_amd']);
    // no vmx/svm: no vendor module can load, so none is suggested (whatever the vendor string says)
    const noFlags = get(broken({ cpuFlags: [], cpuVendor: 'GenuineIntel', modules: [] }), 'kvm-modules');
    expect(noFlags.reason).toBe('missing-no-flags');
    expect(noFlags.fix).toBeNull();
    expect(get(broken({ modules: null }), 'kvm-modules').status).toBe('warn');
    // KVM works: any module that provides it is fine, even none listed (built in)
    expect(get({ ...good(), modules: ['kvm', 'kvm_amd'] }, 'kvm-modules').status).toBe('pass');
    expect(get({ ...good(), modules: [] }, 'kvm-modules')).toMatchObject({ status: 'pass', fix: null });
  });

  it('user not in groups (qemu:///system) → usermod for both distros', () => {
    const f: HostFacts = {
      ...good(),
      user: { name: 'bob', uid: 1001, effectiveGroups: ['bob'], configuredGroups: ['bob'] },
      daemon: {
        reachable: false,
        error: 'Failed to connect socket to /var/run/libvirt/libvirt-sock: Permission denied',
      },
      kvmDomainCaps: null,
    };
    const g = get(f, 'groups');
    expect(g.status).toBe('fail');
    expect(g.detail).toBe('libvirt, kvm');
    expect(g.fix).toEqual({
      debian: ['sudo usermod -aG libvirt,kvm $USER'],
      fedora: ['sudo usermod -aG libvirt,kvm $USER'],
    });
    const d = get(f, 'daemon');
    expect(d.status).toBe('fail');
    expect(d.reason).toBe('denied');
    expect(d.fix?.debian).toEqual(['sudo usermod -aG libvirt,kvm $USER']);
    expect(get(f, 'kvm-domcaps').status).toBe('skip');
    // added to the groups but not logged in again
    const re = get({ ...f, user: { ...f.user!, configuredGroups: ['bob', 'libvirt', 'kvm'] } }, 'groups');
    expect(re.reason).toBe('relogin');
    // polkit lets the user in anyway → only a warning
    expect(get({ ...f, daemon: { reachable: true } }, 'groups').status).toBe('warn');
    // session URIs do not need the groups; root does not either
    expect(get({ ...f, uri: 'qemu:///session' }, 'groups').status).toBe('skip');
    expect(get({ ...f, user: { ...f.user!, uid: 0, name: 'root' } }, 'groups').status).toBe('pass');
  });

  it('daemon not running → install and enable the daemon', () => {
    const f: HostFacts = {
      ...good(),
      daemon: {
        reachable: false,
        error: 'Failed to connect socket to /var/run/libvirt/libvirt-sock: No such file or directory',
      },
      kvmDomainCaps: null,
    };
    const d = get(f, 'daemon');
    expect(d.reason).toBe('unreachable');
    expect(d.fix?.debian).toContain('sudo apt install qemu-system-x86 libvirt-daemon-system');
    expect(d.fix?.fedora).toContain('sudo dnf install @virtualization');
  });

  it('KVM not offered by the domain capabilities, nested off', () => {
    const k = get(
      { ...good(), kvmDomainCaps: { offered: false, error: 'KVM is not supported' } },
      'kvm-domcaps',
    );
    expect(k.status).toBe('fail');
    expect(k.detail).toBe('KVM is not supported');
    const n = get({ ...good(), nested: { module: 'kvm_intel', value: 'N' } }, 'nested');
    expect(n.status).toBe('warn');
    expect(n.fix?.debian.join('\n')).toContain('options kvm_intel nested=1');
    expect(get({ ...good(), nested: null }, 'nested').status).toBe('skip');
    // /dev/kvm works for this user but not for the daemon (another user, or probed too early): restart it
    const daemonOnly = get({ ...good(), kvmDomainCaps: { offered: false } }, 'kvm-domcaps');
    expect(daemonOnly).toMatchObject({ status: 'fail', reason: 'not-offered-kvm-ok' });
    expect(daemonOnly.fix?.debian).toEqual(['sudo systemctl restart libvirtd']);
  });

  it('this machine: a VM whose CPU hides vmx/svm, KVM from kvm_pvm, /dev/kvm usable, libvirt offers kvm → ready', () => {
    const facts: HostFacts = {
      ...good(),
      uri: 'qemu+unix:///session?socket=/tmp/x',
      cpuFlags: ['fpu', 'sse2', 'hypervisor'],
      cpuVendor: 'AuthenticAMD',
      modules: ['kvm', 'kvm_pvm', 'irqbypass'],
      devKvm: { state: 'ok' },
      kvmDomainCaps: { offered: true },
      nested: null,
    };
    const r = evaluateReadiness(facts);
    expect(r.ok).toBe(true);
    expect(r.items.filter((i) => i.status === 'fail' || i.status === 'warn')).toEqual([]);
    expect(r.items.flatMap((i) => [...(i.fix?.debian ?? []), ...(i.fix?.fedora ?? [])])).toEqual([]);
    expect(get(facts, 'kvm-modules').detail).toBe('kvm, kvm_pvm');
    expect(get(facts, 'cpu-virt').reason).toBe('kvm-works');
    // Intel flavour of the same (the case reported with "modprobe kvm_intel"): the same verdict
    const intel = evaluateReadiness({ ...facts, cpuVendor: 'GenuineIntel', modules: ['kvm', 'kvm_pvm'] });
    expect(intel.ok).toBe(true);
    expect(JSON.stringify(intel.items)).not.toContain('modprobe');
    // either decisive fact alone is enough: /dev/kvm usable, or libvirt offering kvm
    expect(evaluateReadiness({ ...facts, kvmDomainCaps: null }).ok).toBe(true);
  });

  it('a driver without domain capabilities (test://): the KVM check does not apply, it does not fail', () => {
    const noSupport = {
      offered: false,
      unsupported: true,
      error: 'this function is not supported by the connection driver: virConnectGetDomainCapabilities',
    };
    // this host's KVM works: the test driver's connection is ready, the item says why it was skipped
    const f: HostFacts = { ...good(), uri: 'test+unix:///default?socket=/tmp/s', kvmDomainCaps: noSupport };
    const r = evaluateReadiness(f);
    const k = get(f, 'kvm-domcaps');
    expect(k).toMatchObject({ status: 'skip', reason: 'not-applicable', fix: null, detail: noSupport.error });
    expect(k.message).toBe(
      "This connection's driver (test) does not run KVM guests, so there is no KVM support to check here.",
    );
    expect(r.ok).toBe(true);
    expect(r.items.filter((i) => i.status === 'fail')).toEqual([]);
    // on a host without KVM the host items still fail, the driver item still does not
    const noKvm = { ...broken(), uri: 'test:///default', kvmDomainCaps: noSupport };
    expect(get(noKvm, 'kvm-domcaps').status).toBe('skip');
    expect(get(noKvm, 'dev-kvm').status).toBe('fail');
    // a QEMU driver that refuses kvm (INVALID_ARG "KVM is not supported…") is still a failure
    const qemuNoKvm = { ...broken(), kvmDomainCaps: { offered: false, error: 'KVM is not supported' } };
    expect(get(qemuNoKvm, 'kvm-domcaps').status).toBe('fail');
  });

  it('this kind of machine: TCG only (no /dev/kvm, no flags), daemon reachable', () => {
    const r = evaluateReadiness({
      ...good(),
      uri: 'qemu+unix:///session?socket=/tmp/x',
      cpuFlags: ['fpu', 'hypervisor'],
      modules: ['kvm'],
      devKvm: { state: 'missing', error: 'ENOENT' },
      kvmDomainCaps: { offered: false },
      nested: null,
    });
    const by = Object.fromEntries(r.items.map((i) => [i.id, i.status]));
    expect(by).toMatchObject({ 'dev-kvm': 'fail', daemon: 'pass', groups: 'skip', 'kvm-domcaps': 'fail' });
    expect(r.ok).toBe(false);
  });

  it('helpers', () => {
    expect(isSystemUri('qemu:///system')).toBe(true);
    expect(isSystemUri('qemu+ssh://root@h/system')).toBe(true);
    expect(isSystemUri('qemu:///session')).toBe(false);
    expect(isSystemUri('test+unix:///default?socket=/x')).toBe(false);
    expect(kvmInCapabilities("<arch><domain type='qemu'/><domain type='kvm'/></arch>")).toBe(true);
    expect(kvmInCapabilities('<domainCapabilities><domain>kvm</domain></domainCapabilities>')).toBe(true);
    expect(kvmInCapabilities("<arch><domain type='qemu'/></arch>")).toBe(false);
    expect(kvmInCapabilities("<arch><!-- <domain type='kvm'/> --><domain type='qemu'/></arch>")).toBe(false);
    expect(kvmInCapabilities("<arch><domain type='kvm'>")).toBe(false);
    expect(sshTarget('qemu+ssh://alice@host.example:2222/system')).toMatchObject({
      host: 'host.example',
      user: 'alice',
      port: 2222,
    });
    expect(() => sshTarget('qemu+ssh://-oProxyCommand=x/system')).toThrow(/host name .* is not allowed/);
    expect(sshTarget('qemu:///system')).toBeNull();
  });

  it('parses the remote script output', () => {
    expect(REMOTE_FACTS_SCRIPT).not.toMatch(/\$\{/);
    const out = [
      '@@arch',
      'x86_64',
      '@@cpuinfo',
      'vendor_id\t: AuthenticAMD',
      'flags\t\t: fpu svm sse2',
      '@@modules',
      'kvm_amd',
      'kvm',
      'kvm',
      '@@devkvm',
      'denied',
      '@@user',
      'carol',
      '1002',
      'carol wheel',
      '@@groupdb',
      'libvirt:x:120:carol,dave',
      'kvm:x:108:',
      '@@nested',
      'kvm_amd 1',
      '@@end',
    ].join('\n');
    const f = parseFactsScriptOutput(out);
    expect(f).toEqual({
      arch: 'x86_64',
      cpuFlags: ['fpu', 'svm', 'sse2'],
      cpuVendor: 'AuthenticAMD',
      modules: ['kvm_amd', 'kvm'],
      devKvm: { state: 'denied' },
      user: {
        name: 'carol',
        uid: 1002,
        effectiveGroups: ['carol', 'wheel'],
        configuredGroups: ['carol', 'wheel', 'libvirt'],
      },
      nested: { module: 'kvm_amd', value: '1' },
    });
  });
});

describe('local fact collection on a fake tree', () => {
  const root = mkdtempSync(join(tmpdir(), 'vd-ready-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads cpuinfo, modules, nested and sees no /dev/kvm', async () => {
    mkdirSync(join(root, 'proc'));
    mkdirSync(join(root, 'sys/module/kvm_intel/parameters'), { recursive: true });
    mkdirSync(join(root, 'sys/module/kvm'), { recursive: true });
    mkdirSync(join(root, 'etc'));
    mkdirSync(join(root, 'dev'));
    writeFileSync(
      join(root, 'proc/cpuinfo'),
      'processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vmx\n\nprocessor\t: 1\n',
    );
    writeFileSync(join(root, 'proc/modules'), 'kvm_intel 1 0 - Live 0x0\nkvm 2 1 kvm_intel, Live 0x0\n');
    writeFileSync(join(root, 'sys/module/kvm_intel/parameters/nested'), 'N\n');
    writeFileSync(join(root, 'etc/group'), 'root:x:0:\n');
    const f = await collectLocalFacts(root);
    expect(f.cpuFlags).toEqual(['fpu', 'vmx']);
    expect(f.cpuVendor).toBe('GenuineIntel');
    expect(f.modules).toEqual(expect.arrayContaining(['kvm', 'kvm_intel']));
    expect(f.devKvm).toEqual({ state: 'missing', error: 'ENOENT' });
    expect(f.nested).toEqual({ module: 'kvm_intel', value: 'N' });
    expect(f.user?.name).toBeTruthy();
    writeFileSync(join(root, 'dev/kvm'), '');
    expect((await collectLocalFacts(root)).devKvm).toEqual({ state: 'ok' });
  });
});
