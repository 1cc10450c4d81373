import { useSyncExternalStore } from 'react';

/**
 * Tiny i18n. Catalogs are flat `key → string` maps, one file per feature per language:
 *   renderer/src/i18n/en/<feature>.ts     export default { 'feature.key': 'Text {param}' }
 *   renderer/src/i18n/zh-CN/<feature>.ts  the same keys in Simplified Chinese
 * Files are picked up automatically (import.meta.glob) — no registration, no shared file to edit.
 */
import { detectLanguage, format, type Catalog, type Language, type Params } from './format.js';

export type { Catalog, Language, Params };
export { detectLanguage, format };
export const languages: { id: Language; label: string }[] = [
  { id: 'en', label: 'English' },
  { id: 'zh-CN', label: '简体中文' },
];

const merge = (mods: Record<string, unknown>): Catalog => {
  const out: Catalog = {};
  for (const path of Object.keys(mods).sort()) {
    const mod = mods[path] as { default?: Catalog };
    Object.assign(out, mod.default ?? {});
  }
  return out;
};

export const catalogs: Record<Language, Catalog> = {
  en: merge(import.meta.glob('./en/*.ts', { eager: true })),
  'zh-CN': merge(import.meta.glob('./zh-CN/*.ts', { eager: true })),
};

const STORAGE_KEY = 'virtdesk.language';

const initial = (): Language => {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    /* storage unavailable */
  }
  const nav = globalThis.navigator;
  return nav ? detectLanguage(nav.languages?.length ? nav.languages : [nav.language]) : 'en';
};

let current: Language = initial();
const subs = new Set<() => void>();

export const getLanguage = (): Language => current;
export const setLanguage = (lang: Language): void => {
  current = lang;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    /* ignore */
  }
  if (globalThis.document) document.documentElement.lang = lang;
  for (const s of subs) s();
};

/** Translate `key` in the current language, falling back to English, then to the key itself. */
export const t = (key: string, params?: Params): string =>
  format(catalogs[current][key] ?? catalogs.en[key] ?? key, params);

/** Like `t` with a count `n`: uses `<key>.one` for n = 1 when the catalog has it, else `<key>`. */
export const tn = (key: string, n: number, params?: Params): string =>
  n === 1 && catalogs[current][`${key}.one`] !== undefined
    ? t(`${key}.one`, { n, ...params })
    : t(key, { n, ...params });

/** Re-renders the component on language change; returns `t`. */
export const useT = (): typeof t => {
  useSyncExternalStore(
    (cb) => {
      subs.add(cb);
      return () => subs.delete(cb);
    },
    () => current,
  );
  return t;
};

export const useLanguage = (): Language =>
  useSyncExternalStore(
    (cb) => {
      subs.add(cb);
      return () => subs.delete(cb);
    },
    () => current,
  );
