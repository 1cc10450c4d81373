/**
 * The console feature service: text consoles (ConsoleManager) and the VNC proxy, over the core's
 * connections. One per Core; everything is released when sessions close and when the core stops.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { CallInput, CallOutput } from '../../shared/contract/index.js';
import type { ClientSession } from '../base/handlers.js';
import {
  DomainAffect,
  DomainXMLFlags,
  ErrorCode,
  libvirtCode,
  type DomainRef,
  type LibvirtClient,
} from '../libvirt/index.js';
import { CoreError } from '../base/errors.js';
import { ConsoleError } from './errors.js';
import { CONSOLE_LIMITS, limitMessage, type ConsoleLimits } from './limits.js';
import { addVncToDomainXml, parseGraphics, resolveVnc, VNC_GRAPHICS_XML } from './graphics-xml.js';
import { comboKeycodes, KEYCODE_SET_LINUX } from './keys.js';
import { screenshotToPng } from './png.js';
import { ConsoleManager, type ConsoleManagerOptions } from './pty-session.js';
import { parseLibvirtUri } from './uri.js';
import { VncProxy, type VncProxyOptions } from './vnc-proxy.js';
import { routeToVnc } from './vnc-target.js';
import type { WebSocket } from 'ws';

/** What the service needs from the core. */
export interface ConsoleHost {
  getClient(connectionId: string): LibvirtClient;
  connectionUri(connectionId: string): string;
}

export interface ConsoleServiceOptions {
  consoles?: ConsoleManagerOptions;
  proxy?: VncProxyOptions;
  /** Override the caps of CONSOLE_LIMITS (tests). */
  limits?: Partial<ConsoleLimits>;
}

export class ConsoleService {
  readonly consoles: ConsoleManager;
  private proxy: VncProxy | null = null;
  private proxyStarting: Promise<VncProxy> | null = null;
  /** Display sessions per renderer: pending tokens and live WebSockets, released when it goes away. */
  readonly limits: ConsoleLimits;
  private readonly displays = new WeakMap<ClientSession, { tokens: Set<string>; sockets: Set<WebSocket> }>();

  constructor(
    private readonly host: ConsoleHost,
    private readonly opts: ConsoleServiceOptions = {},
  ) {
    this.consoles = new ConsoleManager({
      ...opts.consoles,
      limits: { ...opts.limits, ...opts.consoles?.limits },
    });
    this.limits = { ...CONSOLE_LIMITS, ...opts.limits };
  }

  private async dom(
    connectionId: string,
    vmUuid: string,
  ): Promise<{ client: LibvirtClient; dom: DomainRef }> {
    const client = this.host.getClient(connectionId);
    return { client, dom: await client.domainLookupByUUID(vmUuid) };
  }

  /** Is the VM active? A VM that disappeared counts as stopped. */
  private async isRunning(connectionId: string, vmUuid: string): Promise<boolean> {
    try {
      const { client, dom } = await this.dom(connectionId, vmUuid);
      return await client.domainIsActive(dom);
    } catch (e) {
      if (libvirtCode(e) === ErrorCode.NO_DOMAIN) return false;
      throw e;
    }
  }

  async openSerial(
    input: CallInput<'console.openSerial'>,
    session: ClientSession,
  ): Promise<CallOutput<'console.openSerial'>> {
    const uri = this.host.connectionUri(input.connectionId);
    return this.consoles.openSerial({
      owner: session,
      uri,
      vmUuid: input.vmUuid,
      cols: input.cols,
      rows: input.rows,
      isRunning: () => this.isRunning(input.connectionId, input.vmUuid),
      openStream: async (): Promise<Duplex> => {
        const { client, dom } = await this.dom(input.connectionId, input.vmUuid);
        return client.domainTakeConsole(dom);
      },
    });
  }

  async openHost(
    input: CallInput<'console.openHost'>,
    session: ClientSession,
  ): Promise<CallOutput<'console.openHost'>> {
    const uri = this.host.connectionUri(input.connectionId);
    return this.consoles.openHost({ owner: session, uri, cols: input.cols, rows: input.rows });
  }

  private async getProxy(): Promise<VncProxy> {
    if (this.proxy?.listening) return this.proxy;
    if (!this.proxyStarting) {
      this.proxyStarting = (async () => {
        const p = new VncProxy({ closeWhenIdle: true, ...this.opts.proxy });
        await p.listen();
        p.once('close', () => {
          if (this.proxy === p) this.proxy = null;
        });
        this.proxy = p;
        return p;
      })().finally(() => {
        this.proxyStarting = null;
      });
    }
    return this.proxyStarting;
  }

