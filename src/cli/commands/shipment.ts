import type { Command } from 'commander';
import { splitExpiry } from '../../card/card.js';
import { invalid } from '../../domain/errors.js';
import { formatMoney } from '../../money/amount.js';
import { askOrFail } from '../prompt.js';
import { renderTransaction } from '../render.js';
import { action } from '../run-action.js';

/**
 * Payment at shipment from the terminal: `init` verifies the card for the order's total (nothing
 * debited, valid 180 days), `ship` debits what was shipped. Amounts are decimals as typed: the
 * engine parses them with the currency's own number of decimals.
 */
export function registerShipment(program: Command): void {
  const shipment = program.command('shipment').description("payment at shipment: authorise an order's total once, debit each shipment");

  shipment
    .command('init <amount>')
    .description('initial multi-authorisation: check the card for the total, debit nothing, valid 180 days')
    .option('--currency <code>', "ISO 4217 currency; must be the merchant's (default: the merchant's)")
    .option('--order-id <reference>', "the merchant's order reference")
    .option('--email <address>', "the buyer's e-mail")
    .option('--card <number>', 'card number (never stored: only first 6, last 4 and a keyed hash)')
    .option('--expiry <MM/YYYY>', 'card expiry, MM/YYYY or MM/YY')
    .option('--idempotency-key <key>', 'repeating the command with this key authorises once')
    .action(
      action(
        async (
          ctx,
          amountText: string,
          opts: { currency?: string; orderId?: string; email?: string; card?: string; expiry?: string; idempotencyKey?: string },
        ) => {
          const merchant = await ctx.merchant();
          const card = opts.card ?? (await askOrFail('Card number', '--card'));
          const expiryText = opts.expiry ?? (await askOrFail('Expiry (MM/YYYY)', '--expiry'));
          const expiry = splitExpiry(expiryText);
          if (!expiry) throw invalid('invalid_card_expiry', `"${expiryText}" is not an expiry date`, 'use MM/YYYY, such as 12/2030');
          const engine = await ctx.openEngine();
          // The engine checks the currency (INT_010, PSP_519, PSP_606) and parses the amount in it (INT_009).
          const tx = await engine.createInitial({
            merchant,
            amount: amountText,
            ...(opts.currency ? { currency: opts.currency } : {}),
            orderId: opts.orderId ?? '',
            ...(opts.email ? { email: opts.email } : {}),
            card: { number: card.replace(/[\s-]/g, ''), ...expiry },
            ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
          });
          ctx.out.result(tx, () => renderTransaction(ctx.out.color, tx));
          if (!ctx.out.json) {
            ctx.out.info(
              `Authorised ${formatMoney(tx.amount, tx.currency)} until ${tx.expiresAt ?? '?'}; nothing debited. Ship with: esipay shipment ship ${tx.id} <amount>`,
            );
          }
        },
      ),
    );

  shipment
    .command('ship <initial> <amount>')
    .description('debit a shipment against an initial transaction, within what remains to ship')
    .option('--idempotency-key <key>', 'repeating the command with this key debits once')
    .option('--email <address>', "the buyer's e-mail")
    .action(
      action(async (ctx, initial: string, amountText: string, opts: { idempotencyKey?: string; email?: string }) => {
        const merchant = await ctx.merchant();
        const engine = await ctx.openEngine();
        const tx = await engine.createShipment({
          merchant,
          initial,
          amount: amountText,
          ...(opts.email ? { email: opts.email } : {}),
          ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
        });
        ctx.out.result(tx, () => renderTransaction(ctx.out.color, tx));
        if (!ctx.out.json) {
          const after = await engine.getTransaction(initial, merchant);
          ctx.out.info(
            `Debited ${formatMoney(tx.amount, tx.currency)}; ${formatMoney(after.remaining, after.currency)} remains to ship on ${initial}.`,
          );
        }
      }),
    );
}
