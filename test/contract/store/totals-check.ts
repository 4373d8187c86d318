import assert from 'node:assert/strict';
import type { Keyset, MerchantTotals, Store } from '../../../src/store/store.js';
import { TotalsRecount } from '../../../src/verify/totals-recount.js';

/**
 * The times the running totals are held to their recount at: around the fixtures' times (2030)
 * and their authorisations' end (2031-01-01: before that day, on it before and after the end, and
 * after), so both parts of what depends on time (the days after today, today's rows) are read.
 */
export const TOTALS_TIMES = [
  '2000-01-01T00:00:00.000Z',
  '2030-06-01T00:00:00.000Z',
  '2030-12-31T23:59:59.999Z',
  '2031-01-01T00:00:00.000Z',
  '2030-01-01T12:00:00.000Z',
  '2031-06-01T00:00:00.000Z',
  '3000-01-01T00:00:00.000Z',
];

/** A merchant's totals recounted from its rows (every page of listTransactions) at `now`. */
export async function recountTotals(s: Store, merchantId: string, now: string): Promise<MerchantTotals> {
  const recount = new TotalsRecount(now);
  let before: Keyset | undefined;
  for (;;) {
    const page = await s.listTransactions({ merchantId, limit: 500, ...(before ? { before } : {}) });
    for (const t of page) recount.add(t);
    const last = page.at(-1);
    if (page.length < 500 || !last) return recount.result();
    before = { createdAt: last.createdAt, id: last.id };
  }
}

/** The running totals of the merchant equal the recount of its rows, at each of `times`. */
export async function assertTotalsRecounted(s: Store, merchantId: string, times: readonly string[] = TOTALS_TIMES): Promise<void> {
  for (const now of times) {
    assert.deepEqual(await s.merchantTotals(merchantId, now), await recountTotals(s, merchantId, now), `totals of ${merchantId} at ${now}`);
  }
}

/** Every merchant's running totals equal the recount of its rows: what every store contract case ends with. */
export async function assertAllTotalsRecounted(s: Store): Promise<void> {
  let after: Keyset | undefined;
  for (;;) {
    const page = await s.listMerchants({ limit: 100, ...(after ? { after } : {}) });
    for (const m of page) await assertTotalsRecounted(s, m.id);
    const last = page.at(-1);
    if (page.length < 100 || !last) return;
    after = { createdAt: last.createdAt, id: last.id };
  }
}
