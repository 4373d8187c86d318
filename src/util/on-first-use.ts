/**
 * A module (or anything costly) made on its first call and kept: later calls get the same
 * promise. For what a short command rarely needs: each module a command loads costs its
 * start-up about 0.4 ms on a small machine (docs/performance.md).
 */
export function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}
