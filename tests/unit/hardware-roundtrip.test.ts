/**
 * Round trip of the Hardware editors: every domain XML of the test suite and the awkward corpus
 * (tests/support/domain-corpus.ts) gets one edit of each editor kind through the kinds' own editConfig;
 * the edited field must have changed and the rest of the document must mean exactly what it meant —
 * comments, CDATA text, processing instructions, unknown elements and attributes, foreign namespaces and
 * entity-escaped text included (canonical comparison, tests/support/xml-canonical.ts).
 */
import { describe, expect, it } from 'vitest';
import { editorFor, hardwareEditors } from '../../electron/hardware/kinds/index.js';
import { children, DomainXml } from '../../electron/libvirt-xml/index.js';
import { domainCorpus } from '../support/domain-corpus.js';
import { applyEdit, EDIT_KINDS, roundTripEdit, untouched } from '../support/roundtrip-edits.js';
import { canonical } from '../support/xml-canonical.js';

const corpus = domainCorpus();

describe('the round-trip corpus', () => {
  it('holds the awkward domains and enough of the test suite’s own', () => {
    const ids = corpus.map((c) => c.id);
    for (const name of [
      'unicode.xml',
      'entities.xml',
      'comments-cdata.xml',
      'metadata-foreign.xml',
      'whitespace-crlf.xml',
      'devices-awkward.xml',
      'devices-edited.xml',
      'future-libvirt.xml',
      '(generated) many-devices',
    ])
      expect(ids).toContain(`fixtures/domains/${name}`);
    expect(ids).toContain('fixtures/libvirt-xml/domain.xml');
    // What makes them awkward is still there (a checkout that rewrote line ends would lose the CRLFs).
    const xmlOf = (name: string) => corpus.find((c) => c.id === `fixtures/domains/${name}`)!.xml;
    expect(xmlOf('whitespace-crlf.xml')).toContain('\r\n');
    expect(xmlOf('entities.xml')).toContain('&#13;');
    expect(xmlOf('comments-cdata.xml')).toMatch(/<!\[CDATA\[[\s\S]*<!--[\s\S]*<\?virtdesk-hint/);
    expect(xmlOf('unicode.xml')).toContain('\u2028');
    expect(ids.filter((id) => id.startsWith('tinyGuestXml#'))).toHaveLength(3);
    // Collected from the test sources: many files write domains; a broken collector finds few or none.
    const fromSources = corpus.filter((c) => /\.tsx?#\d+$/.test(c.id));
    expect(fromSources.length).toBeGreaterThanOrEqual(25);
    expect(new Set(fromSources.map((c) => c.id.split('#')[0])).size).toBeGreaterThanOrEqual(15);
  });

  it('has an edit for every editor kind', () => {
    expect([...EDIT_KINDS].sort()).toEqual(hardwareEditors.map((e) => e.key).sort());
  });

  it('the many-devices domain has 100 disks and 20 NICs', () => {
    const many = DomainXml.parse(corpus.find((c) => c.id.endsWith('many-devices'))!.xml);
    expect(many.disks).toHaveLength(100);
    expect(many.interfaces).toHaveLength(20);
  });
});

describe.each(corpus.map((c) => [c.id, c] as const))('%s', (_id, { xml }) => {
  it('parses and serializes without a change in meaning', () => {
    const once = DomainXml.parse(xml).toString();
    expect(canonical(DomainXml.parse(once).root)).toEqual(canonical(DomainXml.parse(xml).root));
    // Serializing again changes nothing at all.
    expect(DomainXml.parse(once).toString()).toBe(once);
  });

  it.each(EDIT_KINDS)('a %s edit changes its field and nothing else', (kind) => {
    const edit = roundTripEdit(xml, kind);
    if (!edit) {
      if (kind === 'video') {
        // The video editor changes a model and adds no device: a domain without video has no edit.
        expect(children(DomainXml.parse(xml).root, 'devices/video')).toEqual([]);
        return;
      }
      // A fragment without <os> and bootable devices: the boot editor refuses in plain words.
      expect(kind).toBe('boot');
      expect(() =>
        editorFor('boot')!.editConfig(DomainXml.parse(xml), { kind: 'boot', menu: true } as never),
      ).toThrow('The domain XML has no <os> element');
      return;
    }
    const after = applyEdit(xml, edit);
    const before = DomainXml.parse(xml);
    const edited = DomainXml.parse(after);
    expect(edit.read(before)).not.toEqual(edit.expected);
    expect(edit.read(edited)).toEqual(edit.expected);
    expect(untouched(after, edit)).toEqual(untouched(xml, edit));
  });
});
