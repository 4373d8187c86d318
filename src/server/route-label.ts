import { rawSegments } from './http.js';

/**
 * The route a request was for, as a short label of bounded cardinality: for the structured log
 * and the metrics, where the raw path (ids, card numbers) must not go. Ids in operator paths
 * become ":id"; an unknown V4 web service is "v4.unknown".
 */
export function routeLabel(method: string, rawPath: string): string {
  const segments = rawSegments(rawPath);
  const first = segments[0] ?? '';
  switch (first) {
    case 'healthz':
    case 'readyz':
    case 'livez':
    case 'metrics':
    case 'get_link_payment':
    case 'paypage':
    case 'openapi.json':
      return segments.length === 1 ? first : 'other';
    case 'payform':
      return 'payform';
    case 'cardpay':
      return segments.length === 7
        ? 'v2.pay'
        : segments.length === 3
          ? 'v2.refund'
          : segments.length === 4
            ? 'v2.refund_partial'
            : 'v2.other';
    case 'api-payment': {
      const name = segments.slice(2).join('/');
      return segments[1] === 'V4' && V4_NAME.test(name) ? `v4.${name}` : 'v4.unknown';
    }
    case 'admin':
      return `admin ${method.length <= 7 ? method : 'OTHER'} /${segments.map((s) => (ADMIN_WORDS.has(s) ? s : ':id')).join('/')}`;
    default:
      return 'other';
  }
}

const V4_NAME = /^[A-Z][A-Za-z]{1,30}\/[A-Z][A-Za-z]{1,40}$/;
/** The fixed words of operator paths; anything else there is an id (or garbage): ":id", so labels stay few. */
const ADMIN_WORDS = new Set([
  'admin',
  'merchants',
  'transactions',
  'refunds',
  'totals',
  'links',
  'initials',
  'shipments',
  'events',
  'rotate-secret',
  'disable',
  'enable',
  'resend',
  'clock',
  'advance',
  'set',
  'reset',
  'mode',
]);
