import type { MerchantView, TransactionView } from '../../domain/types.js';
import { CARDS, futureExpiry, type ScenarioCard } from './cards.js';
import type { ScenarioRun } from './run.js';

/** The card payments and refunds of `esipay trigger`, amounts in minor units of the merchant's currency. */

/** The seed's order total: 74.12 in a currency of two decimals. */
export const ORDER_TOTAL = 7412;
const PARTIAL_REFUND = 1000;

function pay(run: ScenarioRun, m: MerchantView, card: ScenarioCard, minor = ORDER_TOTAL) {
  return {
    step: `pay ${run.money(m, minor)} with ${card.label}`,
    request: async () => ({
      transaction: await run.engine.pay({
        merchant: m.uuid,
        cid: run.ref('pay'),
        amount: run.amount(m, minor),
        card: { number: card.number, ...futureExpiry() },
      }),
    }),
  };
}

async function paidPayment(run: ScenarioRun, m: MerchantView): Promise<TransactionView> {
  const p = pay(run, m, CARDS.approved);
  const { transaction } = await run.done(p.step, p.request, 'PAID');
  run.show(transaction.id, m.uuid);
  return transaction;
}

export async function paid(run: ScenarioRun): Promise<void> {
  await paidPayment(run, await run.merchant());
}

export async function declined(run: ScenarioRun): Promise<void> {
  const m = await run.merchant();
  const p = pay(run, m, CARDS.declined);
  const refusal = await run.refused(p.step, 'card_declined', p.request);
  const tx = refusal.transaction as TransactionView | undefined;
  run.expect(tx?.status === 'DECLINED', p.step, `left ${tx?.status ?? 'no transaction'}, not DECLINED`);
  run.show(tx!.id, m.uuid);
}

export async function cancelled(run: ScenarioRun): Promise<void> {
  const m = await run.merchants.refusing();
  const p = pay(run, m, CARDS.approved);
  const refusal = await run.refused(`${p.step}, the return URL answering 503`, 'callback_failed', p.request);
  const tx = refusal.transaction as TransactionView | undefined;
  run.expect(tx?.status === 'CANCELLED', p.step, `left ${tx?.status ?? 'no transaction'}, not CANCELLED`);
  run.show(tx!.id, m.uuid);
}

export async function refundPartial(run: ScenarioRun): Promise<void> {
  const m = await run.merchant();
  const tx = await paidPayment(run, m);
  const step = `refund ${run.money(m, PARTIAL_REFUND)} of it`;
  const { transaction } = await run.done(
    step,
    () =>
      run.engine.refund({ transaction: tx.id, amount: run.amount(m, PARTIAL_REFUND), merchant: m.uuid, idempotencyKey: run.ref('refund') }),
    'PARTIALLY_REFUNDED',
  );
  run.expect(transaction.remaining === ORDER_TOTAL - PARTIAL_REFUND, step, `left ${run.money(m, transaction.remaining)} to refund`);
}

export async function refundFull(run: ScenarioRun): Promise<void> {
  const m = await run.merchant();
  const tx = await paidPayment(run, m);
  const { transaction } = await run.done(
    'refund all that remains of it',
    () => run.engine.refund({ transaction: tx.id, merchant: m.uuid, idempotencyKey: run.ref('refund') }),
    'REFUNDED',
  );
  run.expect(transaction.remaining === 0, 'refund all that remains of it', `left ${run.money(m, transaction.remaining)} to refund`);
}
