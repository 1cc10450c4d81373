/**
 * E2E support: an automatic layout check of whatever the page shows now.
 *
 *   const problems = await layoutProblems(page);   // [] when the layout holds
 *
 * - **overlaps**: two sibling elements that carry text (or are form controls) whose "ink" — their own box
 *   plus every visible text line inside them, each clipped by the ancestors that clip it — intersect by more
 *   than 1 px in both directions. Siblings in a normal layout never do; a label that spills out of its
 *   button into the next one, or a grid cell pushed over another, does. Only the top layer is checked (the
 *   open dialog when there is one, else the app) plus open menus/listboxes on their own; guest output
 *   (terminal, VNC screen) and visually hidden text are left out.
 * - **dialog buttons**: every button of an open dialog's button row lies inside the viewport.
 * - **columns**: a grid whose CSS (renderer/src, read by `gridTemplates()`) declares tracks with a minimum
 *   (`minmax(160px, 1fr)`, `var(--name-min)`, fixed px) shows every column at least that wide, and visibly
 *   so (not cut off by a clipping ancestor).
 * - **cut-off bars**: no toolbar or header bar whose content is wider than the bar (clipped, not scrolled),
 *   and the document does not scroll sideways.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';

/** A `grid-template-columns` declared for `selector` in the renderer's CSS (at any @container/@media). */
export interface GridTemplate {
  selector: string;
  /** The tracks as written, e.g. ['28px', 'minmax(var(--name-min), 1fr)', '130px']. */
  tracks: string[];
}

const RENDERER_SRC = resolve(import.meta.dirname, '../../../renderer/src');

const cssFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? cssFiles(join(dir, d.name)) : d.name.endsWith('.css') ? [join(dir, d.name)] : [],
  );

/** Splits a track list at top-level spaces: `28px minmax(a, b) 1fr` → ['28px', 'minmax(a, b)', '1fr']. */
export function splitTracks(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of value.trim()) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (/\s/.test(ch) && depth === 0) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

/**
 * Every list-like grid template of the renderer's CSS: rules whose `grid-template-columns` has a track
 * with a minimum width (`minmax(<min>, …)`) — the column templates of lists. Read from the source files,
 * so a template changed in CSS is checked as changed.
 */
export function gridTemplates(files: string[] = cssFiles(RENDERER_SRC)): GridTemplate[] {
  const out: GridTemplate[] = [];
  const sources = files.map((f) => readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, ''));
  // Custom properties with a px value (`--name-min: 160px`): the minimum as the source declares it, so
  // a page that lowers the variable at run time does not lower the minimum it is checked against.
  const vars = new Map<string, string>();
  for (const css of sources)
    for (const m of css.matchAll(/(--[\w-]+)\s*:\s*(\d+(?:\.\d+)?px)\s*[;}]/g))
      if (!vars.has(m[1]!)) vars.set(m[1]!, m[2]!);
  const resolveVars = (track: string): string =>
    track.replace(/var\((--[\w-]+)\)/g, (all, name: string) => vars.get(name) ?? all);
  for (const css of sources) {
    // innermost `selector { declarations }` blocks (at-rules' own braces hold blocks, never declarations)
    for (const m of css.matchAll(/([^{};]+)\{([^{}]*)\}/g)) {
      const decl = /grid-template-columns\s*:\s*([^;]+)/.exec(m[2]!);
      if (!decl || !decl[1]!.includes('minmax(')) continue;
      const tracks = splitTracks(decl[1]!).map(resolveVars);
      if (tracks.some((t) => t.startsWith('repeat('))) continue; // auto-fill galleries: no fixed columns
      for (const selector of m[1]!.split(',').map((s) => s.trim()))
        if (selector && !selector.startsWith('@')) out.push({ selector, tracks });
    }
  }
  return out;
}

