import { splitExpiry } from '../card/card.js';
import { EsipayError, invalid, isEsipayError } from '../domain/errors.js';
import type { Engine } from '../engine/engine.js';
import { formatMoney, parseDecimal } from '../money/amount.js';
import type { CommandContext } from './context.js';
import type { AmountQuestion } from './prompts/amount-field.js';
import type { LineForm } from './prompts/line-forms.js';

/**
 * Asking a person for what a command line left out. Prompts need a terminal on stdin, stdout and
 * stderr (they draw on stderr, the result goes to stdout) and no CI variable: anywhere else the
 * command fails at once, naming the flag or argument to pass, as it always has. This module is
 * light; the prompts themselves (src/cli/prompts/, with ink and react) load only to show one,
 * so a command given all it needs never loads them (test/cli/lazy-imports.test.ts).
 */
export function canPrompt(): boolean {
  const terminal = process.stdin.isTTY && process.stdout.isTTY && process.stderr.isTTY;
  // Ink draws only a last frame under CONTINUOUS_INTEGRATION too (is-in-ci): no live prompt there.
  return Boolean(terminal) && !process.env.CI && !process.env.CONTINUOUS_INTEGRATION;
}

/** No at a confirmation, Esc or Ctrl-C at a prompt: exit 6, nothing done. */
export function cancelledByUser(message = 'cancelled at the prompt: nothing was done'): EsipayError {
  return new EsipayError('aborted', 'cancelled_by_user', message);
}

export function missingOption(flag: string): EsipayError {
  return invalid('missing_option', `${flag} is required`, `pass ${flag} (no prompt without a terminal)`);
}

/** As commander says it of a required argument, which these are not on a terminal. */
export function missingArgument(name: string, command: string): EsipayError {
  return invalid(
    'missing_argument',
    `missing required argument '${name}'`,
    `no prompt without a terminal; see \`esipay ${command} --help\``,
  );
}

/** Without a terminal, something missing is an error at once, before anything else is done. */
export function refuseMissing(missing: boolean, error: () => EsipayError): void {
  if (missing && !canPrompt()) throw error();
}

type Prompts = typeof import('./prompts/ask.js');

/** A prompt module, loaded only now: without a terminal, `orElse` is the error instead. */
async function load<M>(orElse: () => EsipayError, importer: () => Promise<M>): Promise<M> {
  if (!canPrompt()) throw orElse();
  // React's development build checks and records what a shipped program does not need.
  process.env.NODE_ENV ??= 'production';
  return importer();
}

export async function withPrompts<T>(orElse: () => EsipayError, use: (p: Prompts) => Promise<T>): Promise<T> {
  return use(await load(orElse, () => import('./prompts/ask.js')));
}

/** A line of text for `flag`, required, at most `max` characters, of a `form` when it has one. */
export function askLine(flag: string, label: string, max: number, form?: LineForm): Promise<string> {
  return withPrompts(
    () => missingOption(flag),
    (p) => p.ask(p.lineField(label, max, form && p.LINE_FORMS[form])),
  );
}

/** A payment link's field (get_link_payment's `name`), held to the engine's size and format. */
export function askLinkField(name: string, label: string, orElse: () => EsipayError): Promise<string> {
  return withPrompts(orElse, (p) => p.ask(p.linkField(name, label)));
}

/** An amount in a currency's decimals, asked for when the argument is missing. */
export function askAmount(q: AmountQuestion, orElse: () => EsipayError): Promise<string> {
  return withPrompts(orElse, (p) => p.ask(p.amountField(q)));
}

/**
 * The card from --card and --expiry; on a terminal, what is missing is asked for: the number
 * masked once entered and refused until it passes Luhn, the expiry refused when past.
 */
export async function cardFrom(opts: { card?: string; expiry?: string }): Promise<{ number: string; month: string; year: string }> {
  const number =
    opts.card ??
    (await withPrompts(
      () => missingOption('--card'),
      (p) => p.ask(p.cardNumberField()),
    ));
  const expiry =
    opts.expiry === undefined
      ? await withPrompts(
          () => missingOption('--expiry'),
          (p) => p.ask(p.expiryField()),
        )
      : splitExpiry(opts.expiry);
  if (!expiry) throw invalid('invalid_card_expiry', `"${opts.expiry}" is not an expiry date`, 'use MM/YYYY, such as 12/2030');
  return { number: number.replace(/[\s-]/g, ''), ...expiry };
}

/**
 * The merchant from --merchant, ESIPAY_MERCHANT or the config; when none is set and a person is
 * at the terminal, one they pick from the list (and may keep as the default).
 */
export async function merchantOrPick(ctx: CommandContext): Promise<string> {
  try {
    return await ctx.merchant();
  } catch (e) {
    if (!isEsipayError(e) || e.code !== 'missing_merchant' || !canPrompt()) throw e;
    const { chooseMerchant } = await load(
      () => e,
      () => import('./prompts/merchant-choice.js'),
    );
    return chooseMerchant(await ctx.openEngine(), ctx.out);
  }
}

/**
 * Before a refund on a terminal: the amount, and what remains after it, until y says yes.
 * A refund the engine will refuse (nothing left, too much, a bad amount) is not asked about:
 * the engine's refusal says why.
 */
export async function confirmRefund(engine: Engine, id: string, amount: string | undefined, merchant: string | undefined): Promise<void> {
  if (!canPrompt()) return;
  const tx = await engine.getTransaction(id, merchant);
  if (tx.kind === 'initial' || tx.remaining <= 0) return;
  const parsed = amount === undefined ? { ok: true as const, minor: tx.remaining } : parseDecimal(amount, tx.currency);
  if (!parsed.ok || parsed.minor > tx.remaining) return;
  const money = formatMoney(parsed.minor, tx.currency);
  const yes = await withPrompts(
    () => cancelledByUser(),
    (p) =>
      p.confirm({
        text: `Refund ${amount === undefined ? `all that remains, ${money},` : money} on ${tx.id}? Remaining after:`,
        emphasis: formatMoney(tx.remaining - parsed.minor, tx.currency),
      }),
  );
  if (!yes) throw cancelledByUser('refund cancelled: nothing was refunded');
}
