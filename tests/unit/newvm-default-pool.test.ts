/** Where New VM puts the default pool when a connection has none running (pure logic). */
import { describe, expect, it } from 'vitest';
import { defaultPoolPath, poolToCreate } from '../../electron/newvm/service.js';

describe('the default pool New VM announces', () => {
  it('lives in libvirt’s images folder on system connections, in XDG_DATA_HOME on a local session', () => {
    expect(defaultPoolPath({ path: '/system' })).toBe('/var/lib/libvirt/images');
    expect(defaultPoolPath({ path: '/system', host: 'h' })).toBe('/var/lib/libvirt/images');
    expect(defaultPoolPath({ path: '/session' }, { XDG_DATA_HOME: '/x/data' }, '/home/u')).toBe(
      '/x/data/libvirt/images',
    );
    expect(defaultPoolPath({ path: '/session' }, {}, '/home/u')).toBe('/home/u/.local/share/libvirt/images');
    // A relative XDG_DATA_HOME is invalid by the spec: ignored.
    expect(defaultPoolPath({ path: '/session' }, { XDG_DATA_HOME: 'rel' }, '/home/u')).toBe(
      '/home/u/.local/share/libvirt/images',
    );
    expect(defaultPoolPath({ path: '/session', host: 'far' })).toBeNull();
  });

  it('is created when no pool runs, started when it exists stopped, not offered when a pool runs', () => {
    const P = '/var/lib/libvirt/images';
    expect(poolToCreate([], P)).toEqual({ name: 'default', path: P, exists: false });
    expect(poolToCreate([{ name: 'other', active: false, path: '/o' }], P)).toEqual({
      name: 'default',
      path: P,
      exists: false,
    });
    expect(poolToCreate([{ name: 'default', active: false, path: '/d' }], P)).toEqual({
      name: 'default',
      path: '/d',
      exists: true,
    });
    expect(poolToCreate([{ name: 'x', active: true, path: '/x' }], P)).toBeNull();
    expect(poolToCreate([], null)).toBeNull();
  });
});
