/**
 * Text consoles in ptys: the serial console of a VM (`virsh -c <uri> console <uuid> --force` in node-pty,
 * or libvirt's console stream when virsh is not installed) and a shell on the connection's host.
 *
 * Output is batched (≤ 16 ms / 64 KiB per 'console.data' event) and flow-controlled end to end: the
 * renderer acknowledges what xterm.js has written (console.ack) and the pty is paused while more than
 * 256 KiB are unacknowledged, resumed below 32 KiB. Serial consoles re-spawn virsh while the VM runs
 * (virsh exits when the domain stops or its console goes away) and end when it stops. Every session is
 * closed when its renderer goes away (ClientSession.onClose); no process outlives its session.
 */
import { accessSync, constants as fsConstants, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import type { Duplex } from 'node:stream';
import type { ClientSession } from '../base/handlers.js';
import type { EventPayload } from '../../shared/contract/index.js';
import { CoreError } from '../base/errors.js';
import { ConsoleError } from './errors.js';
import { CONSOLE_LIMITS, limitMessage, type ConsoleLimits } from './limits.js';
import { PolkitNoiseFilter } from './polkit-filter.js';
import {
  FlowController,
  OutputBatcher,
  type BatchOptions,
  type FlowOptions,
  type FlowStats,
} from './flow.js';
import { isSshUri, parseLibvirtUri, sshArgs } from './uri.js';

/** The subset of a node-pty IPty (or an adapted console stream) a session needs. */
export interface PtyLike {
  readonly pid: number | null;
  onData(cb: (data: string) => void): void;
  onExit(cb: (e: { exitCode: number | null; signal?: number | undefined }) => void): void;
  write(data: string): void;
  resize(cols: number, rows: number): void;
  pause(): void;
  resume(): void;
  kill(signal?: string): void;
}

export interface SpawnOptions {
  cols: number;
  rows: number;
  cwd?: string;
  env: Record<string, string>;
}
export type PtySpawner = (file: string, args: string[], opts: SpawnOptions) => Promise<PtyLike>;

/** node-pty, loaded lazily so a missing native module only disables text consoles. */
export const nodePtySpawner: PtySpawner = async (file, args, opts) => {
  const pty = await import('node-pty');
  const p = pty.spawn(file, args, {
    name: 'xterm-256color',
    cols: opts.cols,
    rows: opts.rows,
    cwd: opts.cwd ?? homedir(),
    env: opts.env,
    encoding: 'utf8',
  });
  return {
    pid: p.pid,
    onData: (cb) => void p.onData(cb),
    onExit: (cb) => void p.onExit((e) => cb({ exitCode: e.exitCode, signal: e.signal })),
    write: (d) => p.write(d),
    resize: (c, r) => p.resize(c, r),
    pause: () => p.pause(),
    resume: () => p.resume(),
    kill: (sig) => p.kill(sig),
  };
};

/** Adapt libvirt's console stream (a Duplex with backpressure) to the PtyLike shape. */
export function streamAsPty(stream: Duplex): PtyLike {
  const decoder = new StringDecoder('utf8');
  const exitCbs: Array<(e: { exitCode: number | null }) => void> = [];
  let exited = false;
  const exit = (): void => {
    if (exited) return;
    exited = true;
    for (const cb of exitCbs) cb({ exitCode: null });
  };
  stream.on('close', exit);
  stream.on('end', exit);
  stream.on('error', exit);
  return {
    pid: null,
    onData: (cb) =>
      void stream.on('data', (chunk: Buffer | string) => {
        const s = typeof chunk === 'string' ? chunk : decoder.write(chunk);
        if (s) cb(s);
      }),
    onExit: (cb) => void exitCbs.push(cb),
    write: (d) => void stream.write(Buffer.from(d, 'utf8')),
    resize: () => {},
    pause: () => void stream.pause(),
    resume: () => void stream.resume(),
    kill: () => {
      stream.destroy();
      exit();
    },
  };
}

/** Absolute path of an executable on PATH, or null. */
export function findExecutable(name: string, path = process.env.PATH ?? '/usr/bin:/bin'): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const full = join(dir, name);
    try {
      accessSync(full, fsConstants.X_OK);
      return full;
    } catch {
      // not here
    }
  }
  return null;
}

