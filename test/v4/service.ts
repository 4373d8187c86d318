import { mkdtempSync, rmSync } from 'node:fs';
import { after, before } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Acquirer } from '../../src/acquirer/acquirer.js';
import type { MerchantWithSecret } from '../../src/domain/types.js';
import { LocalEngine } from '../../src/engine/local/local-engine.js';
import { type RunningService, startService } from '../../src/server/service.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { TestClock } from './fixtures.js';

/**
 * `esipay serve` in-process on a fresh SQLite file and port 0, with the engine's clock (and, when
 * a test needs it, its acquirer) injected; and a V4 client for it, as a merchant calls it.
 */
export interface V4Service {
  url: string;
  clock: TestClock;
  service: RunningService;
  engine: LocalEngine;
  merchant: MerchantWithSecret;
  db: string;
  logs: string[];
  call(webService: string, body: unknown, opts?: CallOptions): Promise<V4Reply>;
  addMerchant(opts?: { notificationUrl?: string; currency?: string }): Promise<MerchantWithSecret>;
  close(): Promise<void>;
}

export interface CallOptions {
  as?: { uuid: string; secret: string } | null;
  headers?: Record<string, string>;
  method?: string;
  rawBody?: string;
}

export interface V4Reply {
  httpStatus: number;
  headers: Headers;
  body: any;
  /** The envelope's answer. */
  answer: any;
}

export async function startV4Service(
  opts: { acquirer?: Acquirer; clock?: TestClock; notificationUrl?: string; db?: string } = {},
): Promise<V4Service> {
  const dir = opts.db ? undefined : mkdtempSync(join(tmpdir(), 'esipay-v4-serve-'));
  const db = opts.db ?? join(dir!, 'esipay.db');
  const clock = opts.clock ?? new TestClock(undefined, { running: true });
  const logs: string[] = [];
  const service = await startService({
    db,
    host: '127.0.0.1',
    port: 0,
    trustProxy: [],
    quiet: true,
    adminToken: 'test-operator-token',
    log: (line) => logs.push(line),
    engineOptions: { clock: clock.read, ...(opts.acquirer ? { acquirer: opts.acquirer } : {}) },
  });
  // Merchants are registered through an engine over the service's own store (not closed: the
  // service owns the store).
  const engine = await LocalEngine.create(service.store, { clock: clock.read });
  const addMerchant = (m: { notificationUrl?: string; currency?: string } = {}) =>
    engine.registerMerchant({ name: 'Boutique', ip: '127.0.0.1', returnUrl: 'http://127.0.0.1:9/return', ...m });
  const merchant = await addMerchant(opts.notificationUrl ? { notificationUrl: opts.notificationUrl } : {});
  const call = async (webService: string, body: unknown, o: CallOptions = {}): Promise<V4Reply> => {
    const as = o.as === undefined ? merchant : o.as;
    const headers: Record<string, string> = { 'content-type': 'application/json', ...o.headers };
    if (as) headers.authorization = 'Basic ' + Buffer.from(`${as.uuid}:${as.secret}`).toString('base64');
    const method = o.method ?? 'POST';
    const res = await fetch(`${service.url}/api-payment/V4/${webService}`, {
      method,
      headers,
      ...(method === 'GET' || method === 'HEAD' ? {} : { body: o.rawBody ?? JSON.stringify(body) }),
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : undefined;
    return { httpStatus: res.status, headers: res.headers, body: parsed, answer: parsed?.answer };
  };
  return {
    url: service.url,
    clock,
    service,
    engine,
    merchant,
    db,
    logs,
    call,
    addMerchant,
    close: async () => {
      await service.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The seed's initial transaction, with the card a PCI-DSS merchant sends. */
export function initialRequest(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    amount: 7412,
    currency: 'EUR',
    customer: { email: 'sample@example.com' },
    orderId: 'myOrder-1234-initial',
    useCase: 'SHIPMENT_MULTIPLE_AUTHORISATION',
    paymentForms: [{ paymentMethodType: 'CARD', pan: '4111111111111111', expiryMonth: '12', expiryYear: '2035' }],
    ...extra,
  };
}

/**
 * For a describe block: the service, and a receiver standing for the merchant's notification URL
 * (answering 200), started before its tests and stopped after. Read them in the tests, once started.
 */
export function serviceWithIpnReceiver(): { readonly svc: V4Service; readonly receiver: Receiver } {
  const started: { svc?: V4Service; receiver?: Receiver } = {};
  before(async () => {
    started.receiver = await startReceiver(200);
    started.svc = await startV4Service({ notificationUrl: `${started.receiver.url}/ipn` });
  });
  after(async () => {
    await started.svc?.close();
    await started.receiver?.close();
  });
  return {
    get svc() {
      return started.svc!;
    },
    get receiver() {
      return started.receiver!;
    },
  };
}
