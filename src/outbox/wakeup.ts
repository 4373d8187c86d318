/**
 * A nudge from whoever enqueues a message to the deliverer of the same process, so a fresh
 * message goes out now rather than at the next poll. Only a latency hint: the deliverer's poll
 * (and the store) stay the source of truth, so a message enqueued by another process is still
 * delivered.
 */
const listeners = new Set<() => void>();

export function notifyOutbox(): void {
  for (const fn of listeners) fn();
}

export function onOutboxNotified(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
