import { describe, expect, it } from 'vitest';
import { migrationStartSchema } from '../../shared/contract/migration.js';
import { migrationRequest } from '../../electron/migration/service.js';

/** The request as the core's handler gets it: validated, defaults applied. */
const req = (input: object) => migrationRequest(migrationStartSchema.parse(input));

const base = {
  connectionId: 'a',
  uuid: '6b0e6a3c-0000-4000-8000-000000000001',
  targetConnectionId: 'b',
};

describe('migration request', () => {
  it('defaults to a live, persistent move without parameters', () => {
    expect(req(base)).toEqual({ flags: 1 | 8 | 16, params: {} });
  });

  it('maps the options to libvirt flags and typed parameters', () => {
    expect(
      req({
        ...base,
        live: false,
        persistent: false,
        autoConverge: true,
        compressed: true,
        bandwidthMiBs: 100,
        address: '192.0.2.7',
      }),
    ).toEqual({ flags: 8192 | 2048, params: { bandwidth: 100, migrate_uri: 'tcp://192.0.2.7' } });
    expect(req({ ...base, address: '[2001:db8::1]' }).params.migrate_uri).toBe('tcp://[2001:db8::1]');
  });

  it('refuses the source as target, bad addresses and bandwidths', () => {
    const bad = (extra: object) => migrationStartSchema.safeParse({ ...base, ...extra }).success;
    expect(bad({ targetConnectionId: 'a' })).toBe(false);
    for (const address of ['', 'tcp://x', 'a b', 'x/y', '-x', 'x;rm', 'ü'])
      expect(bad({ address }), address).toBe(false);
    for (const bandwidthMiBs of [0, -1, 1.5, 2e6])
      expect(bad({ bandwidthMiBs }), String(bandwidthMiBs)).toBe(false);
    expect(bad({ unknown: 1 })).toBe(false);
    expect(bad({ address: 'host-2.example.org', bandwidthMiBs: 1 })).toBe(true);
  });
});
