/**
 * The Hardware tab's XML edits (electron/libvirt-xml/domain-hardware.ts through the editor kinds of
 * electron/hardware/kinds): each change touches only the field it names — the rest of the document,
 * unknown elements, foreign metadata and comments included, means the same afterwards.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  hardwareChangeSchema,
  type HardwareChange,
  type HostLimits,
} from '../../shared/contract/hardware.js';
import { editorFor } from '../../electron/hardware/kinds/index.js';
import { limitsFrom } from '../../electron/hardware/limits.js';
import { HardwareService, hardwareView, pendingChanges } from '../../electron/hardware/service.js';
import { LibvirtError } from '../../electron/libvirt/index.js';
import { add, child } from '../../electron/libvirt-xml/dom.js';
import {
  DomainCapabilitiesXml,
  DomainXml,
  readBoot,
  readCpu,
  readMemory,
} from '../../electron/libvirt-xml/index.js';
import { treeChild, treeChildren, xmlMeaning, type XmlTree } from '../support/xml-tree.js';

const DOMAIN = fs.readFileSync(
  path.join(import.meta.dirname, 'fixtures', 'libvirt-xml', 'domain.xml'),
  'utf8',
);

/** A domain other tools have been at: unicode name, foreign metadata, unknown elements, a comment. */
const AWKWARD = `<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>ünïcødé-虚拟机-🖥️</name>
  <uuid>6f1c1b7e-93a5-4e0f-8a3a-0c2f7d9e4b21</uuid>
  <description>Ωmega &amp; friends — “quoted”</description>
  <metadata>
    <other:tool xmlns:other='urn:example:other-tool'><other:setting key='a'>β</other:setting></other:tool>
  </metadata>
  <!-- kept by hand: do not remove -->
  <memory unit='GiB'>2</memory>
  <vcpu placement='static'>4</vcpu>
  <vcpus>
    <vcpu id='0' enabled='yes' hotpluggable='no' order='1'/>
    <vcpu id='1' enabled='yes' hotpluggable='yes' order='2'/>
    <vcpu id='2' enabled='yes' hotpluggable='yes' order='3'/>
    <vcpu id='3' enabled='yes' hotpluggable='yes' order='4'/>
  </vcpus>
  <futureElement flavour='unknown'><nested/></futureElement>
  <os>
    <type arch='x86_64' machine='pc-q35-9.2'>hvm</type>
    <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader>
    <nvram template='/usr/share/OVMF/OVMF_VARS_4M.fd'>/var/lib/libvirt/qemu/nvram/x_VARS.fd</nvram>
    <bootmenu enable='no' timeout='3000'/>
  </os>
  <features><acpi/><apic/><vmport state='off'/></features>
  <cpu mode='host-passthrough' check='none' migratable='on'/>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/ünï.qcow2'/>
      <target dev='vda' bus='virtio'/>
      <boot order='2'/>
    </disk>
    <disk type='file' device='cdrom'>
      <target dev='sda' bus='sata'/>
      <readonly/>
      <boot order='1'/>
    </disk>
    <interface type='network'>
      <mac address='52:54:00:AA:BB:CC'/>
      <source network='default'/>
      <model type='virtio'/>
    </interface>
    <video><model type='virtio' heads='1' primary='yes'/></video>
    <gizmo kind='from-the-future'/>
  </devices>
  <qemu:commandline><qemu:arg value='-no-hpet'/></qemu:commandline>
</domain>`;

