import type { ChalkInstance } from 'chalk';
import { type Command, Option } from 'commander';
import type { LinkMode } from '../../domain/types.js';
import type { LinkView } from '../../engine/engine.js';
import { invalid } from '../../domain/errors.js';
import { formatMoney } from '../../money/amount.js';
import { askAmount, askLinkField, merchantOrPick, missingArgument, refuseMissing } from '../prompt.js';
import { type Column, renderTable } from '../render.js';
import { action } from '../run-action.js';

/**
 * What a link needs and a command line may leave out on a terminal (it is then asked for, with
 * the engine's own size and format); without one, the first missing is an error, as commander
 * says of a required option. Each fills one get_link_payment field.
 */
const REQUIRED = [
  {
    key: 'paymentReference',
    flags: '--payment-reference <ref>',
    help: 'the payment reference (invoice…), once per merchant, ≤ 64 characters',
    field: 'payment_reference',
    label: 'Payment reference',
  },
  {
    key: 'consumerReference',
    flags: '--consumer-reference <ref>',
    help: "the consumer's reference, ≤ 32 characters",
    field: 'consumer_reference',
    label: "Consumer's reference",
  },
  {
    key: 'email',
    flags: '--email <address>',
    help: "the consumer's email, ≤ 70 characters",
    field: 'consumer_email',
    label: "Consumer's email",
  },
  {
    key: 'phone',
    flags: '--phone <number>',
    help: "the consumer's mobile number, ≤ 32 characters",
    field: 'consumer_phone_number',
    label: "Consumer's mobile number",
  },
  {
    key: 'callbackUrl',
    flags: '--callback-url <url>',
    help: 'where the signed result is POSTed, ≤ 128 characters',
    field: 'url_callback',
    label: 'Callback URL',
  },
] as const;

type RequiredKey = (typeof REQUIRED)[number]['key'];

const missingRequired = (flags: string) => () =>
  invalid('missing_option', `required option '${flags}' not specified`, 'no prompt without a terminal; see `esipay link create --help`');

interface CreateOptions extends Partial<Record<RequiredKey, string>> {
  mode?: LinkMode;
  duration?: string;
  scenario?: string;
  redirectUrl?: string;
  label?: string;
  beneficiaryReference?: string;
  lang?: string;
  sendEmail?: boolean;
  sendSms?: boolean;
}

