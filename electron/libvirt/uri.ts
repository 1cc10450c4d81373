/**
 * libvirt connection URIs: driver[+transport]://[user@][host][:port]/path[?params]
 * (https://libvirt.org/uri.html), interpreted the way libvirt's remote driver does.
 */
import { LibvirtConnectionError } from './errors.js';

export type TransportKind = 'unix' | 'ssh' | 'tcp' | 'tls' | 'libssh' | 'libssh2' | 'ext';

const TRANSPORTS: readonly TransportKind[] = ['unix', 'ssh', 'tcp', 'tls', 'libssh', 'libssh2', 'ext'];

/** Query parameters consumed by the client; libvirt strips them from the name sent to the daemon. */
const CLIENT_PARAMS = new Set([
  'name',
  'command',
  'socket',
  'auth',
  'sshauth',
  'netcat',
  'keyfile',
  'pkipath',
  'known_hosts',
  'known_hosts_verify',
  'tls_priority',
  'mode',
  'proxy',
  'no_sanity',
  'no_verify',
  'no_tty',
  'authfile',
]);

export interface LibvirtUri {
  raw: string;
  /** Hypervisor driver: 'qemu', 'test', 'lxc', 'remote'… */
  driver: string;
  /** Transport written in the scheme, if any. */
  explicitTransport: TransportKind | null;
  /** Transport in effect: explicit, else 'tls' with a host, else 'unix'. */
  transport: TransportKind;
  user: string | null;
  /** Host name (IPv6 literals without brackets). */
  host: string | null;
  port: number | null;
  /** '/system', '/session', '/default', … */
  path: string;
  params: ReadonlyArray<readonly [string, string]>;
  fragment: string;
}

function invalid(raw: string, why: string): LibvirtConnectionError {
  return new LibvirtConnectionError(`invalid libvirt URI '${redactUri(raw)}': ${why}`);
}

/** `scheme://user:password@` anywhere in a text; the password part is group 2. */
const USERINFO_PASSWORD = /([A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/?#@:'"]*):([^\s/?#'"]*)@/g;

/**
 * Hides passwords written into URIs (`qemu+ssh://root:secret@h/system` → `qemu+ssh://root:***@h/system`)
 * anywhere in a message or log line. The user name is kept: it is no secret and it explains ssh's errors.
 */
export function redactUri(text: string): string {
  return text.replace(USERINFO_PASSWORD, '$1:***@');
}

export const URI_PASSWORD_REFUSED =
  'a password in the connection URI is not accepted (it would be stored in plain text); ' +
  'use ssh keys or an ssh agent instead';

function percentDecode(raw: string, part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw invalid(raw, `bad percent-encoding in '${part}'`);
  }
}

export function parseLibvirtUri(raw: string): LibvirtUri {
  const m = /^([a-zA-Z][a-zA-Z0-9.-]*)(?:\+([a-zA-Z0-9]+))?:\/\//.exec(raw);
  if (!m) throw invalid(raw, 'expected driver[+transport]://…');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(raw, 'malformed');
  }
  const driver = (m[1] as string).toLowerCase();
  let explicitTransport: TransportKind | null = null;
  if (m[2] !== undefined) {
    const t = m[2].toLowerCase();
    if (!(TRANSPORTS as readonly string[]).includes(t)) {
      throw invalid(raw, `transport '${t}' not recognised (should be ${TRANSPORTS.join('|')})`);
    }
    explicitTransport = t as TransportKind;
  }
  let host: string | null = url.hostname === '' ? null : percentDecode(raw, url.hostname);
  if (host?.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host !== null && !/^[A-Za-z0-9._:%-]+$/.test(host)) throw invalid(raw, `bad host name '${host}'`);
  if (url.password !== '') throw invalid(raw, URI_PASSWORD_REFUSED);
  const user = url.username === '' ? null : percentDecode(raw, url.username);
  const port = url.port === '' ? null : Number(url.port);
  if (explicitTransport === 'unix' && host !== null) {
    throw invalid(raw, `using unix socket and remote server '${host}' is not supported`);
  }
  const transport = explicitTransport ?? (host !== null ? 'tls' : 'unix');
  return {
    raw,
    driver,
    explicitTransport,
    transport,
    user,
    host,
    port,
    path: percentDecode(raw, url.pathname),
    params: [...url.searchParams.entries()],
    fragment: url.hash.replace(/^#/, ''),
  };
}

/** Value of a query parameter (names compare case-insensitively, as in libvirt). */
export function uriParam(uri: LibvirtUri, name: string): string | undefined {
  const lower = name.toLowerCase();
  return uri.params.find(([k]) => k.toLowerCase() === lower)?.[1];
}

/** Whether a boolean client param ("no_verify=1") is set. */
export function uriFlag(uri: LibvirtUri, name: string): boolean {
  const v = uriParam(uri, name);
  return v !== undefined && v !== '0' && v !== '';
}

/**
 * The URI the daemon is asked to open (REMOTE_PROC_CONNECT_OPEN): the transport, user, host and
 * port are dropped and client-only parameters removed, e.g. `qemu+ssh://h/system` → `qemu:///system`,
 * `test+unix:///default?socket=/s` → `test:///default`. An explicit `name` parameter wins; `remote`
 * URIs send an empty name so the daemon picks its default driver.
 */
export function daemonUriName(uri: LibvirtUri): string {
  const explicit = uriParam(uri, 'name');
  if (explicit !== undefined) return explicit;
  if (uri.driver === 'remote') return '';
  const kept = uri.params.filter(([k]) => !CLIENT_PARAMS.has(k.toLowerCase()));
  const query = kept.length
    ? '?' + kept.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')
    : '';
  const fragment = uri.fragment ? `#${uri.fragment}` : '';
  return `${uri.driver}://${encodeURI(uri.path)}${query}${fragment}`;
}

/**
 * Whether the client talks to the per-user session daemon (libvirt: '/session' URIs and
 * 'test+…' URIs, for non-root users only).
 */
export function usesSessionDaemon(uri: LibvirtUri, euid: number): boolean {
  return euid > 0 && (uri.path === '/session' || (uri.driver === 'test' && uri.explicitTransport !== null));
}
