/**
 * Error types of the libvirt wire client.
 *
 * - `XdrError`: a value could not be encoded or a byte sequence could not be decoded.
 * - `ProtocolError`: the peer broke the RPC framing/header rules (bad length, unknown serial…).
 * - `LibvirtError`: the daemon answered a call with an error; `message` is libvirt's own text.
 * - `LibvirtConnectionError`: the transport failed or the connection is closed.
 */

export class XdrError extends Error {
  override name = 'XdrError';
}

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

/** Decoded `remote_error` fields besides the message. */
export interface LibvirtErrorDetails {
  code: number;
  domain: number;
  level: number;
  str1?: string | null;
  str2?: string | null;
  str3?: string | null;
  int1?: number;
  int2?: number;
}

export class LibvirtError extends Error {
  override name = 'LibvirtError';
  readonly code: number;
  readonly domain: number;
  readonly level: number;
  readonly str1: string | null;
  readonly str2: string | null;
  readonly str3: string | null;
  readonly int1: number;
  readonly int2: number;

  constructor(message: string, details: LibvirtErrorDetails) {
    super(message);
    this.code = details.code;
    this.domain = details.domain;
    this.level = details.level;
    this.str1 = details.str1 ?? null;
    this.str2 = details.str2 ?? null;
    this.str3 = details.str3 ?? null;
    this.int1 = details.int1 ?? 0;
    this.int2 = details.int2 ?? 0;
  }
}

export class LibvirtConnectionError extends Error {
  override name = 'LibvirtConnectionError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A call got no answer within its deadline (CallOptions.timeoutMs). It is a LibvirtConnectionError
 * (same `name`, so it crosses the app boundary as a connection problem: the daemon is stopped, stuck or
 * trickling bytes); `procedure` and `timeoutMs` say which call and how long we waited.
 */
export class LibvirtCallTimeoutError extends LibvirtConnectionError {
  readonly timedOut = true;
  constructor(
    readonly procedure: string,
    readonly timeoutMs: number,
    detail = '',
  ) {
    super(`libvirt did not answer ${procedure} within ${formatSeconds(timeoutMs)} s${detail}`);
  }
}

/** 2000 → "2", 1500 → "1.5", 250 → "0.25". */
function formatSeconds(ms: number): string {
  return String(Math.round(ms) / 1000);
}

/**
 * True for an error the daemon answered with. Besides `instanceof`, an Error named 'LibvirtError'
 * with numeric code and domain counts too: a second copy of this module (a dynamic import in another
 * bundle, a test runner's module graph) has its own class, and callers must still recognise it.
 */
export function isLibvirtError(e: unknown): e is LibvirtError {
  if (e instanceof LibvirtError) return true;
  if (!(e instanceof Error) || e.name !== 'LibvirtError') return false;
  const fields = e as Partial<Record<'code' | 'domain', unknown>>;
  return typeof fields.code === 'number' && typeof fields.domain === 'number';
}

/** libvirt's virErrorNumber of a daemon error (compare with VIR_ERR_* of protocol/constants.ts), else null. */
export function libvirtCode(e: unknown): number | null {
  return isLibvirtError(e) ? e.code : null;
}
