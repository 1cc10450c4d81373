/** Pure helpers of the i18n module (no catalogs, no DOM) — unit-tested. */
export type Catalog = Record<string, string>;
export type Language = 'en' | 'zh-CN';
export type Params = Record<string, string | number>;

export const detectLanguage = (navLanguages: readonly string[]): Language => {
  for (const l of navLanguages) {
    const lower = l.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
};

export const format = (template: string, params?: Params): string =>
  params ? template.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m)) : template;

/** The `{param}` names a template uses (sorted, unique) — catalogs must agree on them across languages. */
export const placeholders = (template: string): string[] =>
  [...new Set([...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort();
