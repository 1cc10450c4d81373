import { ZodError } from 'zod';
import type { RemoteError } from '../../shared/contract/index.js';
import { CoreError } from '../base/errors.js';
import { isLibvirtError } from '../libvirt/index.js';

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