export function registerLink(program: Command): void {
  const link = program.command('link').description('payment links: a page where a consumer pays by card (get_link_payment)');

  const create = link
    .command('create')
    .argument('[amount]', "the amount, in the merchant's currency")
    .description('create a payment link and print it (the link is shown once: only its hash is kept)');
  for (const r of REQUIRED) create.option(r.flags, r.help);
  create
    .addHelpText('after', '\nOn a terminal, the amount and the options above that are left out are asked for.')
    .addOption(
      new Option('--mode <mode>', 'pay at once, in monthly instalments, or once later').choices(['pay_now', 'multi_pay', 'pay_later']),
    )
    .option('--scenario <scenario>', 'multi_pay: "2x".."12x" instalments (default 3x); pay_later: "1d".."90d" (default 30d)')
    .option('--duration <minutes>', 'how long the link is valid, in minutes (default 10080 = 7 days)')
    .option('--redirect-url <url>', 'a "back to the merchant" button on the page')
    .option('--label <text>', 'a label shown on the page under the reference')
    .option('--beneficiary-reference <ref>', 'default: the merchant uuid without dashes')
    .option('--lang <lang>', 'the page and message language: fr or en (default en)')
    .option('--send-email', 'send the link to --email (needs ESIPAY_SMTP_URL where the engine runs)')
    .option('--send-sms', 'send the link to --phone (needs ESIPAY_SMS_URL where the engine runs)')
    .action(
      action(async (ctx, amountArg: string | undefined, opts: CreateOptions) => {
        for (const r of REQUIRED) refuseMissing(opts[r.key] === undefined, missingRequired(r.flags));
        refuseMissing(amountArg === undefined, () => missingArgument('amount', 'link create'));
        const merchantId = await merchantOrPick(ctx);
        const engine = await ctx.openEngine();
        const amountText =
          amountArg ??
          (await askAmount({ label: 'Amount', currency: (await engine.getMerchant(merchantId)).currency }, () =>
            missingArgument('amount', 'link create'),
          ));
        // Asked in the order of the options, each once; all of them are set after the loop.
        const given = {} as Record<RequiredKey, string>;
        for (const r of REQUIRED) given[r.key] = opts[r.key] ?? (await askLinkField(r.field, r.label, missingRequired(r.flags)));
        const extra: Record<string, unknown> = {};
        if (opts.duration !== undefined) extra.link_duration = opts.duration;
        if (opts.scenario !== undefined) extra.payment_scenario = opts.scenario;
        if (opts.redirectUrl !== undefined) extra.manual_redirect_url = opts.redirectUrl;
        if (opts.label !== undefined) extra.reference_label = opts.label;
        if (opts.beneficiaryReference !== undefined) extra.beneficiary_reference = opts.beneficiaryReference;
        if (opts.lang !== undefined) extra.payment_lang = opts.lang;
        if (opts.sendEmail) extra.email_option = 1;
        if (opts.sendSms) extra.sms_option = 1;
        const view = await engine.createLink({
          merchant: merchantId,
          // As typed: the engine reads it in the merchant's currency.
          amount: amountText,
          ...given,
          ...(opts.mode ? { mode: opts.mode } : {}),
          extra,
        });
        ctx.out.result(view, () => view.link ?? '');
        if (!ctx.out.json) {
          ctx.out.info(`${formatMoney(view.amount, view.currency)} ${view.mode}, link ${view.id}, valid until ${view.expiresAt}`);
          for (const n of view.notifications ?? []) {
            if (n.sent) ctx.out.info(`sent by ${n.channel} to ${n.to}`);
            else ctx.out.warn(`NOT sent by ${n.channel} to ${n.to}: ${n.error ?? 'unknown reason'}`);
          }
        }
      }),
    );

  link
    .command('list')
    .description("a merchant's payment links, newest first, with their state (open, paid, expired)")
    .option('--limit <n>', 'page size (at most 1000)', (v) => Number(v), 50)
    .option('--cursor <cursor>', 'the next-page cursor printed by the previous page')
    .option('--all', 'every page, to the end')
    .action(
      action(async (ctx, opts: { limit: number; cursor?: string; all?: boolean }) => {
        const merchant = await ctx.merchant();
        const engine = await ctx.openEngine({ readOnly: true });
        const items: LinkView[] = [];
        let cursor = opts.cursor;
        let next: string | null = null;
        do {
          const page = await engine.listLinks({ merchant, limit: opts.limit, ...(cursor ? { cursor } : {}) });
          items.push(...page.items);
          next = page.next;
          cursor = next ?? undefined;
        } while (opts.all && next);
        ctx.out.result({ items, next }, () => {
          if (items.length === 0) return 'no payment links';
          const table = renderTable(linkColumns(ctx.out.color), items, ctx.out.columns);
          return next ? `${table}\nmore: --cursor ${next}` : table;
        });
      }),
    );

  link
    .command('show <id>')
    .description('one payment link: its state, payment and schedule')
    .action(
      action(async (ctx, id: string) => {
        const engine = await ctx.openEngine({ readOnly: true });
        const view = await engine.getLink(id, ctx.opts.merchant);
        ctx.out.result(view, () => renderLink(ctx.out.color, view));
      }),
    );
}

function stateColor(c: ChalkInstance, state: LinkView['state'], text: string = state): string {
  return state === 'paid' ? c.green(text) : state === 'open' ? c.yellow(text) : c.dim(text);
}

function linkColumns(c: ChalkInstance): Column<LinkView>[] {
  return [
    { title: 'CREATED', value: (l) => l.createdAt.slice(0, 19).replace('T', ' ') },
    { title: 'ID', value: (l) => l.id },
    { title: 'REFERENCE', value: (l) => l.paymentReference },
    { title: 'MODE', value: (l) => l.mode },
    { title: 'AMOUNT', value: (l) => formatMoney(l.amount, l.currency), align: 'right' },
    { title: 'STATE', value: (l) => l.state, color: (s, l) => stateColor(c, l.state, s) },
    { title: 'EXPIRES', value: (l) => l.expiresAt.slice(0, 16).replace('T', ' ') },
  ];
}

export function renderLink(c: ChalkInstance, l: LinkView): string {
  const kv = (k: string, v: string) => `  ${c.dim(k.padEnd(12))}${v}`;
  const lines = [
    `${stateColor(c, l.state)}  ${c.bold(formatMoney(l.amount, l.currency))}  ${l.mode}`,
    kv('link', l.id),
    kv('merchant', l.merchant),
    kv('reference', l.paymentReference),
    kv('consumer', l.consumerReference),
    kv('created', l.createdAt),
    kv('expires', l.expiresAt),
  ];
  if (l.transaction) lines.push(kv('transaction', l.transaction));
  for (const d of l.schedule ?? []) {
    lines.push(
      kv(
        `debit ${d.seq}`,
        `${formatMoney(d.amount, l.currency)} due ${d.dueAt.slice(0, 10)}  ${d.status}${d.transaction ? `  (${d.transaction})` : ''}`,
      ),
    );
  }
  return lines.join('\n');
}
