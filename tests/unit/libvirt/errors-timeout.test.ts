import { describe, expect, it } from 'vitest';
import {
  LibvirtError,
  VIR_ERR_NO_DOMAIN,
  VIR_FROM_QEMU,
  isLibvirtError,
  libvirtCode,
  withTimeout,
} from '../../../electron/libvirt/index.js';

const noDomain = () =>
  new LibvirtError("Domain not found: no domain with matching name 'x'", {
    code: VIR_ERR_NO_DOMAIN,
    domain: VIR_FROM_QEMU,
    level: 2,
  });

describe('isLibvirtError / libvirtCode', () => {
  it("recognise the daemon's errors and give their virErrorNumber", () => {
    expect(isLibvirtError(noDomain())).toBe(true);
    expect(libvirtCode(noDomain())).toBe(VIR_ERR_NO_DOMAIN);
  });

  it('recognise a LibvirtError from another copy of the module by its shape', () => {
    const foreign = Object.assign(new Error('Requested operation is not valid'), {
      name: 'LibvirtError',
      code: 55,
      domain: 10,
    });
    expect(isLibvirtError(foreign)).toBe(true);
    expect(libvirtCode(foreign)).toBe(55);
  });

  it('give null for anything else', () => {
    const named = Object.assign(new Error('x'), { name: 'LibvirtError' }); // no code/domain
    for (const e of [new Error('x'), named, { name: 'LibvirtError', code: 42, domain: 0 }, 'text', null])
      expect([isLibvirtError(e), libvirtCode(e)]).toEqual([false, null]);
  });
});

describe('withTimeout', () => {
  it('passes the value or the error of a prompt answer through', async () => {
    await expect(withTimeout(Promise.resolve(7), 1000, 'libvirt')).resolves.toBe(7);
    const err = noDomain();
    await expect(withTimeout(Promise.reject(err), 1000, 'libvirt')).rejects.toBe(err);
  });

  it('rejects in plain words when there is no answer in time', async () => {
    const never = new Promise<never>(() => undefined);
    await expect(withTimeout(never, 20, 'libvirt on qemu:///system')).rejects.toThrow(
      'libvirt on qemu:///system did not answer within 0.02 s',
    );
  });
});
