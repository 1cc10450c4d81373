/**
 * Packaging and launch hardening that can be checked without the Electron binary: the fuses in
 * electron-builder's configuration (keys checked against electron-builder's own schema) and the
 * launcher's refusal to drop Chromium's sandbox as root.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALLOW_ROOT_FLAG, sandboxDecision } from '../../scripts/electron-sandbox.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const require = createRequire(join(ROOT, 'node_modules/app-builder-lib/package.json'));
const yaml = require('js-yaml') as { load(text: string): unknown };

describe('electron-builder fuses', () => {
  const config = yaml.load(readFileSync(join(ROOT, 'build/electron-builder.yml'), 'utf8')) as {
    electronFuses?: Record<string, unknown>;
  };
  const schema = require('./scheme.json') as {
    properties: Record<string, unknown>;
    definitions: { FuseOptionsV1: { properties: Record<string, unknown> } };
  };

  it('flips the security fuses', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
    });
  });

  it('uses only keys electron-builder knows (a typo would be a silently unflipped fuse)', () => {
    expect(Object.keys(schema.properties)).toContain('electronFuses');
    const known = Object.keys(schema.definitions.FuseOptionsV1.properties);
    for (const key of Object.keys(config.electronFuses ?? {})) expect(known).toContain(key);
  });
});

describe('npm start as root', () => {
  it('starts normally for a user, sandbox untouched', () => {
    expect(sandboxDecision({ euid: 1000, argv: ['--foo'] })).toEqual({
      ok: true,
      electronArgs: ['--foo'],
      warning: null,
    });
  });

  it('refuses root, saying why and how to override', () => {
    const d = sandboxDecision({ euid: 0, argv: [] });
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.message).toMatch(/Refusing to start VirtDesk as root/);
      expect(d.message).toMatch(/sandbox/);
      expect(d.message).toContain(ALLOW_ROOT_FLAG);
    }
  });

  it('drops the sandbox only with the explicit flag, and says so', () => {
    const d = sandboxDecision({ euid: 0, argv: [ALLOW_ROOT_FLAG, '--x'] });
    expect(d).toEqual({
      ok: true,
      electronArgs: ['--no-sandbox', '--x'],
      warning: expect.stringMatching(/sandbox turned OFF/),
    });
  });

  it('the launcher refuses root before looking for Electron', async () => {
    if (process.geteuid?.() !== 0) return;
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/start-electron.mjs')], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Refusing to start VirtDesk as root/);
    expect(r.stderr).not.toMatch(/--no-sandbox/);
  });
});