/** What `layoutProblems` found, one sentence per problem. */
export async function layoutProblems(
  page: Page,
  templates: GridTemplate[] = gridTemplates(),
): Promise<string[]> {
  return page.evaluate((tpl: GridTemplate[]) => {
    const problems: string[] = [];
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    /** Subtrees not laid out by us (guest output) or not meant to be seen. */
    const SKIP = '.xterm, [data-testid=display-screen], .sr-only, [aria-hidden=true]';
    /** Overlays: above their siblings by design; checked as their own roots. */
    const OVERLAY = '.popover, [role=menu], [role=listbox], [role=tooltip], dialog';
    interface R {
      l: number;
      t: number;
      r: number;
      b: number;
    }
    const visible = (el: Element): boolean =>
      el.checkVisibility({ opacityProperty: true, visibilityProperty: true });
    const label = (el: Element): string => {
      const cls = typeof el.className === 'string' && el.className ? `.${el.className.split(/\s+/)[0]}` : '';
      const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
      const value = el instanceof HTMLInputElement ? el.value || el.placeholder : '';
      return `${el.tagName.toLowerCase()}${cls} "${text || value}"`;
    };
    /** The part of the viewport that `from` and its ancestors leave visible (they clip when overflow ≠ visible). */
    const clipFrom = (from: Element | null): R => {
      const c: R = { l: 0, t: 0, r: vw, b: vh };
      for (let a = from; a && a !== document.documentElement; a = a.parentElement) {
        const cs = getComputedStyle(a);
        const ar = a.getBoundingClientRect();
        if (cs.overflowX !== 'visible') {
          c.l = Math.max(c.l, ar.left);
          c.r = Math.min(c.r, ar.right);
        }
        if (cs.overflowY !== 'visible') {
          c.t = Math.max(c.t, ar.top);
          c.b = Math.min(c.b, ar.bottom);
        }
        if (cs.position === 'fixed') break;
      }
      return c;
    };
    const clip = (r: DOMRect | R, c: R): R | null => {
      const l = Math.max('l' in r ? r.l : r.left, c.l);
      const t = Math.max('t' in r ? r.t : r.top, c.t);
      const rr = Math.min('r' in r ? r.r : r.right, c.r);
      const b = Math.min('b' in r ? r.b : r.bottom, c.b);
      return rr - l > 0.5 && b - t > 0.5 ? { l, t, r: rr, b } : null;
    };
    const isControl = (el: Element): boolean => el.matches('input, select, textarea, button');
    const ink = new Map<Element, R[]>();
    /** The element's clipped box plus the clipped line boxes of the visible text inside it. */
    const inkOf = (el: Element): R[] => {
      let rects = ink.get(el);
      if (rects) return rects;
      rects = [];
      const box = clip(el.getBoundingClientRect(), clipFrom(el.parentElement));
      if (box) rects.push(box);
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!n.textContent?.trim()) continue;
        const p = n.parentElement!;
        if (p.closest(SKIP) || (p !== el && p.closest(OVERLAY) && !el.closest(OVERLAY)) || !visible(p))
          continue;
        const c = clipFrom(p);
        const range = document.createRange();
        range.selectNodeContents(n);
        for (const lr of range.getClientRects()) {
          const r = clip(lr, c);
          if (r) rects.push(r);
        }
      }
      ink.set(el, rects);
      return rects;
    };
    const carriesText = (el: Element): boolean =>
      isControl(el) || !!el.querySelector('input, select, textarea, button') || !!el.textContent?.trim();
    const candidate = (el: Element): boolean =>
      !el.matches(SKIP) &&
      !el.matches(OVERLAY) &&
      getComputedStyle(el).position !== 'fixed' &&
      getComputedStyle(el).display !== 'contents' &&
      visible(el) &&
      carriesText(el);
    const hit = (a: R, b: R): boolean =>
      Math.min(a.r, b.r) - Math.max(a.l, b.l) > 1 && Math.min(a.b, b.b) - Math.max(a.t, b.t) > 1;

    // The top layer: the last open modal dialog, else the app; open overlays on their own.
    const dialogs = [...document.querySelectorAll('dialog[open]')];
    const top = dialogs.at(-1) ?? document.querySelector('.app') ?? document.body;
    const roots = [top, ...[...document.querySelectorAll(OVERLAY)].filter((o) => o !== top && visible(o))];
    for (const root of roots) {
      for (const parent of [root, ...root.querySelectorAll('*')]) {
        if (parent.closest(SKIP) || (parent !== root && parent.matches(OVERLAY))) continue;
        const kids = [...parent.children].filter(candidate);
        for (let i = 0; i < kids.length; i++)
          for (let j = i + 1; j < kids.length; j++) {
            const a = kids[i]!;
            const b = kids[j]!;
            if (inkOf(a).some((ra) => inkOf(b).some((rb) => hit(ra, rb))))
              problems.push(`overlap: ${label(a)} and ${label(b)} (in ${label(parent).slice(0, 60)})`);
          }
      }
    }

    // Dialog buttons on screen.
    for (const d of dialogs)
      for (const btn of d.querySelectorAll('.dialog-buttons button')) {
        if (!visible(btn)) continue;
        const r = btn.getBoundingClientRect();
        if (r.left < -0.5 || r.top < -0.5 || r.right > vw + 0.5 || r.bottom > vh + 0.5)
          problems.push(
            `dialog button off screen: ${label(btn)} at ${Math.round(r.left)},${Math.round(r.top)}`,
          );
      }

    // List columns at their minimum width.
    const px = (v: string, el: Element): number | null => {
      const s = v.trim();
      const varRef = /^var\((--[\w-]+)\)$/.exec(s);
      if (varRef) return px(getComputedStyle(el).getPropertyValue(varRef[1]!), el);
      const m = /^(\d+(?:\.\d+)?)px$/.exec(s);
      return m ? Number(m[1]) : null;
    };
    /** The minimum of one written track: fixed px, or the first argument of minmax(); flexible → 0. */
    const trackMin = (track: string, el: Element): number => {
      const mm = /^minmax\((.*),[^,]*\)$/.exec(track);
      return (mm ? px(mm[1]!, el) : px(track, el)) ?? 0;
    };
    const checked = new Set<Element>();
    for (const { selector } of tpl) {
      let els: Element[];
      try {
        els = [...document.querySelectorAll(selector)];
      } catch {
        continue; // a selector only CSS understands (pseudo-classes of state): nothing to check
      }
      for (const el of els) {
        if (checked.has(el) || !visible(el) || getComputedStyle(el).display !== 'grid') continue;
        checked.add(el);
        const used = getComputedStyle(el)
          .gridTemplateColumns.split(/\s+/)
          .map((s) => parseFloat(s));
        // the declared template in force: same number of tracks, fixed tracks at their written width
        const mine = tpl.filter((x) => el.matches(x.selector) && x.tracks.length === used.length);
        const active = mine.find((x) =>
          x.tracks.every((t, i) => {
            const fixed = px(t, el);
            return fixed === null || Math.abs(fixed - used[i]!) < 0.5;
          }),
        );
        if (!active) {
          if (mine.length || tpl.some((x) => el.matches(x.selector)))
            problems.push(`columns: ${label(el)} uses ${used.join(' ')}, none of its templates in the CSS`);
          continue;
        }
        // the cells that take the tracks, in order (out-of-flow children take none)
        const cells = [...el.children].filter((c) => {
          const cs = getComputedStyle(c);
          return cs.display !== 'none' && cs.position !== 'absolute' && cs.position !== 'fixed';
        });
        const cut = clipFrom(el.parentElement);
        active.tracks.forEach((t, i) => {
          const min = trackMin(t, el);
          if (used[i]! < min - 0.5)
            problems.push(`columns: track ${i + 1} of ${label(el)} is ${used[i]} px, minimum ${min} px`);
          const cell = cells[i];
          if (!cell || min === 0) return;
          const r = cell.getBoundingClientRect();
          const seen = Math.min(r.right, cut.r) - Math.max(r.left, cut.l);
          if (r.bottom > cut.t && r.top < cut.b && seen < min - 0.5)
            problems.push(`columns: ${label(cell)} shows ${Math.round(seen)} px of its ${min} px minimum`);
        });
      }
    }

    // Bars whose content is cut off, and sideways scrolling of the whole page.
    for (const bar of document.querySelectorAll('.toolbar, .overflow-toolbar, [role=toolbar], .headerbar')) {
      if (!visible(bar) || bar.closest(SKIP)) continue;
      const cs = getComputedStyle(bar);
      if (cs.overflowX === 'auto' || cs.overflowX === 'scroll') continue;
      if (bar.scrollWidth > bar.clientWidth + 1)
        problems.push(`cut off: ${label(bar)} needs ${bar.scrollWidth} px, has ${bar.clientWidth} px`);
    }
    const doc = document.scrollingElement!;
    if (doc.scrollWidth > vw + 1) problems.push(`the page scrolls sideways (${doc.scrollWidth} px wide)`);
    return problems;
  }, templates);
}
