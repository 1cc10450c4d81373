import { describe, expect, it } from 'vitest';
import { dropReason, refusedByServer } from '../../renderer/src/features/consoles/dropReason.js';

const SERVER_CLOSED = 'VNC server closed the connection';

describe('why a display dropped', () => {
  it('the VM stopped wins over how the socket closed', () => {
    expect(dropReason({ vmRunning: false, closeCode: 1000, closeReason: SERVER_CLOSED, clean: false })).toBe(
      'vm-stopped',
    );
    expect(dropReason({ vmRunning: false, closeCode: 1006, clean: false })).toBe('vm-stopped');
  });
  it('the VNC server hanging up on a running VM: another viewer took the display', () => {
    expect(dropReason({ vmRunning: true, closeCode: 1000, closeReason: SERVER_CLOSED, clean: true })).toBe(
      'taken',
    );
  });
  it('a connection that broke, or a VM state that cannot be read: the network', () => {
    expect(dropReason({ vmRunning: true, closeCode: 1006, clean: false })).toBe('network');
    expect(dropReason({ vmRunning: null, closeCode: 1000, closeReason: 'closed', clean: true })).toBe(
      'network',
    );
    expect(dropReason({ vmRunning: true, closeCode: 1011, clean: false })).toBe('network');
  });
  it('anything else closed cleanly is only "closed"', () => {
    expect(dropReason({ vmRunning: true, closeCode: 1000, closeReason: 'closed', clean: true })).toBe(
      'unknown',
    );
  });
  it('recognises the proxy close that means the server refused or dropped us', () => {
    expect(refusedByServer({ code: 1000, reason: SERVER_CLOSED })).toBe(true);
    expect(refusedByServer({ code: 1006, reason: '' })).toBe(false);
    expect(refusedByServer(null)).toBe(false);
  });
});
