import { describe, expect, it } from 'vitest';
import { calls } from '../../shared/contract/index.js';
import { newVmInputSchema } from '../../shared/contract/newvm.js';
import { vmActionInputSchema } from '../../shared/contract/vms.js';
import { snapshotNameSchema } from '../../shared/contract/snapshots.js';
import { displayNameSchema, libvirtNameSchema, vmNameSchema } from '../../shared/model/names.js';

// Written as escapes: these characters are invisible in source code too.
const ATTACKS = [
  'invoice\u202Efdp.exe', // RIGHT-TO-LEFT OVERRIDE: displays as "invoiceexe.pdf"
  'prod\u200B', // ZERO WIDTH SPACE: looks like "prod"
  'p\u200Drod', // ZERO WIDTH JOINER
  '\uFEFFweb', // BYTE ORDER MARK / ZWNBSP
  'a\u2066b\u2069', // LEFT-TO-RIGHT ISOLATE … POP DIRECTIONAL ISOLATE
  'x\u00ADy', // SOFT HYPHEN
  'x\u061Cy', // ARABIC LETTER MARK
];

describe('names with invisible formatting characters (Unicode Cf)', () => {
  it.each(ATTACKS)('refuses %j for VMs, snapshots and connections, with a plain message', (name) => {
    for (const schema of [vmNameSchema, snapshotNameSchema, displayNameSchema]) {
      const r = schema.safeParse(name);
      expect(r.success).toBe(false);
      expect(r.error?.issues.map((i) => i.message).join('\n')).toMatch(/invisible formatting characters/);
    }
  });

  it('accepts ordinary names in any script', () => {
    for (const name of ['web-01', 'Prod DB', 'Übersicht', 'サーバー', 'خادم', 'сервер 2', 'vm 😀'])
      for (const schema of [vmNameSchema, snapshotNameSchema, displayNameSchema])
        expect(schema.safeParse(name).success).toBe(true);
  });

  it('refuses them in every call that names something: new VM, rename, clone, snapshot, connection', () => {
    const ids = { connectionId: 'c1', uuid: '12345678-1234-1234-1234-123456789abc' };
    const bad = ATTACKS[0]!;
    const inputs: [string, unknown][] = [
      ['vms.clone', { ...ids, newName: bad }],
      ['snapshots.create', { ...ids, name: bad }],
      ['connections.add', { name: bad, uri: 'qemu:///system', autoconnect: false }],
    ];
    expect(vmActionInputSchema.safeParse({ ...ids, action: 'rename', newName: bad }).success).toBe(false);
    expect(vmActionInputSchema.safeParse({ ...ids, action: 'rename', newName: 'ok' }).success).toBe(true);
    const nameIssues = (name: string) =>
      (newVmInputSchema.safeParse({ connectionId: 'c1', name }).error?.issues ?? []).filter(
        (i) => i.path[0] === 'name',
      );
    expect(nameIssues(bad).map((i) => i.message)).toEqual([expect.stringMatching(/invisible formatting/)]);
    expect(nameIssues('ok')).toEqual([]);
    for (const [name, input] of inputs) {
      const c = (
        calls as unknown as Record<string, { input: { safeParse(v: unknown): { success: boolean } } }>
      )[name];
      expect(c, name).toBeDefined();
      expect(c!.input.safeParse(input).success, name).toBe(false);
      // control: the same input with an ordinary name is valid
      const fixed = JSON.parse(JSON.stringify(input).replace(JSON.stringify(bad).slice(1, -1), 'ok'));
      expect(c!.input.safeParse(fixed).success, `${name} (control)`).toBe(true);
    }
  });

  it('existing snapshots named by other tools can still be reverted or deleted', () => {
    expect(libvirtNameSchema.safeParse(ATTACKS[0]).success).toBe(true);
    const c = (
      calls as unknown as Record<string, { input: { safeParse(v: unknown): { success: boolean } } }>
    )['snapshots.delete'];
    expect(
      c!.input.safeParse({
        connectionId: 'c1',
        uuid: '12345678-1234-1234-1234-123456789abc',
        name: ATTACKS[0],
      }).success,
    ).toBe(true);
  });
});
