/**
 * Every domain XML the test suite uses, for the hardware editor's round trip: the `<domain>` documents
 * written in the test sources (string and template literals; `${…}` parts become a placeholder), the
 * dumped fixture (tests/unit/fixtures/libvirt-xml/domain.xml), the tiny guest's XML in its variants, the
 * awkward domains of tests/unit/fixtures/domains/ and one generated domain with 100 disks and 20 NICs.
 * A literal that is no well-formed `<domain>` (refusal tests, XML built line by line) is left out.
 */
import fs from 'node:fs';
import path from 'node:path';
import { child, parseXml, XmlError } from '../../electron/libvirt-xml/dom.js';
import { tinyGuestXml } from './guest.js';

export interface CorpusDomain {
  /** Where it comes from: `tests/unit/x.test.ts#2`, `fixtures/domains/unicode.xml`, … */
  id: string;
  xml: string;
  /** One of the awkward domains written for this corpus (not collected from elsewhere). */
  awkward: boolean;
}

const ROOT = path.resolve(import.meta.dirname, '..');
const AWKWARD_DIR = path.join(ROOT, 'unit', 'fixtures', 'domains');
/** What an interpolation `${…}` of a test's template literal becomes. */
const PLACEHOLDER = '1';

const sourceFiles = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' || e.name === 'node_modules' ? [] : sourceFiles(p);
    return /\.(ts|tsx)$/.test(e.name) ? [p] : [];
  });

/** Index just past the `}` matching the `{` at `brace`. */
const interpolationEnd = (s: string, brace: number): number => {
  let depth = 0;
  for (let j = brace; j < s.length; j++) {
    if (s[j] === '{') depth++;
    else if (s[j] === '}' && --depth === 0) return j + 1;
  }
  return s.length;
};

