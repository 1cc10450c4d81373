/**
 * The one validator for everything VirtDesk hands to the local `ssh` binary from a connection URI:
 * host, user, port, key file, known-hosts file and connect timeout. Every caller that builds ssh
 * arguments (libvirt transport, consoles, host facts) goes through it, on values that are already
 * percent-decoded.
 *
 * Why this strict: ssh itself refuses only some hostile values. A user name with a newline is
 * accepted by OpenSSH and substituted into `%r` of a `Match exec` line in the user's ssh config, which
 * runs it through a shell — so `qemu+ssh://a%0Atouch%20x@h/system` ran a command. We therefore accept
 * only conservative character sets and never anything that could be read as an option.
 */
import { isIPv6 } from 'node:net';

export class SshDestinationError extends Error {
  override name = 'SshDestinationError';
}

export interface SshDestinationInput {
  host: string | null | undefined;
  user?: string | null | undefined;
  port?: number | string | null | undefined;
  keyFile?: string | null | undefined;
  knownHostsFile?: string | null | undefined;
  /** Seconds. */
  connectTimeout?: number | null | undefined;
}

export interface SshDestination {
  host: string;
  user: string | null;
  port: number | null;
  keyFile: string | null;
  knownHostsFile: string | null;
  connectTimeout: number | null;
}

const HOSTNAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;
const IPV6_ZONE = /^[A-Za-z0-9_.-]+$/;
const USER = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const MAX_HOST = 253;
const MAX_USER = 64;
const MAX_PATH = 4096;
export const CONNECT_TIMEOUT_RANGE = { min: 1, max: 3600 } as const;

/** A value for messages: control characters made visible, long values cut. */
function shown(value: string): string {
  const s = JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  return s;
}

/** Host name, IPv4 address or IPv6 address (without brackets, optionally with a %zone). */
export function checkSshHost(host: string | null | undefined): string {
  if (!host) throw new SshDestinationError('The ssh connection has no host name.');
  if (host.length <= MAX_HOST && HOSTNAME.test(host)) return host;
  const [addr = '', zone, ...rest] = host.split('%');
  if (rest.length === 0 && isIPv6(addr) && (zone === undefined || IPV6_ZONE.test(zone))) return host;
  throw new SshDestinationError(
    `The ssh host name ${shown(host)} is not allowed: use a host name, an IPv4 address or a bracketed IPv6 address.`,
  );
}

/** A conservative POSIX user name: letters, digits, '.', '_', '-', not starting with '-'. */
export function checkSshUser(user: string): string {
  if (user.length > 0 && user.length <= MAX_USER && USER.test(user)) return user;
  throw new SshDestinationError(
    `The ssh user name ${shown(user)} is not allowed: use letters, digits, '.', '_' and '-' only, not starting with '-'.`,
  );
}

export function checkSshPort(port: number | string): number {
  const n = typeof port === 'number' ? port : /^\d{1,5}$/.test(port) ? Number(port) : NaN;
  if (Number.isInteger(n) && n >= 1 && n <= 65535) return n;
  throw new SshDestinationError(`The ssh port ${shown(String(port))} is not allowed: use 1–65535.`);
}

/**
 * An absolute local path (key file, known-hosts file). `option` paths end up inside an `-o Key=value`
 * argument, which ssh splits like a config line, so they also may not contain blanks or quotes.
 */
export function checkSshPath(p: string, what: string, option = false): string {
  const ok =
    p.startsWith('/') && p.length <= MAX_PATH && !CONTROL.test(p) && !(option && /[\s"'\\#]/.test(p));
  if (ok) return p;
  throw new SshDestinationError(
    `The ssh ${what} ${shown(p)} is not allowed: use an absolute path without control characters${option ? ', blanks or quotes' : ''}.`,
  );
}

export function checkConnectTimeout(seconds: number): number {
  const { min, max } = CONNECT_TIMEOUT_RANGE;
  if (Number.isInteger(seconds) && seconds >= min && seconds <= max) return seconds;
  throw new SshDestinationError(
    `The ssh connect timeout ${shown(String(seconds))} is not allowed: use whole seconds from ${min} to ${max}.`,
  );
}

export function checkSshDestination(input: SshDestinationInput): SshDestination {
  return {
    host: checkSshHost(input.host),
    user: input.user ? checkSshUser(input.user) : null,
    port:
      input.port !== null && input.port !== undefined && input.port !== '' ? checkSshPort(input.port) : null,
    keyFile: input.keyFile ? checkSshPath(input.keyFile, 'key file') : null,
    knownHostsFile: input.knownHostsFile
      ? checkSshPath(input.knownHostsFile, 'known-hosts file', true)
      : null,
    connectTimeout:
      input.connectTimeout !== null && input.connectTimeout !== undefined
        ? checkConnectTimeout(input.connectTimeout)
        : null,
  };
}

/**
 * ssh options for a validated destination (port, user, key, known hosts, timeout). Callers add their
 * own flags and then `'--', dest.host, …command` so nothing after the options can be read as one.
 */
export function sshDestinationOptions(dest: SshDestination): string[] {
  const args: string[] = [];
  if (dest.port !== null) args.push('-p', String(dest.port));
  if (dest.user !== null) args.push('-l', dest.user);
  if (dest.keyFile !== null) args.push('-i', dest.keyFile);
  if (dest.knownHostsFile !== null) args.push('-o', `UserKnownHostsFile=${dest.knownHostsFile}`);
  if (dest.connectTimeout !== null) args.push('-o', `ConnectTimeout=${dest.connectTimeout}`);
  return args;
}
