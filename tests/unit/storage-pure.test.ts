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
  newPoolXml,
  newVolumeXml,
  parsePoolCapabilities,
  PoolXml,
} from '../../electron/libvirt-xml/index.js';
import {
  createPoolInputSchema,
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
      sourceDevice: '/iqn.2024-01.org.example:disk1',
      targetPath: '/dev/disk/by-path',
    });
    expect(iscsi).toContain('<host name="10.0.0.5"/><device path="/iqn.2024-01.org.example:disk1"/>');
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

describe('contract rules', () => {
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
