/** The libvirt-XML layer's parser and helpers: what it refuses, and how it reads numbers and text. */
import { describe, expect, it } from 'vitest';
import {
  add,
  attr,
  bytesOf,
  child,
  children,
  intOf,
  MAX_XML_CHARS,
  newDocument,
  ownText,
  parseXml,
  serializeXml,
  text,
  XmlError,
} from '../../electron/libvirt-xml/dom.js';

/** The error `fn` throws (fails when it throws nothing). */
const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
};

const refuses = (xml: string, message: RegExp) => {
  const e = thrown(() => parseXml(xml));
  expect(e).toBeInstanceOf(XmlError);
  expect((e as Error).message).toMatch(/^Invalid XML: /);
  expect((e as Error).message).toMatch(message);
};

describe('libvirt-XML parser: refusals', () => {
  it('refuses DTDs: DOCTYPE, entity declarations, external entities, entity expansion bombs', () => {
    refuses('<!DOCTYPE domain><domain/>', /DTD/);
    refuses('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', /DTD/);
    refuses('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', /DTD/);
    refuses(
      '<!DOCTYPE l [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><l>&c;</l>',
      /DTD/,
    );
  });

  it('refuses character references outside XML characters with a clear error, never an internal one', () => {
    refuses('<a>&#x110000;</a>', /&#x110000;.*not a valid XML character/);
    refuses('<a x="&#x110000;"/>', /&#x110000;/);
    refuses('<a>&#1114112;</a>', /&#1114112;/);
    refuses('<a>&#0;</a>', /&#0;/);
    refuses('<a>&#x1;</a>', /&#x1;/);
    refuses('<a>&#xD800;</a>', /&#xD800;/);
    refuses('<a>&#xFFFE;</a>', /&#xFFFE;/);
    refuses('<a>&#99999999999999999999999;</a>', /not a valid XML character/);
    // Would wrap around into a valid surrogate pair (U+10000) in a naive decoder.
    refuses('<a>&#x4010000;</a>', /&#x4010000;/);
  });

  it('decodes valid references, and leaves look-alikes in comments and CDATA alone', () => {
    const a = parseXml(
      '<a x="&#65;&#x42;&lt;">&#x10FFFF;&#x1F600;&#9;&amp;<![CDATA[&#x110000;]]><!-- &#0; --></a>',
    );
    expect(attr(a, 'x')).toBe('AB<');
    expect(text(a)).toBe('\u{10FFFF}\u{1F600}\t&&#x110000;');
  });

  it('normalizes line ends as XML 1.0 does, and keeps U+0085, U+2028 and U+2029 in text', () => {
    expect(text(parseXml('<a>1\r\n2\r3\n4</a>'))).toBe('1\n2\n3\n4');
    expect(ownText(parseXml('<a>x\u0085y\u2028z\u2029</a>'))).toBe('x\u0085y\u2028z\u2029');
  });

  it('refuses raw characters XML cannot hold, undefined entities and malformed documents', () => {
    refuses('<a>\u0001</a>', /U\+0001/);
    refuses('<a>\uD800x</a>', /surrogate/);
    refuses('<a>\uFFFF</a>', /U\+FFFF/);
    refuses('<a>&unknown;</a>', /entity/);
    refuses('<a><b></a>', /mismatch/);
    refuses('<a>', /unclosed/);
    refuses('', /root/);
    refuses('<a/><b/>', /.+/);
    refuses('<a b="1" b="2"/>', /redefined/);
    refuses('<x:a/>', /namespace/i);
  });

  it('refuses oversized input before parsing, accepts a document of exactly the limit', () => {
    refuses(`<a>${'x'.repeat(MAX_XML_CHARS)}</a>`, /too large/);
    const atLimit = `<a>${'x'.repeat(MAX_XML_CHARS - 7)}</a>`;
    expect(atLimit.length).toBe(MAX_XML_CHARS);
    expect(text(parseXml(atLimit))).toHaveLength(MAX_XML_CHARS - 7);
  });

  it('does not write characters XML cannot hold', () => {
    expect(() => add(newDocument('a'), 'b', {}, 'x\u0001')).toThrow(XmlError);
    expect(() => add(newDocument('a'), 'b', { v: 'x\uD800' })).toThrow(XmlError);
    const ok = newDocument('a');
    add(ok, 'b', { v: `q"'<>&\u{1F600}` }, `t<&>]]>`);
    const back = parseXml(serializeXml(ok));
    expect(attr(child(back, 'b'), 'v')).toBe(`q"'<>&\u{1F600}`);
    expect(text(back, 'b')).toBe('t<&>]]>');
  });
});

describe('libvirt-XML helpers', () => {
  const doc = parseXml(`<domain>
    <memory unit='GiB'>4</memory><currentMemory>2048</currentMemory><bad unit='furlong'>1</bad>
    <capacity>512</capacity><capacity unit='MB'>3</capacity>
    <os><boot dev='hd'/><boot dev='cdrom'/><type arch='x86_64'>  hvm  </type></os>
  </domain>`);

  it('reads scaled sizes with libvirt units (KiB by default for memory, bytes for storage)', () => {
    expect(bytesOf(child(doc, 'memory'))).toBe(4 * 1024 ** 3);
    expect(bytesOf(child(doc, 'currentMemory'))).toBe(2048 * 1024);
    expect(bytesOf(child(doc, 'bad'))).toBeNull();
    expect(bytesOf(child(doc, 'missing'))).toBeNull();
    expect(bytesOf(child(doc, 'capacity'), 'bytes')).toBe(512);
    expect(bytesOf(children(doc, 'capacity')[1], 'bytes')).toBe(3_000_000);
  });

  it('walks paths, reads trimmed text and attributes, numbers or null', () => {
    expect(text(doc, 'os/type')).toBe('hvm');
    expect(attr(child(doc, 'os/type'), 'arch')).toBe('x86_64');
    expect(attr(child(doc, 'os/type'), 'machine')).toBeNull();
    expect(children(doc, 'os/boot').map((b) => attr(b, 'dev'))).toEqual(['hd', 'cdrom']);
    expect(text(doc, 'os/nothing')).toBeNull();
    expect(intOf(' 12 ')).toBe(12);
    expect(intOf('')).toBeNull();
    expect(intOf('x')).toBeNull();
  });
});
