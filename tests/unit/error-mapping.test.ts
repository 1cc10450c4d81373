/**
 * What crosses the boundary when a handler fails (electron/core/errors.ts): libvirt's own words and code
 * kept, a `duplicate` naming the saved object, a refused input said as a sentence (never a schema path),
 * and no password of a URI in any message, whoever wrote it.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CoreError } from '../../electron/base/errors.js';
import { inputRefusal, toRemoteError } from '../../electron/core/errors.js';

const SECRET = 'Hunter2-s3cret';
const uri = `qemu+ssh://root:${SECRET}@lab.example/system`;
const libvirtError = (message: string) =>
  Object.assign(new Error(message), { name: 'LibvirtError', code: 38, domain: 7, level: 2 });

describe('toRemoteError', () => {
  it("keeps libvirt's message and numbers", () => {
    expect(
      toRemoteError(libvirtError("Failed to connect socket to '/nope': No such file or directory")),
    ).toEqual({
      message: "Failed to connect socket to '/nope': No such file or directory",
      code: 'libvirt',
      libvirt: { code: 38, domain: 7, level: 2 },
    });
  });

  it('never lets a password of a URI through, whatever threw', () => {
    const connection = Object.assign(new Error(`cannot reach ${uri}`), { name: 'LibvirtConnectionError' });
    const thrown: unknown[] = [
      libvirtError(`End of file while reading data: ${uri}`),
      connection,
      new CoreError('not-connected', `Connection "${uri}" is not connected`, [
        { path: ['uri'], message: `bad ${uri}` },
      ]),
      new Error(`oops ${uri}`),
      `plain ${uri}`,
    ];
    for (const e of thrown) {
      const r = toRemoteError(e);
      expect(JSON.stringify(r)).not.toContain(SECRET);
      expect(r.message).toContain('root:***@lab.example');
    }
  });

  it('a duplicate names the saved object', () => {
    expect(
      toRemoteError(new CoreError('duplicate', 'Saved already as “Lab”.', undefined, undefined, 'c1')),
    ).toEqual({
      message: 'Saved already as “Lab”.',
      code: 'duplicate',
      existingId: 'c1',
    });
  });
});

describe('inputRefusal', () => {
  it('says a sentence, never a schema path', () => {
    const schema = z.object({ memoryMiB: z.number().min(64), name: z.string().min(1) }).strict();
    const r = schema.safeParse({ memoryMiB: 1, name: '' });
    expect(r.success).toBe(false);
    const msg = inputRefusal(r.error!);
    expect(msg).toBe('Some of the values given were not accepted.');
    expect(msg).not.toMatch(/memoryMiB|Too small/);
  });

  it("keeps a refinement's own sentence (written for people), capitalised, without a password", () => {
    const schema = z.string().refine((s) => !s.includes(':' + SECRET), {
      message: `a password in the connection URI is not accepted (${uri})`,
    });
    const r = schema.safeParse(uri);
    expect(inputRefusal(r.error!)).toBe(
      'A password in the connection URI is not accepted (qemu+ssh://root:***@lab.example/system).',
    );
  });
});
