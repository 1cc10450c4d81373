/**
 * Consoles against the private daemon (no browser): libvirt's console stream when virsh is missing, virsh
 * exiting when the VM stops (session ends, no process left), display.open errors and display.addVnc,
 * screenshots and send-key on a running guest.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnection, type LibvirtClient } from '../../electron/libvirt/index.js';
import type { ClientSession } from '../../electron/base/handlers.js';
import { ConsoleService } from '../../electron/console/service.js';
import { parseGraphics } from '../../electron/console/graphics-xml.js';
import { DomainAffect, DomainMetadataType } from '../../electron/libvirt/protocol/constants.js';
import { attr, children, DomainXml } from '../../electron/libvirt-xml/index.js';
import { testEnv } from '../support/env.js';
import { until } from '../support/poll.js';
import { waitForGuestBoot } from '../support/guest-life.js';
import { GUEST_PROMPT, tinyGuestXml, uniqueGuestName } from '../support/guest.js';

interface Sent {
  event: string;
  payload: { sessionId: string; data?: string; state?: string; reason?: string };
}

function fakeSession(): ClientSession & { sent: Sent[]; close(): void; output(id: string): string } {
  const cleanups: (() => void)[] = [];
  const sent: Sent[] = [];
  return {
    id: `it-${Math.random()}`,
    sent,
    send: (event, payload) => void sent.push({ event, payload: payload as Sent['payload'] }),
    onClose: (c) => void cleanups.push(c),
    close: () => cleanups.splice(0).forEach((c) => c()),
    output: (id) =>
      sent
        .filter((s) => s.event === 'console.data' && s.payload.sessionId === id)
        .map((s) => s.payload.data)
        .join(''),
  };
}

const virshConsoles = (uuid: string): number =>
  fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8');
        return cmd.includes('virsh') && cmd.includes('console') && cmd.includes(uuid);
      } catch {
        return false;
      }
    }).length;

describe('consoles against the private daemon', () => {
  const env = testEnv();
  const running = uniqueGuestName('con-run');
  const plain = uniqueGuestName('con-nogfx');
  const serialLog = path.join(env.scratchDir, `${running}.serial.log`);
  let client: LibvirtClient;
  const doms: { name: string; uuid: string; id: number }[] = [];
  let runDom: { name: string; uuid: string; id: number };
  const host = () => ({ getClient: () => client, connectionUri: () => env.qemuUri });

  beforeAll(async () => {
    client = await openConnection(env.qemuUri, {});
    const base = { kernel: env.guestKernel, initrd: env.guestInitrd, virtType: env.virtType, memoryMiB: 128 };
    runDom = await client.domainDefineXML(
      tinyGuestXml({ ...base, name: running, serial: 'pty', serialLog, vnc: true }),
    );
    doms.push(runDom);
    doms.push(await client.domainDefineXML(tinyGuestXml({ ...base, name: plain, serial: 'pty' })));
    await client.domainCreate(runDom);
    await waitForGuestBoot(serialLog);
  });

  afterAll(async () => {
    for (const d of doms) {
      await client.domainDestroy(d).catch(() => undefined);
      await client.domainUndefineFlags(d, 0).catch(() => undefined);
    }
    fs.rmSync(serialLog, { force: true });
    await client?.close();
  });

  it("uses libvirt's console stream when virsh is not installed", async () => {
    const svc = new ConsoleService(host(), { consoles: { virsh: null } });
    const session = fakeSession();
    try {
      const r = await svc.openSerial({ connectionId: 'c', vmUuid: runDom.uuid }, session);
      expect(r.backend).toBe('stream');
      expect(r.note).toMatch(/virsh is not installed/);
      svc.consoles.write(session, r.sessionId, '\necho vd-stream-$((40+2))\n');
      await until(
        'output through the stream',
        20_000,
        () => /vd-stream-42/.test(session.output(r.sessionId)) || undefined,
      );
    } finally {
      session.close();
      await svc.stop();
    }
  });

  it('display links: one window cannot take them all (per-window cap below the global one)', async () => {
    const svc = new ConsoleService(host(), { limits: { displayTokensPerSession: 4, displayTokensTotal: 6 } });
    const greedy = fakeSession();
    const other = fakeSession();
    const open = (s: ClientSession) => svc.openDisplay({ connectionId: 'c', vmUuid: runDom.uuid }, s);
    try {
      // The attack: ask for links in parallel and never use them.
      const tries = await Promise.allSettled(Array.from({ length: 12 }, () => open(greedy)));
      expect(tries.filter((t) => t.status === 'fulfilled')).toHaveLength(4);
      const refused = tries.find((t) => t.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toMatchObject({ code: 'limit-reached' });
      expect(String(refused.reason.message)).toMatch(
        /Too many display links waiting to be used in this window \(the limit is 4\)/,
      );
      expect(svc.proxyStats()?.pendingTokens).toBe(4);
      // Another window still gets links, up to the global cap.
      await open(other);
      await open(other);
      await expect(open(other)).rejects.toThrow(/for all windows together/);
      // A window that goes away gives its links back.
      greedy.close();
      expect(svc.proxyStats()?.pendingTokens).toBe(2);
      await open(other);
    } finally {
      greedy.close();
      other.close();
      await svc.stop();
    }
  });

  it('display: open on a running VNC guest, NO_GRAPHICS / VM_NOT_RUNNING errors, screenshot, send-key', async () => {
    const svc = new ConsoleService(host());
    const session = fakeSession();
    try {
      const d = await svc.openDisplay({ connectionId: 'c', vmUuid: runDom.uuid }, session);
      expect(d.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/vnc\/[A-Za-z0-9_-]{43}$/);
      expect(d.path).toBe(new URL(d.url).pathname);
      expect(d.target).toMatch(/^127\.0\.0\.1:59\d\d$/);
      expect(d.passwordNeeded).toBe(false);
      await expect(
        svc.openDisplay({ connectionId: 'c', vmUuid: doms[1]!.uuid }, session),
      ).rejects.toMatchObject({
        code: 'VM_NOT_RUNNING',
      });
      const shot = await svc.screenshot({ connectionId: 'c', vmUuid: runDom.uuid });
      expect(shot.width).toBeGreaterThan(100);
      expect(Buffer.from(shot.base64, 'base64').subarray(1, 4).toString()).toBe('PNG');
      await svc.sendKeys({ connectionId: 'c', vmUuid: runDom.uuid, combo: 'ctrl-alt-del' });
    } finally {
      session.close();
      await svc.stop();
      expect(svc.proxyStats()).toBeNull();
    }
  });

  it('display: a <graphics> planted in the metadata is not used, the real device is', async () => {
    // Metadata may be writable by others; libvirt namespaces its elements, but a default-namespace
    // declaration keeps a bare <graphics> in the live XML, before <devices>.
    const ns = 'https://evil.example/ns';
    await client.domainSetMetadata(
      runDom,
      DomainMetadataType.ELEMENT,
      `<decoy><graphics xmlns="urn:x" type="vnc" port="5999" listen="203.0.113.7"><listen type="address" address="203.0.113.7"/></graphics></decoy>`,
      'evil',
      ns,
      DomainAffect.LIVE,
    );
    const svc = new ConsoleService(host());
    const session = fakeSession();
    try {
      const live = DomainXml.parse(await client.domainGetXMLDesc(runDom, 0));
      const planted = children(live.metadata(ns), 'graphics');
      expect(planted.map((g) => attr(g, 'listen'))).toEqual(['203.0.113.7']);
      const d = await svc.openDisplay({ connectionId: 'c', vmUuid: runDom.uuid }, session);
      expect(d.target).toMatch(/^127\.0\.0\.1:59\d\d$/);
      expect(d.target).toBe(`127.0.0.1:${live.graphics.find((g) => g.type === 'vnc')?.attrs.port}`);
    } finally {
      session.close();
      await svc.stop();
      await client.domainSetMetadata(runDom, DomainMetadataType.ELEMENT, null, null, ns, DomainAffect.LIVE);
    }
  });

  it('display.addVnc adds a VNC display to the persistent config of a VM without graphics', async () => {
    const svc = new ConsoleService(host());
    const dom = doms[1]!;
    await client.domainCreate(dom);
    const session = fakeSession();
    try {
      await expect(svc.openDisplay({ connectionId: 'c', vmUuid: dom.uuid }, session)).rejects.toMatchObject({
        code: 'NO_GRAPHICS',
      });
      const r = await svc.addVnc({ connectionId: 'c', vmUuid: dom.uuid });
      expect(r.effectiveNextBoot).toBe(true);
      const inactive = await client.domainGetXMLDesc(dom, 2);
      expect(parseGraphics(inactive).map((g) => [g.type, g.attrs.listen])).toEqual([['vnc', '127.0.0.1']]);
      await expect(svc.addVnc({ connectionId: 'c', vmUuid: dom.uuid })).rejects.toMatchObject({
        code: 'VNC_ALREADY_CONFIGURED',
      });
    } finally {
      await client.domainDestroy(dom).catch(() => undefined);
      session.close();
      await svc.stop();
    }
  });

  it('virsh console: the session ends when the VM stops, no virsh process is left', async () => {
    const svc = new ConsoleService(host());
    const session = fakeSession();
    try {
      const r = await svc.openSerial({ connectionId: 'c', vmUuid: runDom.uuid }, session);
      expect(r.backend).toBe('virsh');
      // virsh puts the tty in raw mode with TCSAFLUSH (pending input is dropped): wait until it is attached
      await until(
        'virsh to attach',
        20_000,
        () => /Escape character/.test(session.output(r.sessionId)) || undefined,
      );
      // (the guest may still be rebooting after the Ctrl+Alt+Del of the display test)
      await until('a prompt', 120_000, () => {
        svc.consoles.write(session, r.sessionId, '\n');
        return session.output(r.sessionId).includes(GUEST_PROMPT) || undefined;
      });
      svc.consoles.write(session, r.sessionId, 'echo vd-virsh-$((40+2))\n');
      await until(
        'output through virsh',
        20_000,
        () => /vd-virsh-42/.test(session.output(r.sessionId)) || undefined,
      );
      expect(virshConsoles(runDom.uuid)).toBe(1);
      await client.domainDestroy(runDom);
      const exit = await until('console.exit', 20_000, () =>
        session.sent.find((s) => s.event === 'console.exit' && s.payload.sessionId === r.sessionId),
      );
      expect(exit.payload.reason).toBe('vm-stopped');
      await svc.consoles.settled();
      await until('virsh to be gone', 5000, () => virshConsoles(runDom.uuid) === 0 || undefined);
    } finally {
      session.close();
      await svc.stop();
    }
  });
});
