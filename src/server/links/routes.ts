import type { ServiceDeps } from '../deps.js';
import { type HttpRequest, jsonAnswer, type Route } from '../http.js';
import { getLinkPayment } from './get-link-payment.js';
import { PayPage } from './paypage.js';

/**
 * Payment links on `esipay serve`: the merchant API (POST /get_link_payment) and the consumer's
 * hosted page (GET/POST /paypage?SDESSID=…). docs/links.md describes both.
 */
export function linkRoutes(deps: ServiceDeps): Route[] {
  const payPage = new PayPage(deps);
  const pathOf = (req: HttpRequest) => req.rawPath;
  return [
    (req) => {
      const path = pathOf(req);
      if (path === '/get_link_payment') {
        if (req.method !== 'POST') return methodNotAllowed('POST');
        return getLinkPayment(deps, req);
      }
      if (path === '/paypage') {
        if (req.method === 'GET' || req.method === 'HEAD') return payPage.show(req);
        if (req.method === 'POST') return payPage.pay(req);
        return methodNotAllowed('GET, POST');
      }
      return undefined;
    },
  ];
}

function methodNotAllowed(allow: string) {
  return jsonAnswer(405, { error: { code: 'method_not_allowed', message: `use ${allow}`, kind: 'invalid' } }, { headers: { allow } });
}
