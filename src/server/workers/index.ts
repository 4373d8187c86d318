import type { ServiceDeps } from '../deps.js';
import { abandonedSweeper } from './abandoned-payments.js';
import { clockWatcher } from './clock-watch.js';
import { outboxWorker } from './outbox.js';
import type { Worker } from './periodic.js';
import { scheduledDebitWorker } from './scheduled-debits.js';

/**
 * The background jobs of `esipay serve`: started after the store opens, awaited (first run) before
 * the service says it is listening, stopped on shutdown before the store closes.
 * To add one, write `(deps) => Worker` (periodic.ts helps) and append it to WORKERS.
 */
export type WorkerFactory = (deps: ServiceDeps) => Worker;

export const WORKERS: WorkerFactory[] = [abandonedSweeper, outboxWorker, scheduledDebitWorker, clockWatcher];

export type { Worker };
