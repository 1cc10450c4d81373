/**
 * The renderer's form kit (renderer/src/ui/form/issues.ts): zod issues of the contract's own schemas land
 * on the dialog's fields in plain words, and a main-process `invalid-input` answer lands on the same fields.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { calls } from '../../shared/contract/index.js';
import { ApiError } from '../../renderer/src/api/transport.js';
import en from '../../renderer/src/i18n/en/form.js';
import { format, type Params } from '../../renderer/src/i18n/format.js';
import {
  fieldForPath,
  remoteFieldErrors,
  validate,
  type FieldMapping,
} from '../../renderer/src/ui/form/issues.js';

/** `t` over the English catalog, like the renderer's (unknown keys come back as themselves). */
const catalog: Record<string, string> = en;
const t = (key: string, params?: Params): string => format(catalog[key] ?? key, params);

const UUID = '6d2c4a10-3f1e-4c51-9a77-0b1f2e3d4c5b';

const newVmFields = ['name', 'iso', 'memoryMiB', 'vcpus', 'diskGiB', 'pool', 'network', 'start'] as const;
const newVmMap: FieldMapping<(typeof newVmFields)[number]> = {
  fields: newVmFields,
  paths: { 'disk.sizeGiB': 'diskGiB', 'disk.pool': 'pool', installMedia: 'iso' },
};
const newVm = (over: Record<string, unknown> = {}) => ({
  connectionId: 'c1',
  name: 'debian',
  memoryMiB: 2048,
  vcpus: 2,
  disk: { pool: 'default', sizeGiB: 20 },
  network: 'default',
  start: true,
  ...over,
});

/** The main process's answer to a payload its schema refused (electron/core: code, message, zod issues). */
const serverRefusal = (schema: z.ZodType, input: unknown): ApiError => {
  const r = schema.safeParse(input);
  if (r.success) throw new Error('expected the schema to refuse the input');
  return new ApiError({
    code: 'invalid-input',
    message: 'Invalid input',
    issues: r.error.issues.map((i) => ({
      path: i.path.filter((p): p is string | number => typeof p !== 'symbol'),
      message: i.message,
    })),
  });
};