const CAPS = `<domainCapabilities>
  <path>/usr/bin/qemu-system-x86_64</path><domain>kvm</domain><machine>pc-q35-9.2</machine><arch>x86_64</arch>
  <vcpu max='255'/>
  <os supported='yes'>
    <enum name='firmware'><value>bios</value><value>efi</value></enum>
    <loader supported='yes'>
      <value>/usr/share/OVMF/OVMF_CODE_4M.fd</value>
      <enum name='type'><value>rom</value><value>pflash</value></enum>
      <enum name='secure'><value>yes</value><value>no</value></enum>
    </loader>
  </os>
  <cpu>
    <mode name='host-passthrough' supported='yes'/>
    <mode name='maximum' supported='yes'/>
    <mode name='host-model' supported='yes'><model fallback='forbid'>Skylake-Client-IBRS</model></mode>
    <mode name='custom' supported='yes'>
      <model usable='yes' vendor='unknown'>qemu64</model>
      <model usable='yes' vendor='Intel'>Nehalem</model>
      <model usable='no' vendor='Intel'>Icelake-Server</model>
    </mode>
  </cpu>
  <memoryBacking supported='yes'><enum name='sourceType'><value>file</value><value>anonymous</value><value>memfd</value></enum></memoryBacking>
  <devices>
    <disk supported='yes'>
      <enum name='diskDevice'><value>disk</value><value>cdrom</value><value>floppy</value><value>lun</value></enum>
      <enum name='bus'><value>fdc</value><value>scsi</value><value>virtio</value><value>usb</value><value>sata</value></enum>
    </disk>
    <graphics supported='yes'><enum name='type'><value>vnc</value><value>spice</value></enum></graphics>
    <video supported='yes'><enum name='modelType'><value>vga</value><value>virtio</value></enum></video>
  </devices>
</domainCapabilities>`;
const LIMITS: HostLimits = limitsFrom(DomainCapabilitiesXml.parse(CAPS), {
  cpus: 8,
  memory: 16 * 1024 * 1024,
});

/** Applies a change the way the service does (contract check, host check, edit); returns the new XML. */
const apply = (xml: string, change: HardwareChange): string => {
  hardwareChangeSchema.parse(change);
  const editor = editorFor(change.kind)!;
  const config = DomainXml.parse(xml);
  expect(editor.check(change as never, { config, limits: LIMITS, running: false })).toEqual([]);
  editor.editConfig(config, change as never);
  return config.toString();
};

const issuesOf = (xml: string, change: HardwareChange) =>
  editorFor(change.kind)!.check(change as never, {
    config: DomainXml.parse(xml),
    limits: LIMITS,
    running: false,
  });

/** The document's meaning with `edit` applied by hand: what an edit must produce, exactly. */
const expected = (xml: string, edit: (root: XmlTree) => void): XmlTree => {
  const t = xmlMeaning(xml);
  edit(t);
  return t;
};
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
const drop = (parent: XmlTree | undefined, name: string): void => {
  if (parent) parent.children = parent.children.filter((c) => c.name !== name);
};