  /**
   * A `/vnc/<token>` WebSocket upgrade received by web mode's server (which checked Host and Origin):
   * handed to the proxy, which checks the token. Without a live proxy no token can be valid.
   */
  acceptVncUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.proxy?.listening) {
      this.proxy.acceptUpgrade(req, socket, head);
      return;
    }
    socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    socket.destroy();
  }

  /** Proxy statistics (tests, diagnostics); null when no proxy is listening. */
  proxyStats(): ReturnType<VncProxy['stats']> | null {
    return this.proxy?.listening ? this.proxy.stats() : null;
  }

  async openDisplay(
    input: CallInput<'display.open'>,
    session: ClientSession,
  ): Promise<CallOutput<'display.open'>> {
    const { client, dom } = await this.dom(input.connectionId, input.vmUuid);
    if (!(await client.domainIsActive(dom)))
      throw new ConsoleError('VM_NOT_RUNNING', 'The VM is not running.');
    let xml: string;
    try {
      xml = await client.domainGetXMLDesc(dom, DomainXMLFlags.SECURE); // passwd is only in the secure XML
    } catch {
      xml = await client.domainGetXMLDesc(dom, 0); // read-only connection
    }
    const res = resolveVnc(xml);
    if (!res.ok) throw new ConsoleError(res.code, res.message);
    const route = routeToVnc(res.endpoint, parseLibvirtUri(this.host.connectionUri(input.connectionId)));
    const proxy = await this.getProxy();
    let mine = this.displays.get(session);
    if (!mine) {
      const entry = { tokens: new Set<string>(), sockets: new Set<WebSocket>() };
      mine = entry;
      this.displays.set(session, entry);
      session.onClose(() => {
        for (const t of entry.tokens) this.proxy?.revoke(t);
        for (const ws of entry.sockets) ws.terminate();
        entry.tokens.clear();
        entry.sockets.clear();
      });
    }
    const entry = mine;
    // Checked after the awaits above, right before issuing, so parallel calls cannot overshoot.
    const perSession = this.limits.displayTokensPerSession;
    if (entry.tokens.size >= perSession)
      throw new CoreError(
        'limit-reached',
        limitMessage('display links waiting to be used', perSession, 'window'),
      );
    if (proxy.stats().pendingTokens >= this.limits.displayTokensTotal)
      throw new CoreError(
        'limit-reached',
        limitMessage('display links waiting to be used', this.limits.displayTokensTotal, 'total'),
      );
    const issued = proxy.issue(route.connect, {
      onConnection: (ws) => {
        entry.tokens.delete(issued.token);
        entry.sockets.add(ws);
        ws.once('close', () => entry.sockets.delete(ws));
      },
    });
    entry.tokens.add(issued.token);
    setTimeout(() => entry.tokens.delete(issued.token), issued.expiresInMs + 1000).unref();
    return {
      url: issued.url,
      path: issued.path,
      passwordNeeded: res.endpoint.passwordNeeded,
      target: route.describe,
      expiresInMs: issued.expiresInMs,
    };
  }

  async sendKeys(input: CallInput<'display.sendKeys'>): Promise<null> {
    const { client, dom } = await this.dom(input.connectionId, input.vmUuid);
    await client.domainSendKey(dom, KEYCODE_SET_LINUX, 0, comboKeycodes(input.combo), 0);
    return null;
  }

  async screenshot(input: CallInput<'display.screenshot'>): Promise<CallOutput<'display.screenshot'>> {
    const { client, dom } = await this.dom(input.connectionId, input.vmUuid);
    const shot = await client.domainScreenshot(dom, input.screen ?? 0, 0);
    const { png, width, height } = screenshotToPng(shot.mime, shot.data);
    return { mime: 'image/png', base64: png.toString('base64'), width, height };
  }

  /** Add a VNC display to the persistent definition (hot-plugging graphics is not possible). */
  async addVnc(input: CallInput<'display.addVnc'>): Promise<CallOutput<'display.addVnc'>> {
    const { client, dom } = await this.dom(input.connectionId, input.vmUuid);
    if (!(await client.domainIsPersistent(dom)))
      throw new ConsoleError(
        'NO_GRAPHICS',
        'This VM is transient (not defined); a display cannot be added to it.',
      );
    const inactive = await client.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE | DomainXMLFlags.SECURE);
    if (parseGraphics(inactive).some((g) => g.type === 'vnc'))
      throw new ConsoleError(
        'VNC_ALREADY_CONFIGURED',
        'The VM already has a VNC display (it takes effect at the next boot).',
      );
    try {
      await client.domainAttachDeviceFlags(dom, VNC_GRAPHICS_XML, DomainAffect.CONFIG);
    } catch (e) {
      // Older/other drivers do not support attaching <graphics> to the config: redefine with it added.
      if (libvirtCode(e) === null || libvirtCode(e) === ErrorCode.NO_DOMAIN) throw e;
      await client.domainDefineXML(addVncToDomainXml(inactive));
    }
    let active = false;
    try {
      active = await client.domainIsActive(dom);
    } catch (e) {
      if (libvirtCode(e) !== ErrorCode.OPERATION_INVALID) throw e;
    }
    return { effectiveNextBoot: active };
  }

  async stop(): Promise<void> {
    await this.consoles.closeAll();
    await this.proxy?.close();
  }
}
