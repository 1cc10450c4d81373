/**
 * Toasts are for what just happened: every toast goes away by itself (errors a little later), stays while
 * the pointer is on it, and keeps libvirt's words apart as a detail.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dismissToast, getToasts, holdToast, showToast, TOAST_MS } from '../../renderer/src/store/toasts.js';

describe('toasts', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    for (const t of getToasts()) dismissToast(t.id);
    vi.useRealTimers();
  });

  it('go away by themselves, errors later than info, and wait while held', () => {
    showToast('“web” started');
    showToast('Could not start “web”.', 'error', { detail: 'internal error: process exited' });
    expect(getToasts().map((t) => [t.kind, t.message, t.detail])).toEqual([
      ['info', '“web” started', undefined],
      ['error', 'Could not start “web”.', 'internal error: process exited'],
    ]);
    vi.advanceTimersByTime(TOAST_MS.info + 1);
    expect(getToasts().map((t) => t.kind)).toEqual(['error']);
    const err = getToasts()[0]!;
    holdToast(err.id, true);
    vi.advanceTimersByTime(TOAST_MS.error * 2);
    expect(getToasts()).toHaveLength(1);
    holdToast(err.id, false);
    vi.advanceTimersByTime(TOAST_MS.error + 1);
    expect(getToasts()).toEqual([]);
  });

  it('carries an action, and does not repeat a detail equal to the message', () => {
    const run = vi.fn();
    showToast('Could not resume “web”.', 'error', {
      detail: 'Disconnected',
      action: { label: 'Reset', run },
    });
    showToast('Disconnected', 'error', { detail: 'Disconnected' });
    const [withAction, plain] = getToasts();
    withAction!.action!.run();
    expect(run).toHaveBeenCalledOnce();
    expect(plain!.detail).toBeUndefined();
  });
});
