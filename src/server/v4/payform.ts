import { EsipayError } from '../../domain/errors.js';
import type { MerchantRecord, TransactionRecord } from '../../domain/types.js';
import { formatMoney } from '../../money/amount.js';
import type { ServiceDeps } from '../deps.js';
import { type HttpAnswer, HttpError, type HttpRequest, htmlAnswer, rawSegments, type Route } from '../http.js';
import type { RouteSpec } from '../router.js';
import { type FormOrder, readFormToken } from './payment-form-token.js';
import { paymentAnswer } from './handlers.js';
import { PaymentIpn } from './ipn.js';

/**
 * The hosted payment page of a formToken (CreatePayment without a card): GET shows the order and
 * a card form, POST pays it as CreatePayment with the card would have: payment at shipment
 * verifies the card for the order's total (the initial multi-authorisation, nothing debited), an
 * immediate payment debits it; either queues the IPN with its outcome.
 *
 * An order is paid once at most: attempt n runs under the idempotency key form:<nonce>:<n>,
 * and a new attempt is only opened when every earlier one was declined or failed. Two submissions
 * racing for the same attempt share its one outcome (the store's unique key decides).
 */
export const MAX_FORM_ATTEMPTS = 5;

/** The page of one formToken: GET (and HEAD) shows it, POST pays. */
export const PAYFORM_ROUTES: readonly RouteSpec[] = [
  { method: 'GET', path: '/payform/:token' },
  { method: 'POST', path: '/payform/:token' },
];
const PAYFORM_METHODS = new Set(['HEAD', ...PAYFORM_ROUTES.map((r) => r.method)]);

export function payformRoutes(deps: ServiceDeps): Route[] {
  return [(req) => (rawSegments(req.rawPath)[0] === 'payform' ? handle(deps, req) : undefined)];
}

type AttemptState =
  { state: 'open'; attempt: number } | { state: 'paid'; transactionId: string } | { state: 'busy' } | { state: 'exhausted' };

async function handle(deps: ServiceDeps, req: HttpRequest): Promise<HttpAnswer> {
  const segments = rawSegments(req.rawPath);
  const logPath = '/payform/…';
  if (segments.length !== 2 || !segments[1])
    return page(404, 'Payment page not found', '<p>This payment page does not exist.</p>', logPath);
  if (!PAYFORM_METHODS.has(req.method)) {
    return { ...page(405, 'Method not allowed', '<p>Use the form.</p>', logPath), headers: { ...pageHeaders, allow: 'GET, POST' } };
  }
  const now = deps.engine.clock();
  const token = await readFormToken(deps.store, segments[1], now);
  if (!token.ok) {
    return token.reason === 'expired'
      ? page(410, 'Payment page expired', '<p>This payment page has expired. Go back to the shop to start the payment again.</p>', logPath)
      : page(404, 'Payment page not found', '<p>This payment page does not exist.</p>', logPath);
  }
  const { order, details } = token;
  const merchant = await deps.store.getMerchant(order.merchant);
  if (!merchant) return page(404, 'Payment page not found', '<p>This payment page does not exist.</p>', logPath);

  const attempts = await attemptState(deps, merchant, order);
  if (attempts.state === 'paid') return verifiedPage(merchant, order, attempts.transactionId, logPath);
  if (attempts.state === 'exhausted') {
    return page(
      409,
      'Too many attempts',
      `<p>The card was refused ${MAX_FORM_ATTEMPTS} times for this order. Go back to the shop to start again.</p>`,
      logPath,
    );
  }
  if (attempts.state === 'busy') return formPage(409, merchant, order, IN_PROGRESS, logPath);
  if (req.method !== 'POST') return formPage(200, merchant, order, null, logPath);

  let fields: URLSearchParams;
  try {
    fields = new URLSearchParams((await req.body(4096)).toString('utf8'));
  } catch (e) {
    if (e instanceof HttpError) return formPage(e.status, merchant, order, 'The form could not be read; please try again.', logPath);
    throw e;
  }
  const card = {
    number: (fields.get('cardNumber') ?? '').replace(/[\s-]/g, ''),
    month: (fields.get('expiryMonth') ?? '').trim(),
    year: (fields.get('expiryYear') ?? '').trim(),
  };
  let outcome: { transaction: TransactionRecord; written: boolean };
  const ipn = new PaymentIpn(merchant, deps.engine.clock, details?.ipnTargetUrl ?? null);
  const input = {
    amount: order.amount,
    currency: order.currency,
    orderId: order.orderId,
    email: order.email,
    card,
    idempotencyKey: attemptKey(order, attempts.attempt),
    notification: ipn.notification,
    ...(details ? { details: { ...details.echo } } : {}),
  };
  try {
    outcome = atShipment(order) ? await deps.engine.v4.authorise(merchant, input) : await deps.engine.v4.pay(merchant, input);
  } catch (e) {
    if (e instanceof EsipayError && e.kind === 'invalid') return formPage(422, merchant, order, e.message, logPath);
    if (e instanceof EsipayError && e.kind === 'conflict') {
      return formPage(409, merchant, order, IN_PROGRESS, logPath);
    }
    if (e instanceof EsipayError)
      return formPage(503, merchant, order, 'The payment could not be processed right now; please try again.', logPath);
    throw e;
  }
  const answer = paymentAnswer(deps, merchant, outcome, ipn);
  const tx = (answer.transactions as { status: string; detailedErrorMessage: string | null }[])[0]!;
  if (tx.status === 'PAID') return verifiedPage(merchant, order, outcome.transaction.id, logPath);
  return formPage(
    200,
    merchant,
    order,
    `The card was refused${tx.detailedErrorMessage ? ` (${tx.detailedErrorMessage.replace(/^the card was declined /, '')})` : ''}. Try another card.`,
    logPath,
  );
}

