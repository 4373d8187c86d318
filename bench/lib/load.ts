import { performance } from 'node:perf_hooks';
import { percentile } from './stats.js';

export interface LoadResult {
  /** Completed operations per second over the measured window. */
  perSecond: number;
  count: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  /** The first error, to say why a run failed. */
  firstError?: string;
  /** CPU time of this process (all threads) per completed operation, µs. */
  cpuUsPerOp: number;
}

/**
 * Runs `op` from `concurrency` async workers for `durationMs` (after an unmeasured warm-up of
 * `warmupMs`, for the JIT and connection pools) and counts completions. `op` gets a number
 * unique across the whole run (for unique cids and rotating transaction ids).
 */
export async function runFor(
  op: (n: number) => Promise<unknown>,
  opts: { durationMs: number; warmupMs: number; concurrency: number },
): Promise<LoadResult> {
  let n = 0;
  const phase = async (ms: number, measure: boolean) => {
    const latencies: number[] = [];
    let errors = 0;
    let firstError: string | undefined;
    const end = performance.now() + ms;
    const worker = async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          await op(n++);
          if (measure) latencies.push(performance.now() - t0);
        } catch (e) {
          errors++;
          firstError ??= (e as Error).message;
        }
      }
    };
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
    const cpu = process.cpuUsage(cpu0);
    return { latencies, errors, firstError, elapsed: performance.now() - t0, cpuUs: cpu.user + cpu.system };
  };
  if (opts.warmupMs > 0) await phase(opts.warmupMs, false);
  const r = await phase(opts.durationMs, true);
  return {
    perSecond: (r.latencies.length * 1000) / r.elapsed,
    count: r.latencies.length,
    errors: r.errors,
    p50Ms: percentile(r.latencies, 50),
    p99Ms: percentile(r.latencies, 99),
    cpuUsPerOp: r.latencies.length > 0 ? r.cpuUs / r.latencies.length : Number.NaN,
    ...(r.firstError ? { firstError: r.firstError } : {}),
  };
}

/** The run with the highest throughput: noise from other processes only ever slows a run. */
export function best(runs: readonly LoadResult[]): LoadResult {
  if (runs.length === 0) throw new Error('no runs');
  return runs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
}
