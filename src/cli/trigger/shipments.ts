import type { MerchantView, TransactionView } from '../../domain/types.js';
import { CARDS, futureExpiry, type ScenarioCard } from './cards.js';
import { ORDER_TOTAL } from './payments.js';
import type { ScenarioRun } from './run.js';

/**
 * Payment at shipment (seed 001): the buyer orders three products, 35.00, 25.00 and 14.12, for
 * 74.12; the card is verified for the total at the order and debited at each shipment.
 */
const PARTS = [3500, 2500, 1412] as const;
const SEED_EMAIL = 'sample@example.com';

async function initial(run: ScenarioRun, m: MerchantView, card: ScenarioCard = CARDS.approved): Promise<TransactionView> {
  const { transaction } = await run.done(
    `authorise the order's ${run.money(m, ORDER_TOTAL)} with ${card.label}, nothing debited`,
    async () => ({
      transaction: await run.engine.createInitial({
        merchant: m.uuid,
        amount: run.amount(m, ORDER_TOTAL),
        orderId: run.ref('order'),
        email: SEED_EMAIL,
        card: { number: card.number, ...futureExpiry() },
        idempotencyKey: run.ref('initial'),
      }),
    }),
    'AUTHORISED',
  );
  run.show(transaction.id, m.uuid);
  return transaction;
}

function ship(run: ScenarioRun, m: MerchantView, initialId: string, minor: number, n: number) {
  return async () => ({
    transaction: await run.engine.createShipment({
      merchant: m.uuid,
      initial: initialId,
      amount: run.amount(m, minor),
      email: SEED_EMAIL,
      idempotencyKey: run.ref(`ship-${n}`),
    }),
  });
}

export async function threeParts(run: ScenarioRun): Promise<void> {
  const m = await run.merchant();
  const order = await initial(run, m);
  let n = 0;
  for (const part of PARTS) {
    n++;
    await run.done(`ship product ${n}: ${run.money(m, part)}`, ship(run, m, order.id, part, n), 'PAID');
  }
  const after = await run.engine.getTransaction(order.id, m.uuid);
  run.expect(after.remaining === 0, 'ship product 3', `left ${run.money(m, after.remaining)} to ship, not nothing`);
}

export async function overTotal(run: ScenarioRun): Promise<void> {
  const m = await run.merchant();
  const order = await initial(run, m);
  const first = PARTS[0];
  await run.done(`ship ${run.money(m, first)}`, ship(run, m, order.id, first, 1), 'PAID');
  const over = ORDER_TOTAL - first + 88;
  await run.refused(
    `ship ${run.money(m, over)}, over the ${run.money(m, ORDER_TOTAL - first)} that remain`,
    'PSP_229',
    ship(run, m, order.id, over, 2),
  );
}

/** A card approved at the order whose shipment debit is refused, or fails at the acquirer: nothing is debited. */
async function refusedShipment(run: ScenarioRun, card: ScenarioCard, code: string): Promise<void> {
  const m = await run.merchant();
  const order = await initial(run, m, card);
  const part = PARTS[0];
  const step = `ship ${run.money(m, part)}`;
  await run.refused(step, code, ship(run, m, order.id, part, 1));
  const after = await run.engine.getTransaction(order.id, m.uuid);
  run.expect(after.remaining === ORDER_TOTAL, step, `left ${run.money(m, after.remaining)} to ship, not the whole order`);
}

export const declined = (run: ScenarioRun) => refusedShipment(run, CARDS.laterDeclined, 'card_declined');
export const technicalFailure = (run: ScenarioRun) => refusedShipment(run, CARDS.laterTechnical, 'PSP_227');
