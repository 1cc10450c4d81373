/**
 * Opens the byte stream to a libvirt daemon for a parsed URI:
 * - unix: the system socket, the user's session socket (spawning the session daemon when it is not
 *   running, like libvirt's client does) or `?socket=` explicitly;
 * - ssh: the system `ssh` binary with the remote end bridged by `virt-ssh-helper` or `nc -U`.
 *
 * Processes are always spawned with argument arrays; the only shell command line is the one ssh
 * must pass to the remote shell, and every piece of it is single-quoted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants, existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Duplex } from 'node:stream';
import { LibvirtConnectionError } from './errors.js';
import {
  checkSshDestination,
  SshDestinationError,
  sshDestinationOptions,
  type SshDestination,
} from './ssh-destination.js';
import { daemonUriName, uriFlag, uriParam, usesSessionDaemon, type LibvirtUri } from './uri.js';
import { largeReads } from './socket-reads.js';

export interface TransportOptions {
  readOnly?: boolean;
  /** Upper bound for connecting, including a session daemon's start-up (ms, default 15000). */
  connectTimeout?: number;
  /** Start the session daemon when its socket is missing (default true, like libvirt). */
  autostart?: boolean;
  /** Environment used to locate runtime dirs and daemons (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Effective uid (default process.geteuid()); root uses the system daemon for /session. */
  euid?: number;
}

/** Local directory holding system daemon sockets (libvirt uses $LOCALSTATEDIR/run, not /run). */
export const SYSTEM_SOCKET_DIR = '/var/run/libvirt';
const SESSION_DAEMON_IDLE_TIMEOUT = '--timeout=120';
const SBIN_DIRS = ['/usr/sbin', '/usr/local/sbin', '/sbin'];

export async function openTransport(uri: LibvirtUri, opts: TransportOptions = {}): Promise<Duplex> {
  switch (uri.transport) {
    case 'unix':
      return openUnix(uri, opts);
    case 'ssh':
      return openSsh(uri, opts);
    default:
      throw new LibvirtConnectionError(
        `the '${uri.transport}' transport is not supported by VirtDesk (use unix or ssh)`,
      );
  }
}

// ---- UNIX sockets ---------------------------------------------------------------------------------

/** libvirt's per-user runtime dir: $XDG_RUNTIME_DIR/libvirt, else ~/.cache/libvirt. */
export function userRuntimeDir(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_RUNTIME_DIR;
  if (xdg) return path.join(xdg, 'libvirt');
  return path.join(env.HOME || os.homedir(), '.cache', 'libvirt');
}

interface SocketChoice {
  socketPath: string;
  /** Daemon to spawn when the socket is missing (session mode only). */
  daemon: string | null;
}

/**
 * Mirrors libvirt's "auto" mode: the per-driver modular daemon's socket (virtqemud-sock) when it
 * exists, else the monolithic libvirtd's (libvirt-sock).
 */
export function chooseUnixSocket(uri: LibvirtUri, opts: TransportOptions): SocketChoice {
  const explicit = uriParam(uri, 'socket');
  if (explicit !== undefined) return { socketPath: explicit, daemon: null };
  const env = opts.env ?? process.env;
  const euid = opts.euid ?? process.geteuid?.() ?? 0;
  const modular = uri.driver === 'remote' ? 'virtproxyd' : `virt${uri.driver}d`;
  const modularPrefix = uri.driver === 'remote' ? 'libvirt' : modular;
  if (usesSessionDaemon(uri, euid)) {
    const dir = userRuntimeDir(env);
    const direct = path.join(dir, `${modularPrefix}-sock`);
    const legacy = path.join(dir, 'libvirt-sock');
    if (existsSync(direct)) return { socketPath: direct, daemon: null };
    if (existsSync(legacy)) return { socketPath: legacy, daemon: null };
    if (opts.autostart === false) return { socketPath: legacy, daemon: null };
    const libvirtd = findDaemon('libvirtd', env);
    if (libvirtd) return { socketPath: legacy, daemon: libvirtd };
    const modularPath = findDaemon(modular, env);
    return modularPath ? { socketPath: direct, daemon: modularPath } : { socketPath: legacy, daemon: null };
  }
  const suffix = opts.readOnly ? 'sock-ro' : 'sock';
  const direct = path.join(SYSTEM_SOCKET_DIR, `${modularPrefix}-${suffix}`);
  if (existsSync(direct)) return { socketPath: direct, daemon: null };
  return { socketPath: path.join(SYSTEM_SOCKET_DIR, `libvirt-${suffix}`), daemon: null };
}

function findDaemon(name: string, env: NodeJS.ProcessEnv): string | null {
  const override = env.VIRTD_PATH ?? env.LIBVIRTD_PATH;
  if (override && path.basename(override) === name && isExecutable(override)) return override;
  const dirs = [...SBIN_DIRS, ...(env.PATH ?? '').split(path.delimiter).filter(Boolean)];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function connectUnix(socketPath: string, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    // Reads of a whole stream packet at least, not libuv's 64 KiB (socket-reads.ts says why).
    const sock: net.Socket = net.createConnection({ path: socketPath, onread: largeReads(() => sock) });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new LibvirtConnectionError(`timed out connecting to ${socketPath}`));
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.removeAllListeners('error');
      resolve(sock);
    });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const code = err.code ? ` (${err.code})` : '';
      reject(
        Object.assign(
          new LibvirtConnectionError(`failed to connect to socket '${socketPath}': ${err.message}${code}`, {
            cause: err,
          }),
          { errno: err.code },
        ),
      );
    });
  });
}

