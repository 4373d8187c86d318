import type { ServiceDeps } from '../deps.js';
import type { Route } from '../http.js';

// The V4 shipment API (issue 4) registers its routes here.
export function v4Routes(_deps: ServiceDeps): Route[] {
  return [];
}
