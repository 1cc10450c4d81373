/**
 * The QEMU guest agent for real, on the private session daemon: the tiny guest runs Debian's qemu-ga on
 * the agent channel. VirtDesk's own client sees the agent connect (agent lifecycle events), reads guest
 * info and the agent's interface addresses, and the core's VM details show the agent's addresses; a guest
 * without the channel gets libvirt's own error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  constants,
  ErrorCode,
  LibvirtError,
  openConnection,
  paramsToRecord,
  type DomainEvent,
  type DomainRef,
  type LibvirtClient,
} from '../../electron/libvirt/index.js';
import type { VmDetails } from '../../shared/model/index.js';
import { startCore } from '../support/core.js';
import { testEnv } from '../support/env.js';
import {
  findHostKernel,
  GUEST_HOSTNAME,
  GUEST_OS_RELEASE,
  QEMU_GA,
  tinyGuestXml,
  uniqueGuestName,
} from '../support/guest.js';
import { readText, until } from '../support/poll.js';
import { DomainXml } from '../../electron/libvirt-xml/index.js';

const { AGENT } = constants.DomainInterfaceAddressesSource;
const { HOSTNAME } = constants.DomainGuestInfoTypes;
/** slirp's usual guest address, set statically (the tiny guest has no DHCP client). */
const ETH0_ADDRESS = '10.0.2.15';

