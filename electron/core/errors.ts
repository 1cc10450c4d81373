import { ZodError } from 'zod';
import type { RemoteError, RemoteErrorCode } from '../../shared/contract/index.js';

/** An error the core raises on purpose; its message is meant for the user. */
export class CoreError extends Error {
  override name = 'CoreError';
  constructor(
    readonly code: RemoteErrorCode,
    message: string,
    readonly issues?: RemoteError['issues'],
  ) {
    super(message);
  }
}

interface LibvirtLikeError {
  name: string;
  message: string;
  code: number;
  domain: number;
  level: number;
}

const isLibvirtError = (e: unknown): e is LibvirtLikeError =>
  e instanceof Error &&
  e.name === 'LibvirtError' &&
  typeof (e as Partial<LibvirtLikeError>).code === 'number' &&
  typeof (e as Partial<LibvirtLikeError>).domain === 'number';

/** libvirt's VIR_ERR_NO_DOMAIN */
export const VIR_ERR_NO_DOMAIN = 42;
/** libvirt's VIR_ERR_OPERATION_INVALID (e.g. "domain is not running") */
export const VIR_ERR_OPERATION_INVALID = 55;
/** libvirt's VIR_ERR_INVALID_ARG (e.g. unsupported flags) */
export const VIR_ERR_INVALID_ARG = 8;
/** libvirt's VIR_ERR_NO_SUPPORT */
export const VIR_ERR_NO_SUPPORT = 3;

export const libvirtCode = (e: unknown): number | null => (isLibvirtError(e) ? e.code : null);

export const zodIssues = (e: ZodError): NonNullable<RemoteError['issues']> =>
  e.issues.slice(0, 20).map((i) => ({
    path: i.path.filter((p): p is string | number => typeof p !== 'symbol'),
    message: i.message,
  }));

/** Map anything thrown by a handler to the error that crosses the boundary. */
export const toRemoteError = (e: unknown): RemoteError => {
  if (e instanceof CoreError) {
    return e.issues
      ? { message: e.message, code: e.code, issues: e.issues }
      : { message: e.message, code: e.code };
  }
  if (isLibvirtError(e)) {
    return {
      message: e.message,
      code: 'libvirt',
      libvirt: { code: e.code, domain: e.domain, level: e.level },
    };
  }
  if (e instanceof Error && e.name === 'LibvirtConnectionError')
    return { message: e.message, code: 'connection' };
  if (e instanceof ZodError) return { message: 'Invalid data', code: 'internal', issues: zodIssues(e) };
  if (e instanceof Error) return { message: e.message || e.name, code: 'internal' };
  return { message: String(e), code: 'internal' };
};
