/**
 * The display and device editors' XML (electron/libvirt-xml/domain-display.ts through the editor kinds:
 * graphics, video, sound, input, TPM, RNG, watchdog): reads, and edits that change only what they name —
 * unknown attributes and elements of the device and the rest of the document mean the same afterwards;
 * refusals for what the host's domain capabilities do not offer, on the field, before libvirt is called.
 */
import { describe, expect, it } from 'vitest';
import {
  hardwareChangeSchema,
  hardwareTiming,
  type HardwareChange,
  type HostLimits,
  offeredWatchdogModels,
} from '../../shared/contract/hardware.js';
import { editorFor } from '../../electron/hardware/kinds/index.js';
import { limitsFrom } from '../../electron/hardware/limits.js';
import { HardwareService, hardwareView, pendingChanges } from '../../electron/hardware/service.js';
import { CoreError } from '../../electron/base/errors.js';
import {
  DomainCapabilitiesXml,
  DomainXml,
  graphicsPasswordXml,
  inputDeviceXml,
  rngDeviceXml,
  watchdogElementXml,
} from '../../electron/libvirt-xml/index.js';
import { treeChild, treeChildren, xmlMeaning, xmlTree, type XmlTree } from '../support/xml-tree.js';

const DOMAIN = `<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>dispo-显示</name>
  <uuid>0b7d3c55-58e7-4a0f-9f4e-7c1a2b3c4d5e</uuid>
  <metadata><x:y xmlns:x='urn:example:x'>keep</x:y></metadata>
  <memory unit='KiB'>524288</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1' keymap='de' sharePolicy='force-shared' future='1'>
      <listen type='address' address='127.0.0.1'/>
      <unknownChild a='b'/>
    </graphics>
    <graphics type='spice' port='5930' autoport='no' tlsPort='5931' defaultMode='any'>
      <listen type='network' network='default'/>
      <channel name='main' mode='secure'/>
      <image compression='off'/>
    </graphics>
    <video>
      <model type='qxl' ram='65536' vram='65536' vgamem='16384' heads='1' primary='yes' future='x'>
        <acceleration accel3d='no'/>
      </model>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>
      <driver name='qemu'/>
    </video>
    <sound model='ich6'><codec type='micro'/><address type='pci' domain='0x0000' bus='0x00' slot='0x04' function='0x0'/></sound>
    <input type='tablet' bus='usb'><address type='usb' bus='0' port='1'/></input>
    <input type='mouse' bus='ps2'/>
    <input type='keyboard'/>
    <tpm model='tpm-tis'><backend type='emulator' version='2.0' persistent_state='yes'/></tpm>
    <rng model='virtio'><rate period='2000' bytes='1234'/><backend model='random'>/dev/urandom</backend></rng>
    <watchdog model='i6300esb' action='reset'><alias name='watchdog0'/></watchdog>
    <gizmo kind='from-the-future'/>
  </devices>
</domain>`;

/** A bare domain: nothing of the above. */
const BARE = `<domain type='kvm'><name>bare</name><uuid>0b7d3c55-58e7-4a0f-9f4e-7c1a2b3c4d5f</uuid>
  <memory unit='KiB'>524288</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <video><model type='vga'/></video>
  </devices>
</domain>`;

const CAPS_DEVICES = `
    <disk supported='yes'><enum name='bus'><value>virtio</value></enum></disk>
    <watchdog supported='yes'><enum name='model'><value>i6300esb</value><value>itco</value><value>diag288</value></enum></watchdog>
    <graphics supported='yes'><enum name='type'><value>vnc</value><value>spice</value></enum></graphics>
    <video supported='yes'><enum name='modelType'><value>vga</value><value>qxl</value><value>virtio</value><value>none</value></enum></video>
    <rng supported='yes'>
      <enum name='model'><value>virtio</value><value>virtio-transitional</value></enum>
      <enum name='backendModel'><value>random</value><value>egd</value></enum>
    </rng>`;
