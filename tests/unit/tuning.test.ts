/** The Tuning tab's pure parts: the host capabilities reader, the domain tuning reader, the checks. */
import { describe, expect, it } from 'vitest';
import {
  CapabilitiesXml,
  DomainXml,
  formatCpuList,
  parseCpuList,
  readDomainTuning,
} from '../../electron/libvirt-xml/index.js';
import { checkTuningChange } from '../../shared/contract/tuning-checks.js';

const CAPS = `<capabilities><host><uuid>x</uuid><cpu><arch>x86_64</arch><model>Skylake</model></cpu>
<topology><cells num='2'>
  <cell id='0'><memory unit='KiB'>2097152</memory>
    <pages unit='KiB' size='4'>524288</pages><pages unit='KiB' size='2048'>16</pages>
    <cpus num='4'>
      <cpu id='0' socket_id='0' die_id='0' core_id='0' siblings='0,2'/>
      <cpu id='1' socket_id='0' die_id='0' core_id='1' siblings='1,3'/>
      <cpu id='2' socket_id='0' die_id='0' core_id='0' siblings='0,2'/>
      <cpu id='3' socket_id='0' die_id='0' core_id='1' siblings='1,3'/>
    </cpus></cell>
  <cell id='1'><memory unit='GiB'>4</memory>
    <cpus num='2'>
      <cpu id='4' socket_id='1' die_id='0' core_id='0' siblings='4'/>
      <cpu id='5'/>
    </cpus></cell>
</cells></topology></host></capabilities>`;

const DOMAIN = `<domain type='kvm'><name>t</name><memory unit='MiB'>512</memory>
<currentMemory unit='MiB'>256</currentMemory><vcpu placement='static' cpuset='0-3,^2' current='2'>4</vcpu>
<iothreads>1</iothreads>
<cputune><shares>512</shares><period>100000</period><quota>50000</quota>
  <vcpupin vcpu='0' cpuset='1'/><vcpupin vcpu='1' cpuset='0,2-3'/><emulatorpin cpuset='4'/>
  <iothreadpin iothread='1' cpuset='3'/></cputune>
<memtune><hard_limit unit='GiB'>1</hard_limit><soft_limit unit='KiB'>300000</soft_limit></memtune>
<blkiotune><weight>700</weight></blkiotune>
<numatune><memory mode='interleave' nodeset='0-1'/></numatune>
<devices>
  <disk type='file' device='disk'><source file='/a.img'/><target dev='vda' bus='virtio'/>
    <iotune><total_bytes_sec>1048576</total_bytes_sec><read_iops_sec>50</read_iops_sec></iotune></disk>
  <disk type='file' device='cdrom'><target dev='sda' bus='sata'/></disk>
</devices></domain>`;

describe('libvirt CPU lists', () => {
  it('reads ranges, single CPUs and exclusions', () => {
    expect(parseCpuList('0-3,^2,8')).toEqual([0, 1, 3, 8]);
    expect(parseCpuList(' 5 ')).toEqual([5]);
  });
  it('refuses what is not a list', () => {
    for (const bad of ['', '1,,2', 'a', '3-1', '-1', '1-2-3', '0-70000'])
      expect(parseCpuList(bad)).toBeNull();
  });
  it('writes the compact form', () => {
    expect(formatCpuList([3, 0, 1, 2, 8, 10, 11])).toBe('0-3,8,10-11');
    expect(formatCpuList([])).toBe('');
  });
});

describe('CapabilitiesXml', () => {
  const cells = CapabilitiesXml.parse(CAPS).cells();
  it('reads NUMA cells with memory, hugepages and each CPU’s socket, core and thread siblings', () => {
    expect(cells.map((c) => c.id)).toEqual([0, 1]);
    expect(cells[0]!.memoryKiB).toBe(2097152);
    expect(cells[1]!.memoryKiB).toBe(4 * 1024 * 1024);
    expect(cells[0]!.pages).toEqual([
      { sizeKiB: 4, count: 524288 },
      { sizeKiB: 2048, count: 16 },
    ]);
    expect(cells[0]!.cpus[2]).toEqual({ id: 2, socket: 0, die: 0, core: 0, siblings: [0, 2], online: true });
    expect(cells[1]!.cpus[0]!.socket).toBe(1);
  });
  it('marks a CPU listed without its topology as offline', () => {
    expect(cells[1]!.cpus[1]).toMatchObject({ id: 5, online: false });
  });
  it('draws the topology from node info when the driver has none (2 nodes × 1 socket × 8 cores × 2 threads)', () => {
    const drawn = CapabilitiesXml.parse('<capabilities><host/></capabilities>').cells({
      cpus: 32,
      nodes: 2,
      sockets: 1,
      cores: 8,
      threads: 2,
    });
    expect(drawn.map((c) => c.cpus.length)).toEqual([16, 16]);
    expect(drawn[1]!.cpus[3]).toEqual({
      id: 19,
      socket: 1,
      die: 0,
      core: 1,
      siblings: [18, 19],
      online: true,
    });
    const odd = CapabilitiesXml.parse('<capabilities><host/></capabilities>').cells({
      cpus: 3,
      nodes: 1,
      sockets: 1,
      cores: 2,
      threads: 1,
    });
    expect(odd).toHaveLength(1);
    expect(odd[0]!.cpus.map((c) => c.id)).toEqual([0, 1, 2]);
  });
  it('reads the host CPU model', () => {
    expect(CapabilitiesXml.parse(CAPS).cpuModel).toBe('Skylake');
  });
  it('refuses another document', () => {
    expect(() => CapabilitiesXml.parse('<domain/>')).toThrow(/capabilities/);
  });
});

