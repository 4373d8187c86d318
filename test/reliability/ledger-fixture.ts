import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallbackSender } from '../../src/callback/sender.js';
import type { LinkRecord, ScheduledDebitRecord, TransactionRecord } from '../../src/domain/types.js';
import { LocalEngine } from '../../src/engine/local/local-engine.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { newId } from '../../src/util/ids.js';
import { newTransactionRecord } from '../../src/engine/local/records.js';

/** A return URL stand-in: answers the status it is told, without a network. */
export function fakeReturnUrl(status = 200): CallbackSender & { status: number; sent: number } {
  const s = {
    status,
    sent: 0,
    async send() {
      s.sent++;
      return { status: s.status, ok: s.status === 200, error: s.status === 200 ? null : `the URL answered HTTP ${s.status}` };
    },
  };
  return s;
}

export const CARD = { number: '4111111111111111', month: '12', year: '2040' };
export const DECLINED_CARD = { number: '4000000000000002', month: '12', year: '2040' };

/** The ids of a small, correct ledger: every kind of transaction and movement once. */
export interface Ledger {
  dir: string;
  db: string;
  merchantA: string;
  merchantB: string;
  /** PAID 100.00, untouched. */
  paid: string;
  /** PAID 50.00, 20.00 refunded. */
  partial: string;
  /** PAID 30.00, fully refunded in two refunds. */
  refundedFull: string;
  declined: string;
  cancelled: string;
  /** AUTHORISED initial of 200.00 with two PAID shipments of 40.00 and 60.00. */
  initial: string;
  shipments: string[];
  /** Merchant B's PAID payment. */
  paidB: string;
  cleanup: () => void;
}

/**
 * Builds the ledger on a temp SQLite file with the real engine and store (shipments through the
 * store, since the V4 use case may not exist yet), then closes it.
 */
export async function buildLedger(): Promise<Ledger> {
  const dir = mkdtempSync(join(tmpdir(), 'esipay-ledger-'));
  const db = join(dir, 'esipay.db');
  const store = await openStore(db);
  const returnUrl = fakeReturnUrl(200);
  const engine = await LocalEngine.create(store, { callbacks: returnUrl });
  try {
    const a = await engine.registerMerchant({ name: 'A', ip: '127.0.0.1', returnUrl: 'http://127.0.0.1:9/a' });
    const b = await engine.registerMerchant({ name: 'B', ip: '127.0.0.1', returnUrl: 'http://127.0.0.1:9/b' });
    const pay = (merchant: string, cid: string, amount: string, card = CARD) => engine.pay({ merchant, cid, amount, card });
    const paid = await pay(a.uuid, 'paid', '100.00');
    const partial = await pay(a.uuid, 'partial', '50.00');
    await engine.refund({ transaction: partial.id, amount: '20.00' });
    const refundedFull = await pay(a.uuid, 'full', '30.00');
    await engine.refund({ transaction: refundedFull.id, amount: '10.00' });
    await engine.refund({ transaction: refundedFull.id });
    const declined = await pay(a.uuid, 'declined', '10.00', DECLINED_CARD).catch((e: { transaction: { id: string } }) => e.transaction);
    returnUrl.status = 500;
    const cancelled = await pay(a.uuid, 'cancelled', '10.00').catch((e: { transaction: { id: string } }) => e.transaction);
    returnUrl.status = 200;
    const paidB = await pay(b.uuid, 'paid-b', '5.00');

    const initial = await insertInitial(store, a.uuid, 20000);
    const shipments: string[] = [];
    for (const amount of [4000, 6000]) {
      const s = shipmentRecord(a.uuid, initial.id, amount);
      const r = await store.addShipment(s, new Date().toISOString());
      if (!r.ok) throw new Error(`shipment refused: ${r.reason}`);
      shipments.push(s.id);
    }
    return {
      dir,
      db,
      merchantA: a.uuid,
      merchantB: b.uuid,
      paid: paid.id,
      partial: partial.id,
      refundedFull: refundedFull.id,
      declined: declined.id,
      cancelled: cancelled.id,
      initial: initial.id,
      shipments,
      paidB: paidB.id,
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  } finally {
    await engine.close();
  }
}

function baseRecord(merchantId: string, kind: TransactionRecord['kind'], amount: number): TransactionRecord {
  return newTransactionRecord(
    {
      merchantId,
      kind,
      cid: `${kind}-${newId().slice(-8)}`,
      status: 'PAID',
      amount,
      currency: 'EUR',
      cardFirst6: '411111',
      cardLast4: '1111',
      cardBrand: 'visa',
      cardToken: 'simtok_approved_fixture',
      authCode: 'A1B2C3',
    },
    new Date(),
  );
}

export async function insertInitial(store: Store, merchantId: string, amount: number): Promise<TransactionRecord> {
  const t = {
    ...baseRecord(merchantId, 'initial', amount),
    status: 'AUTHORISED' as const,
    expiresAt: new Date(Date.now() + 180 * 86_400_000).toISOString(),
  };
  await store.insertTransaction(t);
  return t;
}

export function shipmentRecord(merchantId: string, parentId: string, amount: number): TransactionRecord {
  return { ...baseRecord(merchantId, 'shipment', amount), parentId };
}

/** A PENDING card payment as a crash leaves it: authorised, its return URL never answered. */
export function pendingRecord(merchantId: string, amount: number, deadlineAt: string): TransactionRecord {
  return { ...baseRecord(merchantId, 'card', amount), status: 'PENDING', authCode: null, deadlineAt };
}

export function paidLinkRecord(merchantId: string, transactionId: string, amount: number): LinkRecord {
  const at = new Date().toISOString();
  return {
    id: newId(),
    merchantId,
    tokenHash: newId(),
    paymentReference: `inv-${newId().slice(-8)}`,
    consumerReference: 'consumer-1',
    amount,
    currency: 'EUR',
    mode: 'pay_now',
    request: '{}',
    callbackUrl: 'http://127.0.0.1:9/cb',
    redirectUrl: null,
    status: 'paid',
    transactionId,
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    createdAt: at,
    updatedAt: at,
  };
}

/** A debit scheduled on a link, not yet due. */
export function scheduledDebitRecord(link: LinkRecord, seq: number, amount: number): ScheduledDebitRecord {
  const at = new Date().toISOString();
  return {
    id: newId(),
    linkId: link.id,
    merchantId: link.merchantId,
    seq,
    amount,
    currency: link.currency,
    dueAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    status: 'scheduled',
    cardToken: 'simtok_approved_fixture',
    transactionId: null,
    attempts: 0,
    lastError: null,
    createdAt: at,
    updatedAt: at,
  };
}