const TPM_OK = `<tpm supported='yes'>
      <enum name='model'><value>tpm-tis</value><value>tpm-crb</value></enum>
      <enum name='backendModel'><value>passthrough</value><value>emulator</value></enum>
      <enum name='backendVersion'><value>1.2</value><value>2.0</value></enum>
    </tpm>`;
const caps = (devices: string) =>
  `<domainCapabilities><path>/usr/bin/qemu-system-x86_64</path><domain>kvm</domain><arch>x86_64</arch><devices>${devices}</devices></domainCapabilities>`;
const limitsOf = (capsXml: string): HostLimits =>
  limitsFrom(DomainCapabilitiesXml.parse(capsXml), { cpus: 4, memory: 8 * 1024 * 1024 });
const LIMITS = limitsOf(caps(CAPS_DEVICES + TPM_OK));

const issuesOf = (xml: string, change: HardwareChange, limits = LIMITS) =>
  editorFor(change.kind)!.check(change as never, { config: DomainXml.parse(xml), limits, running: false });

/** Applies a change the way the service does (contract check, host check, edit); returns the new XML. */
const apply = (xml: string, change: HardwareChange): string => {
  hardwareChangeSchema.parse(change);
  expect(issuesOf(xml, change)).toEqual([]);
  const d = DomainXml.parse(xml);
  editorFor(change.kind)!.editConfig(d, change as never);
  return d.toString();
};

