import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectLanguage, format, placeholders, type Catalog } from '../../renderer/src/i18n/format.js';

const I18N = path.resolve(import.meta.dirname, '../../renderer/src/i18n');
const LANGS = ['en', 'zh-CN'] as const;

/** Loads every feature catalog file of a language (E's and F's included). */
async function load(lang: string): Promise<Map<string, Catalog>> {
  const dir = path.join(I18N, lang);
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .sort();
  const out = new Map<string, Catalog>();
  for (const f of files) {
    const mod = (await import(path.join(dir, f))) as { default: Catalog };
    out.set(f, mod.default);
  }
  return out;
}

describe('renderer i18n catalogs', () => {
  it('have the same feature files and keys in every language, with the same placeholders', async () => {
    const [en, zh] = await Promise.all(LANGS.map(load));
    expect([...zh!.keys()]).toEqual([...en!.keys()]);
    for (const [file, cat] of en!) {
      const other = zh!.get(file)!;
      expect(Object.keys(other).sort(), `keys of zh-CN/${file}`).toEqual(Object.keys(cat).sort());
      for (const [key, text] of Object.entries(cat)) {
        expect(typeof text).toBe('string');
        expect(text.trim(), `en ${key}`).not.toBe('');
        expect(other[key]!.trim(), `zh-CN ${key}`).not.toBe('');
        expect(placeholders(other[key]!), `placeholders of ${key}`).toEqual(placeholders(text));
      }
    }
  });
  it('never defines a key in two feature files', async () => {
    for (const lang of LANGS) {
      const seen = new Map<string, string>();
      for (const [file, cat] of await load(lang)) {
        for (const key of Object.keys(cat)) {
          expect(seen.get(key), `${lang}: ${key} in ${file} and ${seen.get(key)}`).toBeUndefined();
          seen.set(key, file);
        }
      }
    }
  });
  it('covers every literal key the renderer uses', async () => {
    const en = new Set<string>();
    for (const cat of (await load('en')).values()) for (const k of Object.keys(cat)) en.add(k);
    const used = new Set<string>();
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
          if (e.name !== 'i18n') walk(p);
        } else if (/\.tsx?$/.test(e.name)) {
          for (const m of fs.readFileSync(p, 'utf8').matchAll(/\bt\('([a-zA-Z][\w.-]*\.[\w.-]+)'/g))
            used.add(m[1]!);
        }
      }
    };
    walk(path.resolve(I18N, '..'));
    const missing = [...used].filter((k) => !en.has(k));
    expect(missing).toEqual([]);
  });
  it('formats parameters and detects the language', () => {
    expect(format('{n} of {total}', { n: 3, total: 10 })).toBe('3 of 10');
    expect(format('keep {unknown}', {})).toBe('keep {unknown}');
    expect(detectLanguage(['zh-CN', 'en'])).toBe('zh-CN');
    expect(detectLanguage(['zh-TW'])).toBe('zh-CN');
    expect(detectLanguage(['de-DE', 'en-US'])).toBe('en');
    expect(detectLanguage(['fr'])).toBe('en');
  });
});
