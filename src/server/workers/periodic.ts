import type { ClockWatch } from '../../engine/clock-types.js';

/**
 * A background job that runs now and then every `intervalMs`, one run at a time. stop() lets a
 * run in progress finish (so the store is not closed under it) and schedules no more.
 */
export interface Worker {
  /** Settles when the first run has finished: serve waits for it before announcing readiness. */
  ready?: Promise<void>;
  stop(): Promise<void>;
}

/** A periodic worker that can also be asked to run now (after a move of the test clock). */
export interface PeriodicWorker extends Worker {
  ready: Promise<void>;
  /** Runs now rather than at the next tick; during a run, once more right after it. */
  wake(): void;
}

export function periodic(intervalMs: number, tick: () => Promise<void>, onError: (e: unknown) => void): PeriodicWorker {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let woken = false;
  const run = async (): Promise<void> => {
    woken = false;
    running = tick().catch(onError);
    await running;
    running = undefined;
    if (!stopped) timer = setTimeout(() => void run(), woken ? 0 : intervalMs);
  };
  return {
    ready: run(),
    wake() {
      if (stopped) return;
      if (running) woken = true;
      else {
        clearTimeout(timer);
        timer = setTimeout(() => void run(), 0);
      }
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** The worker, run again whenever the test clock moves (a due date or deadline may have passed). */
export function onClockMove(clock: Pick<ClockWatch, 'onMove'>, worker: PeriodicWorker): Worker {
  const unsubscribe = clock.onMove(() => worker.wake());
  return {
    ready: worker.ready,
    async stop() {
      unsubscribe();
      await worker.stop();
    },
  };
}
