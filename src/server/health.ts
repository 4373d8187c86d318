import type { Store } from '../store/store.js';
import { jsonAnswer, onlyGet, rawSegments, type Route } from './http.js';
import type { RouteSpec } from './router.js';
import type { HealthAnswer } from './wire/health.js';

const STORE_CHECK_MS = 2_000;

/** The probes, each answered on GET (and HEAD). */
export const HEALTH_PROBES = ['healthz', 'readyz', 'livez'] as const;
export const HEALTH_ROUTES: readonly RouteSpec[] = HEALTH_PROBES.map((p) => ({ method: 'GET', path: `/${p}` }));
const isProbe = (s: string | undefined): s is (typeof HEALTH_PROBES)[number] =>
  (HEALTH_PROBES as readonly (string | undefined)[]).includes(s);
const health = (status: number, answer: HealthAnswer) => jsonAnswer(status, answer);

/**
 * Probes for load balancers and orchestrators:
 * - GET /livez: 200 while the process runs and answers (restart it when this fails);
 * - GET /readyz and /healthz: 200 {"status":"ok"} when the database takes a write within 2 s;
 *   503 {"status":"unavailable", reason} when it does not (gone, full disk, read-only), and 503
 *   {"status":"stopping"} once shutdown began, while requests in flight finish (send no more).
 * A read would not do: a full disk still reads, and every payment writes.
 */
export function healthRoutes(store: Store, state: { stopping: boolean }, clock: () => Date = () => new Date()): Route[] {
  return [
    async (req) => {
      const segments = rawSegments(req.rawPath);
      const probe = segments.length === 1 ? segments[0] : undefined;
      if (!isProbe(probe)) return undefined;
      const refused = onlyGet(req);
      if (refused) return refused;
      if (probe === 'livez') return health(200, { status: state.stopping ? 'stopping' : 'ok' });
      if (state.stopping) return health(503, { status: 'stopping' });
      const problem = await storeWritable(store, clock);
      return problem === undefined ? health(200, { status: 'ok' }) : health(503, { status: 'unavailable', reason: problem });
    },
  ];
}

/** undefined when the store took a small write in time, else why not (one line). */
async function storeWritable(store: Store, clock: () => Date): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`the database did not take a write within ${STORE_CHECK_MS} ms`), STORE_CHECK_MS);
  });
  try {
    return await Promise.race([
      store.setSetting('health_check', clock().toISOString()).then(
        () => undefined,
        (e: unknown) => `the database does not take writes: ${(e as Error)?.message ?? String(e)}`.split('\n')[0],
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
