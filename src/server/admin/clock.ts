import { invalid } from '../../domain/errors.js';
import type { DatabaseMode } from '../../engine/clock-types.js';
import type { ServiceEngine } from '../../engine/service-engine.js';
import { type HttpRequest, jsonAnswer } from '../http.js';
import type { Endpoint } from '../router.js';

/**
 * The operator API's test clock and database mode (docs/clock.md): GET /admin/clock, POST
 * /admin/clock/advance {duration}, /admin/clock/set {time, force?}, /admin/clock/reset {force?},
 * GET /admin/mode and POST /admin/mode {mode, force?}. Each answers the clock or the mode as it
 * now is (200); a move made here applies to this service at once and wakes its workers.
 */
export function clockEndpoints(engine: ServiceEngine, jsonBody: (req: HttpRequest) => Promise<Record<string, unknown>>): Endpoint[] {
  const ok = (value: unknown) => jsonAnswer(200, value);
  return [
    { method: 'GET', path: '/admin/clock', handler: async () => ok(await engine.clockShow()) },
    {
      method: 'POST',
      path: '/admin/clock/advance',
      handler: async (req) => ok(await engine.clockAdvance((await jsonBody(req)).duration as string)),
    },
    {
      method: 'POST',
      path: '/admin/clock/set',
      handler: async (req) => {
        const b = await jsonBody(req);
        return ok(await engine.clockSet(b.time as string, { force: force(b) }));
      },
    },
    {
      method: 'POST',
      path: '/admin/clock/reset',
      handler: async (req) => ok(await engine.clockReset({ force: force(await jsonBody(req)) })),
    },
    { method: 'GET', path: '/admin/mode', handler: async () => ok(await engine.databaseMode()) },
    {
      method: 'POST',
      path: '/admin/mode',
      handler: async (req) => {
        const b = await jsonBody(req);
        // The engine checks the mode itself (invalid_mode), as it would the CLI's.
        return ok(await engine.setDatabaseMode(b.mode as DatabaseMode, { force: force(b) }));
      },
    },
  ];
}

function force(b: Record<string, unknown>): boolean {
  if (b.force !== undefined && typeof b.force !== 'boolean') throw invalid('invalid_force', 'force must be true or false');
  return b.force === true;
}
