/**
 * Why a display session ended, from what the renderer can see (pure). The WebSocket's close code tells
 * who hung up: our VNC proxy closes with 1000 when the VNC server closed the connection; 1006 (no close
 * frame) means the connection itself broke. The VM's state, read after the drop, tells a VM that stopped
 * apart from a VNC server that dropped this viewer — with the VM still running, that is QEMU handing the
 * display to another viewer that asked for it exclusively.
 */
export type DropReason = 'vm-stopped' | 'taken' | 'network' | 'unknown';

export interface DropFacts {
  /** The VM's state after the drop: true running/paused, false stopped, null unknown (lookup failed). */
  vmRunning: boolean | null;
  /** The WebSocket's close code, null when it never opened or was not seen. */
  closeCode: number | null;
  closeReason?: string;
  /** noVNC's own verdict: true when we asked for the disconnect. */
  clean: boolean;
}

/** The proxy's close when the VNC server ended the connection (electron/console/vnc-proxy.ts). */
export const refusedByServer = (close: { code: number; reason: string } | null): boolean =>
  close?.code === 1000 && /VNC server closed/i.test(close.reason);

export function dropReason(f: DropFacts): DropReason {
  if (f.vmRunning === false) return 'vm-stopped';
  if (f.closeCode !== null && refusedByServer({ code: f.closeCode, reason: f.closeReason ?? '' }))
    return 'taken';
  if (f.closeCode === 1006 || f.closeCode === 1001 || f.closeCode === 1011) return 'network';
  if (f.vmRunning === null) return 'network';
  return f.clean ? 'unknown' : 'network';
}
