/** A storage pool of the test daemon's own (a folder in its scratch space), removed with its volumes. */
import path from 'node:path';
import type { LibvirtClient, StoragePoolRef, StorageVolRef } from '../../electron/libvirt/index.js';
import { testEnv } from './env.js';

export interface TestPool {
  name: string;
  pool: StoragePoolRef;
  /** The pool's folder. */
  dir: string;
  /** Creates a volume and returns its path. */
  volume(name: string, sizeMiB: number, format?: 'qcow2' | 'raw'): Promise<string>;
  /** Names of the volumes in it now, sorted. */
  volumeNames(): Promise<string[]>;
  /** Deletes its volumes, stops and undefines it (cleanup: never throws). */
  remove(): Promise<void>;
}

export async function createTestPool(client: LibvirtClient, name: string): Promise<TestPool> {
  const dir = path.join(testEnv().scratchDir, name);
  const pool = await client.storagePoolDefineXML(
    `<pool type='dir'><name>${name}</name><target><path>${dir}</path></target></pool>`,
  );
  await client.storagePoolBuild(pool, 0);
  await client.storagePoolCreate(pool, 0);
  const list = (): Promise<StorageVolRef[]> => client.storagePoolListAllVolumes(pool, 0);
  return {
    name,
    pool,
    dir,
    async volume(vol, sizeMiB, format = 'qcow2') {
      const ref = await client.storageVolCreateXML(
        pool,
        `<volume><name>${vol}</name><capacity unit='MiB'>${sizeMiB}</capacity><target><format type='${format}'/></target></volume>`,
      );
      return client.storageVolGetPath(ref);
    },
    async volumeNames() {
      return (await list()).map((v) => v.name).sort();
    },
    async remove() {
      for (const v of await list().catch(() => []))
        await client.storageVolDelete(v, 0).catch(() => undefined);
      await client.storagePoolDestroy(pool).catch(() => undefined);
      await client.storagePoolUndefine(pool).catch(() => undefined);
    },
  };
}
