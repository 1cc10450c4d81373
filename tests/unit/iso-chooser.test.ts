/**
 * The New VM dialog's native ISO chooser, without the Electron binary: the IPC payload check, the dialog's
 * options and reply, and the renderer's decision to offer "Choose…" at all.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { isoDialogOptions, isoDialogReply, parseChooseIsoRequest } from '../../electron/iso-chooser.js';
import { CHOOSE_ISO_CHANNEL, isLocalLibvirtUri } from '../../shared/contract/native.js';
import { chooserStart, isoChooserFor } from '../../renderer/src/features/newvm/isoChooser.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('ISO chooser IPC payload', () => {
  it('takes a title and an absolute start folder', () => {
    expect(parseChooseIsoRequest({ title: 'Choose an ISO image', defaultPath: '/srv/iso/' })).toEqual({
      ok: true,
      value: { title: 'Choose an ISO image', defaultPath: '/srv/iso/' },
    });
    expect(parseChooseIsoRequest({ title: 'Choose' })).toMatchObject({ ok: true });
  });

  it('refuses anything else in plain words, with the issues by field', () => {
    for (const bad of [
      undefined,
      'x',
      {},
      { title: '' },
      { title: 'x'.repeat(201) },
      { title: 'Choose', defaultPath: 'relative/dir' },
      { title: 'Choose', defaultPath: '/tmp/\u0007' },
      { title: 'Choose', properties: ['openDirectory', 'multiSelections'] }, // no passing options through
    ]) {
      const r = parseChooseIsoRequest(bad);
      expect(r.ok, JSON.stringify(bad)).toBe(false);
      if (r.ok) continue;
      expect(r.error.code).toBe('invalid-input');
      expect(r.error.message).toBe('The file chooser was asked with an invalid request.');
      expect(r.error.issues?.length).toBeGreaterThan(0);
    }
    const r = parseChooseIsoRequest({ title: 'Choose', defaultPath: 'iso' });
    expect(!r.ok && r.error.issues).toEqual([
      { path: ['defaultPath'], message: 'Use an absolute path (starting with /)' },
    ]);
  });

  it('opens one file, ISO images first, where asked', () => {
    const o = isoDialogOptions({ title: 'Choose', defaultPath: '/srv/iso/' });
    expect(o).toMatchObject({ title: 'Choose', defaultPath: '/srv/iso/' });
    expect(o.properties).toContain('openFile');
    expect(o.properties).not.toContain('multiSelections');
    expect(o.filters[0]).toEqual({ name: 'ISO images', extensions: ['iso', 'ISO'] });
    expect('defaultPath' in isoDialogOptions({ title: 'Choose' })).toBe(false);
  });

  it('answers the chosen path, or null when cancelled or unusable', () => {
    expect(isoDialogReply({ canceled: false, filePaths: ['/srv/iso/debian-12.iso'] })).toEqual({
      path: '/srv/iso/debian-12.iso',
    });
    expect(isoDialogReply({ canceled: true, filePaths: ['/srv/iso/debian-12.iso'] })).toEqual({ path: null });
    expect(isoDialogReply({ canceled: false, filePaths: [] })).toEqual({ path: null });
    expect(isoDialogReply({ canceled: false, filePaths: ['/srv/a\nb.iso'] })).toEqual({ path: null });
  });

  it('the preload invokes the channel the main process handles', () => {
    const preload = readFileSync(resolve(ROOT, 'electron/preload.cts'), 'utf8');
    const main = readFileSync(resolve(ROOT, 'electron/main.ts'), 'utf8');
    expect(preload).toContain(`ipcRenderer.invoke('${CHOOSE_ISO_CHANNEL}', input)`);
    expect(main).toContain('ipcMain.handle(CHOOSE_ISO_CHANNEL,');
  });
});

describe('renderer: whether to offer "Choose…"', () => {
  const bridge = { chooseIso: vi.fn(async () => ({ path: '/srv/iso/debian-12.iso' })) };

  it('knows which daemons are on this machine', () => {
    for (const uri of [
      'qemu:///system',
      'qemu:///session',
      'qemu+unix:///system?socket=/run/x.sock',
      'test:///default',
    ])
      expect(isLocalLibvirtUri(uri), uri).toBe(true);
    for (const uri of [
      'qemu+ssh://root@h/system',
      'qemu://localhost/system',
      'qemu+tcp://10.0.0.2/system',
      'qemu+tls://h/system',
    ])
      expect(isLocalLibvirtUri(uri), uri).toBe(false);
  });

  it('offers it in the desktop app on a local connection only', async () => {
    const choose = isoChooserFor(bridge, 'qemu:///system');
    expect(choose).not.toBeNull();
    expect(await choose!({ title: 'Choose' })).toBe('/srv/iso/debian-12.iso');
    expect(bridge.chooseIso).toHaveBeenCalledWith({ title: 'Choose' });
    expect(isoChooserFor(bridge, 'qemu+ssh://root@h/system')).toBeNull(); // a file here is not on that host
    expect(isoChooserFor(undefined, 'qemu:///system')).toBeNull(); // web mode: no bridge
    expect(isoChooserFor({}, 'qemu:///system')).toBeNull(); // an older preload without the chooser
    expect(isoChooserFor(bridge, undefined)).toBeNull(); // connection not known (yet)
  });

  it('opens the dialog in the folder of the path typed so far', () => {
    expect(chooserStart('/srv/iso/debian-12.iso')).toBe('/srv/iso/');
    expect(chooserStart('/srv/iso/')).toBe('/srv/iso/');
    expect(chooserStart('/debian.iso')).toBeUndefined();
    expect(chooserStart('debian.iso')).toBeUndefined();
    expect(chooserStart('')).toBeUndefined();
  });
});
