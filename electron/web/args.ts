/** Command line of `npm run serve` (pure, unit-testable). */
export interface ServeArgs {
  host: string;
  port: number | 'auto';
  open: boolean;
  help: boolean;
}

export const SERVE_USAGE = `Usage: virtdesk-serve [--host ADDRESS] [--port N] [--no-open]

  --host ADDRESS  address to listen on (default 127.0.0.1; anything else exposes VirtDesk to the network)
  --port N        port (default 8765 if free, else a free port; 0 = any free port)
  --no-open       do not open a browser
`;

export const parseServeArgs = (argv: string[]): ServeArgs => {
  const args: ServeArgs = { host: '127.0.0.1', port: 'auto', open: true, help: false };
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
      case '--no-open':
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
  return args;
};
