/** Bounding how long we wait for a peer that may never answer. */

/**
 * Settles like `p`, or rejects with an Error saying `${what} did not answer within N s` once `ms`
 * passed. The timer does not keep the process alive; `p` itself is not cancelled.
 */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
    timer.unref();
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