async function openUnix(uri: LibvirtUri, opts: TransportOptions): Promise<Duplex> {
  const timeout = opts.connectTimeout ?? 15_000;
  const choice = chooseUnixSocket(uri, opts);
  if (!choice.daemon) return connectUnix(choice.socketPath, timeout);
  spawnSessionDaemon(choice.daemon, opts.env ?? process.env);
  return waitForSocket(choice.socketPath, timeout);
}

/** Starts the user's session daemon detached, as libvirt's client does (`<daemon> --timeout=120`). */
export function spawnSessionDaemon(daemonPath: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(daemonPath, [SESSION_DAEMON_IDLE_TIMEOUT], {
    detached: true,
    stdio: 'ignore',
    env,
  });
  child.on('error', () => undefined); // reported as a connect timeout instead
  child.unref();
  return child;
}

async function waitForSocket(socketPath: string, timeoutMs: number): Promise<net.Socket> {
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown = null;
  while (performance.now() < deadline) {
    if (existsSync(socketPath)) {
      try {
        return await connectUnix(socketPath, Math.max(100, deadline - performance.now()));
      } catch (err) {
        lastError = err;
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const why = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new LibvirtConnectionError(
    `session daemon did not create ${socketPath} within ${timeoutMs} ms${why}`,
  );
}

// ---- ssh ------------------------------------------------------------------------------------------

/** Quotes one word for a POSIX shell. */
export function shellQuote(word: string): string {
  if (word.includes('\0')) throw new LibvirtConnectionError('NUL byte in ssh command argument');
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command the remote shell runs to bridge stdio to the daemon (libvirt's
 * virNetClientSSHHelperCommand): `virt-ssh-helper URI` when available, else `nc -U socket`.
 */
export function sshRemoteCommand(uri: LibvirtUri, readOnly: boolean): string {
  const socket = uriParam(uri, 'socket');
  const netcat = uriParam(uri, 'netcat') ?? 'nc';
  const nameForHelper = daemonUriName(uri);
  const helper = `virt-ssh-helper${readOnly ? ' -r' : ''} ${shellQuote(nameForHelper)}`;
  const remoteSocket = socket ?? `${SYSTEM_SOCKET_DIR}/libvirt-${readOnly ? 'sock-ro' : 'sock'}`;
  const nc = shellQuote(netcat);
  const ncCommand =
    `if ${nc} -q 2>&1 | grep "requires an argument" >/dev/null 2>&1; then ARG=-q0; else ARG=; fi; ` +
    `${nc} $ARG -U ${shellQuote(remoteSocket)}`;
  let script: string;
  const proxy = uriParam(uri, 'proxy');
  if (proxy === 'netcat' || socket !== undefined || uriParam(uri, 'netcat') !== undefined) {
    script = ncCommand;
  } else if (proxy === 'native' || uri.path === '/session') {
    script = helper;
  } else {
    script = `if which virt-ssh-helper >/dev/null 2>&1; then ${helper}; else ${ncCommand}; fi`;
  }
  return `sh -c ${shellQuote(script)}`;
}

/**
 * Arguments for the local `ssh` binary (never run through a local shell). The destination goes
 * through the shared ssh validator; an invalid one becomes a LibvirtConnectionError.
 */
export function sshArgs(uri: LibvirtUri, readOnly: boolean): string[] {
  let dest: SshDestination;
  try {
    dest = checkSshDestination({
      host: uri.host,
      user: uri.user,
      port: uri.port,
      keyFile: uriParam(uri, 'keyfile'),
    });
  } catch (err) {
    if (err instanceof SshDestinationError) throw new LibvirtConnectionError(err.message, { cause: err });
    throw err;
  }
  const args = ['-T', '-e', 'none', '-o', 'BatchMode=yes', ...sshDestinationOptions(dest)];
  if (uriFlag(uri, 'no_verify')) args.push('-o', 'StrictHostKeyChecking=no');
  args.push('--', dest.host, sshRemoteCommand(uri, readOnly));
  return args;
}

async function openSsh(uri: LibvirtUri, opts: TransportOptions): Promise<Duplex> {
  const child = spawn('ssh', sshArgs(uri, opts.readOnly ?? false), {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: opts.env ?? process.env,
  });
  const stream = new ChildProcessDuplex(child, `ssh to ${uri.host}`);
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (err) =>
      reject(new LibvirtConnectionError(`cannot run ssh: ${err.message}`, { cause: err })),
    );
  });
  return stream;
}

/** A child's stdout/stdin as one Duplex; a failed exit becomes an error carrying stderr's tail. */
export class ChildProcessDuplex extends Duplex {
  private stderrTail = '';

  constructor(
    private readonly child: ChildProcess,
    private readonly what: string,
  ) {
    super();
    const { stdout, stdin, stderr } = child;
    if (!stdout || !stdin) throw new LibvirtConnectionError(`${what}: no stdio pipes`);
    stdout.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) stdout.pause();
    });
    stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-2000);
    });
    stdin.on('error', () => undefined); // EPIPE surfaces through the exit status
    child.on('close', (code, signal) => {
      if (code === 0) {
        this.push(null);
        return;
      }
      const status = code !== null ? `exited with status ${code}` : `was killed by ${signal}`;
      const tail = this.stderrTail.trim();
      this.destroy(new LibvirtConnectionError(`${what} ${status}${tail ? `: ${tail}` : ''}`));
    });
  }

  override _read(): void {
    this.child.stdout?.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    const stdin = this.child.stdin;
    if (!stdin || stdin.destroyed) {
      cb(new LibvirtConnectionError(`${this.what}: stdin closed`));
      return;
    }
    if (stdin.write(chunk)) cb();
    else stdin.once('drain', () => cb());
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.child.stdin?.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    cb(err);
  }
}
