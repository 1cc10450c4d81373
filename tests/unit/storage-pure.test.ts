/**
 * Pure parts of the storage feature: pool XML for every type VirtDesk builds, the fields each needs, the
 * pool capabilities parser, the path rule of the contract, the transfer meter, and the file chooser's
 * request checks.
 */
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import {
  initiatorIqn,
  newPoolXml,
  newVolumeXml,
  parsePoolCapabilities,
  parsePoolSources,
  poolSourceSpecXml,
  PoolXml,
  XmlError,
} from '../../electron/libvirt-xml/index.js';
import {
  createPoolInputSchema,
  findPoolSourcesInputSchema,
  missingPoolFields,
  storagePathSchema,
} from '../../shared/contract/storage.js';
import { Meter, SpeedWindow } from '../../electron/storage/meter.js';
import {
  fileDialogReply,
  parseChooseFileRequest,
  saveFileDialogOptions,
} from '../../electron/file-chooser.js';

describe('pool definitions', () => {
  it('builds a dir pool and an fs pool on a block device', () => {
    expect(newPoolXml({ name: 'p', type: 'dir', targetPath: '/srv/p' })).toBe(
      '<pool type="dir"><name>p</name><target><path>/srv/p</path></target></pool>',
    );
    const fs = PoolXml.parse(
      newPoolXml({
        name: 'f',
        type: 'fs',
        sourceDevice: '/dev/loop3',
        sourceFormat: 'ext4',
        targetPath: '/mnt/f',
      }),
    );
    expect(fs.type).toBe('fs');
    expect(fs.source).toMatchObject({ devices: ['/dev/loop3'], format: 'ext4' });
    expect(fs.targetPath).toBe('/mnt/f');
  });

  it('builds netfs, logical, iscsi, scsi, rbd pools with their sources', () => {
    const netfs = PoolXml.parse(
      newPoolXml({ name: 'n', type: 'netfs', sourceHost: 'nas', sourceDir: '/export', targetPath: '/mnt/n' }),
    );
    expect(netfs.source).toMatchObject({ hosts: [{ name: 'nas', port: null }], dir: '/export' });
    const lvm = PoolXml.parse(
      newPoolXml({ name: 'vg', type: 'logical', sourceName: 'vg0', sourceDevice: '/dev/sdb' }),
    );
    expect(lvm.source).toMatchObject({ name: 'vg0', devices: ['/dev/sdb'] });
    expect(lvm.targetPath).toBeNull();
    const iscsi = newPoolXml({
      name: 'i',
      type: 'iscsi',
      sourceHost: '10.0.0.5',
      sourceDevice: 'iqn.2024-01.org.example:disk1',
      targetPath: '/dev/disk/by-path',
    });
    expect(iscsi).toContain('<host name="10.0.0.5"/><device path="iqn.2024-01.org.example:disk1"/>');
    expect(
      newPoolXml({
        name: 'Direct 1',
        type: 'iscsi-direct',
        sourceHost: '10.0.0.5',
        sourcePort: 3261,
        sourceDevice: 'iqn.2024-01.org.example:disk1',
      }),
    ).toBe(
      '<pool type="iscsi-direct"><name>Direct 1</name><source><host name="10.0.0.5" port="3261"/>' +
        '<device path="iqn.2024-01.org.example:disk1"/>' +
        '<initiator><iqn name="iqn.2024-01.org.virtdesk:direct-1"/></initiator></source></pool>',
    );
    expect(
      newPoolXml({ name: 's', type: 'scsi', sourceName: 'host0', targetPath: '/dev/disk/by-path' }),
    ).toContain('<adapter type="scsi_host" name="host0"/>');
    expect(newPoolXml({ name: 'r', type: 'rbd', sourceHost: 'mon1', sourceName: 'rbdpool' })).toBe(
      '<pool type="rbd"><name>r</name><source><host name="mon1"/><name>rbdpool</name></source></pool>',
    );
    expect(newPoolXml({ name: 'm', type: 'mpath', targetPath: '/dev/mapper' })).toBe(
      '<pool type="mpath"><name>m</name><target><path>/dev/mapper</path></target></pool>',
    );
  });

  it('says which fields a type lacks', () => {
    expect(missingPoolFields({ type: 'fs', targetPath: '/mnt/x' })).toEqual(['sourceDevice']);
    expect(missingPoolFields({ type: 'netfs' })).toEqual(['sourceHost', 'sourceDir', 'targetPath']);
    expect(missingPoolFields({ type: 'dir', targetPath: '/srv/x' })).toEqual([]);
  });

  it('escapes names into XML instead of injecting them', () => {
    expect(newPoolXml({ name: 'a<b>&', type: 'dir', targetPath: '/srv/x' })).toContain(
      '<name>a&lt;b&gt;&amp;</name>',
    );
  });

  it('volumes: thin allocation and a backing store', () => {
    expect(
      newVolumeXml({
        name: 'o.qcow2',
        capacityBytes: 1024,
        format: 'qcow2',
        allocationBytes: 0,
        backing: { path: '/p/base.qcow2', format: 'qcow2' },
      }),
    ).toBe(
      '<volume><name>o.qcow2</name><capacity unit="bytes">1024</capacity><allocation unit="bytes">0</allocation>' +
        '<target><format type="qcow2"/></target><backingStore><path>/p/base.qcow2</path><format type="qcow2"/></backingStore></volume>',
    );
  });
});

