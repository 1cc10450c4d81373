/**
 * The round-trip corpus (tests/support/domain-corpus.ts) through libvirt's own define with its schema
 * validation (VALIDATE) on the QEMU session daemon: each domain the host's libvirt takes as it is must be
 * taken again after each editor kind's edit, and libvirt's read-back has the edited field. Domains written
 * for the test driver are tried as QEMU domains; those libvirt refuses as they are (fragments, placeholders)
 * are left out, except the awkward corpus: every awkward domain is valid here but `future-*`, whose elements
 * from a future libvirt this one must refuse — before and after the edit alike. The virtiofs share is the
 * one edit the session daemon refuses (libvirt starts virtiofsd only as root): it goes through the private
 * system daemon, with the same checks.
 */
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DomainDefineFlags,
  DomainXMLFlags,
  openConnection,
  type LibvirtClient,
} from '../../electron/libvirt/index.js';
import { add, child, setAttrs, setText } from '../../electron/libvirt-xml/dom.js';
import { DomainXml } from '../../electron/libvirt-xml/index.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { domainCorpus, type CorpusDomain } from '../support/domain-corpus.js';
import { systemTestEnv, testEnv } from '../support/env.js';
import { removeGuest } from '../support/guest-life.js';
import { applyEdit, EDIT_KINDS, roundTripEdit, type EditKind } from '../support/roundtrip-edits.js';

const env = testEnv();
const corpus = domainCorpus();
const RUN = Math.random().toString(16).slice(2, 8).padEnd(6, '0');

/** The domain as this test defines it: its own name and UUID, the host's virtualization type. */
const forThisHost = (c: CorpusDomain, i: number): { name: string; xml: string } => {
  const d = DomainXml.parse(c.xml);
  const name = `vdt-rt-${RUN}-${i}`;
  setText(child(d.root, 'name')!, name);
  const uuid = `7d${RUN}-0000-4000-8000-${String(i).padStart(12, '0')}`;
  const u = child(d.root, 'uuid');
  if (u) setText(u, uuid);
  else {
    const next = child(d.root, 'name')!.nextSibling;
    const el = add(d.root, 'uuid', {}, uuid);
    if (next && next !== el) d.root.insertBefore(el, next);
  }
  setAttrs(d.root, { id: null });
  if (['test', 'kvm', 'qemu'].includes(d.type ?? '')) setAttrs(d.root, { type: env.virtType });
  return { name, xml: d.toString() };
};

const define = (client: LibvirtClient, xml: string): Promise<string | null> =>
  client.domainDefineXML(xml, DomainDefineFlags.VALIDATE).then(
    () => null,
    (e: Error) => e.message,
  );

/** The session daemon's refusal of a virtiofs share (libvirt runs virtiofsd only as root). */
const VIRTIOFS_SESSION = 'virtiofs is not yet supported in session mode';

/**
 * Defines the domain with the edit of `kind` and checks libvirt's read-back has the edited field; then
 * defines the domain as it was again, for the next kind. libvirt's refusal of the edit, or null.
 */
const tryEdit = async (
  client: LibvirtClient,
  id: string,
  name: string,
  xml: string,
  kind: EditKind,
  problems: string[],
): Promise<string | null> => {
  const edit = roundTripEdit(xml, kind);
  if (!edit) return null;
  const refused = await define(client, applyEdit(xml, edit));
  if (refused) return refused;
  const dom = await client.domainLookupByName(name);
  const back = DomainXml.parse(await client.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE));
  // Boot ids may change on the way (libvirt gives NICs without one a MAC): the order's length then.
  const [got, want] =
    kind === 'boot' && 'order' in edit.change
      ? [(edit.read(back) as { order: string[] }).order.length, edit.change.order!.length]
      : [edit.read(back), edit.expected];
  if (!isDeepStrictEqual(got, want))
    problems.push(
      `${id}: ${kind} read back from libvirt: ${JSON.stringify(got)}, not ${JSON.stringify(want)}`,
    );
  expect(await define(client, xml)).toBeNull();
  return null;
};

