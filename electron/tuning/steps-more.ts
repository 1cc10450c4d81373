/**
 * The libvirt calls of the Tuning tab's IOThread and per-device block I/O changes, and the one edit that
 * libvirt can only make to the next-boot definition (which IOThread a disk uses).
 */
import type { TuningApplyOutput, TuningChange } from '../../shared/contract/tuning.js';
import {
  DomainAffect,
  DomainXMLFlags,
  isLibvirtError,
  VIR_DOMAIN_BLKIO_DEVICE_READ_BPS,
  VIR_DOMAIN_BLKIO_DEVICE_READ_IOPS,
  VIR_DOMAIN_BLKIO_DEVICE_WEIGHT,
  VIR_DOMAIN_BLKIO_DEVICE_WRITE_BPS,
  VIR_DOMAIN_BLKIO_DEVICE_WRITE_IOPS,
  type DomainRef,
  type LibvirtClient,
  type TypedParam,
} from '../libvirt/index.js';
import { DomainXml, readDomainTuningMore, setDiskIothread } from '../libvirt-xml/index.js';

type Step = (client: LibvirtClient, dom: DomainRef, flags: number) => Promise<void>;
type MoreKind = 'iothreads' | 'iothreadpin' | 'disk-iothread' | 'blkiodevice';
type MoreChange = Extract<TuningChange, { kind: MoreKind }>;

/** Each per-device field and libvirt's typed-parameter name for it ("path,value" strings). */
const DEVICE_PARAMS = [
  ['weight', VIR_DOMAIN_BLKIO_DEVICE_WEIGHT],
  ['readBytesSec', VIR_DOMAIN_BLKIO_DEVICE_READ_BPS],
  ['writeBytesSec', VIR_DOMAIN_BLKIO_DEVICE_WRITE_BPS],
  ['readIopsSec', VIR_DOMAIN_BLKIO_DEVICE_READ_IOPS],
  ['writeIopsSec', VIR_DOMAIN_BLKIO_DEVICE_WRITE_IOPS],
] as const;

export const tuningStepMore = (change: MoreChange): Step => {
  switch (change.kind) {
    case 'iothreads':
      // Add the next free ids, or remove the highest ones, as virsh iothreadadd/iothreaddel would.
      return async (c, d, f) => {
        const ids = (await c.domainGetIOThreadInfo(d, f)).map((t) => t.id).sort((a, b) => a - b);
        let next = Math.max(0, ...ids) + 1;
        for (let n = ids.length; n < change.count; n++) await c.domainAddIOThread(d, next++, f);
        for (const id of ids.slice(change.count).reverse()) await c.domainDelIOThread(d, id, f);
      };
    case 'iothreadpin':
      return (c, d, f) => c.domainPinIOThread(d, change.iothread, change.cpus, f);
    case 'blkiodevice':
      // Only the fields that change: a kernel without per-device weights (no BFQ/CFQ) refuses that field
      // even when it is left as it was. What the device has now is read from the definition (running or
      // next-boot), not with domainGetBlkioParameters: on such a kernel libvirt fails that whole call on a
      // running VM, as it reads the weight too.
      return async (c, d, f) => {
        const xml = await c.domainGetXMLDesc(d, f === DomainAffect.CONFIG ? DomainXMLFlags.INACTIVE : 0);
        const now = readDomainTuningMore(DomainXml.parse(xml)).blkioDevices.find(
          (x) => x.path === change.device.path,
        );
        const params: TypedParam[] = DEVICE_PARAMS.filter(
          ([key]) => (now?.[key] ?? 0) !== change.device[key],
        ).map(([key, name]) => ({
          field: name,
          type: 'string',
          value: `${change.device.path},${change.device[key]}`,
        }));
        if (params.length > 0) await c.domainSetBlkioParameters(d, params, f);
      };
    case 'disk-iothread':
      return async (c, d) => {
        const xml = DomainXml.parse(
          await c.domainGetXMLDesc(d, DomainXMLFlags.INACTIVE | DomainXMLFlags.SECURE),
        );
        setDiskIothread(xml, change.disk, change.iothread);
        await c.domainDefineXML(xml.toString());
      };
  }
};

export const changeNameMore = (change: TuningChange): Record<MoreKind, string> => ({
  iothreads: 'the number of IOThreads',
  iothreadpin: `the pinning of IOThread ${'iothread' in change ? change.iothread : ''}`,
  'disk-iothread': `the IOThread of ${'disk' in change ? change.disk : ''}`,
  blkiodevice: `the I/O limits on ${'device' in change ? change.device.path : ''}`,
});

/** Changes libvirt makes to the next-boot definition only (no live call exists for them). */
export const nextBootOnly = (change: TuningChange): boolean =>
  change.kind === 'disk-iothread' || change.kind === 'guest-numa';

export const applyNextBootOnly = async (
  client: LibvirtClient,
  dom: DomainRef,
  step: Step,
  name: string,
): Promise<TuningApplyOutput> => {
  const running = dom.id >= 0;
  try {
    await step(client, dom, DomainAffect.CONFIG);
  } catch (e) {
    if (!isLibvirtError(e)) throw e;
    return {
      timing: 'next-boot',
      live: 'unchanged',
      config: 'failed',
      message: `libvirt refused ${name} of ${dom.name}; nothing was changed.`,
      detail: e.message,
    };
  }
  return running
    ? {
        timing: 'next-boot',
        live: 'unchanged',
        config: 'applied',
        message: `Saved: ${name} changes when ${dom.name} next starts; libvirt cannot change it on a running VM.`,
      }
    : { timing: 'next-boot', live: 'not-running', config: 'applied' };
};