describe('form kit: zod issues → fields', () => {
  it('maps a path to the field of that name, its first segment, or an explicit mapping', () => {
    expect(fieldForPath(['name'], newVmMap)).toBe('name');
    expect(fieldForPath(['disk', 'sizeGiB'], newVmMap)).toBe('diskGiB');
    expect(fieldForPath(['installMedia'], newVmMap)).toBe('iso');
    expect(fieldForPath(['connectionId'], newVmMap)).toBeNull();
    expect(fieldForPath([], newVmMap)).toBeNull();
    expect(fieldForPath(['start', 0], newVmMap)).toBe('start');
  });

  it('accepts valid input and returns what the schema parsed (defaults included)', () => {
    const r = validate(calls['newvm.create'].input, newVm({ start: undefined }), newVmMap, t);
    expect(r).toEqual({ ok: true, data: expect.objectContaining({ name: 'debian', start: true }) });
  });

  it('puts every refused field of the New VM input on its own field, in plain words', () => {
    const r = validate(
      calls['newvm.create'].input,
      newVm({
        name: '',
        memoryMiB: 16,
        vcpus: 1.5,
        disk: { pool: 'default', sizeGiB: 0 },
        installMedia: 'relative.iso',
      }),
      newVmMap,
      t,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual({
      name: 'Enter a name',
      memoryMiB: 'At least 64',
      vcpus: 'Enter a whole number',
      diskGiB: 'More than 0',
      // A refinement: only the schema can say what is wrong, so its own words are kept.
      iso: 'Use an absolute path (starting with /)',
    });
  });

  it('words numbers typed as text, and too-long names, by kind', () => {
    const r = validate(
      calls['newvm.create'].input,
      newVm({ memoryMiB: Number('lots'), name: 'x'.repeat(201) }),
      newVmMap,
      t,
    );
    expect(r.ok ? null : r.errors).toEqual({ memoryMiB: 'Enter a number', name: 'At most 200 characters' });
  });

  it('keeps the first issue of a field and puts issues of no field on the form', () => {
    const schema = z
      .object({ name: z.string().min(3).max(5), other: z.string() })
      .strict()
      .refine((v) => v.name !== 'abc', { message: 'Not abc' });
    const r = validate(schema, { name: 'a', other: 'x', extra: 1 }, { fields: ['name'] }, t);
    expect(r.ok ? null : r.errors).toEqual({
      name: 'At least 3 characters',
      form: 'This value is not valid',
    });
  });

  it("keeps a schema's own message for refinements, and a dialog's fixed wording when it has one", () => {
    const rename = calls['vms.action'].input;
    const input = { connectionId: 'c', uuid: UUID, action: 'rename', newName: 'a/b' };
    const r = validate(rename, input, { fields: ['name'], paths: { newName: 'name' } }, t);
    expect(r.ok ? null : r.errors).toEqual({ name: "Name may not contain '/'" });

    const add = calls['connections.add'].input;
    const map = {
      fields: ['name', 'uri', 'autoconnect'] as const,
      messages: { uri: 'Not a libvirt URI (custom wording)' },
    };
    const bad = validate(add, { name: '', uri: 'not a uri', autoconnect: true }, map, t);
    expect(bad.ok ? null : bad.errors).toEqual({
      name: 'Enter a name',
      uri: 'Not a libvirt URI (custom wording)',
    });
  });

  it('words a choice outside an enum and a required field missing', () => {
    const schema = z.object({ mode: z.enum(['managed', 'p2p']), target: z.string() });
    const r = validate(schema, { mode: 'other' }, { fields: ['mode', 'target'] }, t);
    expect(r.ok ? null : r.errors).toEqual({
      mode: 'Choose one of the options',
      target: 'Choose a target host',
    });
  });
});

describe('form kit: the main process refused the input (invalid-input)', () => {
  it('puts its issues on the same fields as local validation does', () => {
    const input = newVm({ name: 'a/b', disk: { pool: '', sizeGiB: 20 }, installMedia: 'x.iso' });
    const local = validate(calls['newvm.create'].input, input, newVmMap, t);
    const remote = remoteFieldErrors(serverRefusal(calls['newvm.create'].input, input), newVmMap);
    expect(local.ok).toBe(false);
    if (local.ok) return;
    expect(Object.keys(remote ?? {}).sort()).toEqual(Object.keys(local.errors).sort());
    expect(Object.keys(remote ?? {}).sort()).toEqual(['iso', 'name', 'pool']);
    // The server's words (it sends no issue kinds), except where the dialog fixed its own wording.
    expect(remote?.name).toBe("Name may not contain '/'");
  });

  it('maps the migration target and bandwidth like the dialog does', () => {
    const schema = calls['migration.start'].input;
    const map = {
      fields: ['target', 'bandwidth', 'address'] as const,
      paths: { targetConnectionId: 'target', bandwidthMiBs: 'bandwidth' },
    };
    const slow = { connectionId: 'a', uuid: UUID, targetConnectionId: 'b', bandwidthMiBs: 0 };
    expect(remoteFieldErrors(serverRefusal(schema, slow), map)).toEqual({
      bandwidth: expect.any(String),
    });
    expect(validate(schema, slow, map, t)).toEqual({ ok: false, errors: { bandwidth: 'At least 1' } });
    // The schema's cross-field refinement names its path: it lands on the target field, both ways.
    const same = { connectionId: 'a', uuid: UUID, targetConnectionId: 'a' };
    expect(remoteFieldErrors(serverRefusal(schema, same), map)).toEqual({
      target: 'The target must be another connection',
    });
    expect(validate(schema, same, map, t)).toEqual({
      ok: false,
      errors: { target: 'The target must be another connection' },
    });
  });

  it('applies the fixed wording of a field to the server issues too', () => {
    const map = { fields: ['name', 'uri'] as const, messages: { uri: 'Not a libvirt URI' } };
    const err = serverRefusal(calls['connections.add'].input, { name: 'x', uri: 'nope' });
    expect(remoteFieldErrors(err, map)).toEqual({ uri: 'Not a libvirt URI' });
  });

  it('leaves any other error to the dialog (null), also for the wire shape of a RemoteError', () => {
    const map = { fields: ['name'] as const };
    expect(remoteFieldErrors(new ApiError({ code: 'libvirt', message: 'domain exists' }), map)).toBeNull();
    expect(remoteFieldErrors(new ApiError({ code: 'invalid-input', message: 'no issues' }), map)).toBeNull();
    expect(remoteFieldErrors(new Error('boom'), map)).toBeNull();
    const wire = {
      code: 'invalid-input',
      message: 'Invalid',
      issues: [{ path: ['name'], message: 'Too long' }],
    };
    expect(remoteFieldErrors(wire, map)).toEqual({ name: 'Too long' });
    const elsewhere = {
      code: 'invalid-input',
      message: 'Invalid',
      issues: [{ path: ['uuid'], message: 'Bad' }],
    };
    expect(remoteFieldErrors(elsewhere, map)).toEqual({ form: 'Bad' });
  });
});
