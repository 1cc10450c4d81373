import { z } from 'zod';
import { call } from './define.js';

/**
 * Consoles: the serial/text console of a VM and a shell on the connection's host (both ptys in the main
 * process, streamed as 'console.data' events with end-to-end flow control), and the graphical console
 * (noVNC in the renderer talking to a loopback WebSocket-to-VNC proxy in the main process).
 *
 * Flow control: every 'console.data' payload counts `data.length` units (UTF-16 code units of the string).
 * The renderer acknowledges what xterm.js has *written* (`console.ack` from the `term.write` callback);
 * the main process pauses the pty while more than a high watermark is unacknowledged.
 */

const connectionId = z.string().min(1).max(64);
const vmUuid = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'not a UUID');
const sessionId = z.string().min(1).max(64);
const cols = z.number().int().min(2).max(1000);
const rows = z.number().int().min(1).max(1000);

/** Error codes thrown by console/display calls (RemoteError.code). */
export const consoleErrorCodes = [
  'VM_NOT_RUNNING',
  'NO_CONSOLE',
  'VIRSH_MISSING',
  'SESSION_NOT_FOUND',
  'HOST_TERMINAL_UNSUPPORTED',
  /** The VM has graphics, but only SPICE: the UI offers display.addVnc. */
  'SPICE_ONLY',
  /** The VM has no graphical display at all: the UI offers display.addVnc. */
  'NO_GRAPHICS',
  'VNC_UNREACHABLE',
  'VNC_ALREADY_CONFIGURED',
] as const;
export type ConsoleErrorCode = (typeof consoleErrorCodes)[number];

export const consoleKindSchema = z.enum(['serial', 'host']);
/** 'virsh': `virsh console` in a pty; 'stream': libvirt's console stream (virsh not installed); 'shell': host terminal. */
export const consoleBackendSchema = z.enum(['virsh', 'stream', 'shell', 'ssh']);
export const consoleStateSchema = z.enum(['connecting', 'connected', 'reconnecting', 'stopped', 'closed']);

export const consoleOpenResultSchema = z.object({
  sessionId,
  kind: consoleKindSchema,
  backend: consoleBackendSchema,
  state: consoleStateSchema,
  /** Human-readable note, e.g. "virsh is not installed; using libvirt's console stream". */
  note: z.string().optional(),
});

export const consoleStatsSchema = z.object({
  sessionId,
  /** Units sent but not yet acknowledged by the renderer. */
  unacked: z.number(),
  maxUnacked: z.number(),
  /** True while the pty/stream is paused by flow control. */
  paused: z.boolean(),
  /** How many times flow control paused the pty. */
  pauseCount: z.number(),
  bytesOut: z.number(),
  respawns: z.number(),
  pid: z.number().nullable(),
  state: consoleStateSchema,
});

/** Special key combinations sent with libvirt's domainSendKey (see electron/console/keys.ts). */
export const sendKeyComboSchema = z.enum([
  'ctrl-alt-del',
  'ctrl-alt-backspace',
  'ctrl-alt-f1',
  'ctrl-alt-f2',
  'ctrl-alt-f3',
  'ctrl-alt-f4',
  'ctrl-alt-f5',
  'ctrl-alt-f6',
  'ctrl-alt-f7',
  'ctrl-alt-f8',
  'ctrl-alt-f9',
  'ctrl-alt-f10',
  'ctrl-alt-f11',
  'ctrl-alt-f12',
  'print',
  'alt-tab',
  'alt-f4',
]);
export type SendKeyCombo = z.infer<typeof sendKeyComboSchema>;

const vmRef = z.object({ connectionId, vmUuid }).strict();

export const consoleCalls = {
  'console.openSerial': call(
    z.object({ connectionId, vmUuid, cols: cols.optional(), rows: rows.optional() }).strict(),
    consoleOpenResultSchema,
  ),
  'console.openHost': call(
    z.object({ connectionId, cols: cols.optional(), rows: rows.optional() }).strict(),
    consoleOpenResultSchema,
  ),
  'console.write': call(z.object({ sessionId, data: z.string().max(1_048_576) }).strict(), z.null()),
  'console.resize': call(z.object({ sessionId, cols, rows }).strict(), z.null()),
  'console.ack': call(
    z
      .object({
        sessionId,
        bytes: z
          .number()
          .int()
          .min(0)
          .max(1 << 30),
      })
      .strict(),
    z.null(),
  ),
  'console.close': call(z.object({ sessionId }).strict(), z.null()),
  /** Flow-control counters of a session (diagnostics and tests). */
  'console.stats': call(z.object({ sessionId }).strict(), consoleStatsSchema),
  /**
   * Start a one-shot proxy session for the VM's VNC display: connect to `url` (Electron) or to `path` on
   * the page's own origin (web mode, which serves the proxy on its port too) within ~30 s.
   */
  'display.open': call(
    vmRef,
    z.object({
      url: z.string(),
      path: z.string().regex(/^\/vnc\/[A-Za-z0-9_-]+$/),
      /** The VNC server asks for a password (VNC auth): prompt before/when noVNC reports credentialsrequired. */
      passwordNeeded: z.boolean(),
      /** Where the proxy reaches the VNC server (for display; e.g. "127.0.0.1:5900", "unix:/run/…", "ssh host → …"). */
      target: z.string(),
      expiresInMs: z.number(),
    }),
  ),
  'display.sendKeys': call(z.object({ connectionId, vmUuid, combo: sendKeyComboSchema }).strict(), z.null()),
  /** PNG of the guest's screen (base64), through libvirt's domainScreenshot. */
  'display.screenshot': call(
    z.object({ connectionId, vmUuid, screen: z.number().int().min(0).max(16).optional() }).strict(),
    z.object({ mime: z.literal('image/png'), base64: z.string(), width: z.number(), height: z.number() }),
  ),
  /** Add `<graphics type='vnc' autoport='yes' listen='127.0.0.1'/>` to the persistent config (next boot). */
  'display.addVnc': call(vmRef, z.object({ effectiveNextBoot: z.boolean() })),
};

export const consoleEvents = {
  'console.data': z.object({ sessionId, data: z.string() }),
  'console.exit': z.object({
    sessionId,
    exitCode: z.number().nullable(),
    reason: z.enum(['vm-stopped', 'process-exit', 'closed', 'error']),
    message: z.string().optional(),
  }),
  'console.state': z.object({ sessionId, state: consoleStateSchema, message: z.string().optional() }),
};
