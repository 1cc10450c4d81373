/**
 * Opens the byte stream from the main process to a VM's VNC server: direct TCP/UNIX for local (and
 * directly reachable remote) hypervisors, or through ssh for qemu+ssh connections
 * (`ssh -W host:port` for TCP, a remote `nc -U path` for UNIX sockets). Argument arrays only.
 */
import { spawn } from 'node:child_process';
import { Duplex } from 'node:stream';
import type { VncEndpoint } from './graphics-xml.js';
import { isSshUri, sshArgs, type LibvirtUriInfo } from './uri.js';
import { duplexConnector, netConnector, type VncConnector } from './vnc-proxy.js';
import { ConsoleError } from './errors.js';

export interface VncRoute {
  connect: VncConnector;
  /** Human-readable description of the route. */
  describe: string;
}

/** A Duplex over an ssh child's stdio; destroying it kills the child. */
export function sshChannel(args: string[], sshBinary = 'ssh'): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const child = spawn(sshBinary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      if (stderr.length < 4096) stderr += d;
    });
    child.once('error', reject);
    child.once('spawn', () => {
      const duplex = Duplex.from({ readable: child.stdout, writable: child.stdin });
      const kill = (): void => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      };
      duplex.once('close', kill);
      child.once('exit', (code) => {
        if (code !== 0 && code !== null)
          duplex.destroy(new Error(`ssh exited with ${code}: ${stderr.trim()}`));
      });
      resolve(duplex);
    });
  });
}

function fmtHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

const LOOPBACKISH = /^(127\.|::1$|localhost$)/;

/** How to reach `endpoint` (as seen by the hypervisor host) from this process. */
export function routeToVnc(endpoint: VncEndpoint, uri: LibvirtUriInfo): VncRoute {
  if (uri.local) {
    if (endpoint.kind === 'tcp')
      return {
        connect: netConnector({ host: endpoint.host, port: endpoint.port }),
        describe: fmtHostPort(endpoint.host, endpoint.port),
      };
    return { connect: netConnector({ path: endpoint.path }), describe: `unix:${endpoint.path}` };
  }
  if (isSshUri(uri)) {
    if (endpoint.kind === 'tcp') {
      const args = sshArgs(uri, {
        interactive: false,
        options: ['-W', fmtHostPort(endpoint.host, endpoint.port)],
      });
      return {
        connect: duplexConnector(() => sshChannel(args)),
        describe: `ssh ${uri.host} → ${fmtHostPort(endpoint.host, endpoint.port)}`,
      };
    }
    const args = sshArgs(uri, {
      interactive: false,
      options: ['-T'],
      remoteCommand: ['nc', '-U', endpoint.path],
    });
    return {
      connect: duplexConnector(() => sshChannel(args)),
      describe: `ssh ${uri.host} → unix:${endpoint.path}`,
    };
  }
  // qemu+tcp / qemu+tls: only a VNC server listening on a routable address can be reached.
  if (endpoint.kind === 'tcp' && !LOOPBACKISH.test(endpoint.host)) {
    return {
      connect: netConnector({ host: endpoint.host, port: endpoint.port }),
      describe: fmtHostPort(endpoint.host, endpoint.port),
    };
  }
  if (endpoint.kind === 'tcp' && uri.host) {
    throw new ConsoleError(
      'VNC_UNREACHABLE',
      `The VNC display listens on ${fmtHostPort(endpoint.host, endpoint.port)} on ${uri.host}, which is not reachable over ${uri.transport || 'this'} transport; use a qemu+ssh connection.`,
    );
  }
  throw new ConsoleError(
    'VNC_UNREACHABLE',
    'The VNC display listens on a UNIX socket on a remote host; use a qemu+ssh connection.',
  );
}
