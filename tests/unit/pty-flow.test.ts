import { describe, expect, it } from 'vitest';
import type { ClientSession } from '../../electron/base/handlers.js';
import { FlowController, OutputBatcher } from '../../electron/console/flow.js';
import {
  ConsoleManager,
  hostShellCommand,
  virshConsoleArgs,
  type PtyLike,
} from '../../electron/console/pty-session.js';

/** A pty that produces output only while not paused, like a real pty whose reader stopped. */
class FakePty implements PtyLike {
  static nextPid = 1000;
  readonly pid = FakePty.nextPid++;
  paused = false;
  killed = false;
  written: string[] = [];
  size: [number, number] = [0, 0];
  private dataCb: Array<(d: string) => void> = [];
  private exitCb: Array<(e: { exitCode: number | null }) => void> = [];
  constructor(
    readonly file: string,
    readonly args: string[],
  ) {}
  onData(cb: (d: string) => void): void {
    this.dataCb.push(cb);
  }
  onExit(cb: (e: { exitCode: number | null }) => void): void {
    this.exitCb.push(cb);
  }
  write(d: string): void {
    this.written.push(d);
  }
  resize(c: number, r: number): void {
    this.size = [c, r];
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  kill(): void {
    if (this.killed) return;
    this.killed = true;
    queueMicrotask(() => this.exit(0));
  }
  /** Emit as long as not paused; returns how much was emitted. */
  produce(chunk: string, times: number): number {
    let n = 0;
    for (let i = 0; i < times && !this.paused; i++) {
      for (const cb of this.dataCb) cb(chunk);
      n += chunk.length;
    }
    return n;
  }
  exit(code: number | null): void {
    for (const cb of this.exitCb) cb({ exitCode: code });
  }
}

interface Sent {
  event: string;
  payload: { sessionId: string; data?: string; state?: string; reason?: string };
}

function fakeClient(): ClientSession & { sent: Sent[]; close: () => void } {
  const cleanups: Array<() => void> = [];
  const sent: Sent[] = [];
  return {
    id: 'client-1',
    sent,
    send: (event, payload) => void sent.push({ event, payload: payload as Sent['payload'] }),
    onClose: (c) => void cleanups.push(c),
    close: () => cleanups.forEach((c) => c()),
  };
}

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('FlowController', () => {
  it('pauses above the high watermark and resumes below the low one', () => {
    const src = {
      paused: false,
      pause() {
        this.paused = true;
      },
      resume() {
        this.paused = false;
      },
    };
    const flow = new FlowController(src, { highWatermark: 100, lowWatermark: 20 });
    flow.produced(60);
    expect(src.paused).toBe(false);
    flow.produced(60);
    expect(src.paused).toBe(true);
    expect(flow.stats()).toMatchObject({ unacked: 120, paused: true, pauseCount: 1 });
    flow.acked(90); // 30 left: still above low
    expect(src.paused).toBe(true);
    expect(flow.acked(20)).toBe(true);
    expect(src.paused).toBe(false);
    // Over-acknowledgement is refused (it would switch flow control off): nothing changes.
    expect(flow.acked(11)).toBe(false);
    expect(flow.stats().unacked).toBe(10);
    flow.produced(200);
    expect(src.paused).toBe(true);
    expect(flow.acked(210)).toBe(true);
    expect(flow.stats().unacked).toBe(0);
    expect(() => new FlowController(src, { highWatermark: 1, lowWatermark: 2 })).toThrow();
  });
});

describe('OutputBatcher', () => {
  it('coalesces small chunks within the delay and caps the event size', async () => {
    const out: string[] = [];
    const b = new OutputBatcher((d) => out.push(d), { maxDelayMs: 10, maxSize: 8 });
    b.push('ab');
    b.push('cd');
    expect(out).toEqual([]);
    await tick(25);
    expect(out).toEqual(['abcd']);
    b.push('0123456789abcdefXY');
    expect(out.slice(1)).toEqual(['01234567', '89abcdef', 'XY']);
    b.push('x\ud83d\ude00yzabcdef'); // a surrogate pair straddling the cut is kept whole
    b.flush();
    expect(out.slice(4).join('')).toBe('x\ud83d\ude00yzabcdef');
    for (const s of out) expect(s.length).toBeLessThanOrEqual(8);
  });
});

describe('ConsoleManager (fake pty)', () => {
  function setup(running = { value: true }) {
    const ptys: FakePty[] = [];
    const mgr = new ConsoleManager({
      virsh: '/usr/bin/virsh',
      spawn: async (file, args) => {
        const p = new FakePty(file, args);
        ptys.push(p);
        return p;
      },
      flow: { highWatermark: 256 * 1024, lowWatermark: 32 * 1024 },
      batch: { maxDelayMs: 5, maxSize: 64 * 1024 },
      respawnDelayMs: 10,
    });
    const client = fakeClient();
    const open = () =>
      mgr.openSerial({
        owner: client,
        uri: 'qemu+unix:///session?socket=/tmp/s',
        vmUuid: '11111111-2222-3333-4444-555555555555',
        isRunning: async () => running.value,
      });
    return { mgr, client, ptys, open, running };
  }

  it('spawns virsh with an argument array and the URI as is', async () => {
    const { ptys, open, mgr } = setup();
    const r = await open();
    expect(r).toMatchObject({ kind: 'serial', backend: 'virsh', state: 'connected' });
    expect(ptys[0]!.file).toBe('/usr/bin/virsh');
    expect(ptys[0]!.args).toEqual(
      virshConsoleArgs('qemu+unix:///session?socket=/tmp/s', '11111111-2222-3333-4444-555555555555'),
    );
    expect(ptys[0]!.args).toEqual([
      '-c',
      'qemu+unix:///session?socket=/tmp/s',
      'console',
      '11111111-2222-3333-4444-555555555555',
      '--force',
    ]);
    await mgr.closeAll();
  });

  it("polkit's agent on virsh's pty becomes status messages, not guest output", async () => {
    const { mgr, client, ptys, open } = setup();
    const { sessionId } = await open();
    const pty = ptys[0]!;
    for (const chunk of [
      '\x1b[1;31m==== AUTHENTICATING FOR org.libvirt.unix.ma',
      'nage ====\r\n\x1b[0mSystem policy prevents management of local virtualized systems\r\nPass',
      'word: ',
    ])
      pty.produce(chunk, 1);
    pty.produce("\r\n==== AUTHENTICATION COMPLETE ====\r\nConnected to domain 'web'\r\nlogin: ", 1);
    await tick(20);
    const data = client.sent
      .filter((s) => s.event === 'console.data')
      .map((s) => s.payload.data)
      .join('');
    expect(data).toBe("Connected to domain 'web'\r\nlogin: ");
    const messages = client.sent
      .filter((s) => s.event === 'console.state' && s.payload.sessionId === sessionId)
      .map((s) => (s.payload as { message?: string }).message);
    expect(messages).toContain('polkit asks: Password: (type it in the console, then Enter)');
    expect(messages).toContain('Authorized by polkit.');
    await mgr.closeAll();
  });

  it('a flood pauses the pty until the renderer acknowledges; memory stays bounded', async () => {
    const { mgr, client, ptys, open } = setup();
    const { sessionId } = await open();
    const pty = ptys[0]!;
    const line = 'y\r\n'.repeat(1024); // 3 KiB
    // `yes` in the guest: the pty produces as fast as it is read
    const produced = pty.produce(line, 100_000);
    expect(pty.paused).toBe(true);
    expect(produced).toBeLessThan(256 * 1024 + 70 * 1024);
    await tick(20);
    const st = mgr.stats(client, sessionId);
    expect(st.paused).toBe(true);
    expect(st.pauseCount).toBe(1);
    expect(st.maxUnacked).toBeLessThan(256 * 1024 + 70 * 1024);
    const data = client.sent.filter((s) => s.event === 'console.data');
    const total = data.reduce((n, s) => n + s.payload.data!.length, 0);
    expect(total).toBe(produced);
    for (const s of data) expect(s.payload.data!.length).toBeLessThanOrEqual(64 * 1024);
    // the renderer writes and acknowledges in pieces; the pty resumes only below the low watermark
    let acked = 0;
    for (const s of data) {
      mgr.ack(client, sessionId, s.payload.data!.length);
      acked += s.payload.data!.length;
      expect(pty.paused).toBe(total - acked >= 32 * 1024);
    }
    expect(pty.paused).toBe(false);
    // and it floods again, paused again
    pty.produce(line, 100_000);
    expect(pty.paused).toBe(true);
    expect(mgr.stats(client, sessionId).pauseCount).toBe(2);
    await mgr.closeAll();
  });

  it('an acknowledgement beyond what was sent closes the console with a clear error', async () => {
    const { mgr, client, ptys, open } = setup();
    const { sessionId } = await open();
    const pty = ptys[0]!;
    pty.produce('x'.repeat(1000), 1);
    await tick(20);
    mgr.ack(client, sessionId, 400); // honest
    // The attack: acknowledge far ahead so flow control never pauses the pty again.
    expect(() => mgr.ack(client, sessionId, 10_000_000)).toThrow(
      /acknowledged 10000000 characters of output, but only 600 were sent/,
    );
    expect(pty.killed).toBe(true);
    expect(mgr.list()).not.toContain(sessionId);
    const exit = client.sent.find((x) => x.event === 'console.exit');
    expect(exit?.payload).toMatchObject({ sessionId, reason: 'error' });
    expect(() => mgr.stats(client, sessionId)).toThrow(/No console session/);
    await mgr.closeAll();
  });

  it('caps serial consoles and host shells per window and in total, naming the limit', async () => {
    const ptys: FakePty[] = [];
    const mgr = new ConsoleManager({
      virsh: '/usr/bin/virsh',
      spawn: async (file, args) => {
        const p = new FakePty(file, args);
        ptys.push(p);
        return p;
      },
      env: { SHELL: '/bin/sh' },
      limits: { serialPerSession: 3, serialTotal: 5, hostShellsPerSession: 2, hostShellsTotal: 3 },
    });
    const a = fakeClient();
    const b = fakeClient();
    const serial = (owner: ClientSession) =>
      mgr.openSerial({
        owner,
        uri: 'qemu:///session',
        vmUuid: '11111111-2222-3333-4444-555555555555',
        isRunning: async () => true,
      });
    const host = (owner: ClientSession) => mgr.openHost({ owner, uri: 'qemu:///session' });
    // The attack: one window opens consoles in parallel until something gives.
    const tries = await Promise.allSettled(Array.from({ length: 10 }, () => serial(a)));
    expect(tries.filter((t) => t.status === 'fulfilled')).toHaveLength(3);
    const refused = tries.find((t) => t.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'limit-reached' });
    expect(String(refused.reason.message)).toMatch(
      /Too many serial consoles open in this window \(the limit is 3\)/,
    );
    // Another window still gets its own, up to the global cap.
    await serial(b);
    await serial(b);
    await expect(serial(b)).rejects.toThrow(
      /serial consoles open in VirtDesk \(the limit is 5 for all windows/,
    );
    // Host shells are counted apart.
    await host(a);
    await host(a);
    await expect(host(a)).rejects.toThrow(/Too many host terminals open in this window \(the limit is 2\)/);
    await host(b);
    await expect(host(b)).rejects.toThrow(/host terminals open in VirtDesk \(the limit is 3/);
    expect(mgr.list(a)).toHaveLength(5);
    // Closing one frees its slot.
    mgr.close(a, mgr.list(a)[0]!);
    await serial(b);
    a.close();
    b.close();
    await mgr.settled();
    expect(mgr.list()).toHaveLength(0);
  });

  it('forwards input and resize; only the owner can use a session', async () => {
    const { mgr, client, ptys, open } = setup();
    const { sessionId } = await open();
    mgr.write(client, sessionId, 'ls\r');
    mgr.resize(client, sessionId, 120, 40);
    expect(ptys[0]!.written).toEqual(['ls\r']);
    expect(ptys[0]!.size).toEqual([120, 40]);
    const other = fakeClient();
    expect(() => mgr.write(other, sessionId, 'x')).toThrow(/No console session/);
    await mgr.closeAll();
  });

  it('re-spawns virsh while the VM runs, ends when it stops', async () => {
    const { mgr, client, ptys, open, running } = setup();
    const { sessionId } = await open();
    ptys[0]!.exit(1); // guest reboot / console went away
    await tick(50);
    expect(ptys).toHaveLength(2);
    expect(client.sent.some((s) => s.event === 'console.state' && s.payload.state === 'reconnecting')).toBe(
      true,
    );
    expect(mgr.stats(client, sessionId)).toMatchObject({ respawns: 1, state: 'connected' });
    running.value = false;
    ptys[1]!.exit(1);
    await tick(20);
    expect(ptys).toHaveLength(2);
    const exit = client.sent.find((s) => s.event === 'console.exit');
    expect(exit?.payload.reason).toBe('vm-stopped');
    expect(mgr.list()).toEqual([]);
  });

  it('refuses a stopped VM and gives up on a console that keeps failing', async () => {
    const a = setup({ value: false });
    await expect(a.open()).rejects.toMatchObject({ code: 'VM_NOT_RUNNING' });
    const b = setup();
    await b.open();
    for (let i = 0; i < 10 && b.mgr.list().length > 0; i++) {
      b.ptys.at(-1)!.exit(1);
      await tick(200);
    }
    expect(b.mgr.list()).toEqual([]);
    expect(b.client.sent.find((s) => s.event === 'console.exit')?.payload.reason).toBe('process-exit');
  }, 10_000);

  it('kills every process when the client session goes away', async () => {
    const { mgr, client, ptys, open } = setup();
    await open();
    await open();
    client.close();
    await mgr.settled();
    expect(ptys.every((p) => p.killed)).toBe(true);
    expect(mgr.list()).toEqual([]);
  });

  it('uses the console stream when virsh is missing, says so when there is none', async () => {
    const mgr = new ConsoleManager({ virsh: null });
    const client = fakeClient();
    await expect(
      mgr.openSerial({
        owner: client,
        uri: 'qemu:///system',
        vmUuid: '11111111-2222-3333-4444-555555555555',
        isRunning: async () => true,
      }),
    ).rejects.toMatchObject({ code: 'VIRSH_MISSING' });
    const { PassThrough } = await import('node:stream');
    const stream = new PassThrough();
    const r = await mgr.openSerial({
      owner: client,
      uri: 'qemu:///system',
      vmUuid: '11111111-2222-3333-4444-555555555555',
      isRunning: async () => true,
      openStream: async () => stream,
    });
    expect(r.backend).toBe('stream');
    stream.write(Buffer.from('login: ', 'utf8'));
    stream.write(Buffer.from([0xc3])); // a UTF-8 sequence split across chunks
    stream.write(Buffer.from([0xa4]));
    await tick(30);
    expect(
      client.sent
        .filter((s) => s.event === 'console.data')
        .map((s) => s.payload.data)
        .join(''),
    ).toBe('login: ä');
    await mgr.closeAll();
    expect(stream.destroyed).toBe(true);
  });

  it('host terminal command: login shell locally, ssh -t for qemu+ssh, refused otherwise', () => {
    expect(hostShellCommand('qemu:///system', { SHELL: '/bin/sh' })).toEqual({
      file: '/bin/sh',
      args: ['-l'],
      backend: 'shell',
    });
    expect(hostShellCommand('qemu:///system', {}).file).toBe('/bin/bash');
    expect(hostShellCommand('qemu+ssh://root@h1/system')).toEqual({
      file: 'ssh',
      args: ['-l', 'root', '-t', '--', 'h1'],
      backend: 'ssh',
    });
    expect(() => hostShellCommand('qemu+tls://h1/system')).toThrow(/host terminal/);
  });
});
