/**
 * The pure parts of the IOThread, per-device block I/O, sVirt and host memory additions: the XML reader
 * and edits, the checks before libvirt, the per-device parameter strings and the local-URI test.
 */
import { describe, expect, it } from 'vitest';
import { isLocalQemuUri } from '../../electron/host/memory.js';
import {
  DomainXml,
  readDomainTuning,
  setDiskIothread,
  setSecLabel,
} from '../../electron/libvirt-xml/index.js';
import { checkTuningChange } from '../../shared/contract/tuning-checks.js';
import { checkSecurityChange } from '../../shared/contract/tuning-security-checks.js';
import type { HostCell } from '../../shared/contract/tuning.js';
import { parseCpuSet } from '../../renderer/src/features/tuning/cpuSet.js';

const DOMAIN = `<domain type='kvm'><name>t</name><memory unit='MiB'>512</memory>
<vcpu>2</vcpu><iothreads>2</iothreads>
<iothreadids><iothread id='4'/><iothread id='2'/></iothreadids>
<blkiotune><weight>500</weight>
  <device><path>/dev/sda</path><weight>300</weight><read_bytes_sec>1048576</read_bytes_sec></device>
  <device><path>/dev/sdb</path><write_iops_sec>100</write_iops_sec></device>
</blkiotune>
<devices>
  <disk type='file' device='disk'><driver name='qemu' type='raw' iothread='4'/><source file='/a'/>
    <target dev='vda' bus='virtio'/></disk>
  <disk type='file' device='disk'><source file='/b'/><target dev='sda' bus='sata'/></disk>
  <disk type='file' device='cdrom'><target dev='sdb' bus='sata'/></disk>
</devices>
<seclabel type='none'/>
</domain>`;

const cells: HostCell[] = [
  {
    id: 0,
    memoryKiB: null,
    pages: [],
    cpus: [0, 1].map((id) => ({ id, socket: 0, die: 0, core: id, siblings: [id], online: true })),
  },
];

describe('IOThreads and per-device blkio in the domain XML', () => {
  const t = readDomainTuning(DomainXml.parse(DOMAIN));

  it('reads IOThread ids (sorted), each disk’s IOThread and the per-device limits', () => {
    expect(t.iothreadIds).toEqual([2, 4]);
    expect(t.diskIothreads).toEqual([
      { target: 'vda', bus: 'virtio', iothread: 4 },
      { target: 'sda', bus: 'sata', iothread: null },
    ]);
    expect(t.blkioDevices).toEqual([
      {
        path: '/dev/sda',
        weight: 300,
        readBytesSec: 1048576,
        writeBytesSec: 0,
        readIopsSec: 0,
        writeIopsSec: 0,
      },
      { path: '/dev/sdb', weight: 0, readBytesSec: 0, writeBytesSec: 0, readIopsSec: 0, writeIopsSec: 100 },
    ]);
  });

  it('numbers IOThreads 1…n when the XML gives only a count', () => {
    const x = DomainXml.parse(`<domain type='kvm'><name>t</name><iothreads>3</iothreads></domain>`);
    expect(readDomainTuning(x).iothreadIds).toEqual([1, 2, 3]);
  });

  it('moves a disk onto an IOThread and back to the main loop', () => {
    const x = DomainXml.parse(DOMAIN);
    expect(setDiskIothread(x, 'sda', 2)).toBe(true);
    expect(readDomainTuning(x).diskIothreads[1]).toEqual({ target: 'sda', bus: 'sata', iothread: 2 });
    setDiskIothread(x, 'vda', null);
    expect(x.toString()).toMatch(/<driver name="qemu" type="raw"\/>/);
    expect(setDiskIothread(x, 'vdz', 1)).toBe(false);
  });

  it('refuses what libvirt would refuse, in words', () => {
    const ctx = { cells, config: t, running: true };
    expect(checkTuningChange({ kind: 'iothreads', count: 1 }, ctx)).toEqual([
      {
        path: ['count'],
        message: 'IOThread 4 is used by disk vda; put that disk on another IOThread first.',
      },
    ]);
    expect(checkTuningChange({ kind: 'iothreads', count: 5 }, ctx)).toEqual([]);
    expect(checkTuningChange({ kind: 'iothreadpin', iothread: 3, cpus: [0] }, ctx)[0]?.message).toBe(
      'This VM has no IOThread 3 (its IOThreads: 2, 4).',
    );
    expect(checkTuningChange({ kind: 'iothreadpin', iothread: 2, cpus: [7] }, ctx)[0]?.message).toMatch(
      /^This host has no CPU 7/,
    );
    expect(checkTuningChange({ kind: 'disk-iothread', disk: 'sda', iothread: 2 }, ctx)[0]?.message).toBe(
      'Only virtio disks can use an IOThread; sda is on the sata bus.',
    );
    expect(checkTuningChange({ kind: 'disk-iothread', disk: 'vda', iothread: null }, ctx)).toEqual([]);
    const device = {
      path: 'sda',
      weight: 0,
      readBytesSec: 0,
      writeBytesSec: 0,
      readIopsSec: 0,
      writeIopsSec: 0,
    };
    expect(checkTuningChange({ kind: 'blkiodevice', device }, ctx)[0]?.message).toBe(
      'Give a host block device path, such as /dev/sda.',
    );
    expect(
      checkTuningChange({ kind: 'blkiodevice', device: { ...device, path: '/dev/sda', weight: 5 } }, ctx)[0]
        ?.message,
    ).toBe('A weight is 0 (none) or from 10 to 1000.');
  });
});

