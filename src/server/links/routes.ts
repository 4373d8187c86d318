import type { ServiceDeps } from '../deps.js';
import type { Route } from '../http.js';

// get_link_payment and the hosted pay page (issue 5) register their routes here.
export function linkRoutes(_deps: ServiceDeps): Route[] {
  return [];
}
