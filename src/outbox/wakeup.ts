/**
 * A nudge from whoever enqueues a message to the deliverer of the same service, so a fresh
 * message goes out now rather than at the next poll. One per service, passed to the engine
 * (`onOutboxWrite`) and to the deliverer: no process-wide state, so two services (or tests) in
 * one process do not wake each other. Only a latency hint: the deliverer's poll (and the store)
 * stay the source of truth, so a message enqueued by another process is still delivered.
 */
export class OutboxWakeup {
  private readonly listeners = new Set<() => void>();

  readonly notify = (): void => {
    for (const fn of this.listeners) fn();
  };

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
