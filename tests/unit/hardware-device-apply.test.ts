/**
 * The live/config decisions of electron/hardware/devices/apply.ts that a real guest cannot be made to show
 * on demand: a guest that never lets go of a device, a removal seen only through the event, the fallback
 * to next boot when libvirt cannot change the running VM. A stand-in client records the flags it was called with.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  attachDevice,
  detachDevice,
  readDomainState,
  type DeviceClient,
} from '../../electron/hardware/devices/apply.js';
import { DomainAffect, ErrorCode, LibvirtError, type DomainRef } from '../../electron/libvirt/index.js';
import { diskElementXml, findDiskElement, type DomainXml } from '../../electron/libvirt-xml/index.js';

const dom: DomainRef = { name: 'vm', uuid: '11111111-2222-3333-4444-555555555555', id: 3 };
const XML = `<domain type='kvm'><name>vm</name><devices>
  <disk type='file' device='disk'><source file='/a.raw'/><target dev='vdb' bus='virtio'/><alias name='virtio-disk1'/></disk>
</devices></domain>`;

const libvirtError = (code: number, message: string) =>
  new LibvirtError(message, { code, domain: 10, level: 2 });

/** A running, persistent VM whose disk vdb never leaves the live XML; records every change call. */
function fakeClient(over: Partial<Record<'attach' | 'detach', (flags: number) => void>> = {}) {
  const calls: { name: string; flags: number }[] = [];
  const emitter = new EventEmitter();
  const client = {
    domainIsActive: async () => true,
    domainIsPersistent: async () => true,
    domainGetXMLDesc: async () => XML,
    domainAttachDeviceFlags: async (_d: DomainRef, _x: string, flags: number) => {
      calls.push({ name: 'attach', flags });
      over.attach?.(flags);
    },
    domainDetachDeviceFlags: async (_d: DomainRef, _x: string, flags: number) => {
      calls.push({ name: 'detach', flags });
      over.detach?.(flags);
    },
    domainUpdateDeviceFlags: async () => undefined,
    on: (e: string, l: (...a: unknown[]) => void) => emitter.on(e, l),
    off: (e: string, l: (...a: unknown[]) => void) => emitter.off(e, l),
  } as unknown as DeviceClient;
  return { client, calls, emitter };
}

const vdb = {
  has: (x: DomainXml) => !!findDiskElement(x, 'vdb'),
  xmlFor: (x: DomainXml) => diskElementXml(x, 'vdb'),
  alias: 'virtio-disk1',
  label: 'disk vdb',
};

describe('device changes: live and next boot', () => {
  it('a guest that does not let go: live failed, config applied, said in plain words', async () => {
    const { client, calls, emitter } = fakeClient();
    const s = await readDomainState(client, dom);
    const r = await detachDevice(client, s, { ...vdb, waitMs: 1200 });
    expect(calls).toEqual([{ name: 'detach', flags: DomainAffect.LIVE | DomainAffect.CONFIG }]);
    expect(r).toMatchObject({ live: 'failed', config: 'applied' });
    expect(r.message).toMatch(/has not released disk vdb.*removed from the configuration/);
    expect(emitter.listenerCount('domainEvent')).toBe(0);
  });

  it('the device-removed event of its alias is enough, even when the live XML lags', async () => {
    const { client, emitter } = fakeClient({
      detach: () => {
        setTimeout(() => {
          emitter.emit('domainEvent', { kind: 'deviceRemoved', dom, devAlias: 'other' });
          emitter.emit('domainEvent', { kind: 'deviceRemoved', dom, devAlias: 'virtio-disk1' });
        }, 20);
      },
    });
    const s = await readDomainState(client, dom);
    const started = Date.now();
    expect(await detachDevice(client, s, { ...vdb, waitMs: 5000 })).toMatchObject({
      live: 'applied',
      config: 'applied',
      message: null,
    });
    expect(Date.now() - started).toBeLessThan(900); // before the first poll of the live XML
  });

  it('a refused detach is thrown and stops the waiting', async () => {
    const { client, emitter } = fakeClient({
      detach: () => {
        throw libvirtError(ErrorCode.OPERATION_FAILED, 'unplug of device was rejected by the guest');
      },
    });
    const s = await readDomainState(client, dom);
    await expect(detachDevice(client, s, vdb)).rejects.toThrow(/rejected by the guest/);
    expect(emitter.listenerCount('domainEvent')).toBe(0);
  });

  it('attach: live + config in one call; when the running VM cannot take it, config only and said so', async () => {
    const ok = fakeClient();
    expect(await attachDevice(ok.client, await readDomainState(ok.client, dom), '<disk/>')).toMatchObject({
      live: 'applied',
      config: 'applied',
    });
    expect(ok.calls).toEqual([{ name: 'attach', flags: DomainAffect.LIVE | DomainAffect.CONFIG }]);

    const noHotplug = fakeClient({
      attach: (flags) => {
        if (flags & DomainAffect.LIVE)
          throw libvirtError(ErrorCode.OPERATION_UNSUPPORTED, "disk bus 'ide' cannot be hotplugged.");
      },
    });
    const r = await attachDevice(noHotplug.client, await readDomainState(noHotplug.client, dom), '<disk/>');
    expect(r).toMatchObject({ live: 'not-possible', config: 'applied' });
    expect(r.message).toContain("disk bus 'ide' cannot be hotplugged.");
    expect(noHotplug.calls.map((c) => c.flags)).toEqual([
      DomainAffect.LIVE | DomainAffect.CONFIG,
      DomainAffect.CONFIG,
    ]);

    const wrong = fakeClient({
      attach: () => {
        throw libvirtError(ErrorCode.XML_ERROR, 'bad');
      },
    });
    await expect(
      attachDevice(wrong.client, await readDomainState(wrong.client, dom), '<disk/>'),
    ).rejects.toThrow('bad');
    expect(wrong.calls).toHaveLength(1);
  });
});
