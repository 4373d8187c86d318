import type { Command } from 'commander';
import { askLine } from '../prompt.js';
import { renderMerchant, renderTable } from '../render.js';
import { action } from '../run-action.js';
import { registerMerchantLifecycle } from './merchant-lifecycle.js';

export function registerMerchant(program: Command): void {
  const merchant = program.command('merchant').description('register and inspect merchants');

  merchant
    .command('register')
    .description('register a merchant: prints its uuid and the secret that signs its callbacks')
    .option('--name <name>', 'merchant name')
    .option('--ip <address>', 'address of the server that will call esipay (checked on every request)')
    .option('--return-url <url>', 'URL that receives each payment result and must answer 200')
    .option('--currency <code>', 'ISO 4217 currency of its payments', 'EUR')
    .option('--notification-url <url>', 'URL for V4 IPNs (defaults to the return URL)')
    .action(
      action(async (ctx, opts: { name?: string; ip?: string; returnUrl?: string; currency: string; notificationUrl?: string }) => {
        const name = opts.name ?? (await askLine('--name', 'Merchant name', 100));
        const ip = opts.ip ?? (await askLine('--ip', 'Server IP address', 45, 'ip'));
        const returnUrl = opts.returnUrl ?? (await askLine('--return-url', 'Return URL', 2048, 'url'));
        const engine = await ctx.openEngine();
        const m = await engine.registerMerchant({
          name,
          ip,
          returnUrl,
          currency: opts.currency.toUpperCase(),
          ...(opts.notificationUrl ? { notificationUrl: opts.notificationUrl } : {}),
        });
        ctx.out.result(m, () => renderMerchant(ctx.out.color, m));
        if (!ctx.out.json) ctx.out.info(`Use it with --merchant ${m.uuid}, or: esipay config set merchant ${m.uuid}`);
      }),
    );

  merchant
    .command('list')
    .description('list merchants, oldest first')
    .option('--limit <n>', 'page size', (v) => Number(v), 50)
    .option('--cursor <cursor>', 'the next-page cursor printed by the previous page')
    .action(
      action(async (ctx, opts: { limit: number; cursor?: string }) => {
        const engine = await ctx.openEngine({ readOnly: true });
        const page = await engine.listMerchants({ limit: opts.limit, ...(opts.cursor ? { cursor: opts.cursor } : {}) });
        ctx.out.result(page, () => {
          if (page.items.length === 0) return 'no merchants yet: esipay merchant register --name … --ip … --return-url …';
          const table = renderTable(
            [
              { title: 'UUID', value: (m) => m.uuid },
              { title: 'NAME', value: (m) => m.name },
              { title: 'IP', value: (m) => m.ip },
              { title: 'CURRENCY', value: (m) => m.currency },
              { title: 'STATUS', value: (m) => m.status ?? 'active' },
              { title: 'RETURN URL', value: (m) => m.returnUrl },
            ],
            page.items,
            ctx.out.columns,
          );
          return page.next ? `${table}\nmore: --cursor ${page.next}` : table;
        });
      }),
    );

  merchant
    .command('show <uuid>')
    .description('show a merchant')
    .action(
      action(async (ctx, uuid: string) => {
        const m = await (await ctx.openEngine({ readOnly: true })).getMerchant(uuid);
        ctx.out.result(m, () => renderMerchant(ctx.out.color, m));
      }),
    );

  merchant
    .command('rotate-secret <uuid>')
    .description('give a merchant a new secret; the previous one keeps working until the next rotation, unless --expire-previous')
    .option('--expire-previous', 'the previous secret stops working at once (a leaked secret): as V4/link password and for signatures')
    .action(
      action(async (ctx, uuid: string, opts: { expirePrevious?: boolean }) => {
        const m = await (await ctx.openEngine()).rotateMerchantSecret(uuid, { expirePrevious: opts.expirePrevious === true });
        ctx.out.result(m, () => renderMerchant(ctx.out.color, m));
        if (!ctx.out.json && opts.expirePrevious) ctx.out.info('The previous secret no longer works.');
      }),
    );

  registerMerchantLifecycle(merchant);
}