describe('CPU edits', () => {
  it('vCPUs at start: only <vcpu current> changes', () => {
    const out = apply(DOMAIN, { kind: 'cpu', vcpus: 2, maxVcpus: 2 });
    expect(xmlMeaning(out)).toEqual(expected(DOMAIN, (t) => delete treeChild(t, 'vcpu')!.attrs.current));
    expect(readCpu(DomainXml.parse(out))).toMatchObject({ vcpus: 2, maxVcpus: 2 });
  });

  it('a new maximum with the topology that matches it', () => {
    const topology = { sockets: 1, dies: 1, cores: 4, threads: 1 };
    const out = apply(DOMAIN, { kind: 'cpu', vcpus: 1, maxVcpus: 4, topology });
    expect(xmlMeaning(out)).toEqual(
      expected(DOMAIN, (t) => {
        treeChild(t, 'vcpu')!.text = '4';
        treeChild(t, 'cpu/topology')!.attrs.cores = '4';
      }),
    );
  });

  it('the per-vCPU list goes when the count changes (libvirt rebuilds it), the rest stays', () => {
    const out = apply(AWKWARD, { kind: 'cpu', vcpus: 2, maxVcpus: 4 });
    expect(xmlMeaning(out)).toEqual(
      expected(AWKWARD, (t) => {
        treeChild(t, 'vcpu')!.attrs.current = '2';
        drop(t, 'vcpus');
      }),
    );
    expect(out).toContain('<!-- kept by hand: do not remove -->');
    expect(DomainXml.parse(out).name).toBe('ünïcødé-虚拟机-🖥️');
  });

  it('mode: custom → host-passthrough drops the model and match', () => {
    const out = apply(DOMAIN, { kind: 'cpu', mode: 'host-passthrough' });
    expect(xmlMeaning(out)).toEqual(
      expected(DOMAIN, (t) => {
        const cpu = treeChild(t, 'cpu')!;
        cpu.attrs.mode = 'host-passthrough';
        delete cpu.attrs.match;
        drop(cpu, 'model');
      }),
    );
  });

  it('mode: host-passthrough → a named model', () => {
    const out = apply(AWKWARD, { kind: 'cpu', mode: 'custom', model: 'Nehalem' });
    const cpu = readCpu(DomainXml.parse(out));
    expect(cpu).toMatchObject({ mode: 'custom', model: 'Nehalem' });
    expect(xmlMeaning(out)).toEqual(
      expected(AWKWARD, (t) => {
        const c = treeChild(t, 'cpu')!;
        c.attrs = { mode: 'custom', check: 'none', migratable: 'on', match: 'exact' };
        c.children = [el('model', { fallback: 'forbid' }, [], 'Nehalem')];
      }),
    );
  });

  it('topology removed, and added where there was none', () => {
    const out = apply(DOMAIN, { kind: 'cpu', topology: null });
    expect(xmlMeaning(out)).toEqual(expected(DOMAIN, (t) => drop(treeChild(t, 'cpu'), 'topology')));
    const out2 = apply(AWKWARD, {
      kind: 'cpu',
      vcpus: 4,
      maxVcpus: 4,
      topology: { sockets: 2, dies: 1, cores: 2, threads: 1 },
    });
    expect(readCpu(DomainXml.parse(out2)).topology).toEqual({ sockets: 2, dies: 1, cores: 2, threads: 1 });
    expect(xmlMeaning(out2)).toEqual(
      expected(AWKWARD, (t) =>
        treeChild(t, 'cpu')!.children.push(el('topology', { sockets: '2', cores: '2', threads: '1' })),
      ),
    );
  });

  it('refuses what the host or the count does not allow, in plain words on the field', () => {
    expect(issuesOf(DOMAIN, { kind: 'cpu', maxVcpus: 300, vcpus: 1 })).toEqual([
      { path: ['maxVcpus'], message: 'This host allows at most 255 vCPUs for this VM.' },
      expect.objectContaining({ path: ['topology'] }),
    ]);
    expect(issuesOf(DOMAIN, { kind: 'cpu', vcpus: 3 })).toEqual([
      { path: ['vcpus'], message: 'The vCPUs at start cannot be more than the maximum (2).' },
    ]);
    expect(issuesOf(DOMAIN, { kind: 'cpu', mode: 'custom', model: 'Icelake-Server' })).toEqual([
      { path: ['model'], message: 'This host cannot run the CPU model Icelake-Server.' },
    ]);
    const bad = hardwareChangeSchema.safeParse({
      kind: 'cpu',
      vcpus: 4,
      maxVcpus: 4,
      topology: { sockets: 1, dies: 1, cores: 2, threads: 1 },
    });
    expect(bad.error?.issues.map((i) => [i.path, i.message])).toEqual([
      [['topology'], 'Sockets × dies × cores × threads must equal the maximum vCPUs.'],
    ]);
  });
});