/** Argument array for the serial console; the URI is passed as is (also `qemu+unix:///session?socket=…`). */
export function virshConsoleArgs(uri: string, vmUuid: string): string[] {
  return ['-c', uri, 'console', vmUuid, '--force'];
}

/** Command for a shell on the connection's host: a local login shell, or `ssh -t` for qemu+ssh. */
export function hostShellCommand(
  uri: string,
  env: NodeJS.ProcessEnv = process.env,
): { file: string; args: string[]; backend: 'shell' | 'ssh' } {
  const info = parseLibvirtUri(uri);
  if (info.local) {
    const shell = env.SHELL && existsSync(env.SHELL) ? env.SHELL : '/bin/bash';
    return { file: shell, args: ['-l'], backend: 'shell' };
  }
  if (isSshUri(info))
    return { file: 'ssh', args: sshArgs(info, { interactive: true, options: ['-t'] }), backend: 'ssh' };
  throw new ConsoleError(
    'HOST_TERMINAL_UNSUPPORTED',
    `A host terminal needs a local or qemu+ssh connection (this one uses ${info.transport || 'a remote'} transport).`,
  );
}

type ConsoleState = EventPayload<'console.state'>['state'];
type ExitReason = EventPayload<'console.exit'>['reason'];

export interface ConsoleManagerOptions {
  spawn?: PtySpawner;
  /** virsh binary path; null = not installed. Default: looked up on PATH. */
  virsh?: string | null;
  flow?: Partial<FlowOptions>;
  batch?: Partial<BatchOptions>;
  /** First re-spawn delay; doubles on quick failures up to 5 s. */
  respawnDelayMs?: number;
  /** Give up after this many consecutive re-spawns that lived < 2 s. */
  maxQuickRespawns?: number;
  env?: NodeJS.ProcessEnv;
  /** Override the caps of CONSOLE_LIMITS (tests). */
  limits?: Partial<ConsoleLimits>;
}

export interface OpenSerialRequest {
  owner: ClientSession;
  uri: string;
  vmUuid: string;
  cols?: number | undefined;
  rows?: number | undefined;
  /** Is the VM running? (asked before (re)spawning and when virsh exits) */
  isRunning: () => Promise<boolean>;
  /** libvirt's console stream, used when virsh is not installed. */
  openStream?: () => Promise<Duplex>;
}

export interface OpenHostRequest {
  owner: ClientSession;
  uri: string;
  cols?: number | undefined;
  rows?: number | undefined;
}

export interface OpenResult {
  sessionId: string;
  kind: 'serial' | 'host';
  backend: 'virsh' | 'stream' | 'shell' | 'ssh';
  state: ConsoleState;
  note?: string;
}

export interface SessionStats extends FlowStats {
  sessionId: string;
  respawns: number;
  pid: number | null;
  state: ConsoleState;
}

interface Session {
  id: string;
  kind: 'serial' | 'host';
  backend: OpenResult['backend'];
  owner: ClientSession;
  uri: string;
  vmUuid: string | null;
  cols: number;
  rows: number;
  proc: PtyLike | null;
  flow: FlowController;
  batcher: OutputBatcher;
  state: ConsoleState;
  respawns: number;
  quickFailures: number;
  startedAt: number;
  respawnTimer: ReturnType<typeof setTimeout> | null;
  closed: boolean;
  /** (Re)start the process; null for sessions that do not re-spawn. */
  start: (() => Promise<PtyLike>) | null;
  isRunning: (() => Promise<boolean>) | null;
  /** virsh consoles only: keeps polkit's agent (run by virsh on this pty) out of the guest output. */
  polkit: PolkitNoiseFilter | null;
}

const KILL_GRACE_MS = 2000;

export class ConsoleManager {
  private readonly sessions = new Map<string, Session>();
  private readonly watchedOwners = new WeakSet<ClientSession>();
  private readonly spawnPty: PtySpawner;
  private readonly virsh: string | null;
  private readonly opts: ConsoleManagerOptions;
  /** Processes being killed (kept until they really exit, so `closeAll` can wait for them). */
  private readonly dying = new Set<Promise<void>>();

