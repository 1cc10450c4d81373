/**
 * The test bed tells a crashed private libvirtd from one a test or the teardown ended on purpose
 * (SIGKILL, SIGTERM), including through the system daemon's namespace shell, which exits 128 + n.
 */
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { crashSignal } from '../support/procs.js';

describe('crashSignal', () => {
  it('names crash signals seen directly', () => {
    expect(crashSignal(null, 'SIGSEGV')).toBe('SIGSEGV');
    expect(crashSignal(null, 'SIGABRT')).toBe('SIGABRT');
  });

  it('takes a shell’s 128 + n exit code for signal n', () => {
    expect(crashSignal(128 + os.constants.signals.SIGSEGV, null)).toBe('SIGSEGV');
    expect(crashSignal(128 + os.constants.signals.SIGBUS, null)).toBe('SIGBUS');
  });

  it('does not count deliberate ends or ordinary exit codes', () => {
    expect(crashSignal(null, 'SIGKILL')).toBeUndefined();
    expect(crashSignal(null, 'SIGTERM')).toBeUndefined();
    expect(crashSignal(128 + os.constants.signals.SIGKILL, null)).toBeUndefined();
    expect(crashSignal(0, null)).toBeUndefined();
    expect(crashSignal(1, null)).toBeUndefined();
    expect(crashSignal(null, null)).toBeUndefined();
  });
});
