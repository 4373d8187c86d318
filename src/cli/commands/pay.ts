import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { splitExpiry } from '../../card/card.js';
import { invalid } from '../../domain/errors.js';
import { formatMoney } from '../../money/amount.js';
import { askOrFail } from '../prompt.js';
import { renderTransaction } from '../render.js';
import { action } from '../run-action.js';

export function registerPay(program: Command): void {
  program
    .command('pay <amount>')
    .description("pay by card: authorise, call the merchant's return URL, PAID only if it answers 200")
    .option('--card <number>', 'card number (never stored: only first 6, last 4 and a keyed hash)')
    .option('--expiry <MM/YYYY>', 'card expiry, MM/YYYY or MM/YY')
    .option('--cid <reference>', 'merchant payment reference; repeating it with the same payment charges once (default: a new one)')
    .action(
      action(async (ctx, amount: string, opts: { card?: string; expiry?: string; cid?: string }) => {
        const merchant = await ctx.merchant();
        const card = opts.card ?? (await askOrFail('Card number', '--card'));
        const expiryText = opts.expiry ?? (await askOrFail('Expiry (MM/YYYY)', '--expiry'));
        const expiry = splitExpiry(expiryText);
        if (!expiry) throw invalid('invalid_card_expiry', `"${expiryText}" is not an expiry date`, 'use MM/YYYY, such as 12/2030');
        const cid = opts.cid ?? `cli-${randomBytes(6).toString('hex')}`;
        const engine = await ctx.openEngine();
        const tx = await engine.pay({ merchant, cid, amount, card: { number: card.replace(/[\s-]/g, ''), ...expiry } });
        ctx.out.result(tx, () => renderTransaction(ctx.out.color, tx));
        if (!ctx.out.json) ctx.out.info(`Paid ${formatMoney(tx.amount, tx.currency)}. Refund with: esipay refund ${tx.id} [amount]`);
      }),
    );
}
