/**
 * `npm run bench`: imports every tests/bench/*.bench.ts and awaits its default export, one after the other.
 * Each benchmark prints `BENCH <name> <value> <unit> target <op><value> PASS|MISS` lines.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let failed = false;
for (const f of files) {
  console.log(`# ${f}`);
  try {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default?: () => Promise<void> | void };
    if (typeof mod.default !== 'function') throw new Error('no default export');
    await mod.default();
  } catch (err) {
    failed = true;
    console.error(`# ${f} failed:`, err);
  }
}
process.exit(failed ? 1 : 0);
