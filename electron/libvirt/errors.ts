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
 * Is `e` a libvirt error? By name and fields rather than `instanceof`, so an error from another copy of
 * this module (tests, bundles) counts too.
 */
export const isLibvirtError = (e: unknown): e is LibvirtError =>
  e instanceof Error &&
  e.name === 'LibvirtError' &&
  typeof (e as Partial<LibvirtError>).code === 'number' &&
  typeof (e as Partial<LibvirtError>).domain === 'number';

/** libvirt's error number (virErrorNumber, see `ErrorCode`) of a libvirt error; null for anything else. */
export const libvirtCode = (e: unknown): number | null => (isLibvirtError(e) ? e.code : null);
