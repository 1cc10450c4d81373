/**
 * `npm run bench`: imports every tests/bench/*.bench.ts (alphabetical order) and awaits its default
 * export. Each benchmark prints its own `BENCH <name> <value> <unit> target <op><value> PASS|MISS` lines.
 * A benchmark that throws is reported and makes the run exit non-zero; the others still run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let failed = 0;
for (const file of files) {
  process.stdout.write(`# ${file}\n`);
  try {
    const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { default?: () => unknown };
    if (typeof mod.default !== 'function') throw new Error('no default export function');
    await mod.default();
  } catch (err) {
    failed++;
    process.stderr.write(
      `# ${file} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
  }
}
// Exit explicitly: a benchmark that leaves a handle open must not keep the run alive.
process.exit(failed > 0 ? 1 : 0);