/** Literals joined by `+` across lines (`…</name>` +⏎ `<memory…`): the quotes and the plus go. */
const CONCATENATION = /[`'"]\s*\+\s*[`'"]/g;

/** The text a source literal stands for: pieces joined, interpolations replaced, common escapes undone. */
const literalText = (source: string): string => {
  const src = source.replace(CONCATENATION, '');
  let out = '';
  for (let i = 0; i < src.length;) {
    if (src.startsWith('${', i)) {
      out += PLACEHOLDER;
      i = interpolationEnd(src, i + 1);
    } else if (src[i] === '\\' && i + 1 < src.length) {
      const c = src[i + 1]!;
      out += c === 'n' ? '\n' : c === 't' ? '\t' : c;
      i += 2;
    } else out += src[i++];
  }
  return out;
};

/** Sources left out: they build domain XML line by line (the tiny guest is in the corpus by its function). */
const NOT_SCANNED = new Set(['support/guest.ts', 'support/domain-corpus.ts']);

/** A well-formed `<domain>` with a `<name>` (what libvirt needs at least). */
const isDomain = (xml: string): boolean => {
  try {
    const root = parseXml(xml);
    return root.nodeName === 'domain' && child(root, 'name') !== undefined;
  } catch (e) {
    if (e instanceof XmlError) return false;
    throw e;
  }
};

/** The `<domain …>…</domain>` documents written in one source file. */
const domainsInSource = (file: string): string[] => {
  const src = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  const open = /<domain[\s>]/g;
  for (let m = open.exec(src); m; m = open.exec(src)) {
    const end = src.indexOf('</domain>', m.index);
    if (end < 0) break;
    const xml = literalText(src.slice(m.index, end + '</domain>'.length));
    if (isDomain(xml)) out.push(xml);
  }
  return out;
};

/** `vda` … `vdz`, `vdaa` … */
const diskName = (prefix: string, i: number): string => {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(97 + ((n - 1) % 26)) + s;
  return prefix + s;
};

/** A domain with 100 disks (virtio, SATA and SCSI, some with a boot order) and 20 NICs. */
export const manyDevicesXml = (): string => {
  const disks = Array.from({ length: 100 }, (_, i) => {
    const [bus, prefix] = i % 10 === 9 ? ['sata', 'sd'] : ['virtio', 'vd'];
    const dev = bus === 'sata' ? diskName('sd', Math.floor(i / 10)) : diskName(prefix, i);
    const boot = i < 3 ? `<boot order='${i + 1}'/>` : '';
    return `    <disk type='file' device='disk'><driver name='qemu' type='qcow2' cache='none'/><source file='/srv/many/d${i}.qcow2'/><target dev='${dev}' bus='${bus}'/>${boot}<serial>many-${i}</serial></disk>`;
  });
  const nics = Array.from(
    { length: 20 },
    (_, i) =>
      `    <interface type='user'><mac address='52:54:00:00:10:${i.toString(16).padStart(2, '0')}'/><model type='${i % 2 ? 'e1000e' : 'virtio'}'/></interface>`,
  );
  return [
    `<domain type='qemu'>`,
    '  <name>many-devices</name>',
    "  <memory unit='MiB'>512</memory>",
    "  <vcpu placement='static'>2</vcpu>",
    "  <os><type arch='x86_64' machine='q35'>hvm</type></os>",
    '  <devices>',
    "    <controller type='sata' index='0'/>",
    ...disks,
    ...nics,
    "    <serial type='pty'><target port='0'/></serial>",
    '  </devices>',
    '</domain>',
    '',
  ].join('\n');
};

/** The tiny guest's XML: bare, and with every option on. */
const tinyGuests = (): string[] => [
  tinyGuestXml({ name: 'tiny-bare', kernel: '/srv/k', initrd: '/srv/i', virtType: 'qemu' }),
  tinyGuestXml({
    name: 'tiny-full',
    uuid: '6f1c1e6e-2f7e-4c64-9a55-5b8c1c0e7a11',
    kernel: '/srv/tiny/vmlinuz',
    initrd: '/srv/tiny/initrd.img',
    virtType: 'kvm',
    memoryMiB: 256,
    vcpus: 2,
    serial: 'pty',
    serialLog: '/srv/tiny/serial.log',
    vnc: true,
    disk: '/srv/tiny/disk.qcow2',
    nic: true,
    nicAddress: '10.0.2.15/24',
    agent: true,
    machine: 'q35',
    title: 'Tiny <guest> & “friends”',
    description: 'Línea 1\nLigne 2 — ✓',
  }),
  tinyGuestXml({
    name: 'tiny-file-serial',
    kernel: '/srv/k',
    initrd: '/srv/i',
    virtType: 'qemu',
    serial: { file: '/srv/tiny/serial.txt' },
    disk: '/srv/tiny/raw.img',
  }),
];

/** The whole corpus, each document once (the first place it is found names it). */
export const domainCorpus = (): CorpusDomain[] => {
  const found: CorpusDomain[] = [];
  const seen = new Set<string>();
  const put = (id: string, xml: string, awkward = false): void => {
    if (seen.has(xml)) return;
    seen.add(xml);
    found.push({ id, xml, awkward });
  };
  for (const f of fs
    .readdirSync(AWKWARD_DIR)
    .filter((n) => n.endsWith('.xml'))
    .sort())
    put(`fixtures/domains/${f}`, fs.readFileSync(path.join(AWKWARD_DIR, f), 'utf8'), true);
  put('fixtures/domains/(generated) many-devices', manyDevicesXml(), true);
  put(
    'fixtures/libvirt-xml/domain.xml',
    fs.readFileSync(path.join(ROOT, 'unit', 'fixtures', 'libvirt-xml', 'domain.xml'), 'utf8'),
  );
  tinyGuests().forEach((xml, i) => put(`tinyGuestXml#${i}`, xml));
  for (const file of sourceFiles(ROOT).sort())
    if (!NOT_SCANNED.has(path.relative(ROOT, file)))
      domainsInSource(file).forEach((xml, i) => put(`${path.relative(ROOT, file)}#${i}`, xml));
  return found;
};
