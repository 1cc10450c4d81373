/**
 * `npm run serve`: VirtDesk in a browser. Prints the URL with its access token, like Jupyter.
 *
 *   node dist/electron/electron/web/serve.js [--host 127.0.0.1] [--port 8765] [--no-open]
 *        [--tls-cert FILE --tls-key FILE | --insecure-no-tls] [--no-terminal | --terminal] [--allow-root]
 *
 * --port defaults to 8765 when free, else any free port (0 = any free port).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  parseServeArgs,
  SERVE_USAGE as USAGE,
  serveRefusal,
  terminalEnabled,
  type ServeArgs as Args,
} from './args.js';
import { redirectBaseDir, writeRedirectFile, type RedirectFile } from './browser-redirect.js';
import { isLoopbackHost, startWebServer } from './server.js';

/**
 * Opens the browser on a redirect file, never on the tokenized URL itself: a command line is readable
 * by every local user (/proc/<pid>/cmdline). Returns the file so it can be removed on exit.
 */
const openBrowser = (url: string, fallbackDir: string): RedirectFile | null => {
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return null;
  let file: RedirectFile;
  try {
    file = writeRedirectFile(url, redirectBaseDir(process.env, fallbackDir));
  } catch (e) {
    process.stderr.write(`Could not write the browser redirect file (${String(e)}); open the URL above.\n`);
    return null;
  }
  try {
    // No shell, and the argument is the file's path: it holds no secret.
    const child = spawn('xdg-open', [file.path], { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no browser opener; the URL is printed anyway
  }
  return file;
};

const main = async (): Promise<void> => {
  let args: Args;
  try {
    args = parseServeArgs(process.argv.slice(2));
    if (args.help) {
      process.stdout.write(USAGE);
      process.exit(0);
    }
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  const loopback = isLoopbackHost(args.host);
  const refusal = serveRefusal(args, loopback, process.geteuid?.() ?? null);
  if (refusal) {
    process.stderr.write(`virtdesk serve: ${refusal}\n`);
    process.exit(2);
  }
  let tls: { cert: Buffer; key: Buffer } | undefined;
  if (args.tlsCert !== null && args.tlsKey !== null) {
    try {
      tls = { cert: readFileSync(args.tlsCert), key: readFileSync(args.tlsKey) };
    } catch (e) {
      process.stderr.write(
        `virtdesk serve: cannot read the TLS certificate or key: ${(e as Error).message}\n`,
      );
      process.exit(2);
    }
  }
  const terminal = terminalEnabled(args, loopback);
  const start = (port: number) =>
    startWebServer({
      host: args.host,
      port,
      terminal,
      ...(tls ? { tls } : {}),
      ...(args.insecureNoTls ? { insecureNoTls: true } : {}),
    });
  let web;
  if (args.port === 'auto') {
    try {
      web = await start(8765);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      web = await start(0);
    }
  } else web = await start(args.port);

  if (!loopback) {
    process.stderr.write(
      `WARNING: listening on ${args.host}: anyone who can reach this address and has the token controls your VMs.\n`,
    );
    if (!tls) {
      process.stderr.write(
        '\n' +
          '  *****************************************************************************\n' +
          '  *  INSECURE: --insecure-no-tls. The access token and everything you do cross *\n' +
          '  *  the network UNENCRYPTED. Anyone on the path can take over your VMs.       *\n' +
          '  *  Use --tls-cert/--tls-key or an SSH tunnel to 127.0.0.1 instead.           *\n' +
          '  *****************************************************************************\n\n',
      );
    }
  }
  if (args.allowRoot && process.geteuid?.() === 0) {
    process.stderr.write('WARNING: running as root (--allow-root).\n');
  }
  if (!terminal) process.stderr.write('The host terminal is off (--terminal turns it on).\n');
  process.stdout.write(`VirtDesk is running. Open this URL in your browser:\n\n    ${web.url}\n\n`);
  const redirect = args.open ? openBrowser(web.url, web.core.configDir) : null;
  process.on('exit', () => redirect?.remove());

  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(1);
    stopping = true;
    redirect?.remove();
    process.stdout.write('Stopping…\n');
    web
      .close()
      .then(() => process.exit(0))
      .catch((e: unknown) => {
        process.stderr.write(`${String(e)}\n`);
        process.exit(1);
      });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
};

main().catch((e: unknown) => {
  process.stderr.write(`virtdesk serve: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