  constructor(opts: ConsoleManagerOptions = {}) {
    this.opts = opts;
    this.spawnPty = opts.spawn ?? nodePtySpawner;
    this.virsh = opts.virsh === undefined ? findExecutable('virsh') : opts.virsh;
  }

  get virshPath(): string | null {
    return this.virsh;
  }

  async openSerial(req: OpenSerialRequest): Promise<OpenResult> {
    if (!(await req.isRunning())) throw new ConsoleError('VM_NOT_RUNNING', 'The VM is not running.');
    let backend: OpenResult['backend'];
    let start: () => Promise<PtyLike>;
    let note: string | undefined;
    const cols = req.cols ?? 80;
    const rows = req.rows ?? 24;
    if (this.virsh) {
      const virsh = this.virsh;
      backend = 'virsh';
      start = () =>
        this.spawnPty(virsh, virshConsoleArgs(req.uri, req.vmUuid), {
          cols: s.cols,
          rows: s.rows,
          env: this.env(),
        });
    } else if (req.openStream) {
      const open = req.openStream;
      backend = 'stream';
      note = "virsh is not installed; using libvirt's console stream (no resize).";
      start = async () => streamAsPty(await open());
    } else {
      throw new ConsoleError(
        'VIRSH_MISSING',
        'virsh is not installed (Debian/Ubuntu: apt install libvirt-clients).',
      );
    }
    const s = this.create(req.owner, 'serial', backend, req.uri, req.vmUuid, cols, rows);
    s.start = start;
    s.isRunning = req.isRunning;
    if (backend === 'virsh')
      s.polkit = new PolkitNoiseFilter((message) => this.setState(s, s.state, message));
    try {
      await this.launch(s);
    } catch (err) {
      this.dispose(s, 'error', null, (err as Error).message, false);
      throw err;
    }
    const result: OpenResult = { sessionId: s.id, kind: 'serial', backend, state: s.state };
    if (note) result.note = note;
    return result;
  }

  async openHost(req: OpenHostRequest): Promise<OpenResult> {
    const cmd = hostShellCommand(req.uri, this.opts.env ?? process.env);
    const s = this.create(req.owner, 'host', cmd.backend, req.uri, null, req.cols ?? 80, req.rows ?? 24);
    s.start = () =>
      this.spawnPty(cmd.file, cmd.args, { cols: s.cols, rows: s.rows, cwd: homedir(), env: this.env() });
    try {
      await this.launch(s);
    } catch (err) {
      this.dispose(s, 'error', null, (err as Error).message, false);
      throw err;
    }
    return { sessionId: s.id, kind: 'host', backend: cmd.backend, state: s.state };
  }

  write(owner: ClientSession, sessionId: string, data: string): void {
    this.get(owner, sessionId).proc?.write(data);
  }

  resize(owner: ClientSession, sessionId: string, cols: number, rows: number): void {
    const s = this.get(owner, sessionId);
    s.cols = cols;
    s.rows = rows;
    try {
      s.proc?.resize(cols, rows);
    } catch {
      // the process just exited
    }
  }

  /**
   * The renderer wrote `units` more of the output. Acknowledging more than was sent is a broken or
   * hostile client (it would switch flow control off): the console is closed and the call refused.
   */
  ack(owner: ClientSession, sessionId: string, units: number): void {
    const s = this.get(owner, sessionId);
    const unacked = s.flow.stats().unacked;
    if (s.flow.acked(units)) return;
    const message =
      `The console was closed: the window acknowledged ${units} characters of output, ` +
      `but only ${unacked} were sent and not yet acknowledged.`;
    this.dispose(s, 'error', null, message);
    throw new CoreError('invalid-input', message);
  }

  /** Close a console with a message (e.g. the transport gave up on a renderer that stopped reading). */
  abort(owner: ClientSession, sessionId: string, message: string): void {
    const s = this.sessions.get(sessionId);
    if (s && s.owner === owner) this.dispose(s, 'error', null, message);
  }

  close(owner: ClientSession, sessionId: string): void {
    this.dispose(this.get(owner, sessionId), 'closed', null);
  }

  stats(owner: ClientSession, sessionId: string): SessionStats {
    const s = this.get(owner, sessionId);
    return {
      sessionId: s.id,
      ...s.flow.stats(),
      respawns: s.respawns,
      pid: s.proc?.pid ?? null,
      state: s.state,
    };
  }

