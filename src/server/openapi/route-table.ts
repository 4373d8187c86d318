import { adminEndpoints } from '../admin/routes.js';
import type { ServiceDeps } from '../deps.js';
import { HEALTH_ROUTES } from '../health.js';
import { linkEndpoints } from '../links/routes.js';
import { METRICS_ROUTES, OPENAPI_ROUTES } from '../meta-routes.js';
import { type RouteSpec, routeSpecsOf } from '../router.js';
import { V2_ROUTES } from '../v2/routes.js';
import { WEB_SERVICES } from '../v4/handlers.js';
import { PAYFORM_ROUTES } from '../v4/payform.js';
import { V4_PREFIX } from '../v4/routes.js';

/**
 * Every method and path `esipay serve` answers, read from the route modules' own tables (the
 * ones their matchers use), in app.ts's order: what the OpenAPI document must describe, one
 * operation each. Paths use ":name" for a parameter, as the router does. HEAD is answered
 * wherever GET is, and is not listed.
 */
export type RouteGroup = 'health' | 'metrics' | 'openapi' | 'v2' | 'admin' | 'v4' | 'payform' | 'links';

export interface TableRoute extends RouteSpec {
  group: RouteGroup;
}

/** Building endpoints runs no handler: they reach the engine only when a request comes. */
const NO_DEPS = { engine: {}, store: {}, publicUrl: '' } as unknown as ServiceDeps;

export function routeTable(): TableRoute[] {
  const of = (group: RouteGroup, specs: readonly RouteSpec[]): TableRoute[] => specs.map((s) => ({ ...s, group }));
  return [
    ...of('health', HEALTH_ROUTES),
    ...of('metrics', METRICS_ROUTES),
    ...of('openapi', OPENAPI_ROUTES),
    ...of('v2', V2_ROUTES),
    ...of('admin', routeSpecsOf(adminEndpoints(NO_DEPS))),
    ...of(
      'v4',
      Object.keys(WEB_SERVICES).map((name) => ({ method: 'POST', path: `${V4_PREFIX}${name}` })),
    ),
    ...of('payform', PAYFORM_ROUTES),
    ...of('links', routeSpecsOf(linkEndpoints(NO_DEPS))),
  ];
}

/** "/admin/merchants/:merchant" as OpenAPI writes it: "/admin/merchants/{merchant}". */
export const openApiPath = (path: string): string => path.replace(/:([A-Za-z_]\w*)/g, '{$1}');
