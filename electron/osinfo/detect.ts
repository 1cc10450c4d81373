/** Which osinfo-db OS an ISO is, from its PVD strings (libosinfo's osinfo_db_identify_media, simplified). */
import type { IsoIdentity } from './iso.js';
import type { OsEntry, OsMedia } from './types.js';

const FIELDS = ['volumeId', 'systemId', 'publisherId', 'applicationId'] as const;

// osinfo-db holds ~4000 patterns and detection runs per picked file: compile each source once.
// null = not valid JavaScript regex syntax (PCRE-only constructs); such a pattern never matches.
const compiled = new Map<string, RegExp | null>();

const regex = (source: string): RegExp | null => {
  let re = compiled.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source); // no flags: GLib's g_regex_match_simple(pattern, s, 0, 0), unanchored
    } catch {
      re = null;
    }
    compiled.set(source, re);
  }
  return re;
};

/** Number of fields a medium constrains when all of them match the ISO; 0 when it does not match. */
const mediaScore = (m: OsMedia, iso: IsoIdentity): number => {
  let n = 0;
  for (const f of FIELDS) {
    const source = m[f];
    if (source === undefined) continue;
    if (!regex(source)?.test(iso[f])) return 0;
    n++;
  }
  return n;
};

const archMatches = (m: OsMedia, arch: string): boolean => m.arch === arch || m.arch === 'all';

const entryScore = (e: OsEntry, iso: IsoIdentity, arch: string): number =>
  Math.max(0, ...e.media.filter((m) => archMatches(m, arch)).map((m) => mediaScore(m, iso)));

/**
 * The OS whose installation media match the ISO for arch. With several candidates the one whose media
 * pin down more fields wins (a volume id plus a publisher beats a volume id alone), then the newest.
 */
export const detectOs = (catalog: OsEntry[], iso: IsoIdentity, arch: string = 'x86_64'): OsEntry | null => {
  let best: OsEntry | null = null;
  let bestScore = 0;
  for (const e of catalog) {
    const score = entryScore(e, iso, arch);
    if (score === 0) continue;
    if (score > bestScore || (score === bestScore && isNewer(e, best))) {
      best = e;
      bestScore = score;
    }
  }
  return best;
};

const isNewer = (e: OsEntry, than: OsEntry | null): boolean =>
  (e.releaseDate ?? '') > (than?.releaseDate ?? '');

/** '12.5.0' → ['12.5.0', '12.5', '12']; a token without a leading number gives none. */
const versionPrefixes = (token: string): string[] => {
  if (!/^\d/.test(token)) return [];
  const parts = token.split('.');
  return parts.map((_, i) => parts.slice(0, parts.length - i).join('.'));
};

/**
 * What a file's name says it is, for images whose volume label cannot be read (a volume on a remote
 * pool that refuses downloads) or matches no medium: short ids built from neighbouring words of the name
 * ("debian-12.5.0-amd64-netinst.iso" → debian12; "ubuntu-22.04.3-live-server" → ubuntu22.04;
 * "alpine-virt-3.17.0" → alpinelinux3.17; "openSUSE-Leap-15.4" → opensuse15.4; "Win10_22H2" → win10). The longest
 * short id found wins, then the newest release. Null when no word sequence is a short id.
 */
export const osFromFileName = (catalog: OsEntry[], fileName: string): OsEntry | null => {
  const words = fileName
    .toLowerCase()
    .replace(/\.(iso|img)$/, '')
    .split(/[-_\s]+/)
    .filter(Boolean);
  const candidates = new Set<string>();
  words.forEach((w, i) => {
    candidates.add(w);
    const next = words[i + 1];
    if (next === undefined) return;
    for (const v of versionPrefixes(next)) {
      candidates.add(w + v);
      candidates.add(`${w}linux${v}`);
      candidates.add(`${w}-${v}`);
    }
    const third = words[i + 2];
    // A word between name and version: "CentOS-Stream-9" (centos-stream9), "openSUSE-Leap-15.4" (opensuse15.4).
    if (third !== undefined)
      for (const v of versionPrefixes(third)) {
        candidates.add(`${w}-${next}${v}`);
        candidates.add(w + v);
        candidates.add(`${w}linux${v}`);
      }
  });
  let best: OsEntry | null = null;
  let bestLength = 0;
  for (const e of catalog) {
    for (const id of e.shortIds) {
      const s = id.toLowerCase();
      if (!candidates.has(s)) continue;
      if (s.length > bestLength || (s.length === bestLength && isNewer(e, best))) {
        best = e;
        bestLength = s.length;
      }
    }
  }
  return best;
};
