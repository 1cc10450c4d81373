/**
 * Just enough of libvirt's URI grammar for consoles: is the hypervisor local, or reached over ssh (and how)?
 * Everything produced here is an argument array for spawn(), never a shell string.
 */
import { checkSshDestination, sshDestinationOptions } from '../libvirt/ssh-destination.js';
import { redactUri } from '../libvirt/uri.js';

export interface LibvirtUriInfo {
  driver: string; // 'qemu', 'test', …
  transport: string; // '' (local/default), 'unix', 'ssh', 'tcp', 'tls', 'libssh', 'libssh2', 'ext'
  host: string; // '' when local
  user?: string;
  port?: number;
  params: URLSearchParams;
  /** The hypervisor runs on this machine. */
  local: boolean;
}

export function parseLibvirtUri(uri: string): LibvirtUriInfo {
  const m =
    /^([A-Za-z0-9]+)(?:\+([A-Za-z0-9]+))?:\/\/(?:([^@/?]*)@)?(\[[^\]]*\]|[^/?:]*)(?::(\d+))?(\/[^?]*)?(?:\?(.*))?$/.exec(
      uri,
    );
  if (!m) throw new Error(`unsupported libvirt URI: ${redactUri(uri)}`);
  const [, driver = '', transport = '', user, rawHost = '', port, , query = ''] = m;
  let host = rawHost;
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  host = decodeURIComponent(host);
  const info: LibvirtUriInfo = {
    driver,
    transport: transport.toLowerCase(),
    host,
    params: new URLSearchParams(query),
    local:
      host === '' || ((host === 'localhost' || host === '127.0.0.1' || host === '::1') && transport === ''),
  };
  if (user) info.user = decodeURIComponent(user);
  if (port) info.port = Number(port);
  return info;
}

export function isSshUri(info: LibvirtUriInfo): boolean {
  return info.transport === 'ssh' || info.transport === 'libssh' || info.transport === 'libssh2';
}

export interface SshArgsOptions {
  /** Keep password/host-key prompts possible (the host terminal); otherwise BatchMode=yes. */
  interactive: boolean;
  /** Extra ssh options placed before the destination, e.g. ['-t'] or ['-W', 'host:port']. */
  options?: string[];
  /** Remote command words; each is quoted for the remote shell (ssh joins them into one line). */
  remoteCommand?: string[];
}

/**
 * ssh argument array for a qemu+ssh URI: port, user, identity, known-hosts policy, options,
 * destination, command. Host, user, port and files go through the shared ssh validator (which
 * throws a plain-worded SshDestinationError).
 */
export function sshArgs(info: LibvirtUriInfo, opts: SshArgsOptions): string[] {
  const dest = checkSshDestination({
    host: info.host,
    user: info.user,
    port: info.port,
    keyFile: info.params.get('keyfile'),
    knownHostsFile: info.params.get('known_hosts'),
  });
  const args: string[] = [];
  if (!opts.interactive) args.push('-o', 'BatchMode=yes');
  args.push(...sshDestinationOptions(dest));
  if (info.params.get('no_verify') === '1') args.push('-o', 'StrictHostKeyChecking=no');
  args.push(...(opts.options ?? []));
  args.push('--', dest.host);
  if (opts.remoteCommand && opts.remoteCommand.length > 0) args.push(...opts.remoteCommand.map(shQuote));
  return args;
}

/** Quote one word for a POSIX shell (the remote side of `ssh host cmd…` joins words into a shell line). */
export function shQuote(word: string): string {
  if (/^[A-Za-z0-9_/.,:=+@%-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
