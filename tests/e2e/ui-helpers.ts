/**
 * Helpers shared by the renderer's e2e tests (tests/e2e/ui-*.test.ts): screenshots under test-artifacts/,
 * review screenshots into $VD_SHOTS_DIR, test-driver node files, virsh with argument arrays.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';

export const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts/ui');

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** The window sizes every page is reviewed at. */
export const REVIEW_SIZES = [
  { width: 800, height: 600 },
  { width: 1280, height: 800 },
] as const;

export interface ReviewShotsOptions {
  /** Window sizes to shoot at (default REVIEW_SIZES); `'current'` shoots at the page's present size only. */
  sizes?: readonly { width: number; height: number }[] | 'current';
  /** Wait after each resize, in ms (default 500): under 1000 px the sidebar slides into an overlay. */
  settleMs?: number;
  /** Wait after each colour-scheme switch, in ms (default 0). */
  schemeSettleMs?: number;
  /** Brought into view after each resize, so the picture shows it at both sizes. */
  scrollTo?: Locator;
  /** `'if-needed'` (default): scrolled only as far as needed; `'start'`: its top at the top of its scroller. */
  scrollAlign?: 'if-needed' | 'start';
}

/**
 * Light and dark screenshots for manual review (not committed) when $VD_SHOTS_DIR is set, named
 * `<name>-<w>x<h>-<light|dark>.png`; afterwards the page is back in light mode at the size it had.
 */
export async function reviewShots(page: Page, name: string, opts: ReviewShotsOptions = {}): Promise<void> {
  const dir = process.env.VD_SHOTS_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const { settleMs = 500, schemeSettleMs = 0, scrollTo, scrollAlign = 'if-needed' } = opts;
  const before = page.viewportSize();
  const atCurrent = opts.sizes === 'current';
  const sizes = opts.sizes === 'current' ? [before!] : (opts.sizes ?? REVIEW_SIZES);
  for (const size of sizes) {
    if (!atCurrent) {
      await page.setViewportSize(size);
      if (settleMs > 0) await page.waitForTimeout(settleMs);
    }
    if (scrollTo && scrollAlign === 'start')
      await scrollTo.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    else if (scrollTo) await scrollTo.scrollIntoViewIfNeeded();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      if (schemeSettleMs > 0) await page.waitForTimeout(schemeSettleMs);
      await page.screenshot({ path: join(dir, `${name}-${size.width}x${size.height}-${scheme}.png`) });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  if (!atCurrent && before) await page.setViewportSize(before);
}

/** `virsh -c <uri> <args…>` (argument array, no shell); returns trimmed stdout. */
export function virsh(uri: string, ...args: string[]): string {
  return execFileSync('virsh', ['-q', '-c', uri, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

export const hex = (n: number, w: number): string => n.toString(16).padStart(w, '0');

export interface TestDomain {
  name: string;
  uuid: string;
  /** libvirt virDomainState number (1 running, 3 paused, 5 shutoff). */
  runstate: 1 | 3 | 5;
  vcpus: number;
  memoryKiB: number;
}

/** Test-driver node XML (test+unix:///<file>.xml) with the given domains. */
export function testNodeXml(domains: TestDomain[]): string {
  const out = ["<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>"];
  for (const d of domains) {
    out.push(
      `  <domain type='test'><name>${d.name}</name><uuid>${d.uuid}</uuid>` +
        `<memory unit='KiB'>${d.memoryKiB}</memory><currentMemory unit='KiB'>${d.memoryKiB}</currentMemory>` +
        `<vcpu>${d.vcpus}</vcpu><os><type arch='x86_64'>hvm</type></os>` +
        `<test:runstate>${d.runstate}</test:runstate></domain>`,
    );
  }
  out.push('</node>');
  return out.join('\n') + '\n';
}

/** Writes a node file with `count` domains into `dir`; returns its path and the domains. */
export function writeTestNode(
  dir: string,
  count: number,
  prefix = 'e2e-vm',
): { path: string; domains: TestDomain[] } {
  const states = [1, 5, 3] as const;
  const domains: TestDomain[] = Array.from({ length: count }, (_, i) => ({
    name: `${prefix}-${String(i).padStart(4, '0')}`,
    uuid: `${hex(0xe2e00000 + i, 8)}-0000-4000-8000-${hex(i, 12)}`,
    runstate: states[i % 3]!,
    vcpus: 1 + (i % 4),
    memoryKiB: 262144 * (1 + (i % 4)),
  }));
  const path = join(dir, `${prefix}-${count}-${process.pid}-${Date.now()}.xml`);
  writeFileSync(path, testNodeXml(domains));
  chmodSync(path, 0o644);
  return { path, domains };
}

/** `test+unix:///default?socket=S` → `test+unix:///abs/file.xml?socket=S`. */
export function testUriForFile(testUri: string, file: string): string {
  const q = testUri.indexOf('?');
  return `test+unix://${file}${q >= 0 ? testUri.slice(q) : ''}`;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value (or throws after `timeoutMs`). */
export async function until<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${String(last)})`);
    await sleep(100);
  }
}

/**
 * A libvirt name as plain-string messages (toasts, failure notes) show it: isolated with FSI…PDI so a
 * name holding bidi controls cannot reorder the sentence around it.
 */
export const isolatedName = (name: string): string => `\u2068${name}\u2069`;
