/**
 * The hand-written libvirt numbers (electron/libvirt/protocol/constants.ts) against libvirt's own
 * published API description, libvirt-api.xml (Debian package libvirt-dev, installed by
 * tests/support/ensure-host.mjs): every exported `VIR_*` constant must exist there with the same
 * value, so a mistyped flag or error code fails here instead of doing the wrong thing on a host.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import * as constants from '../../../electron/libvirt/protocol/constants.js';

const DEFAULT_API_XML = '/usr/share/libvirt/api/libvirt-api.xml';

/** Where libvirt-dev put the API description (pkg-config knows; the Debian path otherwise). */
function apiXmlPath(): string {
  const r = spawnSync('pkg-config', ['--variable', 'libvirt_api', 'libvirt'], { encoding: 'utf8' });
  const fromPkgConfig = r.status === 0 ? r.stdout.trim() : '';
  return fromPkgConfig || DEFAULT_API_XML;
}

interface ApiDescription {
  /** `<enum name value>`, values resolved (libvirt writes some as another enum's name). */
  enums: Map<string, number>;
  /** `<macro name string>` (e.g. VIR_MIGRATE_PARAM_*). */
  strings: Map<string, string>;
  /** `<macro name raw>` whose raw text is a plain number or a sum, e.g. VIR_UUID_BUFLEN "(16)". */
  numbers: Map<string, number>;
}

function readApiDescription(file: string): ApiDescription {
  if (!fs.existsSync(file)) {
    throw new Error(
      `libvirt's API description ${file} is missing: install the Debian package libvirt-dev ` +
        '(node tests/support/ensure-host.mjs does, as root)',
    );
  }
  const doc = new DOMParser().parseFromString(fs.readFileSync(file, 'utf8'), 'text/xml');
  const rawEnums = new Map<string, string>();
  for (const e of Array.from(doc.getElementsByTagName('enum'))) {
    const name = e.getAttribute('name');
    const value = e.getAttribute('value');
    if (name && value !== null) rawEnums.set(name, value);
  }
  const resolve = (name: string, seen: Set<string> = new Set()): number => {
    const raw = rawEnums.get(name);
    if (raw === undefined || seen.has(name)) throw new Error(`cannot resolve enum ${name} in ${file}`);
    const n = Number(raw);
    if (Number.isInteger(n)) return n;
    return resolve(raw, new Set([...seen, name]));
  };
  const enums = new Map([...rawEnums.keys()].map((name) => [name, resolve(name)] as const));

  const strings = new Map<string, string>();
  const numbers = new Map<string, number>();
  for (const m of Array.from(doc.getElementsByTagName('macro'))) {
    const name = m.getAttribute('name');
    if (!name) continue;
    if (m.hasAttribute('string')) {
      strings.set(name, m.getAttribute('string') ?? '');
      continue;
    }
    // "(4096 + 1)" → 4097; anything that is not a sum of integers is not a constant we compare.
    const terms = (m.getAttribute('raw') ?? '').replace(/[()\s]/g, '').split('+');
    const values = terms.map((t) => (/^\d+$/.test(t) ? Number(t) : NaN));
    if (values.length > 0 && values.every(Number.isInteger)) {
      numbers.set(
        name,
        values.reduce((a, b) => a + b, 0),
      );
    }
  }
  return { enums, strings, numbers };
}

const virExports = Object.entries(constants).filter(([name]) => name.startsWith('VIR_'));

describe("protocol/constants.ts against libvirt's libvirt-api.xml", () => {
  const api = readApiDescription(apiXmlPath());

  it('reads a real API description', () => {
    // A truncated or foreign file must not make every comparison below vacuous.
    expect(api.enums.get('VIR_DOMAIN_RUNNING')).toBe(1);
    expect(api.enums.size).toBeGreaterThan(500);
    expect(virExports.length).toBeGreaterThan(300);
  });

  it('has every exported VIR_* constant with libvirt’s value', () => {
    const wrong: string[] = [];
    for (const [name, value] of virExports) {
      const expected =
        typeof value === 'string' ? api.strings.get(name) : (api.enums.get(name) ?? api.numbers.get(name));
      if (expected === undefined) wrong.push(`${name}: not in libvirt-api.xml`);
      else if (expected !== value)
        wrong.push(`${name}: ${JSON.stringify(value)} here, ${JSON.stringify(expected)} in libvirt`);
    }
    expect(wrong).toEqual([]);
  });

  it('has each key of the grouped objects (DomainState.SHUTOFF…) as a VIR_* name with its value', () => {
    const grouped = Object.entries(constants).filter(
      ([name, v]) => /^[A-Z][a-z]/.test(name) && typeof v === 'object' && !Array.isArray(v),
    );
    const stray: string[] = [];
    for (const [group, obj] of grouped) {
      if (group === 'DrvFeature' || group === 'RemoteAuthType') continue; // not part of the public API
      for (const [key, v] of Object.entries(obj as Record<string, unknown>))
        if (!virExports.some(([name, value]) => name.endsWith(`_${key}`) && value === v))
          stray.push(`${group}.${key} = ${String(v)}`);
    }
    expect(stray).toEqual([]);
  });
});
