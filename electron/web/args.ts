/** Command line of `npm run serve` (pure, unit-testable). */
export interface ServeArgs {
  host: string;
  port: number | 'auto';
  open: boolean;
  help: boolean;
  /** PEM certificate and key files: serve HTTPS and WSS. */
  tlsCert: string | null;
  tlsKey: string | null;
  /** Explicitly accept cleartext HTTP on a non-loopback address. */
  insecureNoTls: boolean;
  /** Host terminal: null = the default (on for loopback, off otherwise). */
  terminal: boolean | null;
  /** Run as root anyway. */
  allowRoot: boolean;
}

export const SERVE_USAGE = `Usage: virtdesk-serve [--host ADDRESS] [--port N] [--no-open]
                      [--tls-cert FILE --tls-key FILE | --insecure-no-tls]
                      [--no-terminal | --terminal] [--allow-root]

  --host ADDRESS      address to listen on (default 127.0.0.1; anything else exposes VirtDesk to the
                      network and needs --tls-cert/--tls-key or --insecure-no-tls)
  --port N            port (default 8765 if free, else a free port; 0 = any free port)
  --no-open           do not open a browser
  --tls-cert FILE     PEM certificate (chain): serve HTTPS and WSS (needs --tls-key)
  --tls-key FILE      PEM private key of the certificate
  --insecure-no-tls   allow cleartext HTTP on a non-loopback address (the token and everything you do
                      travel unencrypted)
  --no-terminal       turn the host terminal off (the default when not listening on loopback)
  --terminal          keep the host terminal on even when not listening on loopback
  --allow-root        run as root (not recommended: use a user in the libvirt group)
`;

export const parseServeArgs = (argv: string[]): ServeArgs => {
  const args: ServeArgs = {
    host: '127.0.0.1',
    port: 'auto',
    open: true,
    help: false,
    tlsCert: null,
    tlsKey: null,
    insecureNoTls: false,
    terminal: null,
    allowRoot: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const noValue = (): void => {
      if (inline !== undefined) throw new Error(`${flag} takes no value`);
    };
    switch (flag) {
      case '--host':
        args.host = value();
        if (!/^[A-Za-z0-9.:[\]-]{1,255}$/.test(args.host)) throw new Error(`Invalid --host: ${args.host}`);
        break;
      case '--port': {
        const v = value();
        const n = Number(v);
        if (!/^\d+$/.test(v) || n > 65535) throw new Error(`Invalid --port: ${v}`);
        args.port = n;
        break;
      }
      case '--tls-cert':
        args.tlsCert = value();
        break;
      case '--tls-key':
        args.tlsKey = value();
        break;
      case '--insecure-no-tls':
        noValue();
        args.insecureNoTls = true;
        break;
      case '--no-terminal':
        noValue();
        args.terminal = false;
        break;
      case '--terminal':
        noValue();
        args.terminal = true;
        break;
      case '--allow-root':
        noValue();
        args.allowRoot = true;
        break;
      case '--no-open':
        noValue();
        args.open = false;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        throw new Error(`Unknown option: ${a}`);
    }
  }
  if ((args.tlsCert === null) !== (args.tlsKey === null)) {
    throw new Error('--tls-cert and --tls-key go together');
  }
  if (args.tlsCert !== null && args.insecureNoTls) {
    throw new Error('--insecure-no-tls contradicts --tls-cert/--tls-key');
  }
  return args;
};

/**
 * Why serve must not start with these arguments, or null. Pure: `loopback` says whether args.host is a
 * loopback address, `euid` is the effective user id.
 */
export const serveRefusal = (args: ServeArgs, loopback: boolean, euid: number | null): string | null => {
  if (euid === 0 && !args.allowRoot) {
    return (
      'Refusing to run as root: anyone with the access token would control this machine as root.\n' +
      'Run as a user in the libvirt group, or pass --allow-root if you really mean it.'
    );
  }
  if (!loopback && args.tlsCert === null && !args.insecureNoTls) {
    return (
      `Refusing to listen on ${args.host} without TLS: the access token and everything you do would ` +
      'cross the network unencrypted.\n' +
      'Pass --tls-cert FILE --tls-key FILE, use an SSH tunnel to 127.0.0.1, or pass --insecure-no-tls.'
    );
  }
  return null;
};

/** Whether the host terminal is offered: explicit flag, else only on loopback. */
export const terminalEnabled = (args: ServeArgs, loopback: boolean): boolean => args.terminal ?? loopback;
