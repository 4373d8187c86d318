import autocannon from 'autocannon';
import { processCpuMs } from './cpu.js';

export interface CannonResult {
  /** 2xx answers per second over the measured window. */
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers other than 2xx, and errors/timeouts: a figure with any is refused. */
  failures: number;
  /** A sample of what failed, to say why. */
  failureNote?: string;
  /** CPU time the server processes used per answered request (µs), when known. */
  cpuUsPerRequest: number | null;
  /** The same for the database's processes (PostgreSQL backends), when asked for. */
  databaseCpuUsPerRequest?: number | null;
}

/**
 * autocannon (in this process) against `urls`, keep-alive, `connections` spread over them, each
 * request's path made by `path(n)` with n unique across the run. An unmeasured warm-up first.
 */
export async function cannon(
  urls: string[],
  opts: {
    connections: number;
    durationMs: number;
    warmupMs: number;
    path: (n: number) => string;
    serverPids?: number[];
    /** The database's processes serving it, asked after the warm-up (its pool is open by then). */
    databasePids?: () => Promise<number[]>;
  },
): Promise<CannonResult> {
  let n = 0;
  const once = (durationMs: number) =>
    Promise.all(
      urls.map((url, i) =>
        autocannon({
          url,
          connections: Math.max(1, Math.floor(opts.connections / urls.length) + (i < opts.connections % urls.length ? 1 : 0)),
          duration: durationMs / 1000,
          timeout: 30,
          requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: opts.path(n++) }) }],
        }),
      ),
    );
  if (opts.warmupMs > 0) await once(opts.warmupMs);
  const cpu = (pids = opts.serverPids ?? []): number | null => {
    let sum = 0;
    for (const pid of pids) {
      const ms = processCpuMs(pid);
      if (ms === null) return null;
      sum += ms;
    }
    return sum;
  };
  const dbPids = opts.databasePids ? await opts.databasePids() : [];
  const dbBefore = cpu(dbPids);
  const cpuBefore = cpu();
  const results = await once(opts.durationMs);
  const cpuAfter = cpu();
  const dbAfter = cpu(dbPids);
  const ok = results.reduce((s, r) => s + r['2xx'], 0);
  const seconds = Math.max(...results.map((r) => r.duration));
  const failures = results.reduce((s, r) => s + r.non2xx + r.errors + r.timeouts, 0);
  const codes = results.flatMap((r) =>
    Object.entries(r.statusCodeStats ?? {})
      .filter(([c]) => !c.startsWith('2'))
      .map(([c, v]) => `${v.count}×${c}`),
  );
  const answered = results.reduce((s, r) => s + r.requests.total, 0);
  const perRequest = (before: number | null, after: number | null, pids: number) =>
    before !== null && after !== null && answered > 0 && pids > 0 ? ((after - before) * 1000) / answered : null;
  return {
    ...(opts.databasePids ? { databaseCpuUsPerRequest: perRequest(dbBefore, dbAfter, dbPids.length) } : {}),
    perSecond: ok / seconds,
    cpuUsPerRequest:
      cpuBefore !== null && cpuAfter !== null && answered > 0 && opts.serverPids?.length
        ? ((cpuAfter - cpuBefore) * 1000) / answered
        : null,
    // Per-instance percentiles; with several targets the worst one is reported.
    p50Ms: Math.max(...results.map((r) => r.latency.p50)),
    p99Ms: Math.max(...results.map((r) => r.latency.p99)),
    failures,
    ...(failures > 0
      ? { failureNote: `${codes.join(', ') || 'no HTTP status'}; errors ${results.reduce((s, r) => s + r.errors, 0)}` }
      : {}),
  };
}
