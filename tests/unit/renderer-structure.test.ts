/**
 * The renderer's structure: a shell that features fill through one list, and no import cycles — type
 * imports counted (eslint's import-x/no-cycle skips those, so the graph is built here from the sources).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRegistry, type FeatureContribution } from '../../renderer/src/shell/registry.js';

const SRC = path.resolve(import.meta.dirname, '../../renderer/src');

/** Every .ts/.tsx file under renderer/src → the renderer files it imports (values, types, re-exports). */
const importGraph = (): Map<string, Set<string>> => {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.tsx?$/.test(e.name)) files.push(p);
    }
  };
  walk(SRC);
  const resolve = (from: string, spec: string): string | null => {
    if (!spec.startsWith('.')) return null;
    const base = path.resolve(path.dirname(from), spec).replace(/\.js$/, '');
    return [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`].find((c) => fs.existsSync(c)) ?? null;
  };
  const graph = new Map<string, Set<string>>();
  for (const f of files) {
    const src = fs.readFileSync(f, 'utf8');
    const deps = new Set<string>();
    const specs = [
      ...src.matchAll(/(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/g),
      ...src.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g),
    ];
    for (const m of specs) {
      const r = resolve(f, m[1]!);
      if (r?.startsWith(SRC)) deps.add(path.relative(SRC, r));
    }
    graph.set(path.relative(SRC, f), deps);
  }
  return graph;
};

/** Strongly connected components with more than one file (or a file importing itself). */
const cycles = (graph: Map<string, Set<string>>): string[][] => {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || graph.get(v)?.has(v)) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
};

describe('renderer structure', () => {
  const graph = importGraph();

  it('reads the sources (the graph is not empty)', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get('main.tsx')).toContain('features/index.ts');
  });

  it('has no import cycle, type imports counted', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    const g = new Map(graph);
    g.set('shell/registry.ts', new Set([...(graph.get('shell/registry.ts') ?? []), 'features/index.ts']));
    expect(cycles(g).length).toBeGreaterThan(0);
  });

  it('lets only the app root import the features list; shell and shared code never import a feature', () => {
    const offenders: string[] = [];
    for (const [file, deps] of graph) {
      if (file.startsWith('features/') || file === 'main.tsx') continue;
      for (const d of deps) if (d.startsWith('features/')) offenders.push(`${file} → ${d}`);
    }
    expect(offenders).toEqual([]);
    const importersOfList = [...graph].filter(([, deps]) => deps.has('features/index.ts')).map(([f]) => f);
    expect(importersOfList).toEqual(['main.tsx']);
  });

  it('keeps one dialog per file (a file renders at most one <Dialog …> of its own)', () => {
    const many: string[] = [];
    for (const file of graph.keys()) {
      if (!file.endsWith('.tsx') || file === 'ui/Dialog.tsx') continue;
      const src = fs.readFileSync(path.join(SRC, file), 'utf8');
      const n = (src.match(/<(Dialog|ConfirmDialog|SimpleDialog)\b/g) ?? []).length;
      if (n > 1) many.push(`${file}: ${n}`);
    }
    expect(many).toEqual([]);
  });
});

describe('shell registry', () => {
  const Nothing = () => null;

  it('merges contributions, ordering tabs, pages, shortcuts and menu entries by `order`', () => {
    const a: FeatureContribution = {
      id: 'a',
      vmTabs: [{ id: 'perf', titleKey: 'perf', order: 30, component: Nothing }],
      hostPages: [{ id: 'term', titleKey: 'term', order: 30, component: Nothing }],
      shortcuts: [{ keys: ['Esc'], labelKey: 'esc', order: 130 }],
    };
    const b: FeatureContribution = {
      id: 'b',
      vmTabs: [
        { id: 'console', titleKey: 'console', order: 10, component: Nothing },
        { id: 'display', titleKey: 'display', order: 20, component: Nothing },
      ],
      hostPages: [{ id: 'dash', titleKey: 'dash', order: 10, component: Nothing }],
      shortcuts: [{ keys: ['Ctrl', 'F'], labelKey: 'find', order: 10 }],
      mainMenu: [{ labelKey: 'add', order: 10, onSelect: () => undefined }],
      slots: { firstRun: Nothing },
    };
    const r = buildRegistry([a, b]);
    expect(r.vmTabs.map((x) => x.id)).toEqual(['console', 'display', 'perf']);
    expect(r.hostPages.map((x) => x.id)).toEqual(['dash', 'term']);
    expect(r.shortcuts.map((x) => x.labelKey)).toEqual(['find', 'esc']);
    expect(r.mainMenu.map((x) => x.labelKey)).toEqual(['add']);
    expect(r.slots.firstRun).toBe(Nothing);
    expect(r.slots.vmList).toBeUndefined();
  });

  it('refuses the same tab, page or slot contributed twice', () => {
    const tab = { id: 'x', titleKey: 'x', order: 1, component: Nothing };
    expect(() =>
      buildRegistry([
        { id: 'a', vmTabs: [tab] },
        { id: 'b', vmTabs: [tab] },
      ]),
    ).toThrow(/twice/);
    expect(() => buildRegistry([{ id: 'a', vmTabs: [{ ...tab, id: 'overview' }] }])).toThrow(/twice/);
    expect(() => buildRegistry([{ id: 'a', hostPages: [tab, tab] }])).toThrow(/twice/);
    expect(() =>
      buildRegistry([
        { id: 'a', slots: { firstRun: Nothing } },
        { id: 'b', slots: { firstRun: Nothing } },
      ]),
    ).toThrow(/Slot "firstRun" is filled twice \(b\)/);
  });
});
