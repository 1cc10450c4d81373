/**
 * `p`, or a rejection naming `what` when it has not settled within `ms` (the timer is cleared either way).
 * A non-Error rejection of `p` is wrapped in an Error.
 */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
    t.unref(); // a pending timeout alone must not keep the process alive
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
