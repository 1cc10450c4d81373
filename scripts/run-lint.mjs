#!/usr/bin/env node
// `npm run lint`: eslint and `prettier --check` side by side instead of one after the other. Each is a
// single-threaded process, and eslint alone takes most of a minute (its type-aware rules build the
// TypeScript programs of electron/, renderer/ and tests/), so in sequence the two went past a minute on
// two cores. Prettier keeps a cache keyed by file content (a format check depends on nothing else);
// eslint runs without one, because its type-aware rules also depend on files other than the one they
// report on, and a cached "clean" could hide a new floating promise.
// Each tool's output is printed whole once it finished, eslint's first; the exit code is non-zero when
// either failed. Every process is spawned with an argument array.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

const tools = [
  { name: 'eslint', cmd: bin('eslint'), args: ['.'] },
  {
    name: 'prettier',
    cmd: bin('prettier'),
    args: ['--check', '--cache', '--cache-strategy', 'content', '.'],
  },
];

function run({ name, cmd, args }) {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const out = [];
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => out.push(d));
    child.on('error', (err) => resolve({ name, code: 1, output: `${name} could not run: ${err.message}\n` }));
    child.on('close', (code, signal) =>
      resolve({
        name,
        code: code ?? 1,
        output: Buffer.concat(out).toString() + (signal ? `${name} was stopped by ${signal}\n` : ''),
        seconds: (Date.now() - t0) / 1000,
      }),
    );
  });
}

const results = await Promise.all(tools.map(run));
for (const r of results) {
  process.stdout.write(r.output);
  const verdict = r.code === 0 ? 'clean' : `failed (exit ${r.code})`;
  process.stdout.write(
    `${r.name}: ${verdict}${r.seconds === undefined ? '' : ` in ${r.seconds.toFixed(0)} s`}\n`,
  );
}
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