const attemptKey = (order: FormOrder, n: number): string => `form:${order.nonce}:${n}`;

const IN_PROGRESS = 'Another payment attempt for this order is in progress. Reload the page in a moment.';

/** A token made before immediate payments existed was for payment at shipment. */
const atShipment = (order: FormOrder): boolean => order.atShipment ?? true;

async function attemptState(deps: ServiceDeps, merchant: MerchantRecord, order: FormOrder): Promise<AttemptState> {
  const byKey = atShipment(order) ? deps.engine.v4.initialByKey : deps.engine.v4.paymentByKey;
  for (let n = 1; n <= MAX_FORM_ATTEMPTS; n++) {
    const tx = await byKey(merchant, attemptKey(order, n));
    if (!tx) return { state: 'open', attempt: n };
    if (tx.status === 'AUTHORISED' || tx.status === 'PAID') return { state: 'paid', transactionId: tx.id };
    // An immediate payment still at the acquirer: no other attempt opens until it is settled.
    if (tx.status === 'PENDING') return { state: 'busy' };
  }
  return { state: 'exhausted' };
}

const pageHeaders = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  // The token is in the URL: never hand it to another site.
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

function page(status: number, title: string, body: string, logPath: string): HttpAnswer {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · esipay</title>
<style>
body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#222}
h1{font-size:1.3rem}.amount{font-size:1.6rem;font-weight:600;margin:.3rem 0}
label{display:block;margin:.8rem 0 .2rem}input{font-size:1rem;padding:.4rem;width:100%;box-sizing:border-box}
.row{display:flex;gap:.6rem}.row>div{flex:1}button{margin-top:1.2rem;font-size:1rem;padding:.6rem 1.2rem}
.error{background:#fdecea;border:1px solid #f5c2c0;padding:.6rem;border-radius:4px}
.ok{background:#e8f5e9;border:1px solid #b7dfb9;padding:.6rem;border-radius:4px}.muted{color:#666;font-size:.9rem}
</style></head><body>
<h1>${esc(title)}</h1>
${body}
</body></html>
`;
  return htmlAnswer(status, html, { headers: pageHeaders, logPath });
}

function orderSummary(merchant: MerchantRecord, order: FormOrder): string {
  return `<p>${esc(merchant.name)}${order.orderId ? ` · order <strong>${esc(order.orderId)}</strong>` : ''}</p>
<p class="amount">${esc(formatMoney(order.amount, order.currency))}</p>
${
  atShipment(order)
    ? `<p class="muted">Your card is checked for the order's total now and debited only as the goods are shipped, within 180 days.</p>`
    : `<p class="muted">Your card is debited for this amount now.</p>`
}`;
}

function formPage(status: number, merchant: MerchantRecord, order: FormOrder, error: string | null, logPath: string): HttpAnswer {
  return page(
    status,
    atShipment(order) ? 'Pay at shipment' : 'Pay',
    `${orderSummary(merchant, order)}
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<form method="post" autocomplete="on">
<label for="cardNumber">Card number</label>
<input id="cardNumber" name="cardNumber" inputmode="numeric" autocomplete="cc-number" required maxlength="23" pattern="[0-9 -]{12,23}">
<div class="row">
<div><label for="expiryMonth">Expiry month</label><input id="expiryMonth" name="expiryMonth" inputmode="numeric" autocomplete="cc-exp-month" placeholder="MM" required maxlength="2"></div>
<div><label for="expiryYear">Expiry year</label><input id="expiryYear" name="expiryYear" inputmode="numeric" autocomplete="cc-exp-year" placeholder="YYYY" required maxlength="4"></div>
</div>
<button type="submit">${atShipment(order) ? 'Authorise' : 'Pay'} ${esc(formatMoney(order.amount, order.currency))}</button>
</form>`,
    logPath,
  );
}

function verifiedPage(merchant: MerchantRecord, order: FormOrder, transactionId: string, logPath: string): HttpAnswer {
  return page(
    200,
    atShipment(order) ? 'Payment authorised' : 'Payment accepted',
    `${orderSummary(merchant, order)}
<p class="ok" role="status">${
      atShipment(order)
        ? 'Your card was verified. Nothing has been debited yet: you will be charged as each part of the order ships.'
        : 'Your payment was accepted. Thank you.'
    }</p>
<p class="muted">Transaction ${esc(transactionId)}</p>`,
    logPath,
  );
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
