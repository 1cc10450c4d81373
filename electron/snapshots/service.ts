/**
 * VM snapshots (libvirt's internal snapshots of qcow2 disks, with the memory of a running VM): list,
 * take, revert to, delete. The list is read from each snapshot's XML.
 */
import type { CallInput, CallOutput } from '../../shared/contract/index.js';
import type { Snapshot } from '../../shared/contract/snapshots.js';
import type { ClientSource } from '../base/connections.js';
import type { LibvirtClient } from '../libvirt/index.js';
import { interruptedError } from '../base/errors.js';
import { newSnapshotXml, SnapshotXml } from '../libvirt-xml/index.js';

/** One snapshot from its XML (pure; exported for tests). */
export function parseSnapshotXml(xml: string, current: boolean): Snapshot {
  const snap = SnapshotXml.parse(xml);
  const memory = snap.memory;
  const state = snap.state ?? 'nostate';
  return {
    name: snap.name ?? '',
    description: snap.description || null,
    createdAt: Number(snap.creationTime ?? 0),
    state,
    parent: snap.parent,
    current,
    // Older libvirt omits <memory> for internal checkpoints of running VMs.
    withMemory: memory ? memory !== 'no' : state === 'running' || state === 'paused',
  };
}

export class SnapshotService {
  constructor(private readonly connections: ClientSource) {}

  private async vm(input: { connectionId: string; uuid: string }) {
    const client = this.connections.getClient(input.connectionId);
    return { client, dom: await client.domainLookupByUUID(input.uuid) };
  }

  private async currentName(
    client: LibvirtClient,
    dom: Awaited<ReturnType<LibvirtClient['domainLookupByUUID']>>,
  ) {
    if (!(await client.domainHasCurrentSnapshot(dom, 0))) return null;
    return (await client.domainSnapshotCurrent(dom, 0)).name;
  }

  async list(input: CallInput<'snapshots.list'>): Promise<CallOutput<'snapshots.list'>> {
    const { client, dom } = await this.vm(input);
    const [snaps, current] = await Promise.all([
      client.domainListAllSnapshots(dom, 0),
      this.currentName(client, dom),
    ]);
    const list = await Promise.all(
      snaps.map(async (s) =>
        parseSnapshotXml(await client.domainSnapshotGetXMLDesc(s, 0), s.name === current),
      ),
    );
    return list.sort((a, b) => a.createdAt - b.createdAt || a.name.localeCompare(b.name));
  }

  async create(input: CallInput<'snapshots.create'>): Promise<CallOutput<'snapshots.create'>> {
    const { client, dom } = await this.vm(input);
    let snap;
    try {
      snap = await client.domainSnapshotCreateXML(
        dom,
        newSnapshotXml({ name: input.name, description: input.description }),
        0,
      );
    } catch (err) {
      // QEMU goes on writing the snapshot into the disk images when libvirtd dies, but libvirt only
      // records it once QEMU is done: a half-made snapshot may sit in the images, unlisted.
      throw interruptedError(err, [
        `a snapshot "${input.name}" of "${dom.name}" in its disk images (possibly not listed)`,
      ]);
    }
    return parseSnapshotXml(await client.domainSnapshotGetXMLDesc(snap, 0), true);
  }

  async revert(input: CallInput<'snapshots.revert'>): Promise<null> {
    const { client, dom } = await this.vm(input);
    await client.domainRevertToSnapshot(await client.domainSnapshotLookupByName(dom, input.name, 0), 0);
    return null;
  }

  async delete(input: CallInput<'snapshots.delete'>): Promise<null> {
    const { client, dom } = await this.vm(input);
    await client.domainSnapshotDelete(await client.domainSnapshotLookupByName(dom, input.name, 0), 0);
    return null;
  }
}
