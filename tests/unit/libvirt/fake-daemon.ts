/**
 * A scriptable in-process stand-in for libvirtd over a real UNIX socket pair, for engine tests.
 * It only speaks the framing; each test decides how to answer.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  FrameReassembler,
  MessageStatus,
  MessageType,
  decodePacket,
  encodePacket,
  encodeRemoteError,
  encodeStreamPacket,
  type Packet,
  type PacketHeader,
} from '../../../electron/libvirt/packet.js';
import { largeReads } from '../../../electron/libvirt/socket-reads.js';
import type { XdrType } from '../../../electron/libvirt/xdr/schema.js';

export interface FakeClient {
  socket: net.Socket;
  packets: Packet[];
}

export type PacketHandler = (packet: Packet, client: FakeClient) => void;

export class FakeDaemon {
  readonly clients: FakeClient[] = [];
  private constructor(
    readonly server: net.Server,
    readonly socketPath: string,
    private readonly dir: string,
    public handler: PacketHandler,
  ) {}

  static async start(handler: PacketHandler = () => undefined): Promise<FakeDaemon> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'virtdesk-fake-'));
    const socketPath = path.join(dir, 'sock');
    const server = net.createServer();
    const d = new FakeDaemon(server, socketPath, dir, handler);
    server.on('connection', (socket) => {
      const client: FakeClient = { socket, packets: [] };
      d.clients.push(client);
      const r = new FrameReassembler();
      socket.on('error', () => undefined);
      socket.on('data', (chunk: Buffer) => {
        for (const frame of r.push(chunk)) {
          const p = decodePacket(Buffer.from(frame));
          client.packets.push(p);
          d.handler(p, client);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    return d;
  }

  /** A client socket; `largeReads` reads it as the real transport does (reused slabs, socket-reads.ts). */
  connect(opts: { largeReads?: boolean } = {}): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const s: net.Socket = net.createConnection(
        { path: this.socketPath, ...(opts.largeReads ? { onread: largeReads(() => s) } : {}) },
        () => resolve(s),
      );
      s.once('error', reject);
    });
  }

  async stop(): Promise<void> {
    for (const c of this.clients) c.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export function reply(client: FakeClient, call: PacketHeader, schema?: XdrType, value?: unknown): void {
  const header = { ...call, type: MessageType.REPLY, status: MessageStatus.OK };
  client.socket.write(encodePacket(header, schema ? { schema, value } : undefined));
}

export function replyError(
  client: FakeClient,
  call: PacketHeader,
  message: string,
  code = 42,
  domain = 10,
): void {
  const header = { ...call, type: MessageType.REPLY, status: MessageStatus.ERROR };
  client.socket.write(
    encodePacket(
      header,
      encodeRemoteError({
        code,
        domain,
        message,
        level: 2,
        dom: null,
        str1: message,
        str2: null,
        str3: null,
        int1: -1,
        int2: -1,
        net: null,
      }),
    ),
  );
}

export function sendStream(client: FakeClient, call: PacketHeader, status: number, data: Buffer): void {
  client.socket.write(encodeStreamPacket({ ...call, type: MessageType.STREAM, status }, data));
}
