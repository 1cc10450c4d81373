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