describe('pool capabilities', () => {
  it('parses supported types with their formats', () => {
    const caps = parsePoolCapabilities(
      `<storagepoolCapabilities>
        <pool type='dir' supported='yes'><volOptions><defaultFormat type='raw'/>
          <enum name='targetFormatType'><value>raw</value><value>qcow2</value></enum></volOptions></pool>
        <pool type='fs' supported='yes'><poolOptions><defaultFormat type='auto'/>
          <enum name='sourceFormatType'><value>auto</value><value>ext4</value></enum></poolOptions></pool>
        <pool type='zfs' supported='no'/>
      </storagepoolCapabilities>`,
    );
    expect(caps).toEqual([
      {
        type: 'dir',
        supported: true,
        sourceFormats: [],
        defaultSourceFormat: null,
        volumeFormats: ['raw', 'qcow2'],
      },
      {
        type: 'fs',
        supported: true,
        sourceFormats: ['auto', 'ext4'],
        defaultSourceFormat: 'auto',
        volumeFormats: [],
      },
      { type: 'zfs', supported: false, sourceFormats: [], defaultSourceFormat: null, volumeFormats: [] },
    ]);
  });
});

/** Answers of libvirt 9's find-storage-pool-sources, as its backends format them. */
const FOUND = {
  // iscsi (iscsiadm sendtargets): one <source> per target, the portal's host and port.
  iscsi: `<sources>
  <source>
    <host name='192.168.1.20' port='3260'/>
    <device path='iqn.2003-01.org.linux-iscsi.nas:disk1'/>
  </source>
  <source>
    <host name='192.168.1.20' port='3260'/>
    <device path='iqn.2003-01.org.linux-iscsi.nas:disk2'/>
  </source>
</sources>`,
  // iscsi-direct (libiscsi): the initiator it asked as, echoed back.
  iscsiDirect: `<sources>
  <source>
    <host name='127.0.0.1'/>
    <device path='iqn.2026-12.org.virtdesk.test:lun'/>
    <initiator>
      <iqn name='iqn.2024-01.org.virtdesk:discovery'/>
    </initiator>
  </source>
</sources>`,
  // netfs (showmount -e): the exports, with the server and the format asked for.
  netfs: `<sources>
  <source>
    <host name='nas.example.org'/>
    <dir path='/srv/vm-images'/>
    <format type='nfs'/>
  </source>
  <source>
    <host name='nas.example.org'/>
    <dir path='/srv/iso'/>
    <format type='nfs'/>
  </source>
</sources>`,
  // logical (pvs): each volume group with its physical volumes.
  logical: `<sources>
  <source>
    <device path='/dev/sdb1'/>
    <device path='/dev/sdc1'/>
    <name>vg_guests</name>
    <format type='lvm2'/>
  </source>
</sources>`,
};