const sys = systemTestEnv();

describe('the round-trip corpus through libvirt’s validating define', () => {
  let fx: CoreFixture;
  const names: string[] = [];

  beforeAll(async () => {
    fx = await startCore(env.qemuUri);
  }, 60_000);

  afterAll(async () => {
    if (fx) {
      for (const n of names) await removeGuest([fx.client], n);
      await fx.stop();
    }
  });

  it('libvirt takes every edit of every domain it takes as it is', async () => {
    const accepted: string[] = [];
    const skipped: string[] = [];
    /** Everything wrong, all reported at once. */
    const problems: string[] = [];
    for (const [i, c] of corpus.entries()) {
      const { name, xml } = forThisHost(c, i);
      names.push(name);
      const future = c.id.includes('/future-');
      const refused = await define(fx.client, xml);
      if (future) {
        if (!refused) problems.push(`${c.id}: this libvirt took elements from the future`);
        for (const kind of EDIT_KINDS) {
          const edit = roundTripEdit(xml, kind);
          if (edit && !(await define(fx.client, applyEdit(xml, edit))))
            problems.push(`${c.id}: this libvirt took elements from the future after a ${kind} edit`);
        }
        continue;
      }
      if (refused) {
        if (c.awkward) problems.push(`${c.id} is refused by libvirt as it is: ${refused}`);
        skipped.push(c.id);
        continue;
      }
      accepted.push(c.id);
      for (const kind of EDIT_KINDS) {
        const refusal = await tryEdit(fx.client, c.id, name, xml, kind, problems);
        // The session daemon cannot run virtiofsd (libvirt starts it as root) and refuses every share in
        // its own words: the shares go through the private system daemon instead (the next test).
        if (refusal && !(kind === 'filesystem' && refusal.includes(VIRTIOFS_SESSION)))
          problems.push(`${c.id}: libvirt refused the ${kind} edit: ${refusal}`);
      }
    }
    expect(problems).toEqual([]);
    console.log(`round trip through libvirt: ${accepted.length} domains, left out: ${skipped.join(', ')}`);
    // The awkward corpus (but future-*), the fixture, the tiny guests and some of the suite's domains (a
    // placeholder for ${…} makes others invalid, e.g. a relative path): a broken preparation takes none.
    expect(accepted.length).toBeGreaterThanOrEqual(15);
  });
});

describe.skipIf(!sys.available)(
  `the virtiofs shares of the corpus on the system daemon${sys.available ? '' : ` (skipped: ${sys.available === false ? sys.skip : ''})`}`,
  () => {
    let client: LibvirtClient;
    const names: string[] = [];

    beforeAll(async () => {
      if (sys.available) client = await openConnection(sys.uri);
    });

    afterAll(async () => {
      for (const n of names) await removeGuest([client], n);
      await client?.close().catch(() => undefined);
    });

    it('libvirt takes the virtiofs share of every domain it takes as it is', async () => {
      const problems: string[] = [];
      let accepted = 0;
      for (const [i, c] of corpus.entries()) {
        if (c.id.includes('/future-')) continue;
        const { name, xml } = forThisHost(c, i);
        names.push(name);
        const refused = await define(client, xml);
        if (refused) {
          if (c.awkward) problems.push(`${c.id} is refused by the system daemon as it is: ${refused}`);
          continue;
        }
        accepted++;
        const refusal = await tryEdit(client, c.id, name, xml, 'filesystem', problems);
        if (refusal) problems.push(`${c.id}: the system daemon refused the filesystem edit: ${refusal}`);
      }
      expect(problems).toEqual([]);
      // As many as the session daemon takes: a broken preparation takes none.
      expect(accepted).toBeGreaterThanOrEqual(15);
    });
  },
);
