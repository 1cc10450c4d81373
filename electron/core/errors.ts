import { ZodError } from 'zod';
import type { RemoteError } from '../../shared/contract/index.js';
import { CoreError } from '../base/errors.js';
import { isLibvirtError, redactUri } from '../libvirt/index.js';

export const zodIssues = (e: ZodError): NonNullable<RemoteError['issues']> =>
  e.issues.slice(0, 20).map((i) => ({
    path: i.path.filter((p): p is string | number => typeof p !== 'symbol'),
    message: i.message,
  }));

/**
 * The sentence for an input the call's schema refused: a refinement's own message (written for people,
 * e.g. the refused password in a URI), else a plain sentence. Never a schema path like
 * `memoryMiB: Too small…` — the paths stay in `issues`, where forms put them on their fields.
 */
export const inputRefusal = (e: ZodError): string => {
  const custom = e.issues.find((i) => i.code === 'custom')?.message;
  if (custom) return redactUri(custom.charAt(0).toUpperCase() + custom.slice(1).replace(/\.?$/, '.'));
  return 'Some of the values given were not accepted.';
};

/**
 * Map anything thrown by a handler to the error that crosses the boundary. Every message goes through
 * `redactUri`: libvirt, our own errors and bugs alike may quote a connection URI, and a URI typed by hand
 * may carry a password (refused when saved, but a message about the refusal could still echo it).
 */
export const toRemoteError = (e: unknown): RemoteError => {
  if (e instanceof CoreError) {
    return {
      message: redactUri(e.message),
      code: e.code,
      ...(e.issues ? { issues: e.issues.map((i) => ({ ...i, message: redactUri(i.message) })) } : {}),
      ...(e.existingId !== undefined ? { existingId: e.existingId } : {}),
      ...(e.remedy ? { remedy: e.remedy } : {}),
    };
  }
  if (isLibvirtError(e)) {
    return {
      message: redactUri(e.message),
      code: 'libvirt',
      libvirt: { code: e.code, domain: e.domain, level: e.level },
    };
  }
  if (e instanceof Error && e.name === 'LibvirtConnectionError')
    return { message: redactUri(e.message), code: 'connection' };
  if (e instanceof ZodError) return { message: 'Invalid data', code: 'internal', issues: zodIssues(e) };
  if (e instanceof Error) return { message: redactUri(e.message || e.name), code: 'internal' };
  return { message: redactUri(String(e)), code: 'internal' };
};
