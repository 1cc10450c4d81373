/**
 * Opening the browser without putting the access token on a command line: any local user can read
 * /proc/<pid>/cmdline of `xdg-open <url>` and of the browser it starts. As Jupyter does, we write a
 * small HTML file that forwards to the tokenized URL into a private folder (0700, file 0600) and open
 * that file's path instead. The folder is removed when the server stops.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RedirectFile {
  /** Path of the HTML file (safe to pass on a command line: it holds no secret). */
  path: string;
  /** Private folder holding it. */
  dir: string;
  /** Removes the folder (idempotent). */
  remove(): void;
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const redirectHtml = (url: string): string => {
  const u = escapeHtml(url);
  return (
    '<!doctype html>\n<html><head><meta charset="utf-8">\n' +
    `<meta http-equiv="refresh" content="0;url=${u}">\n<title>VirtDesk</title></head>\n` +
    `<body><p>Opening VirtDesk… If nothing happens, <a href="${u}">open it here</a>.</p></body></html>\n`
  );
};

/** $XDG_RUNTIME_DIR (per-user tmpfs, 0700) when usable, else `fallbackDir` (the config folder). */
export const redirectBaseDir = (env: NodeJS.ProcessEnv, fallbackDir: string): string => {
  const xdg = env.XDG_RUNTIME_DIR;
  if (xdg && xdg.startsWith('/')) {
    try {
      const st = statSync(xdg);
      if (st.isDirectory() && st.uid === process.getuid?.()) return xdg;
    } catch {
      // not usable
    }
  }
  mkdirSync(fallbackDir, { recursive: true, mode: 0o700 });
  return fallbackDir;
};

export const writeRedirectFile = (url: string, baseDir: string): RedirectFile => {
  const dir = mkdtempSync(join(baseDir, 'virtdesk-open-'));
  chmodSync(dir, 0o700);
  const path = join(dir, 'open.html');
  // 'wx': never follow or reuse something already there.
  writeFileSync(path, redirectHtml(url), { mode: 0o600, flag: 'wx' });
  let removed = false;
  return {
    path,
    dir,
    remove: () => {
      if (removed) return;
      removed = true;
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
