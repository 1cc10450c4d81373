/**
 * ESLint rule `local/no-import-cycle`: a file must not reach itself through its imports. Unlike
 * import-x/no-cycle, every kind of import counts: `import type`, `export … from` and `import()`, because a
 * type-only cycle still ties two modules together (neither can be understood, moved or tested alone).
 *
 * The graph is built from the sources themselves with TypeScript's `preProcessFile` (no type checking),
 * once per lint run (cached by path and mtime), following relative specifiers only: `./x.js` resolves to
 * `x.ts`/`x.tsx` as TypeScript's NodeNext and Vite resolution do, a folder to its index.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';

const SOURCE_EXT = ['.ts', '.tsx', '.mts', '.cts'];
/** path → { mtimeMs, deps: [{ spec, path }] } */
const graphCache = new Map();

const fileExists = (p) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** The source file a relative specifier names, or null (packages, assets, missing files). */
function resolveSpecifier(fromFile, spec) {
  if (!spec.startsWith('./') && !spec.startsWith('../')) return null;
  const base = resolve(dirname(fromFile), spec);
  const stem = base.replace(/\.(c|m)?jsx?$/, '');
  const candidates = [];
  if (stem !== base) candidates.push(...SOURCE_EXT.map((e) => stem + e));
  candidates.push(base, ...SOURCE_EXT.map((e) => base + e), ...SOURCE_EXT.map((e) => `${base}/index${e}`));
  for (const c of candidates) if (SOURCE_EXT.some((e) => c.endsWith(e)) && fileExists(c)) return c;
  return null;
}

function depsOf(file) {
  let mtimeMs;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    return [];
  }
  const hit = graphCache.get(file);
  if (hit && hit.mtimeMs === mtimeMs) return hit.deps;
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const deps = [];
  for (const { fileName } of info.importedFiles) {
    const path = resolveSpecifier(file, fileName);
    if (path) deps.push({ spec: fileName, path });
  }
  graphCache.set(file, { mtimeMs, deps });
  return deps;
}

/** A shortest import route from `start` back to `target` (list of files after `start`), or null. */
function routeBack(start, target) {
  const prev = new Map([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const f = queue.shift();
    for (const { path } of depsOf(f)) {
      if (path === target) {
        const route = [];
        for (let at = f; at !== null; at = prev.get(at)) route.unshift(at);
        return route;
      }
      if (!prev.has(path)) {
        prev.set(path, f);
        queue.push(path);
      }
    }
  }
  return null;
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid import cycles, type-only and dynamic imports included' },
    messages: { cycle: 'Import cycle: {{route}}' },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    if (!SOURCE_EXT.some((e) => file.endsWith(e))) return {};
    const cwd = context.cwd;
    const check = (node) => {
      const spec = node.source && node.source.type === 'Literal' ? node.source.value : null;
      if (typeof spec !== 'string') return;
      const target = resolveSpecifier(file, spec);
      if (!target) return;
      const route = target === file ? [] : routeBack(target, file);
      if (!route) return;
      const names = [file, ...route, file].map((p) => relative(cwd, p));
      context.report({ node, messageId: 'cycle', data: { route: names.join(' → ') } });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};
