import { randomUUID } from 'node:crypto';
import type { TransactionView } from '../../domain/types.js';
import type { Engine } from '../../engine/engine.js';
import { formatDecimal, formatMoney, parseDecimal } from '../../money/amount.js';
import { refundable, shippable } from './columns.js';
import type { Mode } from './state.js';
import { shownStatus } from './status.js';

type AmountMode = Extract<Mode, { name: 'amount' }>;
type ConfirmMode = Extract<Mode, { name: 'confirm' }>;

/** Why `r` (refund) or `s` (ship) cannot act on a transaction; undefined when it can. */
export function refusal(action: 'refund' | 'ship', tx: TransactionView): string | undefined {
  if (action === 'refund') {
    if (tx.kind === 'initial')
      return 'an initial authorisation debits nothing and is not refunded: refund its shipments (the rows under it)';
    return refundable(tx) ? undefined : `nothing left to refund on ${tx.id} (${shownStatus(tx)})`;
  }
  if (shippable(tx)) return undefined;
  return tx.kind === 'initial'
    ? `nothing left to ship on ${tx.id} (${shownStatus(tx)})`
    : 'shipments are made against an initial authorisation (kind initial)';
}

/**
 * The amount typed for a refund or a shipment, checked before anything is sent: a decimal of the
 * transaction's currency, at most what remains (empty for a refund means all of it). Returns the
 * confirmation to show, or the prompt again with the reason.
 */
export function checkAmount(mode: AmountMode): Mode {
  const { tx, action } = mode;
  const text = mode.text.trim();
  if (text === '' && action === 'refund') return { name: 'confirm', action, tx, amount: tx.remaining, all: true, busy: false };
  if (text === '') return { ...mode, error: 'type the amount to ship' };
  const parsed = parseDecimal(text, tx.currency);
  if (!parsed.ok) return { ...mode, error: parsed.message };
  if (parsed.minor > tx.remaining) {
    const what = action === 'refund' ? 'remains to refund' : 'remains to ship';
    return {
      ...mode,
      error: `${formatMoney(parsed.minor, tx.currency)} is more than the ${formatMoney(tx.remaining, tx.currency)} that ${what}`,
    };
  }
  return { name: 'confirm', action, tx, amount: parsed.minor, all: false, busy: false };
}

export interface Performed {
  message: string;
  /** Rows as the engine now has them. */
  rows: TransactionView[];
  /** After a shipment: the initial authorisation's shipments. */
  shipments?: TransactionView[];
}

/**
 * Sends a confirmed refund or shipment to the engine. The engine checks again against what
 * remains, atomically: what it refuses is thrown as its EsipayError, for the message bar.
 */
export async function perform(engine: Engine, merchant: string | undefined, mode: ConfirmMode): Promise<Performed> {
  const { tx } = mode;
  if (mode.action === 'refund') {
    const outcome = await engine.refund({
      transaction: tx.id,
      // The edge form of the amount, from integer minor units: never a float.
      ...(mode.all ? {} : { amount: formatDecimal(mode.amount, tx.currency) }),
      ...(merchant ? { merchant } : {}),
      idempotencyKey: randomUUID(),
    });
    const after = outcome.transaction;
    return {
      message: `Refunded ${formatMoney(outcome.refund.amount, outcome.refund.currency)} on ${tx.id}: ${formatMoney(after.remaining, after.currency)} remains`,
      rows: [after],
    };
  }
  const owner = merchant ?? tx.merchant;
  // One key per confirmed shipment: a retry of this very request cannot ship twice.
  await engine.createShipment({
    merchant: owner,
    initial: tx.id,
    amount: formatDecimal(mode.amount, tx.currency),
    idempotencyKey: randomUUID(),
  });
  const parent = await engine.getTransaction(tx.id, owner);
  return {
    message: `Shipped ${formatMoney(mode.amount, tx.currency)} against ${tx.id}: ${formatMoney(parent.remaining, parent.currency)} left to ship`,
    rows: [parent],
    shipments: parent.shipments,
  };
}
