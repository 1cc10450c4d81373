/**
 * The XML editor's checks before libvirt (pure): well-formed, same UUID, same name; snapshot support; the
 * name of the snapshot taken first.
 */
import { describe, expect, it } from 'vitest';
import { refusalOf, supportsInternalSnapshots } from '../../electron/domainxml/service.js';
import { DomainXml, parseXml, XmlError } from '../../electron/libvirt-xml/index.js';
import { snapshotFirstName } from '../../renderer/src/features/snapshots/snapshotFirst.js';
import { snapshotNameSchema } from '../../shared/contract/snapshots.js';

const UUID = '6695eb01-f6a4-8304-79aa-97f2502e193f';
const vm = { name: 'web & db', uuid: UUID };
const domain = (inner: string) => `<domain type='kvm'>\n  <name>web &amp; db</name>\n${inner}</domain>`;
const disk = (format: string, extra = '', device = 'disk') =>
  `<disk type='file' device='${device}'><driver name='qemu' type='${format}'/>` +
  `<source file='/i/${format}'/><target dev='vd${format[0]}'/>${extra}</disk>`;

describe('refusalOf', () => {
  it('accepts the same UUID, also written without dashes or in capitals', () => {
    expect(refusalOf(domain(`  <uuid>${UUID}</uuid>\n`), vm)).toBeNull();
    expect(refusalOf(domain(`  <uuid>${UUID.replace(/-/g, '').toUpperCase()}</uuid>\n`), vm)).toBeNull();
  });

  it('refuses another or no UUID: a new VM', () => {
    const other = refusalOf(domain('  <uuid>00000000-0000-4000-8000-000000000000</uuid>\n'), vm);
    expect(other).toMatchObject({ code: 'invalid-input' });
    expect(other!.message).toBe(
      `The XML has another UUID: libvirt would make a new VM instead of changing "web & db". Put its UUID ${UUID} back.`,
    );
    expect(refusalOf(domain(''), vm)!.message).toMatch(/^The XML has no <uuid>/);
  });

  it('refuses a new name, pointing at Rename', () => {
    const r = refusalOf(`<domain><name>db</name><uuid>${UUID}</uuid></domain>`, vm);
    expect(r!.message).toBe(
      'The XML names the VM "db" instead of "web & db". Use Rename to change a VM\'s name, and put its name back here.',
    );
  });

  it('refuses malformed XML with the line and column, and other documents than a domain', () => {
    const r = refusalOf(`<domain>\n  <name>web &amp; db</name>\n  <uuid>${UUID}</uid>\n</domain>`, vm);
    expect(r).toMatchObject({ code: 'invalid-input' });
    expect(r!.message).toMatch(/^The XML is not well-formed \(line 3, column \d+\): .*uuid/);
    expect(refusalOf('<network><name>x</name></network>', vm)!.message).toBe(
      'The XML is not well-formed: expected a <domain> description, not <network>',
    );
    expect(refusalOf('', vm)!.message).toMatch(/^The XML is not well-formed/);
  });
});

describe('XmlError position', () => {
  it('says where: for a mismatched end tag, just after the tag of the element left open', () => {
    const err = (() => {
      try {
        parseXml('<a>\n<b>\n</a>');
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(XmlError);
    expect((err as XmlError).position).toEqual({ line: 2, column: 4 });
  });
});

describe('supportsInternalSnapshots', () => {
  const devices = (d: string, os = '') =>
    DomainXml.parse(`<domain><name>x</name>${os}<devices>${d}</devices></domain>`);
  it('needs every writable disk in qcow2 and no UEFI variables', () => {
    expect(supportsInternalSnapshots(devices(disk('qcow2')))).toBe(true);
    expect(supportsInternalSnapshots(devices(disk('qcow2') + disk('raw', '<readonly/>')))).toBe(true);
    expect(supportsInternalSnapshots(devices(disk('qcow2') + disk('raw', '', 'cdrom')))).toBe(true);
    expect(supportsInternalSnapshots(devices(disk('qcow2') + disk('raw')))).toBe(false);
    expect(supportsInternalSnapshots(devices(''))).toBe(false);
    expect(supportsInternalSnapshots(devices(disk('qcow2'), "<os firmware='efi'/>"))).toBe(false);
  });
});

describe('the snapshot taken before a change', () => {
  const at = new Date(2026, 11, 3, 9, 5, 7);
  it('is named by what changes and the local time, and is a valid snapshot name', () => {
    const name = snapshotFirstName('xml-edit', [], at);
    expect(name).toBe('before-xml-edit-2026-12-03-090507');
    expect(snapshotNameSchema.safeParse(name).success).toBe(true);
    expect(snapshotFirstName('disk-add', ['before-xml-edit-2026-12-03-090507'], at)).toBe(
      'before-disk-add-2026-12-03-090507',
    );
  });

  it('is unique when the VM already has that name (two changes within one second)', () => {
    const first = 'before-cpu-2026-12-03-090507';
    expect(snapshotFirstName('cpu', [first], at)).toBe(`${first}-2`);
    expect(snapshotFirstName('cpu', [first, `${first}-2`], at)).toBe(`${first}-3`);
    expect(snapshotNameSchema.safeParse(`${first}-3`).success).toBe(true);
  });
});
