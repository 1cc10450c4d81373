import { fmtBytes } from '../stats/format.js';

export { fmtBytes };

export const SIZE_UNITS = { MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 } as const;
export type SizeUnit = keyof typeof SIZE_UNITS;

/** "20" GiB → bytes; NaN for text that is not a positive number (the schema then says so). */
export const parseSize = (text: string, unit: SizeUnit): number => {
  const s = text.trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(s)) return Number.NaN;
  return Math.round(Number(s) * SIZE_UNITS[unit]);
};

/** Bytes as the size field's text in `unit` (up to 2 decimals). */
export const sizeText = (bytes: number, unit: SizeUnit): string =>
  String(Math.round((bytes / SIZE_UNITS[unit]) * 100) / 100);

/** "1 min 20 s", "45 s" — a time left. */
export const fmtDuration = (seconds: number | null): string => {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
};

/** A transfer id (a UUID), also where crypto.randomUUID is missing (plain-http web mode). */
export const newTransferId = (): string => {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

/** The last part of a path: the default volume name of an upload. */
export const baseName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
