/**
 * How much of the console feature one renderer (a ClientSession: an Electron window or one web-mode
 * WebSocket) may hold, and how much all of them together may hold. The per-session caps sit well below
 * the global ones, so one renderer (a runaway tab, a scripted client) cannot take what others need.
 */
export interface ConsoleLimits {
  hostShellsPerSession: number;
  hostShellsTotal: number;
  serialPerSession: number;
  serialTotal: number;
  displayTokensPerSession: number;
  displayTokensTotal: number;
  queuedOutputPerConsole: number;
}

export const CONSOLE_LIMITS: Readonly<ConsoleLimits> = Object.freeze({
  /** Host shells (ptys) open at once, per session / in total. */
  hostShellsPerSession: 8,
  hostShellsTotal: 48,
  /** Serial consoles open at once, per session / in total. */
  serialPerSession: 16,
  serialTotal: 96,
  /** Display (VNC) tokens issued but not used yet, per session / in total. */
  displayTokensPerSession: 16,
  displayTokensTotal: 200,
  /**
   * Console output queued for one console in the transport (sent, not yet written to the socket) at
   * most; beyond it the console is closed with a message (the renderer acknowledges but does not read).
   */
  queuedOutputPerConsole: 4 * 1024 * 1024,
});

/** The message of a refused open: which limit, and what to do (`what`: 'serial consoles open', …). */
export const limitMessage = (what: string, limit: number, scope: 'window' | 'total'): string =>
  scope === 'window'
    ? `Too many ${what} in this window (the limit is ${limit}); close one first.`
    : `Too many ${what} in VirtDesk (the limit is ${limit} for all windows together); close one first.`;
