/**
 * Benchmarks measure the main-process code as it ships: the JavaScript tsc emitted into dist/ (the
 * `bench` script builds first), not the TypeScript sources through the tsx loader, whose transform
 * (esbuild's keepNames helpers and the like) adds work to every call. Types still come from the sources.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Imports the built counterpart of `electron/<rel>.ts` (e.g. 'libvirt/index'). */
export async function importBuilt<T>(rel: string): Promise<T> {
  const file = path.join(ROOT, 'dist', 'electron', 'electron', `${rel}.js`);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run 'npm run build:main' first`);
  return (await import(pathToFileURL(file).href)) as T;
}
