import { EsipayError } from '../domain/errors.js';
import type { ServiceEngine } from '../engine/service-engine.js';
import type { Store } from '../store/store.js';

/**
 * What `GET /metrics` tells Prometheus, in its text format (version 0.0.4), counted in process
 * since the start: requests by route label and status, their latency, payment and refund
 * outcomes, failures that were not the caller's, and, read from the database at each scrape, the
 * outbox's depth and the age of its oldest undelivered message. Route labels are bounded
 * (route-label.ts), so a hostile caller cannot grow the series. Written here rather than with
 * prom-client: a handful of counters and one histogram, on the request path of every request.
 */
const BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

export class ServiceMetrics {
  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  private readonly payments = new Map<string, number>();
  private readonly refunds = new Map<string, { count: number; minor: bigint }>();
  private readonly failures = new Map<string, number>();

  request(route: string, status: number, ms: number): void {
    const key = `${route}\u0000${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    let h = this.latency.get(route);
    if (!h) this.latency.set(route, (h = { counts: BUCKETS_S.map(() => 0), sum: 0, count: 0 }));
    const s = ms / 1000;
    for (let i = 0; i < BUCKETS_S.length; i++) if (s <= BUCKETS_S[i]!) h.counts[i]!++;
    h.sum += s;
    h.count++;
  }

  /** A payment's outcome: PAID, DECLINED, CANCELLED, FAILED, AUTHORISED (an initial), by the use case that made it. */
  payment(kind: string, outcome: string): void {
    const key = `${kind}\u0000${outcome}`;
    this.payments.set(key, (this.payments.get(key) ?? 0) + 1);
  }

  refund(currency: string, minor: number): void {
    const r = this.refunds.get(currency) ?? { count: 0, minor: 0n };
    r.count++;
    r.minor += BigInt(minor);
    this.refunds.set(currency, r);
  }

  failure(e: Error): void {
    const code = e instanceof EsipayError ? e.code : e.name;
    this.failures.set(code, (this.failures.get(code) ?? 0) + 1);
  }

  async render(store: Store, now: Date): Promise<string> {
    const out: string[] = [];
    const family = (name: string, type: string, help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);

    family('esipay_http_requests_total', 'counter', 'Requests answered, by route and HTTP status.');
    for (const [key, n] of this.requests) {
      const [route, status] = key.split('\u0000');
      out.push(`esipay_http_requests_total{route=${label(route!)},status="${status}"} ${n}`);
    }
    family('esipay_http_request_duration_seconds', 'histogram', 'Time to answer a request, by route.');
    for (const [route, h] of this.latency) {
      BUCKETS_S.forEach((b, i) => out.push(`esipay_http_request_duration_seconds_bucket{route=${label(route)},le="${b}"} ${h.counts[i]}`));
      out.push(`esipay_http_request_duration_seconds_bucket{route=${label(route)},le="+Inf"} ${h.count}`);
      out.push(`esipay_http_request_duration_seconds_sum{route=${label(route)}} ${h.sum}`);
      out.push(`esipay_http_request_duration_seconds_count{route=${label(route)}} ${h.count}`);
    }
    family('esipay_payments_total', 'counter', 'Payments by kind (card, initial, shipment) and outcome.');
    for (const [key, n] of this.payments) {
      const [kind, outcome] = key.split('\u0000');
      out.push(`esipay_payments_total{kind=${label(kind!)},outcome=${label(outcome!)}} ${n}`);
    }
    family('esipay_refunds_total', 'counter', 'Refunds made, by currency.');
    for (const [currency, r] of this.refunds) out.push(`esipay_refunds_total{currency=${label(currency)}} ${r.count}`);
    family('esipay_refunded_minor_units_total', 'counter', 'Amount refunded, in minor units of the currency (exact).');
    for (const [currency, r] of this.refunds) out.push(`esipay_refunded_minor_units_total{currency=${label(currency)}} ${r.minor}`);
    family('esipay_failures_total', 'counter', 'Failures that were not the caller’s (database or acquirer unavailable), by code.');
    for (const [code, n] of this.failures) out.push(`esipay_failures_total{code=${label(code)}} ${n}`);

    family('esipay_outbox_pending', 'gauge', 'Messages to merchants (IPNs, callbacks) not delivered yet.');
    family('esipay_outbox_oldest_pending_age_seconds', 'gauge', 'Age of the oldest undelivered message (0 when none).');
    family('esipay_database_up', 'gauge', '1 when the database answered this scrape.');
    try {
      const stats = await store.outboxStats();
      out.push(`esipay_outbox_pending ${stats.pending}`);
      const age = stats.oldestPendingAt ? Math.max(0, (now.getTime() - Date.parse(stats.oldestPendingAt)) / 1000) : 0;
      out.push(`esipay_outbox_oldest_pending_age_seconds ${age}`);
      out.push('esipay_database_up 1');
    } catch {
      out.push('esipay_database_up 0');
    }
    return out.join('\n') + '\n';
  }
}

/** A label value in the text format's quoting. */
function label(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/**
 * The engine with its money outcomes counted: payments (card, V4 immediate payments, initials and shipments) and
 * refunds, whichever route asked, without a line in the use cases themselves.
 */
export function countedEngine(engine: ServiceEngine, metrics: ServiceMetrics): ServiceEngine {
  const outcomeOf = (kind: string) => ({
    ok: (status: string) => metrics.payment(kind, status),
    failed: (e: unknown) => {
      if (e instanceof EsipayError && (e.kind === 'refused' || e.kind === 'cancelled' || e.kind === 'unavailable')) {
        const status = (e.transaction as { status?: unknown } | undefined)?.status;
        metrics.payment(kind, typeof status === 'string' ? status : e.kind.toUpperCase());
      }
      throw e;
    },
  });
  const refunded = <O extends { refund: { currency: string; amount: number } }>(o: O): O => {
    metrics.refund(o.refund.currency, o.refund.amount);
    return o;
  };
  const card = outcomeOf('card');
  const v4 = engine.v4;
  return Object.assign(Object.create(engine) as ServiceEngine, {
    pay: (input: Parameters<ServiceEngine['pay']>[0]) => engine.pay(input).then((t) => (card.ok(t.status), t), card.failed),
    refund: (input: Parameters<ServiceEngine['refund']>[0]) => engine.refund(input).then(refunded),
    v4: {
      ...v4,
      authorise: (...a: Parameters<typeof v4.authorise>) =>
        v4.authorise(...a).then((r) => (r.written && metrics.payment('initial', r.transaction.status), r)),
      pay: (...a: Parameters<typeof v4.pay>) => v4.pay(...a).then((r) => (r.written && metrics.payment('card', r.transaction.status), r)),
      ship: (...a: Parameters<typeof v4.ship>) =>
        v4.ship(...a).then((r) => (metrics.payment('shipment', r.shipment.status), r), outcomeOf('shipment').failed),
      refund: (...a: Parameters<typeof v4.refund>) => v4.refund(...a).then(refunded),
    },
  });
}
