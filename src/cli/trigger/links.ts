import type { LinkMode } from '../../domain/types.js';
import type { LinkView } from '../../engine/engine.js';
import { CARDS, futureExpiry } from './cards.js';
import { payLinkAsConsumer } from './pay-link.js';
import { ORDER_TOTAL } from './payments.js';
import type { ScenarioRun } from './run.js';

/**
 * Payment links: created for the merchant, then paid on the hosted page as the consumer would.
 * The link's signed result goes to its callback URL, here the merchant's return URL (what
 * `esipay listen` prints), through the outbox: `esipay serve` delivers it.
 */
async function paidLink(run: ScenarioRun, mode: LinkMode, extra: Record<string, unknown> = {}): Promise<{ step: string; link: LinkView }> {
  const m = await run.merchant();
  const { link } = await run.done(`create a ${mode} link of ${run.money(m, ORDER_TOTAL)}`, async () => ({
    link: await run.engine.createLink({
      merchant: m.uuid,
      amount: run.amount(m, ORDER_TOTAL),
      paymentReference: run.ref('link'),
      consumerReference: 'esipay-trigger',
      callbackUrl: m.returnUrl,
      email: 'consumer@example.com',
      phone: '0600000000',
      mode,
      extra,
    }),
  }));
  const step = `pay it on its page with ${CARDS.approved.label}`;
  const { link: after } = await run.done(
    step,
    async () => {
      const paid = await payLinkAsConsumer(run.engine, link, { number: CARDS.approved.number, ...futureExpiry() });
      return {
        transaction: await run.engine.getTransaction(paid.transaction, m.uuid),
        link: await run.engine.getLink(link.id, m.uuid),
        via: paid.via,
      };
    },
    'PAID',
  );
  run.expect(after.state === 'paid', step, `left the link ${after.state}, not paid`);
  run.showLink(link.id, m.uuid);
  return { step, link: after };
}

export async function payNow(run: ScenarioRun): Promise<void> {
  await paidLink(run, 'pay_now');
}

const INSTALMENTS = 3;

export async function multiPay(run: ScenarioRun): Promise<void> {
  const { step, link } = await paidLink(run, 'multi_pay', { payment_scenario: `${INSTALMENTS}x` });
  const schedule = link.schedule ?? [];
  const due = schedule.map((d) => d.status).join(', ');
  run.expect(
    schedule.length === INSTALMENTS && schedule[0]?.status === 'paid' && schedule.slice(1).every((d) => d.status === 'scheduled'),
    step,
    `left a schedule of ${schedule.length} debits (${due || 'none'}), not ${INSTALMENTS} with the first paid`,
  );
}
