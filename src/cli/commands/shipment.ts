import type { Command } from 'commander';
import { conflict } from '../../domain/errors.js';
import type { Engine } from '../../engine/engine.js';
import { formatMoney } from '../../money/amount.js';
import { askAmount, cardFrom, merchantOrPick, missingArgument, refuseMissing } from '../prompt.js';
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
    .command('init')
    .argument('[amount]', "the order's total (asked for on a terminal when left out)")
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
          amountArg: string | undefined,
          opts: { currency?: string; orderId?: string; email?: string; card?: string; expiry?: string; idempotencyKey?: string },
        ) => {
          refuseMissing(amountArg === undefined, () => missingArgument('amount', 'shipment init'));
          const merchant = await merchantOrPick(ctx);
          const amountText =
            amountArg ??
            (await askAmount(
              {
                label: "Order's total",
                currency: opts.currency?.toUpperCase() ?? (await (await ctx.openEngine()).getMerchant(merchant)).currency,
              },
              () => missingArgument('amount', 'shipment init'),
            ));
          const card = await cardFrom(opts);
          const engine = await ctx.openEngine();
          // The engine checks the currency (INT_010, PSP_519, PSP_606) and parses the amount in it (INT_009).
          const tx = await engine.createInitial({
            merchant,
            amount: amountText,
            ...(opts.currency ? { currency: opts.currency } : {}),
            orderId: opts.orderId ?? '',
            ...(opts.email ? { email: opts.email } : {}),
            card,
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
    .command('ship <initial>')
    .argument('[amount]', 'what this shipment debits (asked for on a terminal when left out, with what is left to ship)')
    .description('debit a shipment against an initial transaction, within what remains to ship')
    .option('--idempotency-key <key>', 'repeating the command with this key debits once')
    .option('--email <address>', "the buyer's e-mail")
    .action(
      action(async (ctx, initial: string, amountArg: string | undefined, opts: { idempotencyKey?: string; email?: string }) => {
        refuseMissing(amountArg === undefined, () => missingArgument('amount', 'shipment ship'));
        const merchant = await merchantOrPick(ctx);
        const engine = await ctx.openEngine();
        const amountText = amountArg ?? (await askShipment(engine, initial, merchant));
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

/**
 * The amount of a shipment, at most what the initial authorisation has left to ship. With nothing
 * left there is nothing to ask: the refusal is the engine's own (PSP_229).
 */
async function askShipment(engine: Engine, initial: string, merchant: string): Promise<string> {
  const parent = await engine.getTransaction(initial, merchant);
  if (parent.kind !== 'initial') throw conflict('PSP_229', `transaction ${parent.id} is not an initial transaction`);
  if (parent.remaining <= 0)
    throw conflict('PSP_229', `nothing is left to ship against the initial transaction ${parent.id} (${parent.status})`);
  const left = formatMoney(parent.remaining, parent.currency);
  return askAmount(
    { label: `Amount to ship, of ${left} left`, currency: parent.currency, max: { minor: parent.remaining, what: 'is left to ship' } },
    () => missingArgument('amount', 'shipment ship'),
  );
}
