/**
 * A background job that runs now and then every `intervalMs`, one run at a time. stop() lets a
 * run in progress finish (so the store is not closed under it) and schedules no more.
 */
export interface Worker {
  /** Settles when the first run has finished: serve waits for it before announcing readiness. */
  ready?: Promise<void>;
  stop(): Promise<void>;
}

export function periodic(intervalMs: number, tick: () => Promise<void>, onError: (e: unknown) => void): Worker {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const run = async (): Promise<void> => {
    running = tick().catch(onError);
    await running;
    running = undefined;
    if (!stopped) timer = setTimeout(() => void run(), intervalMs);
  };
  return {
    ready: run(),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