describe('memory edits', () => {
  it('current memory only', () => {
    const out = apply(DOMAIN, { kind: 'memory', currentKiB: 786432 });
    expect(xmlMeaning(out)).toEqual(
      expected(DOMAIN, (t) => (treeChild(t, 'currentMemory')!.text = '786432')),
    );
  });

  it('maximum in other units, and a <currentMemory> added where there was none', () => {
    const out = apply(AWKWARD, { kind: 'memory', currentKiB: 1048576, maxKiB: 2097152 });
    expect(readMemory(DomainXml.parse(out))).toMatchObject({ currentKiB: 1048576, maxKiB: 2097152 });
    expect(xmlMeaning(out)).toEqual(
      expected(AWKWARD, (t) => {
        const i = t.children.findIndex((c) => c.name === 'memory');
        t.children.splice(i + 1, 0, el('currentMemory', { unit: 'KiB' }, [], '1048576'));
      }),
    );
  });

  it('a VM with guest NUMA cells: the maximum is theirs (refused, saying where), the balloon still moves', () => {
    const numa = DOMAIN.replace(
      "<cpu mode='custom' match='exact' check='none'>",
      "<cpu mode='custom' match='exact' check='none'><numa><cell id='0' cpus='0' memory='524288' unit='KiB'/><cell id='1' cpus='1' memory='524288' unit='KiB'/></numa>",
    );
    const m = readMemory(DomainXml.parse(numa));
    expect(m.numaCells).toBe(2);
    expect(issuesOf(numa, { kind: 'memory', maxKiB: m.maxKiB + 65536 })).toEqual([
      {
        path: ['maxKiB'],
        message: expect.stringContaining('sum of its 2 guest NUMA cells') as unknown as string,
      },
    ]);
    expect(issuesOf(numa, { kind: 'memory', currentKiB: 262144, maxKiB: m.maxKiB })).toEqual([]);
    expect(readMemory(DomainXml.parse(DOMAIN)).numaCells).toBe(0);
  });

  it('huge pages and shared access (memfd) come and go, leaving nothing behind', () => {
    const on = apply(DOMAIN, { kind: 'memory', hugepages: true });
    expect(readMemory(DomainXml.parse(on))).toMatchObject({ hugepages: true, sharedAccess: false });
    const shared = apply(DOMAIN, { kind: 'memory', sharedAccess: true });
    expect(readMemory(DomainXml.parse(shared))).toMatchObject({ sharedAccess: true, source: 'memfd' });
    const off = apply(shared, { kind: 'memory', sharedAccess: false });
    expect(xmlMeaning(off)).toEqual(xmlMeaning(DOMAIN));
    expect(xmlMeaning(apply(on, { kind: 'memory', hugepages: false }))).toEqual(xmlMeaning(DOMAIN));
  });

  it('refuses more than the host has, and current above maximum', () => {
    expect(issuesOf(DOMAIN, { kind: 'memory', maxKiB: 32 * 1024 * 1024, currentKiB: 1024 })).toEqual([
      { path: ['maxKiB'], message: 'This host has 16384 MiB of memory; a VM cannot have more.' },
    ]);
    expect(issuesOf(DOMAIN, { kind: 'memory', currentKiB: 4 * 1024 * 1024 })).toEqual([
      { path: ['currentKiB'], message: 'The current memory cannot be more than the maximum (1024 MiB).' },
    ]);
  });
});

