/**
 * Preload of the sandboxed renderer (CommonJS, self-contained: sandboxed preloads cannot import files).
 * Exposes exactly `window.virtdesk = { call(name, input), onEvent(cb) → unsubscribe, chooseIso(input),
 * platform }` — named methods only; the renderer never sees ipcRenderer.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload: the only way to load 'electron'
import electron = require('electron');
import type { IpcRendererEvent } from 'electron';

const { contextBridge, ipcRenderer } = electron;

type Listener = (name: string, payload: unknown) => void;

interface RemoteErrorShape {
  message: string;
  code?: string;
  libvirt?: { code: number; domain: number; level: number };
  issues?: { path: (string | number)[]; message: string }[];
  remedy?: { kind: string; connectionId: string; network?: string; pool?: string };
  existingId?: string;
}

type Result = { ok: true; value: unknown } | { ok: false; error: RemoteErrorShape };

const listeners = new Set<Listener>();

ipcRenderer.on('vd:event', (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  if (typeof name !== 'string') return;
  for (const l of listeners) {
    try {
      l(name, payload);
    } catch (e) {
      console.error('virtdesk: event listener failed', e);
    }
  }
});

const toError = (e: RemoteErrorShape): Error => {
  const err = new Error(String(e?.message ?? 'Unknown error')) as Error & Partial<RemoteErrorShape>;
  err.name = 'RemoteError';
  if (e?.code !== undefined) err.code = e.code;
  if (e?.libvirt !== undefined) err.libvirt = e.libvirt;
  if (e?.issues !== undefined) err.issues = e.issues;
  if (e?.remedy !== undefined) err.remedy = e.remedy;
  if (e?.existingId !== undefined) err.existingId = e.existingId;
  return err;
};

contextBridge.exposeInMainWorld('virtdesk', {
  call: async (name: string, input: unknown): Promise<unknown> => {
    if (typeof name !== 'string') throw new TypeError('call(name, input): name must be a string');
    const r = (await ipcRenderer.invoke('vd:call', name, input)) as Result;
    if (r && r.ok) return r.value;
    throw toError(r && !r.ok ? r.error : { message: 'Malformed reply' });
  },
  onEvent: (cb: Listener): (() => void) => {
    if (typeof cb !== 'function') throw new TypeError('onEvent(cb): cb must be a function');
    const l: Listener = (name, payload) => cb(name, payload);
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  },
  // The ISO file chooser (shared/contract/native.ts; the main process validates the payload).
  chooseIso: async (input: unknown): Promise<unknown> => {
    const r = (await ipcRenderer.invoke('vd:chooseIso', input)) as Result;
    if (r && r.ok) return r.value;
    throw toError(r && !r.ok ? r.error : { message: 'Malformed reply' });
  },
  // The Storage page's upload/download file chooser (shared/contract/native.ts, validated in main).
  chooseFile: async (input: unknown): Promise<unknown> => {
    const r = (await ipcRenderer.invoke('vd:chooseFile', input)) as Result;
    if (r && r.ok) return r.value;
    throw toError(r && !r.ok ? r.error : { message: 'Malformed reply' });
  },
  platform: process.platform,
});
