import type { ServiceDeps } from '../deps.js';
import { methodNotAllowed, type Route } from '../http.js';
import { type Endpoint, matchEndpoint } from '../router.js';
import { getLinkPayment } from './get-link-payment.js';
import { PayPage } from './paypage.js';

/**
 * Payment links on `esipay serve`: the merchant API (POST /get_link_payment) and the consumer's
 * hosted page (GET/POST /paypage?SDESSID=…). docs/links.md describes both.
 */
export function linkRoutes(deps: ServiceDeps): Route[] {
  const endpoints = linkEndpoints(deps);
  return [
    (req) => {
      const match = matchEndpoint(endpoints, req);
      if (match.kind === 'found') return match.run();
      if (match.kind === 'method') return methodNotAllowed(match.allow);
      return undefined;
    },
  ];
}

/** The link endpoints; nothing reaches deps until a request comes (the route table lists them without one). */
export function linkEndpoints(deps: ServiceDeps): Endpoint[] {
  const payPage = new PayPage(deps);
  return [
    { method: 'POST', path: '/get_link_payment', handler: (req) => getLinkPayment(deps, req) },
    { method: 'GET', path: '/paypage', handler: (req) => payPage.show(req) },
    { method: 'POST', path: '/paypage', handler: (req) => payPage.pay(req) },
  ];
}
