import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Where VirtDesk keeps its settings: `$VIRTDESK_CONFIG_DIR` (tests), else `$XDG_CONFIG_HOME/virtdesk`,
 * else `~/.config/virtdesk`.
 */
export const resolveConfigDir = (env: NodeJS.ProcessEnv = process.env): string => {
  if (env.VIRTDESK_CONFIG_DIR) return env.VIRTDESK_CONFIG_DIR;
  const xdg = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : null;
  return join(xdg ?? join(homedir(), '.config'), 'virtdesk');
};

/**
 * Write a file atomically: write a temp file next to it (mode 0600), fsync, rename over the target.
 * A crash leaves either the old or the new content, never a half-written file.
 */
export const writeFileAtomic = async (path: string, data: string): Promise<void> => {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(data, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
};

/** Read a JSON file; `undefined` when it does not exist. Throws on malformed JSON. */
export const readJson = async (path: string): Promise<unknown> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return JSON.parse(text) as unknown;
};

/** Serializes async writes so that the last requested content always wins. */
export class SerialWriter {
  private chain: Promise<void> = Promise.resolve();
  constructor(private readonly path: string) {}
  write(data: string): Promise<void> {
    const next = this.chain.then(() => writeFileAtomic(this.path, data));
    this.chain = next.catch(() => undefined);
    return next;
  }
  flush(): Promise<void> {
    return this.chain;
  }
}
