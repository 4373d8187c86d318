import assert from 'node:assert/strict';
import { REFUNDABLE_KINDS } from '../../../src/domain/decisions.js';
import type { TransactionView } from '../../../src/domain/types.js';
import type { Engine } from '../../../src/engine/engine.js';
import type { MerchantTotals } from '../../../src/store/store.js';
import { statusCounts } from '../../../src/verify/totals-recount.js';

const PAID_SHOWN = new Set(['PAID', 'PARTIALLY_REFUNDED', 'REFUNDED']);

/** The totals recounted from the Engine's own views of the rows (statuses as the engine shows them now). */
export function recountViews(views: readonly TransactionView[]): MerchantTotals {
  let paid = 0n;
  let refunded = 0n;
  let toShip = 0n;
  let currency: string | null = null;
  const byStatus = statusCounts();
  for (const v of views) {
    byStatus[v.status]++;
    if (currency === null || v.currency > currency) currency = v.currency;
    if (PAID_SHOWN.has(v.status) && REFUNDABLE_KINDS.includes(v.kind)) paid += BigInt(v.amount);
    if (PAID_SHOWN.has(v.status)) refunded += BigInt(v.refunded);
    if (v.kind === 'initial' && v.status === 'AUTHORISED' && v.expiresAt !== undefined) toShip += BigInt(v.amount - (v.shipped ?? 0));
  }
  return { paid: String(paid), refunded: String(refunded), toShip: String(toShip), count: views.length, currency, byStatus };
}

/**
 * The merchant's totals equal the recount of its transactions, as the Engine lists them. A case
 * may leave a write landing (a sweep, a delivery): the totals are read before and after the
 * listing, and compared only once the two agree (a few tries, no waiting).
 */
export async function assertEngineTotalsRecounted(
  engine: Engine,
  merchant: string,
  all: (merchant: string) => Promise<TransactionView[]>,
): Promise<void> {
  let last: { totals: MerchantTotals; recount: MerchantTotals } | undefined;
  for (let i = 0; i < 5; i++) {
    const before = await engine.merchantTotals(merchant);
    const recount = recountViews(await all(merchant));
    const after = await engine.merchantTotals(merchant);
    last = { totals: after, recount };
    if (JSON.stringify(before) === JSON.stringify(after)) break;
  }
  assert.deepEqual(last!.totals, last!.recount, `running totals of merchant ${merchant} against the recount of its transactions`);
}