  /** Counters of every session, whoever owns it (diagnostics and tests; never exposed to renderers). */
  statsAll(): SessionStats[] {
    return [...this.sessions.values()].map((s) => ({
      sessionId: s.id,
      ...s.flow.stats(),
      respawns: s.respawns,
      pid: s.proc?.pid ?? null,
      state: s.state,
    }));
  }

  /** Sessions (ids) of one renderer, or all. */
  list(owner?: ClientSession): string[] {
    return [...this.sessions.values()].filter((s) => !owner || s.owner === owner).map((s) => s.id);
  }

  /** Close the serial consoles of a VM (e.g. it was stopped or undefined). */
  closeVm(vmUuid: string, reason: ExitReason = 'vm-stopped'): void {
    for (const s of [...this.sessions.values()]) if (s.vmUuid === vmUuid) this.dispose(s, reason, null);
  }

  /** Close everything and wait until the processes are gone. */
  async closeAll(): Promise<void> {
    for (const s of [...this.sessions.values()]) this.dispose(s, 'closed', null);
    await Promise.all([...this.dying]);
  }

  /** Resolves when every killed process has exited (tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.dying]);
  }

  private env(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.opts.env ?? process.env)) if (v !== undefined) env[k] = v;
    env.TERM = 'xterm-256color';
    env.COLORTERM = 'truecolor';
    if (!env.LANG) env.LANG = 'C.UTF-8';
    return env;
  }

  private get(owner: ClientSession, sessionId: string): Session {
    const s = this.sessions.get(sessionId);
    // Sessions belong to the renderer that opened them; others get the same answer as an unknown id.
    if (!s || s.owner !== owner)
      throw new ConsoleError('SESSION_NOT_FOUND', `No console session ${sessionId}.`);
    return s;
  }

  private create(
    owner: ClientSession,
    kind: Session['kind'],
    backend: Session['backend'],
    uri: string,
    vmUuid: string | null,
    cols: number,
    rows: number,
  ): Session {
    this.checkCaps(owner, kind);
    const id = randomUUID();
    const send = <N extends 'console.data' | 'console.state' | 'console.exit'>(
      event: N,
      payload: EventPayload<N>,
    ): void => {
      try {
        owner.send(event, payload);
      } catch {
        // the renderer is gone; onClose cleans up
      }
    };
    const pausable = {
      pause: () => s.proc?.pause(),
      resume: () => s.proc?.resume(),
    };
    const flow = new FlowController(pausable, this.opts.flow);
    const batcher = new OutputBatcher((data) => {
      flow.produced(data.length);
      send('console.data', { sessionId: id, data });
    }, this.opts.batch);
    const s: Session = {
      id,
      kind,
      backend,
      owner,
      uri,
      vmUuid,
      cols,
      rows,
      proc: null,
      flow,
      batcher,
      state: 'connecting',
      respawns: 0,
      quickFailures: 0,
      startedAt: 0,
      respawnTimer: null,
      closed: false,
      start: null,
      isRunning: null,
      polkit: null,
    };
    this.sessions.set(id, s);
    if (!this.watchedOwners.has(owner)) {
      this.watchedOwners.add(owner);
      owner.onClose(() => {
        for (const x of [...this.sessions.values()]) if (x.owner === owner) this.dispose(x, 'closed', null);
      });
    }
    return s;
  }

  /** Refuse a new console beyond the per-session or the global cap (checked synchronously with create). */
  private checkCaps(owner: ClientSession, kind: Session['kind']): void {
    let mine = 0;
    let all = 0;
    for (const s of this.sessions.values()) {
      if (s.kind !== kind) continue;
      all++;
      if (s.owner === owner) mine++;
    }
    const limits = { ...CONSOLE_LIMITS, ...this.opts.limits };
    const [perSession, total, what] =
      kind === 'host'
        ? [limits.hostShellsPerSession, limits.hostShellsTotal, 'host terminals open']
        : [limits.serialPerSession, limits.serialTotal, 'serial consoles open'];
    if (mine >= perSession) throw new CoreError('limit-reached', limitMessage(what, perSession, 'window'));
    if (all >= total) throw new CoreError('limit-reached', limitMessage(what, total, 'total'));
  }

