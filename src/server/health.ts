import type { Store } from '../store/store.js';
import { jsonAnswer, rawSegments, type Route } from './http.js';

const STORE_CHECK_MS = 2_000;

/**
 * GET /healthz for load balancers: 200 {"status":"ok"} when the store answers a read within
 * 2 s, 503 otherwise, and 503 {"status":"stopping"} once shutdown began (so traffic drains away).
 */
export function healthRoutes(store: Store, state: { stopping: boolean }): Route[] {
  return [
    async (req) => {
      const segments = rawSegments(req.rawPath);
      if (segments.length !== 1 || segments[0] !== 'healthz') return undefined;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return jsonAnswer(
          405,
          { error: { code: 'method_not_allowed', message: 'use GET', kind: 'invalid' } },
          { headers: { allow: 'GET, HEAD' } },
        );
      }
      if (state.stopping) return jsonAnswer(503, { status: 'stopping' });
      return (await storeAnswers(store))
        ? jsonAnswer(200, { status: 'ok' })
        : jsonAnswer(503, { status: 'unavailable', reason: 'the database does not answer' });
    },
  ];
}

async function storeAnswers(store: Store): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), STORE_CHECK_MS);
  });
  try {
    return await Promise.race([
      store.getSetting('health_check').then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
