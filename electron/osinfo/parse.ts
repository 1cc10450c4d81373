/** osinfo-db XML (one <libosinfo> document per file) → OsEntry, and derives-from inheritance. Pure. */
import { attr, children, intOf, ownText, parseXml, text, type XmlElement } from '../libvirt-xml/dom.js';
import type { OsEntry, OsMedia, OsResources } from './types.js';

// The resources we size x86_64 guests from; an arch-specific block wins over "all" field by field.
const RESOURCE_ARCHS = ['x86_64', 'all'] as const;
const VIRTIO_DEVICE = 'http://pcisig.com/pci/1af4/';

const ISO_FIELDS = [
  ['volumeId', 'volume-id'],
  ['systemId', 'system-id'],
  ['publisherId', 'publisher-id'],
  ['applicationId', 'application-id'],
] as const;

/**
 * Every <os> of one file; throws XmlError on malformed XML. `name` is '' when the file has none
 * (fragments such as win-10.d/*.xml); finishCatalog() fills it in after merging.
 */
export const parseOsXml = (xml: string): OsEntry[] =>
  children(parseXml(xml), 'os')
    .map(parseOs)
    .filter((e): e is OsEntry => e !== null);

/** Untranslated text: osinfo-db repeats <name>/<vendor> once per xml:lang. */
const untranslated = (el: XmlElement, name: string): string | undefined => {
  const hit = children(el, name).find((c) => attr(c, 'xml:lang') === null);
  return text(hit) || undefined;
};

const optionalText = (el: XmlElement, path: string): string | undefined => text(el, path) || undefined;

const parseOs = (os: XmlElement): OsEntry | null => {
  const id = attr(os, 'id');
  const shortIds = children(os, 'short-id')
    .map((c) => text(c) ?? '')
    .filter(Boolean);
  if (!id) return null;
  return dropUndefined({
    id,
    shortId: shortIds[0] ?? id,
    shortIds,
    name: untranslated(os, 'name') ?? '',
    version: optionalText(os, 'version'),
    family: optionalText(os, 'family'),
    distro: optionalText(os, 'distro'),
    vendor: untranslated(os, 'vendor'),
    releaseDate: optionalText(os, 'release-date'),
    eolDate: optionalText(os, 'eol-date'),
    derivesFrom: attr(children(os, 'derives-from')[0], 'id') ?? undefined,
    minimum: resources(os, 'minimum'),
    recommended: resources(os, 'recommended'),
    virtio: children(os, 'devices/device').some((d) => attr(d, 'id')?.startsWith(VIRTIO_DEVICE) ?? false),
    media: children(os, 'media').map(parseMedia),
  });
};

const positive = (s: string | null): number | undefined => {
  const n = intOf(s);
  return n !== null && n > 0 ? n : undefined;
};

const resources = (os: XmlElement, kind: 'minimum' | 'recommended'): OsResources => {
  const blocks = children(os, 'resources');
  const out: OsResources = {};
  for (const arch of RESOURCE_ARCHS) {
    // libosinfo treats a <resources> without arch as "all".
    for (const block of blocks.filter((b) => (attr(b, 'arch') ?? 'all') === arch)) {
      const r = children(block, kind)[0];
      if (!r) continue;
      out.ramBytes ??= positive(text(r, 'ram'));
      out.storageBytes ??= positive(text(r, 'storage'));
      out.cpus ??= positive(text(r, 'n-cpus'));
    }
  }
  return dropUndefined(out);
};

const parseMedia = (media: XmlElement): OsMedia => {
  const out: OsMedia = { arch: attr(media, 'arch') ?? 'all' };
  const iso = children(media, 'iso')[0];
  for (const [key, tag] of ISO_FIELDS) {
    // Regex sources are kept verbatim (no trim): whitespace may be part of the pattern.
    const value = ownText(children(iso, tag)[0]);
    if (value) out[key] = value;
  }
  return out;
};

/** Keeps objects minimal so tests (and IPC payloads) do not carry `key: undefined`. */
const dropUndefined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const RESOURCE_KEYS = ['ramBytes', 'storageBytes', 'cpus'] as const;

const fillResources = (own: OsResources, parent: OsResources): OsResources => {
  const out = { ...own };
  for (const k of RESOURCE_KEYS) if (out[k] === undefined && parent[k] !== undefined) out[k] = parent[k];
  return out;
};

/**
 * Two definitions of one id from the same folder (osinfo-db splits Windows drivers into win-10.d/*.xml):
 * like libosinfo's loader, values the later one sets win and lists add up.
 */
export const mergeOs = (a: OsEntry, b: OsEntry): OsEntry => {
  const shortIds = [...new Set([...a.shortIds, ...b.shortIds])];
  return {
    ...a,
    ...b,
    shortId: shortIds[0] ?? a.id,
    shortIds,
    name: b.name || a.name,
    minimum: { ...a.minimum, ...b.minimum },
    recommended: { ...a.recommended, ...b.recommended },
    virtio: a.virtio || b.virtio,
    media: [...a.media, ...b.media],
  };
};

/**
 * Fills missing resources (field by field) and the virtio flag from the derives-from chain, as libosinfo
 * does for devices. Chains of any length; cycles and unknown parents just stop the walk.
 */
const inheritFromParents = (entries: OsEntry[]): OsEntry[] => {
  const byId = new Map(entries.map((e) => [e.id, e]));
  const done = new Map<string, OsEntry>();
  const resolve = (e: OsEntry, visiting: Set<string>): OsEntry => {
    const cached = done.get(e.id);
    if (cached) return cached;
    const parentRaw = e.derivesFrom ? byId.get(e.derivesFrom) : undefined;
    if (!parentRaw || visiting.has(parentRaw.id)) return e;
    visiting.add(e.id);
    const parent = resolve(parentRaw, visiting);
    const out: OsEntry = {
      ...e,
      minimum: fillResources(e.minimum, parent.minimum),
      recommended: fillResources(e.recommended, parent.recommended),
      virtio: e.virtio || parent.virtio,
    };
    done.set(e.id, out);
    return out;
  };
  return entries.map((e) => resolve(e, new Set()));
};

/**
 * Inheritance can leave a recommendation below the entry's own minimum (Windows 10: 2 GiB minimum, but
 * 1 GiB recommended from Vista four derives-from steps up); a recommendation never goes below the minimum.
 */
const atLeastMinimum = (e: OsEntry): OsEntry => {
  const recommended = { ...e.recommended };
  for (const k of RESOURCE_KEYS) {
    const min = e.minimum[k];
    const rec = recommended[k];
    if (min !== undefined && rec !== undefined && rec < min) recommended[k] = min;
  }
  return { ...e, recommended };
};

/** Last step of loading: names for nameless entries, derives-from inheritance, sane recommendations. */
export const finishCatalog = (entries: OsEntry[]): OsEntry[] =>
  inheritFromParents(entries.map((e) => (e.name ? e : { ...e, name: e.shortId }))).map(atLeastMinimum);
