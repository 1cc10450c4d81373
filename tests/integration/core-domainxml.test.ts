/**
 * The XML editor's calls through the core's contract on the QEMU session daemon: an edit defined with
 * libvirt's validation reads back with the change; whatever libvirt's validation refuses (an unknown
 * element where the schema allows none, a bad value) comes back with libvirt's own words and leaves the
 * definition byte-identical; another UUID or name, malformed XML and a stale base never reach libvirt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainRef } from '../../electron/libvirt/index.js';
import { DomainXMLFlags } from '../../electron/libvirt/index.js';
import type { CallOutput, RemoteError } from '../../shared/contract/index.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { testEnv } from '../support/env.js';
import { removeGuest } from '../support/guest-life.js';
import { tinyGuestXml, uniqueGuestName } from '../support/guest.js';

type Loaded = CallOutput<'domainxml.load'>;
type Defined = CallOutput<'domainxml.define'>;

describe('domain XML editing through the core', () => {
  const env = testEnv();
  const name = uniqueGuestName('xmledit');
  let fx: CoreFixture;
  let dom: DomainRef;
  const ref = () => ({ connectionId: fx.connectionId, uuid: dom.uuid });
  /** The next-boot definition as the editor reads it (with secrets), straight from libvirt. */
  const inactiveXml = () => fx.client.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE | DomainXMLFlags.SECURE);
  const refusal = async (input: Record<string, unknown>): Promise<RemoteError> => {
    const err = await fx.call('domainxml.define', { ...ref(), ...input }).then(
      () => null,
      (e: { remote?: RemoteError }) => e.remote ?? null,
    );
    expect(err, 'the define must be refused').not.toBeNull();
    return err!;
  };

  beforeAll(async () => {
    fx = await startCore(env.qemuUri);
    const xml = tinyGuestXml({
      name,
      kernel: env.guestKernel,
      initrd: env.guestInitrd,
      virtType: env.virtType,
      memoryMiB: 128,
      vnc: true,
    }).replace("<graphics type='vnc'", "<graphics type='vnc' passwd='s3cretpw'");
    dom = await fx.client.domainDefineXML(xml);
  }, 60_000);

  afterAll(async () => {
    if (fx) {
      await removeGuest([fx.client], name);
      await fx.stop();
    }
  });

  it('loads the next-boot XML with its secrets, no live XML while shut off', async () => {
    const l = await fx.call<Loaded>('domainxml.load', ref());
    expect(l.inactive).toBe(await inactiveXml());
    expect(l.inactive).toContain(`<name>${name}</name>`);
    expect(l.inactive).toContain("passwd='s3cretpw'");
    expect(l).toMatchObject({ live: null, active: false, internalSnapshots: false });
  });

  it('defines a valid edit with validation; it reads back with the change, the display password kept', async () => {
    const base = (await fx.call<Loaded>('domainxml.load', ref())).inactive;
    const edited = base.replace('</uuid>', '</uuid>\n  <description>edited in the XML editor</description>');
    const r = await fx.call<Defined>('domainxml.define', { ...ref(), xml: edited, expectedXml: base });
    expect(r.active).toBe(false);
    expect(r.xml).toContain('<description>edited in the XML editor</description>');
    expect(r.xml).toBe(await inactiveXml());
    // Read back through the call the Overview uses, too.
    const { xml } = await fx.call<{ xml: string }>('vms.xml', { ...ref(), inactive: true });
    expect(xml).toContain('<description>edited in the XML editor</description>');
    expect(r.xml).toContain("passwd='s3cretpw'");
  });

  it('refuses an unknown element where the schema allows none with libvirt’s words; the VM is unchanged', async () => {
    const before = await inactiveXml();
    const bogus = before.replace('</devices>', '  <bogus/>\n  </devices>');
    const err = await refusal({ xml: bogus, expectedXml: before });
    expect(err.code).toBe('libvirt');
    expect(err.message).toMatch(/schema|valid/i);
    expect(await inactiveXml()).toBe(before);
    // The validate flag is what refuses it: without it libvirt quietly drops the unknown element.
    await fx.client.domainDefineXML(bogus, 0);
    expect(await inactiveXml()).toBe(before);
  });

  it('refuses a bad value with libvirt’s words; the VM is unchanged', async () => {
    const before = await inactiveXml();
    const bad = before.replace(/<vcpu placement='static'>1<\/vcpu>/, "<vcpu placement='static'>lots</vcpu>");
    expect(bad).not.toBe(before);
    const err = await refusal({ xml: bad, expectedXml: before });
    expect(err.code).toBe('libvirt');
    expect(err.message.length).toBeGreaterThan(10);
    expect(await inactiveXml()).toBe(before);
  });

  it('refuses another UUID (a new VM) before libvirt; no second VM appears', async () => {
    const before = await inactiveXml();
    const count = (await fx.client.connectListAllDomains(0)).length;
    const other = before.replace(/<uuid>[^<]+<\/uuid>/, '<uuid>0f0e0d0c-0b0a-4908-8706-050403020100</uuid>');
    const err = await refusal({ xml: other });
    expect(err.code).toBe('invalid-input');
    expect(err.message).toContain('new VM');
    expect(err.message).toContain(dom.uuid);
    const noUuid = before.replace(/<uuid>[^<]+<\/uuid>/, '');
    expect((await refusal({ xml: noUuid })).message).toContain('no <uuid>');
    expect((await fx.client.connectListAllDomains(0)).length).toBe(count);
    expect(await inactiveXml()).toBe(before);
  });

  it('refuses a new name: “Use Rename”', async () => {
    const before = await inactiveXml();
    const err = await refusal({ xml: before.replace(`<name>${name}</name>`, `<name>${name}-2</name>`) });
    expect(err.code).toBe('invalid-input');
    expect(err.message).toContain('Use Rename');
    expect(await fx.client.domainLookupByName(`${name}-2`).catch(() => null)).toBeNull();
    expect(await inactiveXml()).toBe(before);
  });

  it('refuses malformed XML, saying where', async () => {
    const before = await inactiveXml();
    // libvirt writes <name> on the second line.
    const err = await refusal({ xml: before.replace('</name>', '</nam>') });
    expect(err.code).toBe('invalid-input');
    expect(err.message).toMatch(/^The XML is not well-formed \(line 2, column \d+\): /);
    expect((await refusal({ xml: '<network/>' })).message).toContain('<domain>');
    expect(await inactiveXml()).toBe(before);
  });

  it('refuses a stale base (changed elsewhere since editing began) and keeps the other change', async () => {
    const base = (await fx.call<Loaded>('domainxml.load', ref())).inactive;
    const elsewhere = base.replace(
      /<description>[^<]*<\/description>/,
      '<description>changed elsewhere</description>',
    );
    await fx.client.domainDefineXML(elsewhere, 0);
    const now = await inactiveXml();
    const mine = base.replace(/<description>[^<]*<\/description>/, '<description>mine</description>');
    const err = await refusal({ xml: mine, expectedXml: base });
    expect(err.code).toBe('conflict');
    expect(err.message).toContain('changed elsewhere');
    expect(err.message).toContain('Reload');
    expect(await inactiveXml()).toBe(now);
  });

  it('while running: shows the live XML; a saved edit applies at next boot, the live definition unchanged', async () => {
    await fx.client.domainCreate(dom);
    try {
      const l = await fx.call<Loaded>('domainxml.load', ref());
      expect(l.active).toBe(true);
      expect(l.live).toContain("<domain type='");
      expect(l.live).toMatch(/ id='\d+'/);
      const edited = l.inactive.replace(
        /<description>[^<]*<\/description>/,
        '<description>next boot</description>',
      );
      const r = await fx.call<Defined>('domainxml.define', {
        ...ref(),
        xml: edited,
        expectedXml: l.inactive,
      });
      expect(r.active).toBe(true);
      expect(r.xml).toContain('<description>next boot</description>');
      expect(await fx.client.domainGetXMLDesc(dom, 0)).not.toContain('next boot');
    } finally {
      await fx.client.domainDestroy(dom).catch(() => undefined);
    }
  }, 60_000);
});