describe('boot and firmware edits', () => {
  it('reads per-device order, legacy order, menu and firmware', () => {
    expect(readBoot(DomainXml.parse(AWKWARD))).toMatchObject({
      devices: [
        { id: 'disk:sda', type: 'cdrom', order: 1 },
        { id: 'disk:vda', type: 'disk', order: 2 },
        { id: 'interface:52:54:00:aa:bb:cc', type: 'network', order: null },
      ],
      legacyOrder: [],
      menu: false,
      firmware: 'efi',
      secureBoot: false,
      loader: '/usr/share/OVMF/OVMF_CODE_4M.fd',
    });
    expect(readBoot(DomainXml.parse(DOMAIN))).toMatchObject({
      legacyOrder: ['hd', 'cdrom'],
      firmware: 'bios',
    });
  });

  it('reorders: only the <boot order> of devices that move change', () => {
    const out = apply(AWKWARD, {
      kind: 'boot',
      order: ['disk:vda', 'disk:sda', 'interface:52:54:00:aa:bb:cc'],
    });
    expect(xmlMeaning(out)).toEqual(
      expected(AWKWARD, (t) => {
        const [vda, sda] = treeChildren(t, 'devices/disk');
        treeChild(vda, 'boot')!.attrs.order = '1';
        treeChild(sda, 'boot')!.attrs.order = '2';
        treeChild(t, 'devices/interface')!.children.push(el('boot', { order: '3' }));
      }),
    );
  });

  it('legacy <os><boot dev> gives way to per-device order', () => {
    const out = apply(DOMAIN, { kind: 'boot', order: ['disk:sda', 'disk:vda'] });
    const boot = readBoot(DomainXml.parse(out));
    expect(boot.legacyOrder).toEqual([]);
    expect(boot.devices.map((d) => [d.id, d.order])).toEqual([
      ['disk:sda', 1],
      ['disk:vda', 2],
      ['interface:52:54:00:12:34:56', null],
      ['interface:52:54:00:ab:cd:ef', null],
    ]);
    expect(xmlMeaning(out)).toEqual(
      expected(DOMAIN, (t) => {
        drop(treeChild(t, 'os'), 'boot');
        const [vda, sda] = treeChildren(t, 'devices/disk');
        vda!.children.push(el('boot', { order: '2' }));
        sda!.children.push(el('boot', { order: '1' }));
      }),
    );
  });

  it('boot menu on keeps its timeout', () => {
    const out = apply(AWKWARD, { kind: 'boot', menu: true });
    expect(xmlMeaning(out)).toEqual(
      expected(AWKWARD, (t) => (treeChild(t, 'os/bootmenu')!.attrs.enable = 'yes')),
    );
  });

  it('BIOS → UEFI uses autoselection; UEFI → BIOS drops loader and NVRAM', () => {
    const efi = apply(DOMAIN, { kind: 'boot', firmware: 'efi' });
    expect(xmlMeaning(efi)).toEqual(expected(DOMAIN, (t) => (treeChild(t, 'os')!.attrs.firmware = 'efi')));
    expect(readBoot(DomainXml.parse(efi)).firmware).toBe('efi');
    const bios = apply(AWKWARD, { kind: 'boot', firmware: 'bios' });
    expect(xmlMeaning(bios)).toEqual(
      expected(AWKWARD, (t) => {
        drop(treeChild(t, 'os'), 'loader');
        drop(treeChild(t, 'os'), 'nvram');
      }),
    );
  });

  it('Secure Boot: firmware features and SMM', () => {
    const out = apply(DOMAIN, { kind: 'boot', firmware: 'efi', secureBoot: true });
    expect(readBoot(DomainXml.parse(out))).toMatchObject({ firmware: 'efi', secureBoot: true });
    expect(xmlMeaning(out)).toEqual(
      expected(DOMAIN, (t) => {
        const os = treeChild(t, 'os')!;
        os.attrs.firmware = 'efi';
        os.children.splice(
          1,
          0,
          el('firmware', {}, [
            el('feature', { enabled: 'yes', name: 'secure-boot' }),
            el('feature', { enabled: 'yes', name: 'enrolled-keys' }),
          ]),
        );
        treeChild(t, 'features')!.children.push(el('smm', { state: 'on' }));
      }),
    );
    const off = apply(out, { kind: 'boot', secureBoot: false });
    expect(readBoot(DomainXml.parse(off)).secureBoot).toBe(false);
    expect(issuesOf(DOMAIN, { kind: 'boot', secureBoot: true })).toEqual([
      { path: ['secureBoot'], message: 'Secure Boot needs UEFI firmware.' },
    ]);
  });

  it('direct kernel boot on and off', () => {
    const k = { kernel: '/boot/vmlinuz', initrd: '/boot/initrd.img', cmdline: 'console=ttyS0 quiet' };
    const on = apply(AWKWARD, { kind: 'boot', kernel: k });
    expect(readBoot(DomainXml.parse(on)).kernel).toEqual(k);
    expect(xmlMeaning(apply(on, { kind: 'boot', kernel: null }))).toEqual(xmlMeaning(AWKWARD));
  });

  it('refuses a device that is not there', () => {
    expect(issuesOf(DOMAIN, { kind: 'boot', order: ['disk:vdz'] })).toEqual([
      { path: ['order', 0], message: 'There is no bootable device disk:vdz.' },
    ]);
  });
});

describe('hardware view and pending changes', () => {
  it('lists every device (not the emulator) with stable ids', () => {
    const v = hardwareView(DomainXml.parse(AWKWARD));
    expect(v.devices.map((d) => d.id)).toEqual([
      'disk:vda',
      'disk:sda',
      'interface:52:54:00:aa:bb:cc',
      'video:0',
      'gizmo:0',
    ]);
    expect(v.devices[0]).toMatchObject({ type: 'disk', subtype: 'disk', label: 'vda (virtio)' });
    expect(v.devices[4]!.xml).toBe('<gizmo kind="from-the-future"/>');
  });

  it('says in words what waits for a restart', () => {
    const live = hardwareView(DomainXml.parse(DOMAIN));
    const config = hardwareView(
      DomainXml.parse(
        apply(apply(DOMAIN, { kind: 'cpu', vcpus: 2, maxVcpus: 2 }), { kind: 'memory', currentKiB: 262144 }),
      ),
    );
    expect(pendingChanges(config, live).map((p) => p.text)).toEqual([
      'vCPUs: 1 → 2',
      'Memory: 512 MiB → 256 MiB',
    ]);
  });

  it('reads the host limits from domain capabilities', () => {
    expect(LIMITS).toMatchObject({
      maxVcpus: 255,
      hostCpus: 8,
      cpu: { hostPassthrough: true, hostModel: true, custom: true, models: ['qemu64', 'Nehalem'] },
      firmware: { choices: ['bios', 'efi'], secureBoot: true },
      memoryBackingSources: ['file', 'anonymous', 'memfd'],
      diskBuses: ['fdc', 'scsi', 'virtio', 'usb', 'sata'],
      videoModels: ['vga', 'virtio'],
    });
  });
});

