/** Guest NUMA cells, memnodes and huge pages in the domain XML: read, write, and what stays untouched. */
import { describe, expect, it } from 'vitest';
import {
  DomainXml,
  readGuestNuma,
  setGuestNuma,
  type GuestNumaCell,
} from '../../electron/libvirt-xml/index.js';

const PLAIN = `<domain type='kvm'><name>t</name><memory unit='KiB'>1048576</memory>
<currentMemory unit='KiB'>1048576</currentMemory>
<memtune><hard_limit unit='KiB'>4194304</hard_limit></memtune>
<vcpu placement='static'>4</vcpu>
<cputune><shares>512</shares></cputune>
<os><type arch='x86_64' machine='pc'>hvm</type></os>
<features><acpi/></features>
<clock offset='utc'/>
<devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices>
<seclabel type='none'/>
</domain>`;

const NUMA = `<domain type='kvm'><name>t</name><memory unit='KiB'>1048576</memory>
<memoryBacking><hugepages><page size='2048' unit='KiB'/><page size='1' unit='GiB' nodeset='1'/></hugepages><locked/></memoryBacking>
<vcpu>4</vcpu>
<numatune><memory mode='strict' nodeset='0'/><memnode cellid='0' mode='strict' nodeset='0'/><memnode cellid='1' mode='preferred' nodeset='1'/></numatune>
<os><type>hvm</type></os>
<cpu mode='host-passthrough' check='none'><topology sockets='1' cores='4' threads='1'/><feature policy='require' name='x2apic'/>
<numa><cell id='0' cpus='0-1' memory='512' unit='MiB' memAccess='shared'><distances><sibling id='0' value='10'/></distances></cell>
<cell id='1' cpus='2,3' memory='524288'/></numa></cpu>
<devices/>
</domain>`;

const names = (x: DomainXml): string[] =>
  Array.from({ length: x.root.childNodes.length }, (_, i) => x.root.childNodes.item(i)!)
    .filter((n) => n.nodeType === 1)
    .map((n) => n.nodeName);

const two = (nodes: [number[] | null, number[] | null] = [null, null]): GuestNumaCell[] => [
  {
    id: 0,
    cpus: [0, 1],
    memoryKiB: 262144,
    hostNodes: nodes[0] && { mode: 'strict', nodeset: nodes[0] },
  },
  {
    id: 1,
    cpus: [2, 3],
    memoryKiB: 262144,
    hostNodes: nodes[1] && { mode: 'strict', nodeset: nodes[1] },
  },
];

describe('guest NUMA in the domain XML', () => {
  it('reads cells (any unit), their memnodes and the page sizes with their cells', () => {
    expect(readGuestNuma(DomainXml.parse(NUMA))).toEqual({
      cells: [
        { id: 0, cpus: [0, 1], memoryKiB: 524288, hostNodes: { mode: 'strict', nodeset: [0] } },
        { id: 1, cpus: [2, 3], memoryKiB: 524288, hostNodes: { mode: 'preferred', nodeset: [1] } },
      ],
      hugepages: [
        { sizeKiB: 2048, cells: null },
        { sizeKiB: 1048576, cells: [1] },
      ],
    });
    expect(readGuestNuma(DomainXml.parse(PLAIN))).toEqual({ cells: [], hugepages: null });
  });

  it('creates <cpu><numa>, <numatune><memnode> and <hugepages> in libvirt’s order, memory the cells’ sum', () => {
    const x = DomainXml.parse(PLAIN);
    setGuestNuma(x, {
      cells: two([[0], null]),
      hugepages: [
        { sizeKiB: 2048, cells: null },
        { sizeKiB: 1048576, cells: [1] },
      ],
    });
    const out = DomainXml.parse(x.toString());
    expect(names(out)).toEqual([
      'name',
      'memory',
      'currentMemory',
      'memtune',
      'memoryBacking',
      'vcpu',
      'cputune',
      'numatune',
      'os',
      'features',
      'cpu',
      'clock',
      'devices',
      'seclabel',
    ]);
    expect(out.memoryKiB).toBe(524288);
    expect(out.currentMemoryKiB).toBe(524288);
    const s = x.toString();
    expect(s).toContain(`<cell id="0" cpus="0-1" memory="262144" unit="KiB"/>`);
    expect(s).toContain(`<memnode cellid="0" mode="strict" nodeset="0"/>`);
    expect(s).not.toContain('cellid="1"');
    expect(s).toContain(
      `<hugepages><page size="2048" unit="KiB"/><page size="1048576" unit="KiB" nodeset="1"/></hugepages>`,
    );
    expect(readGuestNuma(out)).toEqual({
      cells: two([[0], null]),
      hugepages: [
        { sizeKiB: 2048, cells: null },
        { sizeKiB: 1048576, cells: [1] },
      ],
    });
    // What the edit does not own is as it was.
    expect(s).toContain('<hard_limit unit="KiB">4194304</hard_limit>');
    expect(s).toContain('<cputune><shares>512</shares></cputune>');
    expect(s).toContain('<features><acpi/></features>');
  });

  it('keeps <cpu mode>, its other children and a cell’s own attributes and children', () => {
    const x = DomainXml.parse(NUMA);
    setGuestNuma(x, { cells: two([[1], [0]]), hugepages: [{ sizeKiB: 2048, cells: null }] });
    const s = x.toString();
    expect(s).toContain(`<cpu mode="host-passthrough" check="none"><topology`);
    expect(s).toContain(`<feature policy="require" name="x2apic"/>`);
    expect(s).toMatch(
      /<cell id="0" cpus="0-1" memory="262144" unit="KiB" memAccess="shared"><distances><sibling id="0" value="10"\/><\/distances><\/cell>/,
    );
    expect(s).toContain(`<memory mode="strict" nodeset="0"/>`);
    expect(s).toContain(`<memnode cellid="1" mode="strict" nodeset="0"/>`);
    expect(s).toContain('<locked/>');
    expect(s).not.toContain('1048576" unit="KiB" nodeset');
  });

  it('no cells removes the guest topology and memnodes; an empty <cpu> goes, one with a mode stays', () => {
    const x = DomainXml.parse(NUMA);
    setGuestNuma(x, { cells: [], hugepages: null });
    const s = x.toString();
    expect(s).not.toContain('<numa>');
    expect(s).not.toContain('memnode');
    expect(s).not.toContain('hugepages');
    expect(s).toContain('<memoryBacking><locked/></memoryBacking>');
    expect(s).toContain(`<memory mode="strict" nodeset="0"/>`);
    expect(s).toContain(`<cpu mode="host-passthrough"`);

    const y = DomainXml.parse(PLAIN);
    setGuestNuma(y, { cells: two(), hugepages: null });
    setGuestNuma(y, { cells: [], hugepages: null });
    expect(y.toString()).not.toMatch(/<cpu[ >/]/);
    expect(y.toString()).not.toContain('<numatune');
  });

  it('a round trip through libvirt’s own text leaves unrelated elements byte for byte', () => {
    const x = DomainXml.parse(PLAIN);
    const before = x.toString();
    setGuestNuma(x, { cells: two([[0], [0]]), hugepages: [{ sizeKiB: 2048, cells: null }] });
    setGuestNuma(x, { cells: [], hugepages: null });
    const after = x.toString();
    for (const part of ['<memtune>', '<cputune>', '<os>', '<features>', '<clock', '<devices>', '<seclabel'])
      expect(after.slice(after.indexOf(part)).split('\n')[0]).toBe(
        before.slice(before.indexOf(part)).split('\n')[0],
      );
  });
});
