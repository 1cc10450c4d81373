/**
 * Shared folders (virtiofs). A share needs the VM's memory shared with virtiofsd (the host process that
 * serves the folder): when it is not yet, the change may turn it on in the same edit (memfd source, shared
 * access), which waits for the next boot like every memory backing change. A share on a VM whose memory is
 * shared already goes through libvirt's device call, live where libvirt can.
 */
import type { FilesystemChange, FilesystemsView } from '../../../shared/contract/hardware.js';
import {
  addFilesystemTo,
  filesystemElementXml,
  findFilesystem,
  readFilesystems,
  readMemory,
  removeFilesystemFrom,
  setSharedAccess,
  virtiofsDeviceXml,
  type DomainXml,
} from '../../libvirt-xml/index.js';
import { attachDevice, detachDevice, readDomainState } from '../devices/apply.js';
import { deviceStep } from '../devices/step.js';
import { listPending } from './device-list.js';
import type { HardwareEditor, HwIssue } from './types.js';

const read = (xml: DomainXml): FilesystemsView => ({
  shares: readFilesystems(xml).map(({ driver, source, tag, readonly }) => ({
    driver,
    source,
    tag,
    readonly,
  })),
  sharedMemory: readMemory(xml).sharedAccess,
});

export const NEEDS_SHARED_MEMORY =
  'A virtiofs share needs the VM’s memory shared with virtiofsd, the host process that serves the folder. ' +
  'Turn on shared memory with it (memfd, shared access); that takes effect at the next boot.';

export const filesystemEditor: HardwareEditor<'filesystem', FilesystemChange> = {
  key: 'filesystem',
  changeKinds: ['filesystem.add', 'filesystem.remove'],
  read,
  pending: (config, live) =>
    listPending(
      'filesystem',
      config.shares,
      live.shares,
      (f) => f.tag ?? f.source ?? '',
      (f) => `shared folder ${f.source ?? ''} as ${f.tag ?? ''}`,
    ),

  check(change, { config, limits }) {
    const issues: HwIssue[] = [];
    if (change.kind !== 'filesystem.add') return issues;
    if (findFilesystem(config, change.tag))
      issues.push({ path: ['tag'], message: `This VM already shares a folder with the tag ${change.tag}.` });
    const mem = readMemory(config);
    if (!mem.sharedAccess && !change.sharedMemory)
      issues.push({ path: ['sharedMemory'], message: NEEDS_SHARED_MEMORY });
    else if (
      !mem.sharedAccess &&
      !mem.hugepages &&
      limits.memoryBackingSources.length > 0 &&
      !limits.memoryBackingSources.includes('memfd')
    )
      issues.push({
        path: ['sharedMemory'],
        message: 'This host’s QEMU cannot back a VM’s memory with memfd, which shared memory needs here.',
      });
    return issues;
  },

  editConfig(xml, change) {
    if (change.kind === 'filesystem.remove') {
      if (findFilesystem(xml, change.tag)) removeFilesystemFrom(xml, change.tag);
      return;
    }
    if (change.sharedMemory && !readMemory(xml).sharedAccess) setSharedAccess(xml, true);
    addFilesystemTo(xml, { source: change.source, tag: change.tag });
  },

  liveStep: () => null,

  deviceStep(change) {
    // Shared memory is a next-boot change: a share that needs it goes the define way with it.
    if (change.kind === 'filesystem.add' && change.sharedMemory) return null;
    if (change.kind === 'filesystem.add')
      return deviceStep(async (client, dom) =>
        attachDevice(
          client,
          await readDomainState(client, dom),
          virtiofsDeviceXml({ source: change.source, tag: change.tag }),
        ),
      );
    return deviceStep(async (client, dom) => {
      const s = await readDomainState(client, dom);
      const alias = s.live
        ? (readFilesystems(s.live).find((f) => f.tag === change.tag)?.alias ?? null)
        : null;
      return detachDevice(client, s, {
        has: (x) => !!findFilesystem(x, change.tag),
        xmlFor: (x) => filesystemElementXml(x, change.tag),
        alias,
        label: `the shared folder ${change.tag}`,
      });
    });
  },
};