describe('the service when libvirt refuses', () => {
  /** Just enough of a client for one apply: libvirt's refusal of the definition is what is tested. */
  const fakeClient = (defineError: Error | null, liveError: Error | null) => {
    const calls: string[] = [];
    const client = {
      domainLookupByUUID: async (uuid: string) => (calls.push('lookup'), { name: 'web', uuid, id: 7 }),
      domainGetXMLDesc: async () => (calls.push('xml'), DOMAIN),
      connectGetDomainCapabilities: async () => (calls.push('caps'), CAPS),
      nodeGetInfo: async () => (calls.push('node'), { cpus: 8, memory: 16 * 1024 * 1024 }),
      domainDefineXML: async () => {
        calls.push('define');
        if (defineError) throw defineError;
      },
      domainSetVcpusFlags: async () => {
        calls.push('live');
        if (liveError) throw liveError;
      },
    };
    return { calls, service: new HardwareService({ getClient: () => client as never }) };
  };
  const refusal = (msg: string) => new LibvirtError(msg, { code: 1, domain: 10, level: 2 });
  const input = { connectionId: 'c', uuid: '3e5aeb59-fa31-4be0-9611-f3f7a11c7d6e' };

  it('a refused definition: nothing else is tried, the answer carries libvirt’s words', async () => {
    const { calls, service } = fakeClient(refusal('unsupported configuration: nope'), null);
    const r = await service.apply({ ...input, change: { kind: 'cpu', vcpus: 2, maxVcpus: 2 } });
    expect(r).toMatchObject({
      live: 'unchanged',
      config: 'failed',
      message: 'libvirt refused the change to web; nothing was changed.',
      detail: 'unsupported configuration: nope',
    });
    expect(calls).toEqual(['lookup', 'xml', 'caps', 'node', 'define']);
  });

  it('saved, but the running VM could not take it', async () => {
    const { service } = fakeClient(null, refusal('requested vcpus is greater than max allowable vcpus'));
    const r = await service.apply({ ...input, change: { kind: 'cpu', vcpus: 2, maxVcpus: 2 } });
    expect(r).toMatchObject({
      live: 'not-possible',
      config: 'applied',
      message:
        'Saved for next boot; the running VM could not take it now: requested vcpus is greater than max allowable vcpus',
    });
  });
});

describe('a domain with 100 disks', () => {
  const big = (() => {
    const d = DomainXml.parse(AWKWARD);
    const devices = child(d.root, 'devices')!;
    for (let i = 0; i < 100; i++) {
      const disk = add(devices, 'disk', { type: 'file', device: 'disk' });
      add(disk, 'source', { file: `/srv/disks/d${i}.qcow2` });
      add(disk, 'target', {
        dev: `sd${String.fromCharCode(97 + Math.floor(i / 26))}${String.fromCharCode(97 + (i % 26))}`,
        bus: 'scsi',
      });
    }
    return d.toString();
  })();

  it('one field changes, the 100 disks and everything else do not', () => {
    const out = apply(big, { kind: 'memory', currentKiB: 1024 * 1024 });
    expect(xmlMeaning(out)).toEqual(
      expected(big, (t) => {
        const i = t.children.findIndex((c) => c.name === 'memory');
        t.children.splice(i + 1, 0, el('currentMemory', { unit: 'KiB' }, [], '1048576'));
      }),
    );
    const moved = apply(big, { kind: 'boot', order: ['disk:sdad', 'disk:sda'] });
    const boot = readBoot(DomainXml.parse(moved));
    expect(boot.devices.slice(0, 2).map((d) => [d.id, d.order])).toEqual([
      ['disk:sdad', 1],
      ['disk:sda', 2],
    ]);
    expect(hardwareView(DomainXml.parse(big)).devices).toHaveLength(105);
  });
});