describe('readDomainTuning', () => {
  const t = readDomainTuning(DomainXml.parse(DOMAIN));
  it('reads vCPU counts, pinning and the default cpuset', () => {
    expect(t.vcpus).toBe(2);
    expect(t.maxVcpus).toBe(4);
    expect(t.defaultCpuset).toEqual([0, 1, 3]);
    expect(t.vcpuPins).toEqual([
      { vcpu: 0, cpus: [1] },
      { vcpu: 1, cpus: [0, 2, 3] },
    ]);
    expect(t.emulatorPin).toEqual([4]);
    expect(t.iothreads).toBe(1);
    expect(t.iothreadPins).toEqual([{ iothread: 1, cpus: [3] }]);
  });
  it('reads scheduler, memory, block and NUMA tuning in libvirt’s units', () => {
    expect([t.shares, t.period, t.quota]).toEqual([512, 100000, 50000]);
    expect(t.memtune).toEqual({
      hardLimitKiB: 1024 * 1024,
      softLimitKiB: 300000,
      swapHardLimitKiB: null,
      minGuaranteeKiB: null,
    });
    expect(t.blkioWeight).toBe(700);
    expect(t.numa).toEqual({ mode: 'interleave', nodeset: [0, 1], placement: null });
    expect(t.currentMemoryKiB).toBe(256 * 1024);
  });
  it('reads each disk’s I/O limits (0 = none) and leaves CD-ROMs out', () => {
    expect(t.disks).toEqual([
      {
        target: 'vda',
        source: '/a.img',
        iotune: {
          totalBytesSec: 1048576,
          readBytesSec: 0,
          writeBytesSec: 0,
          totalIopsSec: 0,
          readIopsSec: 50,
          writeIopsSec: 0,
        },
      },
    ]);
  });
  it('has nulls and no pins for a domain without tuning', () => {
    const bare = readDomainTuning(
      DomainXml.parse("<domain type='kvm'><name>b</name><memory>1024</memory><vcpu>1</vcpu></domain>"),
    );
    expect(bare).toMatchObject({ vcpus: 1, vcpuPins: [], emulatorPin: null, numa: null, blkioWeight: null });
  });
});

describe('checkTuningChange', () => {
  const cells = CapabilitiesXml.parse(CAPS).cells();
  const config = readDomainTuning(DomainXml.parse(DOMAIN));
  const check = (change: Parameters<typeof checkTuningChange>[0]) =>
    checkTuningChange(change, { cells, config, running: true }).map((i) => i.message);

  it('accepts pinning to online host CPUs', () => {
    expect(check({ kind: 'vcpupin', vcpu: 3, cpus: [0, 4] })).toEqual([]);
  });
  it('refuses CPUs the host does not have, naming the ones it has', () => {
    expect(check({ kind: 'vcpupin', vcpu: 0, cpus: [9] })).toEqual([
      'This host has no CPU 9 (its CPUs are 0–4).',
    ]);
  });
  it('refuses an offline CPU', () => {
    expect(check({ kind: 'emulatorpin', cpus: [5] })).toEqual(['Host CPU 5 is offline; choose among 0–4.']);
  });
  it('refuses an empty CPU set and a vCPU the VM does not have', () => {
    expect(check({ kind: 'vcpupin', vcpu: 0, cpus: [] })[0]).toMatch(/at least one host CPU/);
    expect(check({ kind: 'vcpupin', vcpu: 4, cpus: [0] })[0]).toMatch(/has 4 vCPUs .*no vCPU 4/);
  });
  it('refuses an empty node set and a node the host lacks', () => {
    expect(check({ kind: 'numatune', mode: 'strict', nodeset: [] })).toEqual([
      'Choose at least one NUMA node.',
    ]);
    expect(check({ kind: 'numatune', mode: 'strict', nodeset: [0, 2] })[0]).toMatch(/no NUMA node 2/);
    expect(check({ kind: 'numatune', mode: 'strict', nodeset: [1] })).toEqual([]);
  });
  it('refuses a hard limit below the VM’s current memory, and inconsistent limits', () => {
    expect(check({ kind: 'memtune', hardLimitKiB: 200 * 1024 })[0]).toMatch(
      /200 MiB is below the 256 MiB this VM has/,
    );
    expect(check({ kind: 'memtune', hardLimitKiB: 256 * 1024 })).toEqual([]);
    expect(check({ kind: 'memtune', hardLimitKiB: 512 * 1024, softLimitKiB: 600 * 1024 })).toEqual([
      'The soft limit cannot be above the hard limit.',
    ]);
    expect(check({ kind: 'memtune', hardLimitKiB: null })).toEqual([]);
  });
  it('refuses I/O limits for a disk the VM lacks, and total mixed with read/write', () => {
    const none = {
      totalBytesSec: 0,
      readBytesSec: 0,
      writeBytesSec: 0,
      totalIopsSec: 0,
      readIopsSec: 0,
      writeIopsSec: 0,
    };
    expect(check({ kind: 'iotune', disk: 'vdz', iotune: none })).toEqual(['This VM has no disk vdz.']);
    expect(
      check({ kind: 'iotune', disk: 'vda', iotune: { ...none, totalBytesSec: 1, readBytesSec: 1 } })[0],
    ).toMatch(/either a total byte limit/);
    expect(check({ kind: 'iotune', disk: 'vda', iotune: { ...none, totalBytesSec: 1048576 } })).toEqual([]);
  });
});
