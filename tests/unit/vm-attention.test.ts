/**
 * A VM that needs the user: libvirt's pause reasons (virDomainPausedReason, by the numbers of
 * electron/libvirt) reach the renderer by name, and each error pause comes with the actions that help.
 */
import { describe, expect, it } from 'vitest';
import { DomainPausedReason, DomainState } from '../../electron/libvirt/index.js';
import { vmAttention } from '../../renderer/src/features/vms/lifecycle/attention.js';
import { vmReasonName, vmStateName } from '../../shared/model/index.js';

const paused = (reason: number) => {
  const state = vmStateName(DomainState.PAUSED);
  return { state, reason: vmReasonName(state, reason) };
};

describe('VM attention', () => {
  it('names every pause reason as libvirt numbers it', () => {
    for (const [key, value] of Object.entries(DomainPausedReason))
      expect(vmReasonName('paused', value), key).toBe(key.toLowerCase());
  });

  it('a VM paused by an error says why and offers what helps', () => {
    expect(vmAttention(paused(DomainPausedReason.IOERROR))).toEqual({
      kind: 'ioerror',
      actions: ['resume', 'destroy'],
    });
    expect(vmAttention(paused(DomainPausedReason.CRASHED))).toEqual({
      kind: 'crashed',
      actions: ['reset', 'destroy'],
    });
    expect(vmAttention(paused(DomainPausedReason.WATCHDOG))?.actions).toEqual(['reset', 'destroy']);
    expect(vmAttention(paused(DomainPausedReason.POSTCOPY_FAILED))?.actions).toEqual(['destroy']);
    // paused on purpose, or for a job: plain "Paused", nothing to offer
    for (const r of [DomainPausedReason.USER, DomainPausedReason.MIGRATION, DomainPausedReason.SNAPSHOT])
      expect(vmAttention(paused(r))).toBeNull();
  });

  it('a shutdown the guest ignored offers Force Off, until the VM is off', () => {
    expect(vmAttention({ state: 'running', reason: 'booted', shutdownOverdue: true })).toEqual({
      kind: 'shutdownOverdue',
      actions: ['destroy'],
    });
    expect(vmAttention({ state: 'shutoff', reason: 'shutdown', shutdownOverdue: true })).toBeNull();
    expect(vmAttention({ state: 'running', reason: 'booted' })).toBeNull();
  });
});