describe('pool source discovery', () => {
  it('reads iSCSI targets with their portal', () => {
    expect(parsePoolSources(FOUND.iscsi)).toEqual([
      {
        name: null,
        hosts: [{ name: '192.168.1.20', port: 3260 }],
        devices: ['iqn.2003-01.org.linux-iscsi.nas:disk1'],
        dir: null,
        format: null,
      },
      {
        name: null,
        hosts: [{ name: '192.168.1.20', port: 3260 }],
        devices: ['iqn.2003-01.org.linux-iscsi.nas:disk2'],
        dir: null,
        format: null,
      },
    ]);
    expect(parsePoolSources(FOUND.iscsiDirect)).toEqual([
      {
        name: null,
        hosts: [{ name: '127.0.0.1', port: null }],
        devices: ['iqn.2026-12.org.virtdesk.test:lun'],
        dir: null,
        format: null,
      },
    ]);
  });

  it('reads NFS exports and LVM volume groups', () => {
    expect(parsePoolSources(FOUND.netfs).map((s) => [s.hosts[0]?.name, s.dir, s.format])).toEqual([
      ['nas.example.org', '/srv/vm-images', 'nfs'],
      ['nas.example.org', '/srv/iso', 'nfs'],
    ]);
    expect(parsePoolSources(FOUND.logical)).toEqual([
      { name: 'vg_guests', hosts: [], devices: ['/dev/sdb1', '/dev/sdc1'], dir: null, format: 'lvm2' },
    ]);
  });

  it('takes "nothing found" as an empty list and refuses what is not a <sources> document', () => {
    expect(parsePoolSources('<sources/>')).toEqual([]);
    expect(() => parsePoolSources('<pool type="dir"/>')).toThrow(XmlError);
    expect(() => parsePoolSources('<sources><source>')).toThrow(XmlError);
  });

  it('asks where to look: the server and port, and for iSCSI-direct the initiator it logs in as', () => {
    expect(poolSourceSpecXml({ type: 'iscsi', host: '10.0.0.5', port: 3261 })).toBe(
      '<source><host name="10.0.0.5" port="3261"/></source>',
    );
    expect(poolSourceSpecXml({ type: 'netfs', host: 'nas', format: 'nfs' })).toBe(
      '<source><host name="nas"/><format type="nfs"/></source>',
    );
    expect(poolSourceSpecXml({ type: 'iscsi-direct', host: '127.0.0.1' })).toBe(
      `<source><host name="127.0.0.1"/><initiator><iqn name="${initiatorIqn('discovery')}"/></initiator></source>`,
    );
    expect(poolSourceSpecXml({ type: 'logical' })).toBeNull();
  });

  it('needs a server for every type but logical', () => {
    expect(findPoolSourcesInputSchema.safeParse({ connectionId: 'c', type: 'logical' }).success).toBe(true);
    const r = findPoolSourcesInputSchema.safeParse({ connectionId: 'c', type: 'iscsi' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({ path: ['host'], message: 'Enter the server to ask' });
    expect(findPoolSourcesInputSchema.safeParse({ connectionId: 'c', type: 'dir', host: 'h' }).success).toBe(
      false,
    );
  });
});

describe('contract rules', () => {
  it("takes an iSCSI target's name, not a path, as an iSCSI pool's source device", () => {
    const base = { connectionId: 'c', name: 'p', sourceHost: 'h' };
    const ok = (x: object) => createPoolInputSchema.safeParse({ ...base, ...x }).success;
    expect(ok({ type: 'iscsi-direct', sourceDevice: 'iqn.2024-01.org.example:disk1' })).toBe(true);
    expect(
      ok({ type: 'iscsi', sourceDevice: 'iqn.2024-01.org.example', targetPath: '/dev/disk/by-path' }),
    ).toBe(true);
    expect(ok({ type: 'iscsi', sourceDevice: 'eui.02004567A425678D' })).toBe(true);
    expect(ok({ type: 'iscsi-direct', sourceDevice: '/dev/sda' })).toBe(false);
    expect(ok({ type: 'iscsi-direct', sourceDevice: 'iqn.2024-01.org.example:a b' })).toBe(false);
    expect(ok({ type: 'fs', sourceDevice: 'iqn.2024-01.org.example:disk1', targetPath: '/m' })).toBe(false);
    expect(ok({ type: 'fs', sourceDevice: '/dev/loop0', targetPath: '/m' })).toBe(true);
    expect(ok({ type: 'iscsi-direct', sourceDevice: 'iqn.2024-01.org.example:d', sourcePort: 70000 })).toBe(
      false,
    );
  });

  it('takes plain absolute paths only', () => {
    for (const ok of ['/srv/pool', '/a', '/dev/loop0'])
      expect(storagePathSchema.safeParse(ok).success).toBe(true);
    for (const bad of ['srv/pool', '/srv/../etc', '/srv/./x', '/srv//x', '/srv/x/', '/x\n'])
      expect(storagePathSchema.safeParse(bad).success, bad).toBe(false);
  });
  it('refuses a pool name with a slash or a type it does not know', () => {
    expect(createPoolInputSchema.safeParse({ connectionId: 'c', name: 'a/b', type: 'dir' }).success).toBe(
      false,
    );
    expect(createPoolInputSchema.safeParse({ connectionId: 'c', name: 'ab', type: 'nope' }).success).toBe(
      false,
    );
    expect(
      createPoolInputSchema.safeParse({ connectionId: 'c', name: 'ab', type: 'dir', targetPath: '/x' })
        .success,
    ).toBe(true);
  });
});

describe('transfer meter', () => {
  it('passes bytes through, hashes them and reports progress with speed and time left', async () => {
    let t = 0;
    const reports: { bytes: number; secondsLeft: number | null; bytesPerSecond: number }[] = [];
    const meter = new Meter(
      4000,
      (p) => reports.push(p),
      250,
      () => t,
    );
    const chunks = Array.from({ length: 4 }, (_, i) => Buffer.alloc(1000, i));
    const source = Readable.from(
      (async function* () {
        for (const c of chunks) {
          t += 500;
          yield c;
        }
      })(),
    );
    const out: Buffer[] = [];
    await pipeline(
      source,
      meter,
      new Writable({
        write(c: Buffer, _e, cb) {
          out.push(c);
          cb();
        },
      }),
    );
    expect(Buffer.concat(out)).toEqual(Buffer.concat(chunks));
    expect(meter.digest()).toBe(createHash('sha256').update(Buffer.concat(chunks)).digest('hex'));
    expect(reports.at(-1)).toMatchObject({ bytes: 4000, secondsLeft: 0 });
    expect(reports[1]).toMatchObject({ bytes: 2000, bytesPerSecond: 2000, secondsLeft: 1 });
  });
  it('measures speed over a window', () => {
    const w = new SpeedWindow(1000);
    expect(w.bytesPerSecond).toBe(0);
    w.add(0, 0);
    w.add(500, 1000);
    w.add(5000, 1000);
    w.add(5500, 3000);
    expect(w.bytesPerSecond).toBe(4000);
  });
});

describe('file chooser request', () => {
  it('accepts open and save, refuses anything else', () => {
    expect(parseChooseFileRequest({ title: 'Upload', mode: 'open' }).ok).toBe(true);
    expect(parseChooseFileRequest({ title: 'Upload', mode: 'delete' }).ok).toBe(false);
    expect(parseChooseFileRequest({ title: 'Upload', mode: 'open', extra: 1 }).ok).toBe(false);
    expect(saveFileDialogOptions({ title: 'Save', mode: 'save' }).properties).toContain(
      'showOverwriteConfirmation',
    );
    expect(fileDialogReply({ canceled: false, filePath: '/home/u/disk.img' })).toEqual({
      path: '/home/u/disk.img',
    });
    expect(fileDialogReply({ canceled: true, filePaths: ['/x'] })).toEqual({ path: null });
    expect(fileDialogReply({ canceled: false, filePaths: ['relative'] })).toEqual({ path: null });
  });
});