/** The document's meaning with `edit` applied by hand: what an edit must produce, exactly. */
const expected = (xml: string, edit: (root: XmlTree) => void): XmlTree => {
  const t = xmlMeaning(xml);
  edit(t);
  return t;
};
const devs = (t: XmlTree, name: string) => treeChildren(t, `devices/${name}`);
const el = (
  name: string,
  attrs: Record<string, string> = {},
  children: XmlTree[] = [],
  text = '',
): XmlTree => ({
  name,
  ns: null,
  attrs,
  children,
  text,
});
/** The contract's refusals by field. */
const contractIssues = (change: unknown) => {
  const r = hardwareChangeSchema.safeParse(change);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('reads', () => {
  it('every display and device, as the editors show them', () => {
    const v = hardwareView(DomainXml.parse(DOMAIN));
    expect(v.graphics).toEqual([
      { type: 'vnc', listen: '127.0.0.1', listenType: 'address', autoport: true, port: null },
      { type: 'spice', listen: null, listenType: 'network', autoport: false, port: 5930 },
    ]);
    expect(v.video).toEqual([{ model: 'qxl', primary: true }]);
    expect(v.sound).toEqual([{ model: 'ich6' }]);
    expect(v.input).toEqual([
      { type: 'tablet', bus: 'usb' },
      { type: 'mouse', bus: 'ps2' },
      { type: 'keyboard', bus: 'ps2' },
    ]);
    expect(v.tpm).toEqual([{ model: 'tpm-tis', backend: 'emulator', version: '2.0' }]);
    expect(v.rng).toEqual([{ model: 'virtio', backend: 'random', source: '/dev/urandom' }]);
    expect(v.watchdog).toEqual([{ model: 'i6300esb', action: 'reset' }]);
  });

  it('labels the device list in libvirt’s words', () => {
    const labels = Object.fromEntries(
      hardwareView(DomainXml.parse(DOMAIN)).devices.map((d) => [d.id, d.label]),
    );
    expect(labels).toMatchObject({
      'graphics:0': 'vnc 127.0.0.1',
      'graphics:1': 'spice',
      'video:0': 'qxl',
      'sound:0': 'ich6',
      'input:0': 'tablet (usb)',
      'input:2': 'keyboard (ps2)',
      'tpm:0': 'tpm-tis emulator 2.0',
      'rng:0': 'virtio /dev/urandom',
      'watchdog:0': 'i6300esb (reset)',
    });
  });

  it('reads the TPM, RNG and device support limits from domain capabilities', () => {
    expect(LIMITS).toMatchObject({
      tpmModels: ['tpm-tis', 'tpm-crb'],
      tpmBackends: ['passthrough', 'emulator'],
      tpmVersions: ['1.2', '2.0'],
      rngModels: ['virtio', 'virtio-transitional'],
      rngBackends: ['random', 'egd'],
      deviceSupport: { disk: true, graphics: true, video: true, rng: true, tpm: true },
    });
  });
});

describe('graphics', () => {
  it('listen address, fixed port and password: only those attributes change', () => {
    const out = apply(DOMAIN, {
      kind: 'graphics.edit',
      index: 0,
      type: 'vnc',
      listen: '0.0.0.0',
      port: 5905,
      password: 'sesame',
    });
    expect(xmlMeaning(out)).toEqual(
      expected(DOMAIN, (t) => {
        const g = devs(t, 'graphics')[0]!;
        Object.assign(g.attrs, { listen: '0.0.0.0', port: '5905', autoport: 'no', passwd: 'sesame' });
        g.children[0]!.attrs.address = '0.0.0.0';
      }),
    );
  });

  it('back to an automatic port, password removed', () => {
    const withPw = apply(DOMAIN, { kind: 'graphics.edit', index: 1, type: 'spice', password: 'pw' });
    const out = apply(withPw, { kind: 'graphics.edit', index: 1, type: 'spice', port: null, password: null });
    expect(xmlMeaning(out)).toEqual(
      expected(DOMAIN, (t) => Object.assign(devs(t, 'graphics')[1]!.attrs, { port: '-1', autoport: 'yes' })),
    );
  });

  it('a network listen becomes an address one; the other listen settings go', () => {
    const out = apply(DOMAIN, { kind: 'graphics.edit', index: 1, type: 'spice', listen: '::1' });
    const g = devs(xmlTree(out), 'graphics')[1]!;
    expect(g.attrs.listen).toBe('::1');
    expect(treeChild(g, 'listen')!.attrs).toEqual({ type: 'address', address: '::1' });
  });

  it('SPICE → VNC drops what only SPICE knows and keeps the rest', () => {
    const out = apply(DOMAIN, { kind: 'graphics.edit', index: 1, type: 'vnc' });
    expect(xmlMeaning(out)).toEqual(
      expected(DOMAIN, (t) => {
        const g = devs(t, 'graphics')[1]!;
        g.attrs = { type: 'vnc', port: '5930', autoport: 'no' };
        g.children = g.children.filter((c) => c.name === 'listen');
      }),
    );
  });

  it('VNC → SPICE drops VNC’s share policy, keeps keymap and unknown parts', () => {
    const out = apply(DOMAIN, { kind: 'graphics.edit', index: 0, type: 'spice' });
    const g = devs(xmlTree(out), 'graphics')[0]!;
    expect(g.attrs).toEqual({
      type: 'spice',
      port: '-1',
      autoport: 'yes',
      listen: '127.0.0.1',
      keymap: 'de',
      future: '1',
    });
    expect(g.children.map((c) => c.name)).toEqual(['listen', 'unknownChild']);
  });

  it('add after the last display; remove the n-th', () => {
    const added = apply(BARE, {
      kind: 'graphics.add',
      type: 'spice',
      listen: '127.0.0.1',
      port: null,
      password: 'pw',
    });
    expect(devs(xmlTree(added), 'graphics')).toEqual([
      el('graphics', { type: 'spice', port: '-1', autoport: 'yes', listen: '127.0.0.1', passwd: 'pw' }, [
        el('listen', { type: 'address', address: '127.0.0.1' }),
      ]),
    ]);
    const out = apply(DOMAIN, { kind: 'graphics.remove', index: 0 });
    expect(xmlMeaning(out)).toEqual(
      expected(DOMAIN, (t) => {
        const d = treeChild(t, 'devices')!;
        d.children.splice(d.children.indexOf(devs(t, 'graphics')[0]!), 1);
      }),
    );
  });

  it('the password for the running VM: its own display of that type with the new password', () => {
    const xml = graphicsPasswordXml(DomainXml.parse(DOMAIN), 'vnc', 'n3w');
    expect(xmlTree(xml)).toEqual({
      ...devs(xmlTree(DOMAIN), 'graphics')[0]!,
      attrs: expect.objectContaining({ passwd: 'n3w', sharePolicy: 'force-shared' }),
    });
  });

  it('refuses what the contract or the host does not allow', () => {
    expect(contractIssues({ kind: 'graphics.add', type: 'vnc', listen: 'localhost', port: null })).toEqual([
      'listen: Enter an IP address such as 127.0.0.1, 0.0.0.0 or ::1',
    ]);
    expect(contractIssues({ kind: 'graphics.add', type: 'vnc', listen: '::', port: 5000 })).toEqual([
      'port: A VNC port is 5900 or more',
    ]);
    expect(contractIssues({ kind: 'graphics.edit', index: 0, type: 'vnc', password: '123456789' })).toEqual([
      'password: VNC uses passwords of at most 8 characters',
    ]);
    const vncOnly = limitsOf(
      caps("<graphics supported='yes'><enum name='type'><value>vnc</value></enum></graphics>"),
    );
    expect(
      issuesOf(BARE, { kind: 'graphics.add', type: 'spice', listen: '127.0.0.1', port: null }, vncOnly),
    ).toEqual([
      {
        path: ['type'],
        message: 'This host does not offer the display type spice for this VM (it offers vnc).',
      },
    ]);
    expect(issuesOf(BARE, { kind: 'graphics.remove', index: 0 })).toEqual([
      { path: ['index'], message: "The VM's configuration has no display number 1." },
    ]);
  });

  it('only a new password alone reaches the running VM', () => {
    const now = hardwareView(DomainXml.parse(DOMAIN));
    const pw: HardwareChange = { kind: 'graphics.edit', index: 0, type: 'vnc', password: 'x' };
    expect(hardwareTiming(pw, true, now)).toBe('both');
    expect(hardwareTiming(pw, false, now)).toBe('next-boot');
    expect(hardwareTiming({ ...pw, listen: '0.0.0.0' }, true, now)).toBe('next-boot');
    expect(hardwareTiming({ ...pw, password: null }, true, now)).toBe('next-boot');
    expect(editorFor('graphics.edit')!.liveStep(pw as never)).not.toBeNull();
    expect(editorFor('graphics.edit')!.liveStep({ ...pw, port: 5901 } as never)).toBeNull();
  });
});

describe('video', () => {
  it('a new model: the old one’s sizes, acceleration and address go; primary and the rest stay', () => {
    const out = apply(DOMAIN, { kind: 'video.model', index: 0, model: 'virtio' });
    expect(xmlMeaning(out)).toEqual(
      expected(DOMAIN, (t) => {
        const v = devs(t, 'video')[0]!;
        v.children = [
          el('model', { type: 'virtio', primary: 'yes', future: 'x' }),
          el('driver', { name: 'qemu' }),
        ];
      }),
    );
    expect(xmlMeaning(apply(DOMAIN, { kind: 'video.model', index: 0, model: 'qxl' }))).toEqual(
      xmlMeaning(DOMAIN),
    );
  });

  it('an unknown model is refused on the field, with the host’s models', () => {
    expect(issuesOf(DOMAIN, { kind: 'video.model', index: 0, model: 'voodoo' })).toEqual([
      {
        path: ['model'],
        message:
          'This host does not offer the video model voodoo for this VM (it offers vga, qxl, virtio, none).',
      },
    ]);
    expect(hardwareTiming({ kind: 'video.model', index: 0, model: 'vga' }, true)).toBe('next-boot');
  });
});

describe('sound', () => {
  it('add, model (its address goes, its codec stays), remove', () => {
    const added = devs(xmlTree(apply(BARE, { kind: 'sound.add', model: 'ich9' })), 'sound');
    expect(added).toEqual([el('sound', { model: 'ich9' })]);
    const out = apply(DOMAIN, { kind: 'sound.model', index: 0, model: 'ac97' });
    expect(xmlMeaning(out)).toEqual(
      expected(DOMAIN, (t) => {
        const s = devs(t, 'sound')[0]!;
        s.attrs.model = 'ac97';
        s.children = [el('codec', { type: 'micro' })];
      }),
    );
    expect(devs(xmlTree(apply(DOMAIN, { kind: 'sound.remove', index: 0 })), 'sound')).toEqual([]);
    expect(contractIssues({ kind: 'sound.add', model: 'gus' })[0]).toMatch(/^model: /);
  });
});

describe('input', () => {
  it('add and remove by type and bus; the device XML for attach/detach', () => {
    const out = apply(DOMAIN, { kind: 'input.add', type: 'keyboard', bus: 'virtio' });
    expect(devs(xmlTree(out), 'input').map((i) => i.attrs)).toEqual([
      { type: 'tablet', bus: 'usb' },
      { type: 'mouse', bus: 'ps2' },
      { type: 'keyboard' },
      { type: 'keyboard', bus: 'virtio' },
    ]);
    const removed = apply(DOMAIN, { kind: 'input.remove', type: 'tablet', bus: 'usb' });
    expect(devs(xmlTree(removed), 'input').map((i) => i.attrs.type)).toEqual(['mouse', 'keyboard']);
    expect(inputDeviceXml({ type: 'tablet', bus: 'virtio' })).toBe('<input type="tablet" bus="virtio"/>');
  });

  it('refuses PS/2 changes, a second tablet on USB, a tablet on PS/2', () => {
    expect(issuesOf(DOMAIN, { kind: 'input.remove', type: 'mouse', bus: 'ps2' })[0]!.path).toEqual(['bus']);
    expect(issuesOf(DOMAIN, { kind: 'input.add', type: 'tablet', bus: 'usb' })).toEqual([
      { path: ['type'], message: 'This VM already has a tablet on the USB bus.' },
    ]);
    expect(contractIssues({ kind: 'input.add', type: 'tablet', bus: 'ps2' })).toEqual([
      'bus: A tablet connects by USB or VirtIO, not PS/2',
    ]);
    expect(hardwareTiming({ kind: 'input.add', type: 'tablet', bus: 'virtio' }, true)).toBe('both');
  });
});

describe('TPM', () => {
  it('adds an emulated TPM 2.0; a new model keeps the backend and its state', () => {
    const out = apply(BARE, { kind: 'tpm.add', model: 'tpm-crb', version: '2.0' });
    expect(devs(xmlTree(out), 'tpm')).toEqual([
      el('tpm', { model: 'tpm-crb' }, [el('backend', { type: 'emulator', version: '2.0' })]),
    ]);
    const changed = apply(DOMAIN, { kind: 'tpm.model', index: 0, model: 'tpm-crb' });
    expect(xmlMeaning(changed)).toEqual(
      expected(DOMAIN, (t) => (devs(t, 'tpm')[0]!.attrs.model = 'tpm-crb')),
    );
  });

  it('refused before libvirt when domain capabilities lack it, or lack the emulator', () => {
    const add: HardwareChange = { kind: 'tpm.add', model: 'tpm-tis', version: '2.0' };
    const none = "<tpm supported='no'/>";
    expect(issuesOf(BARE, add, limitsOf(caps(CAPS_DEVICES + none)))).toEqual([
      { path: ['model'], message: 'This host cannot give this VM a TPM (its hypervisor offers none).' },
    ]);
    expect(issuesOf(BARE, add, limitsOf(caps(CAPS_DEVICES)))[0]!.message).toMatch(
      /cannot give this VM a TPM/,
    );
    const noSwtpm = TPM_OK.replace('<value>emulator</value>', '');
    expect(issuesOf(BARE, add, limitsOf(caps(CAPS_DEVICES + noSwtpm)))).toEqual([
      {
        path: ['model'],
        message: 'This host cannot emulate a TPM: install swtpm (libvirt then offers the emulator).',
      },
    ]);
    const tisOnly = TPM_OK.replace('<value>tpm-crb</value>', '');
    expect(issuesOf(BARE, { ...add, model: 'tpm-crb' }, limitsOf(caps(CAPS_DEVICES + tisOnly)))).toEqual([
      {
        path: ['model'],
        message: 'This host does not offer the TPM model tpm-crb for this VM (it offers tpm-tis).',
      },
    ]);
    expect(issuesOf(DOMAIN, add)).toEqual([
      { path: ['model'], message: 'This VM already has an emulated TPM.' },
    ]);
    // No domain capabilities at all (a driver without them): libvirt is left to judge.
    expect(issuesOf(BARE, add, limitsOf('<domainCapabilities/>'))).toEqual([]);
  });
});

describe('RNG', () => {
  it('adds a VirtIO RNG fed from /dev/urandom; removes the n-th', () => {
    const out = apply(BARE, { kind: 'rng.add', model: 'virtio', source: '/dev/urandom' });
    expect(devs(xmlTree(out), 'rng')).toEqual([
      el('rng', { model: 'virtio' }, [el('backend', { model: 'random' }, [], '/dev/urandom')]),
    ]);
    expect(rngDeviceXml({ model: 'virtio', source: '/dev/urandom' })).toBe(
      '<rng model="virtio"><backend model="random">/dev/urandom</backend></rng>',
    );
    expect(devs(xmlTree(apply(DOMAIN, { kind: 'rng.remove', index: 0 })), 'rng')).toEqual([]);
  });

  it('refuses a model the host does not offer', () => {
    expect(
      issuesOf(BARE, { kind: 'rng.add', model: 'virtio-non-transitional', source: '/dev/urandom' }),
    ).toEqual([
      {
        path: ['model'],
        message:
          'This host does not offer the RNG model virtio-non-transitional for this VM (it offers virtio, virtio-transitional).',
      },
    ]);
    expect(contractIssues({ kind: 'rng.add', model: 'virtio', source: '/etc/passwd' })[0]).toMatch(
      /^source: /,
    );
  });
});

describe('watchdog', () => {
  it('adds one, changes its action (also for the running VM), removes it', () => {
    const out = apply(BARE, { kind: 'watchdog.add', model: 'itco', action: 'poweroff' });
    expect(devs(xmlTree(out), 'watchdog')).toEqual([el('watchdog', { model: 'itco', action: 'poweroff' })]);
    const act = apply(DOMAIN, { kind: 'watchdog.action', index: 0, action: 'pause' });
    expect(xmlMeaning(act)).toEqual(
      expected(DOMAIN, (t) => (devs(t, 'watchdog')[0]!.attrs.action = 'pause')),
    );
    expect(xmlTree(watchdogElementXml(DomainXml.parse(DOMAIN), 'i6300esb', 'none'))).toEqual(
      el('watchdog', { model: 'i6300esb', action: 'none' }, [el('alias', { name: 'watchdog0' })]),
    );
    expect(devs(xmlTree(apply(DOMAIN, { kind: 'watchdog.remove', index: 0 })), 'watchdog')).toEqual([]);
  });

  it('iTCO only on Q35; one of a model; when it applies', () => {
    expect(issuesOf(DOMAIN, { kind: 'watchdog.add', model: 'itco', action: 'reset' })).toEqual([
      {
        path: ['model'],
        message: "The iTCO watchdog is part of the Q35 chipset; this VM's machine is pc-i440fx-7.2.",
      },
    ]);
    expect(issuesOf(DOMAIN, { kind: 'watchdog.add', model: 'i6300esb', action: 'reset' })[0]!.message).toBe(
      'This VM already has a i6300esb watchdog.',
    );
    const now = hardwareView(DomainXml.parse(DOMAIN));
    expect(hardwareTiming({ kind: 'watchdog.add', model: 'i6300esb', action: 'reset' }, true)).toBe('both');
    expect(hardwareTiming({ kind: 'watchdog.add', model: 'itco', action: 'reset' }, true)).toBe('next-boot');
    expect(hardwareTiming({ kind: 'watchdog.remove', index: 0 }, true, now)).toBe('both');
    expect(hardwareTiming({ kind: 'watchdog.action', index: 0, action: 'none' }, true)).toBe('both');
  });

  it('offers the models domain capabilities list; without a list (libvirt 9.0), not iTCO', () => {
    expect(offeredWatchdogModels(LIMITS)).toEqual(['i6300esb', 'itco']);
    const old = limitsOf(caps(TPM_OK)); // no <watchdog> in the capabilities, as libvirt 9.0 answers
    expect(offeredWatchdogModels(old)).toEqual(['i6300esb', 'ib700']);
    const q35 = DOMAIN.replace('pc-i440fx-7.2', 'pc-q35-7.2').replace(/<watchdog[^]*?<\/watchdog>/, '');
    expect(issuesOf(q35, { kind: 'watchdog.add', model: 'itco', action: 'reset' }, old)).toEqual([
      { path: ['model'], message: "This host's libvirt does not offer the itco watchdog." },
    ]);
    expect(issuesOf(q35, { kind: 'watchdog.add', model: 'itco', action: 'reset' })).toEqual([]);
  });
});

describe('pending and the service', () => {
  it('one line per kind that differs between the running VM and the next boot', () => {
    const live = hardwareView(DomainXml.parse(DOMAIN));
    let next = apply(DOMAIN, { kind: 'video.model', index: 0, model: 'virtio' });
    next = apply(next, { kind: 'sound.add', model: 'ich9' });
    expect(pendingChanges(hardwareView(DomainXml.parse(next)), live).map((p) => p.text)).toEqual([
      'Video: qxl → virtio',
      'Sound: ich6 → ich6, ich9',
    ]);
  });

  /** Just enough of a client for one apply; anything else (a define, a device call) is recorded. */
  const service = (capsXml: string) => {
    const calls: string[] = [];
    const record = (name: string) => async () => void calls.push(name);
    const client = {
      domainLookupByUUID: async (uuid: string) => (calls.push('lookup'), { name: 'dispo', uuid, id: -1 }),
      domainGetXMLDesc: async () => (calls.push('xml'), DOMAIN),
      connectGetDomainCapabilities: async () => (calls.push('caps'), capsXml),
      nodeGetInfo: async () => ({ cpus: 4, memory: 8 * 1024 * 1024 }),
      domainDefineXML: record('define'),
      domainAttachDeviceFlags: record('attach'),
      domainUpdateDeviceFlags: record('update'),
    };
    return { calls, svc: new HardwareService({ getClient: () => client as never }) };
  };
  const input = { connectionId: 'c', uuid: '0b7d3c55-58e7-4a0f-9f4e-7c1a2b3c4d5e' };

  it('an unknown video model and a TPM the host lacks: refused on the field, libvirt not asked to change', async () => {
    const a = service(caps(CAPS_DEVICES + TPM_OK));
    const e1 = await a.svc
      .apply({ ...input, change: { kind: 'video.model', index: 0, model: 'voodoo' } })
      .catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(CoreError);
    expect((e1 as CoreError).issues?.[0]?.path).toEqual(['change', 'model']);
    expect(a.calls).toEqual(['lookup', 'xml', 'caps']);

    const b = service(caps(CAPS_DEVICES + "<tpm supported='no'/>"));
    const e2 = await b.svc
      .apply({ ...input, change: { kind: 'tpm.model', index: 0, model: 'tpm-crb' } })
      .catch((e: unknown) => e);
    expect((e2 as CoreError).code).toBe('invalid-input');
    expect((e2 as CoreError).message).toBe(
      'This host cannot give this VM a TPM (its hypervisor offers none).',
    );
    expect(b.calls).toEqual(['lookup', 'xml', 'caps']);
  });
});
