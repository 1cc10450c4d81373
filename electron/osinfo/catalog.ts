/**
 * The osinfo-db catalogue (Debian package osinfo-db): every <os> under libosinfo's search path, plus a
 * small search for the "New VM" OS picker. Plain Node, no libosinfo binding needed.
 */
import fs, { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { finishCatalog, mergeOs, parseOsXml } from './parse.js';
import type { OsEntry } from './types.js';

export type { OsEntry, OsMedia, OsResources } from './types.js';

// Parallel reads pay off (800 small files); a bound keeps us far from EMFILE.
const READ_CONCURRENCY = 64;
// The callback readFile is several times faster than fs.promises.readFile for small files on Node 20.
const readFile = promisify(fs.readFile);

/**
 * libosinfo's "os" folders, lowest precedence first: system db, local admin overrides, then the user's
 * (same environment variables as libosinfo's osinfo_loader_process_default_path).
 */
export const defaultOsDirs = (env: NodeJS.ProcessEnv = process.env): string[] => {
  const configHome = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return [
    env.OSINFO_SYSTEM_DIR || '/usr/share/osinfo',
    env.OSINFO_LOCAL_DIR || '/etc/osinfo',
    env.OSINFO_USER_DIR || path.join(configHome, 'osinfo'),
  ].map((d) => path.join(d, 'os'));
};

/** *.xml files below dir, unsorted; [] when dir is missing. Sibling folders are listed in parallel. */
const walkXml = async (dir: string): Promise<string[]> => {
  let entries: fs.Dirent[];
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const files = entries.filter((e) => !e.isDirectory() && e.name.endsWith('.xml'));
  const nested = await Promise.all(
    entries.filter((e) => e.isDirectory()).map((e) => walkXml(path.join(dir, e.name))),
  );
  return [...files.map((e) => path.join(dir, e.name)), ...nested.flat()];
};

/** *.xml files below dir, sorted so merges of one id's files are stable. */
const listXmlFiles = async (dir: string): Promise<string[]> => (await walkXml(dir)).sort();

/** Runs fn over items with at most `limit` in flight; results keep the input order. */
const mapLimit = async <T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> => {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
};

/** One file's entries; an unreadable or malformed file is skipped rather than failing the catalogue. */
const readOsFile = async (file: string): Promise<OsEntry[]> => {
  try {
    return parseOsXml(await readFile(file, 'utf8'));
  } catch {
    return [];
  }
};

/** One folder's entries by id; several files of one id (win-10.xml + win-10.d/*.xml) are merged. */
const loadDir = async (dir: string): Promise<Map<string, OsEntry>> => {
  const perFile = await mapLimit(await listXmlFiles(dir), READ_CONCURRENCY, readOsFile);
  const byId = new Map<string, OsEntry>();
  for (const e of perFile.flat()) {
    const prev = byId.get(e.id);
    byId.set(e.id, prev ? mergeOs(prev, e) : e);
  }
  return byId;
};

/**
 * Loads every os entry from dirs (each an osinfo "os" folder, lowest precedence first); an entry of a
 * later dir replaces the earlier entry with the same id. Missing dirs and bad files are skipped: this
 * never rejects, and yields [] without osinfo-db.
 */
export const loadOsCatalog = async (dirs: string[] = defaultOsDirs()): Promise<OsEntry[]> => {
  const byId = new Map<string, OsEntry>();
  for (const dirEntries of await Promise.all(dirs.map(loadDir))) {
    for (const [id, e] of dirEntries) byId.set(id, e);
  }
  return finishCatalog([...byId.values()]);
};

let cached: Promise<OsEntry[]> | undefined;

/** The default catalogue, loaded once; concurrent callers share the same promise. */
export const osCatalog = (): Promise<OsEntry[]> => {
  if (!cached) {
    const p = loadOsCatalog();
    cached = p;
    // Not expected (loadOsCatalog swallows I/O errors), but a failure must not be cached forever.
    p.catch(() => {
      if (cached === p) cached = undefined;
    });
  }
  return cached;
};

const today = (now: Date): string => now.toISOString().slice(0, 10);

const haystack = (e: OsEntry): string => [e.name, ...e.shortIds, e.id].join(' ').toLowerCase();

/** Newest first; undated entries (rolling releases, very old ones) after dated ones, then by name. */
const byReleaseDesc = (a: OsEntry, b: OsEntry): number => {
  if (a.releaseDate !== b.releaseDate) {
    if (!a.releaseDate) return 1;
    if (!b.releaseDate) return -1;
    return a.releaseDate < b.releaseDate ? 1 : -1;
  }
  return a.name.localeCompare(b.name, 'en', { numeric: true });
};

/**
 * Case-insensitive search: every whitespace-separated word of the query must occur in the name, a short
 * id or the id. Exact short-id hits come first, then newest release first. Entries past their EOL date
 * are hidden unless the query is exactly one of their short ids. An empty query lists everything current.
 * `now` is for tests.
 */
export const searchOs = (
  catalog: OsEntry[],
  query: string,
  limit = 50,
  now: Date = new Date(),
): OsEntry[] => {
  const q = query.trim().toLowerCase();
  const words = q.split(/\s+/).filter(Boolean);
  const cutoff = today(now);
  const isExact = (e: OsEntry): boolean => e.shortIds.some((s) => s.toLowerCase() === q);
  const hits = catalog.filter((e) => {
    if (e.eolDate && e.eolDate < cutoff && !isExact(e)) return false;
    const hay = haystack(e);
    return words.every((w) => hay.includes(w));
  });
  hits.sort((a, b) => Number(isExact(b)) - Number(isExact(a)) || byReleaseDesc(a, b));
  return hits.slice(0, Math.max(0, limit));
};