describe('security labels', () => {
  it('replaces one driver’s label and drops a model-less one', () => {
    const x = DomainXml.parse(DOMAIN);
    setSecLabel(x, { model: 'dac', mode: 'static', label: '+107:+107', relabel: false });
    expect(x.seclabels).toEqual([
      { model: 'dac', type: 'static', label: '+107:+107', imageLabel: null, relabel: false },
    ]);
    setSecLabel(x, { model: 'dac', mode: 'dynamic' });
    expect(x.seclabels).toEqual([
      { model: 'dac', type: 'dynamic', label: null, imageLabel: null, relabel: null },
    ]);
  });

  it('checks the driver and the label’s shape before libvirt', () => {
    const drivers = [
      { model: 'none', doi: '0' },
      { model: 'dac', doi: '0' },
    ];
    expect(checkSecurityChange({ model: 'dac', mode: 'dynamic' }, drivers)).toEqual([]);
    expect(checkSecurityChange({ model: 'selinux', mode: 'dynamic' }, drivers)[0]?.message).toBe(
      'This host has no selinux security driver (it has dac).',
    );
    expect(checkSecurityChange({ model: 'dac', mode: 'static', label: ' ' }, drivers)[0]?.message).toBe(
      'A static label needs the label itself.',
    );
    expect(checkSecurityChange({ model: 'dac', mode: 'static', label: 'qemu:kvm' }, drivers)).toEqual([]);
    expect(checkSecurityChange({ model: 'dac', mode: 'static', label: 'qemu' }, drivers)[0]?.message).toBe(
      'A dac label looks like +107:+107 or qemu:kvm.',
    );
  });
});

describe('host memory and the renderer’s CPU sets', () => {
  it('treats only this machine’s QEMU URIs as local', () => {
    expect(isLocalQemuUri('qemu:///system')).toBe(true);
    expect(isLocalQemuUri('qemu+unix:///system?socket=/tmp/s')).toBe(true);
    expect(isLocalQemuUri('qemu+ssh://root@h/system')).toBe(false);
    expect(isLocalQemuUri('test:///default')).toBe(false);
  });

  it('parses CPU sets', () => {
    expect(parseCpuSet('0-2, 5')).toEqual([0, 1, 2, 5]);
    expect(parseCpuSet('3–4')).toEqual([3, 4]);
    expect(parseCpuSet('')).toEqual([]);
    expect(parseCpuSet('2-1')).toBeNull();
    expect(parseCpuSet('a')).toBeNull();
    expect(parseCpuSet('1-2-3')).toBeNull();
  });
});