  private setState(s: Session, state: ConsoleState, message?: string): void {
    if (s.state === state && !message) return;
    s.state = state;
    const payload: EventPayload<'console.state'> = { sessionId: s.id, state };
    if (message) payload.message = message;
    try {
      s.owner.send('console.state', payload);
    } catch {
      // gone
    }
  }

  private async launch(s: Session): Promise<void> {
    if (!s.start || s.closed) return;
    const proc = await s.start();
    if (s.closed) {
      this.kill(proc);
      return;
    }
    s.proc = proc;
    s.startedAt = Date.now();
    s.flow.setSource(proc);
    const polkit = s.polkit;
    polkit?.reset();
    proc.onData((data) => {
      if (s.proc !== proc) return;
      const out = polkit ? polkit.push(data) : data;
      if (out) s.batcher.push(out);
    });
    proc.onExit((e) => {
      if (s.proc !== proc) return;
      s.proc = null;
      const rest = polkit?.flush();
      if (rest) s.batcher.push(rest);
      s.batcher.flush();
      void this.onProcessExit(s, e.exitCode);
    });
    this.setState(s, 'connected');
  }

  private async onProcessExit(s: Session, exitCode: number | null): Promise<void> {
    if (s.closed) return;
    if (s.kind === 'host' || !s.isRunning) {
      this.dispose(s, 'process-exit', exitCode);
      return;
    }
    let running: boolean;
    try {
      running = await s.isRunning();
    } catch (err) {
      this.dispose(s, 'error', exitCode, (err as Error).message);
      return;
    }
    if (s.closed) return;
    if (!running) {
      this.dispose(s, 'vm-stopped', exitCode, 'The VM stopped.');
      return;
    }
    const lived = Date.now() - s.startedAt;
    s.quickFailures = lived < 2000 ? s.quickFailures + 1 : 0;
    const maxQuick = this.opts.maxQuickRespawns ?? 5;
    if (s.quickFailures > maxQuick) {
      this.dispose(s, 'process-exit', exitCode, 'The console keeps closing right after it opens; giving up.');
      return;
    }
    const base = this.opts.respawnDelayMs ?? 300;
    const delay = Math.min(5000, base * 2 ** Math.max(0, s.quickFailures - 1));
    this.setState(s, 'reconnecting', 'The console closed (guest reboot?); reconnecting…');
    s.respawnTimer = setTimeout(() => {
      s.respawnTimer = null;
      void (async () => {
        if (s.closed) return;
        try {
          if (!(await s.isRunning!())) {
            this.dispose(s, 'vm-stopped', exitCode, 'The VM stopped.');
            return;
          }
          s.respawns++;
          await this.launch(s);
        } catch (err) {
          this.dispose(s, 'error', exitCode, (err as Error).message);
        }
      })();
    }, delay);
  }

  private kill(proc: PtyLike): void {
    let exited = false;
    const done = new Promise<void>((resolve) => {
      proc.onExit(() => {
        exited = true;
        resolve();
      });
      const t = setTimeout(() => {
        if (!exited) {
          try {
            proc.kill('SIGKILL');
          } catch {
            // already gone
          }
        }
        setTimeout(resolve, 200).unref();
      }, KILL_GRACE_MS);
      t.unref();
    });
    this.dying.add(done);
    void done.then(() => this.dying.delete(done));
    try {
      proc.kill();
    } catch {
      // already gone
    }
  }

  private dispose(
    s: Session,
    reason: ExitReason,
    exitCode: number | null,
    message?: string,
    notify = true,
  ): void {
    if (s.closed) return;
    s.closed = true;
    this.sessions.delete(s.id);
    if (s.respawnTimer) clearTimeout(s.respawnTimer);
    s.batcher.flush();
    const proc = s.proc;
    s.proc = null;
    if (proc) this.kill(proc);
    if (!notify) return;
    s.state = reason === 'vm-stopped' ? 'stopped' : 'closed';
    try {
      s.owner.send('console.state', { sessionId: s.id, state: s.state });
      const payload: EventPayload<'console.exit'> = { sessionId: s.id, exitCode, reason };
      if (message) payload.message = message;
      s.owner.send('console.exit', payload);
    } catch {
      // gone
    }
  }
}
