import { splitExpiry } from '../../card/card.js';
import { invalid } from '../../domain/errors.js';
import type { PayInput, RefundInput } from '../../engine/engine.js';
import { printable } from '../../util/printable.js';
import type { RowShape } from './input.js';

/**
 * A batch row as the engine's input. Only what the engine cannot say is checked here (a column
 * is missing, a card number is not text); amounts, cards and references are the engine's to
 * check, with the same errors as `esipay pay` and `esipay refund`. A card number is never quoted.
 */

export const PAY_ROWS: RowShape = { what: 'pay', required: ['amount', 'card', 'expiry', 'cid'], optional: ['merchant'] };
export const REFUND_ROWS: RowShape = { what: 'refund', required: ['transaction', 'key'], optional: ['amount'] };

type Values = Readonly<Record<string, unknown>>;

/** A column's text; JSON numbers as they print (74.12 → "74.12"), absent or empty as undefined. */
function text(values: Values, column: string): string | undefined {
  const v = values[column];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') throw invalid('invalid_row', `the ${column} must be text`);
  return v.trim() === '' ? undefined : v.trim();
}

function required(values: Values, column: string, why: string): string {
  const v = text(values, column);
  if (v === undefined) throw invalid('missing_field', `the row has no ${column}`, why);
  return v;
}

export function payInputOf(values: Values, defaultMerchant: string | undefined): PayInput & { merchant: string } {
  // A card number as a JSON number has lost its last digits already (beyond 2^53): refused, not rounded.
  if (typeof values.card === 'number') throw invalid('invalid_row', 'the card must be text (a JSON string), not a number');
  const card = required(values, 'card', 'give the card number').replace(/[\s-]/g, '');
  const expiryText = required(values, 'expiry', 'give the expiry as MM/YYYY');
  const expiry = splitExpiry(expiryText);
  if (!expiry) throw invalid('invalid_card_expiry', `"${printable(expiryText)}" is not an expiry date`, 'use MM/YYYY, such as 12/2030');
  const merchant = text(values, 'merchant') ?? defaultMerchant;
  if (!merchant)
    throw invalid('missing_merchant', 'the row has no merchant', 'add a merchant column, pass --merchant <uuid> or set ESIPAY_MERCHANT');
  return {
    merchant,
    cid: required(values, 'cid', 'each payment needs its cid: the reference that makes a re-run charge nothing twice'),
    amount: required(values, 'amount', 'give a decimal amount, such as 74.12'),
    card: { number: card, ...expiry },
  };
}

export function refundInputOf(values: Values, merchant: string | undefined): RefundInput & { idempotencyKey: string } {
  const amount = text(values, 'amount');
  return {
    transaction: required(values, 'transaction', 'give the id of the transaction to refund'),
    ...(amount !== undefined ? { amount } : {}),
    ...(merchant !== undefined ? { merchant } : {}),
    idempotencyKey: required(
      values,
      'key',
      'each refund needs its key: a reference unique to this refund (your refund or ticket number) that makes a re-run refund nothing twice',
    ),
  };
}
