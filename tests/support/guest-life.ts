/** Shared steps of the suites that run the tiny guest on real daemons. */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { DomainRef, LibvirtClient } from '../../electron/libvirt/index.js';
import { startPrivateDaemon, type PrivateDaemon } from './daemon.js';
import { testEnv } from './env.js';
import { GUEST_BANNER, GUEST_PROMPT, tinyGuestXml } from './guest.js';
import { readText, until } from './poll.js';

/** Resolves once the guest printed its banner or prompt into its serial log. */
export async function waitForGuestBoot(serialLog: string, timeoutMs = 120_000): Promise<void> {
  await until('the guest to boot', timeoutMs, () => {
    const log = readText(serialLog);
    return log.includes(GUEST_BANNER) || log.includes(GUEST_PROMPT);
  });
}

/**
 * Destroys and undefines the guest `name` wherever one of `clients` has it (cleanup: never throws; a
 * client may be given as a getter that throws, e.g. the core's for a connection that went down).
 */
export async function removeGuest(
  clients: (LibvirtClient | (() => LibvirtClient) | undefined)[],
  name: string,
): Promise<void> {
  for (const given of clients) {
    let c: LibvirtClient | undefined;
    try {
      c = typeof given === 'function' ? given() : given;
    } catch {
      continue;
    }
    const dom = await c?.domainLookupByName(name).catch(() => null);
    if (!c || !dom) continue;
    await c.domainDestroy(dom).catch(() => undefined);
    // With its managed save image, snapshot metadata and NVRAM: nothing of it may stay behind.
    await c.domainUndefineFlags(dom, 1 | 2 | 4).catch(() => undefined);
  }
}

/**
 * A second private daemon that libvirt takes for another host: its own host UUID (libvirt refuses to
 * migrate to "the same host", and machines without DMI data could give both daemons the same one).
 */
export const startSecondHost = (): Promise<PrivateDaemon> =>
  startPrivateDaemon({ libvirtdConf: `host_uuid = "${randomUUID()}"` });

/**
 * Defines the tiny guest `name` on `client` (pty serial logged to the scratch folder, 128 MiB, `disk`
 * as vda if given; `edit` may change its XML), starts it and waits for it to boot. Returns the domain and
 * its serial log.
 */
export async function bootTinyGuest(
  client: LibvirtClient,
  name: string,
  opts: { edit?: (xml: string) => string; disk?: string } = {},
): Promise<{ dom: DomainRef; serialLog: string }> {
  const edit = opts.edit ?? ((x: string) => x);
  const env = testEnv();
  const serialLog = path.join(env.scratchDir, `${name}.serial.log`);
  const xml = tinyGuestXml({
    name,
    kernel: env.guestKernel,
    initrd: env.guestInitrd,
    virtType: env.virtType,
    memoryMiB: 128,
    serial: 'pty',
    serialLog,
    ...(opts.disk ? { disk: opts.disk } : {}),
  });
  const dom = await client.domainDefineXML(edit(xml));
  await client.domainCreate(dom);
  await waitForGuestBoot(serialLog);
  return { dom, serialLog };
}