/** What a promise rejected with (fails the test if it resolved). */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    (v) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(v)}`);
    },
    (err: unknown) => err,
  );
}

describe('QEMU guest agent in the tiny guest', () => {
  const env = testEnv();
  const agentName = uniqueGuestName('ga');
  const plainName = uniqueGuestName('noga');
  const serialLog = path.join(env.scratchDir, `${agentName}.serial.log`);
  const plainLog = path.join(env.scratchDir, `${plainName}.serial.log`);
  const events: DomainEvent[] = [];
  const defined: DomainRef[] = [];
  let client: LibvirtClient;
  let agentDom: DomainRef;
  let mac = '';
  let startedAt = 0;
  /** domainGetGuestInfo right after the start, before qemu-ga can be up. */
  let tooEarly: unknown;

  const agentEvents = () =>
    events.filter(
      (e): e is Extract<DomainEvent, { kind: 'agentLifecycle' }> =>
        e.kind === 'agentLifecycle' && e.dom.uuid === agentDom.uuid,
    );

  beforeAll(async () => {
    if (!fs.existsSync(QEMU_GA)) {
      throw new Error(`${QEMU_GA} is missing: install qemu-guest-agent (node tests/support/ensure-host.mjs)`);
    }
    client = await openConnection(env.qemuUri);
    client.on('domainEvent', (e) => void events.push(e));
    expect(await client.subscribeDomainEvents()).toContain('agentLifecycle');
    const base = { kernel: env.guestKernel, initrd: env.guestInitrd, virtType: env.virtType };
    const dom = await client.domainDefineXML(
      tinyGuestXml({
        ...base,
        name: agentName,
        agent: true,
        nic: true,
        nicAddress: `${ETH0_ADDRESS}/24`,
        serial: { file: serialLog },
      }),
    );
    defined.push(dom);
    mac = DomainXml.parse(await client.domainGetXMLDesc(dom)).interfaces[0]?.mac ?? '';
    expect(mac).toMatch(/^52:54:00:/);
    startedAt = Date.now();
    agentDom = await client.domainCreate(dom);
    tooEarly = await rejection(client.domainGetGuestInfo(agentDom));
  });

  afterAll(async () => {
    try {
      for (const d of defined) {
        await client?.domainDestroy(d).catch(() => undefined);
        await client?.domainUndefineFlags(d, 0).catch(() => undefined);
      }
      await client?.unsubscribeDomainEvents();
    } finally {
      await client?.close();
      for (const f of [serialLog, plainLog]) fs.rmSync(f, { force: true });
    }
  });

  it('sees the agent connect through agent lifecycle events ("not connected" before)', async () => {
    expect(tooEarly).toBeInstanceOf(LibvirtError);
    expect(tooEarly).toMatchObject({
      code: ErrorCode.AGENT_UNRESPONSIVE,
      message: expect.stringMatching(/QEMU guest agent is not connected/),
    });
    await until('the agent lifecycle "connected" event', 60_000, () =>
      agentEvents().some((e) => e.state === 'connected'),
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\nguest serial output:\n${readText(serialLog)}`);
    });
    console.log(`guest agent connected ${Date.now() - startedAt} ms after the start (${env.virtType})`);
    // libvirt reports the channel closed when the domain starts, then open once qemu-ga opens the port.
    expect(agentEvents().map((e) => [e.state, e.reason])).toEqual([
      ['disconnected', 'domain-started'],
      ['connected', 'channel'],
    ]);
  });

  it('reads guest info from the agent: all types, and only the types asked for', async () => {
    const info = paramsToRecord(await client.domainGetGuestInfo(agentDom));
    expect(info).toMatchObject({
      hostname: GUEST_HOSTNAME,
      'os.id': GUEST_OS_RELEASE.ID,
      'os.name': GUEST_OS_RELEASE.NAME,
      'os.pretty-name': GUEST_OS_RELEASE.PRETTY_NAME,
      'os.version-id': GUEST_OS_RELEASE.VERSION_ID,
      'os.kernel-release': findHostKernel().version,
      'os.machine': 'x86_64',
      'timezone.name': 'UTC',
      'timezone.offset': 0,
      'user.count': 0,
      'if.count': 2,
      'if.0.name': 'lo',
      'if.0.addr.0.addr': '127.0.0.1',
      'if.1.name': 'eth0',
      'if.1.hwaddr': mac,
    });
    expect(paramsToRecord(await client.domainGetGuestInfo(agentDom, HOSTNAME))).toEqual({
      hostname: GUEST_HOSTNAME,
    });
  });

  it('lists interface addresses from the agent (loopback and the static eth0 address)', async () => {
    const ifaces = await client.domainInterfaceAddresses(agentDom, AGENT);
    expect(ifaces.find((i) => i.name === 'lo')?.addrs).toContainEqual({
      type: 'ipv4',
      addr: '127.0.0.1',
      prefix: 8,
    });
    const eth0 = ifaces.find((i) => i.name === 'eth0');
    expect(eth0?.hwaddr).toBe(mac);
    expect(eth0?.addrs).toContainEqual({ type: 'ipv4', addr: ETH0_ADDRESS, prefix: 24 });
  });

  it("shows the agent's addresses in the core's VM details", async () => {
    const fx = await startCore(env.qemuUri);
    try {
      const d = await fx.call<VmDetails>('vms.details', {
        connectionId: fx.connectionId,
        uuid: agentDom.uuid,
      });
      expect(d.ipSourceErrors.map((e) => e.source)).not.toContain('agent');
      expect(d.nics).toHaveLength(1);
      expect(d.nics[0]!.mac).toBe(mac);
      expect(d.nics[0]!.addresses).toContainEqual({
        type: 'ipv4',
        address: ETH0_ADDRESS,
        prefix: 24,
        source: 'agent',
      });
    } finally {
      await fx.stop();
    }
  });

  it("rejects agent calls for a guest without the agent channel with libvirt's own error", async () => {
    const dom = await client.domainDefineXML(
      tinyGuestXml({
        kernel: env.guestKernel,
        initrd: env.guestInitrd,
        virtType: env.virtType,
        name: plainName,
        serial: { file: plainLog },
      }),
    );
    defined.push(dom);
    const running = await client.domainCreate(dom);
    const attempts = [
      () => client.domainGetGuestInfo(running),
      () => client.domainInterfaceAddresses(running, AGENT),
    ];
    for (const attempt of attempts) {
      const err = await rejection(attempt());
      expect(err).toBeInstanceOf(LibvirtError);
      expect(err).toMatchObject({
        code: ErrorCode.ARGUMENT_UNSUPPORTED,
        message: 'argument unsupported: QEMU guest agent is not configured',
      });
    }
  });
});
