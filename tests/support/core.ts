/**
 * A started Core (electron/core) with one saved connection, already connected, for integration tests that
 * go through the contract as a renderer does:
 *
 *   const fx = await startCore(testEnv().qemuUri);
 *   try { const d = await fx.call<VmDetails>('vms.details', { connectionId: fx.connectionId, uuid }); }
 *   finally { await fx.stop(); }
 *
 * `call` dispatches like a renderer and throws on `{ ok: false }`, with the RemoteError as `.remote`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Core, type CoreOptions } from '../../electron/core/core.js';
import type { Session } from '../../electron/core/sessions.js';
import type { LibvirtClient } from '../../electron/libvirt/index.js';
import type { RemoteError } from '../../shared/contract/index.js';

export interface CoreFixture {
  core: Core;
  session: Session;
  connectionId: string;
  /** The connection's live libvirt client (the one the core uses). */
  client: LibvirtClient;
  call<T>(name: string, input: unknown): Promise<T>;
  /** Stops the core (closing its connection) and removes its settings folder. */
  stop(): Promise<void>;
}

export async function startCore(
  uri: string,
  opts: {
    connectionId?: string;
    name?: string;
    /** More saved connections, connected too (e.g. a second daemon as a second host). */
    others?: { id: string; uri: string }[];
    /** More Core options (e.g. a short shutdownGraceMs). */
    coreOptions?: Omit<CoreOptions, 'configDir'>;
  } = {},
): Promise<CoreFixture> {
  const connectionId = opts.connectionId ?? 'qemu';
  const configDir = await mkdtemp(join(tmpdir(), 'virtdesk-core-'));
  const core = new Core({ validateOutput: true, ...opts.coreOptions, configDir });
  const stop = async () => {
    try {
      await core.stop();
    } finally {
      await rm(configDir, { recursive: true, force: true });
    }
  };
  try {
    await writeFile(
      join(configDir, 'connections.json'),
      JSON.stringify({
        version: 1,
        connections: [
          { id: connectionId, name: opts.name ?? connectionId, uri, autoconnect: false },
          ...(opts.others ?? []).map((o) => ({ id: o.id, name: o.id, uri: o.uri, autoconnect: false })),
        ],
      }),
    );
    await core.start();
    const session = core.openSession(() => undefined);
    const call = async <T>(name: string, input: unknown): Promise<T> => {
      const r = await core.dispatch(session, name, input);
      if (!r.ok) throw Object.assign(new Error(r.error.message), { remote: r.error satisfies RemoteError });
      return r.value as T;
    };
    for (const id of [connectionId, ...(opts.others ?? []).map((o) => o.id)])
      await call('connections.connect', { id });
    return { core, session, connectionId, client: core.getClient(connectionId), call, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
