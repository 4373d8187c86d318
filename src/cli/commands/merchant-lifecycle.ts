import type { Command } from 'commander';
import type { UpdateMerchantInput } from '../../engine/engine.js';
import { renderMerchant } from '../render.js';
import { action } from '../run-action.js';

/**
 * `esipay merchant update | disable | enable`: what an operator changes after registration. The
 * engine checks each value as registration does (the IP made canonical, URLs http or https).
 */
export function registerMerchantLifecycle(merchant: Command): void {
  merchant
    .command('update <uuid>')
    .description("change a merchant's name, server IP, return URL or notification URL (the options given; the rest stays)")
    .option('--name <name>', 'merchant name')
    .option('--ip <address>', 'address of the server that will call esipay')
    .option('--return-url <url>', 'URL that receives each payment result and must answer 200')
    .option('--notification-url <url>', 'URL for V4 IPNs; "" sends them to the return URL again')
    .action(
      action(async (ctx, uuid: string, opts: { name?: string; ip?: string; returnUrl?: string; notificationUrl?: string }) => {
        const input: UpdateMerchantInput = {
          ...(opts.name !== undefined ? { name: opts.name } : {}),
          ...(opts.ip !== undefined ? { ip: opts.ip } : {}),
          ...(opts.returnUrl !== undefined ? { returnUrl: opts.returnUrl } : {}),
          ...(opts.notificationUrl !== undefined ? { notificationUrl: opts.notificationUrl === '' ? null : opts.notificationUrl } : {}),
        };
        const m = await (await ctx.openEngine()).updateMerchant(uuid, input);
        ctx.out.result(m, () => renderMerchant(ctx.out.color, m));
      }),
    );

  const toggles = [
    {
      name: 'disable',
      method: 'disableMerchant',
      about: "refuse a merchant's requests from now on (403 merchant_disabled); its history stays readable",
    },
    { name: 'enable', method: 'enableMerchant', about: "accept a disabled merchant's requests again" },
  ] as const;
  for (const t of toggles) {
    merchant
      .command(`${t.name} <uuid>`)
      .description(t.about)
      .action(
        action(async (ctx, uuid: string) => {
          const m = await (await ctx.openEngine())[t.method](uuid);
          ctx.out.result(m, () => renderMerchant(ctx.out.color, m));
        }),
      );
  }
}
