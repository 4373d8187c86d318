import type { RouteSpec } from './router.js';

/** GET /metrics (app.ts, behind the operator token) and GET /openapi.json (openapi-route.ts, public): their route table. */
export const METRICS_ROUTES: readonly RouteSpec[] = [{ method: 'GET', path: '/metrics' }];
export const OPENAPI_ROUTES: readonly RouteSpec[] = [{ method: 'GET', path: '/openapi.json' }];
