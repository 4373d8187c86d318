import { createHash } from 'node:crypto';
import type { LinkRecord, ScheduledDebitRecord } from '../../../domain/types.js';
import type { LinkDebitView, LinkView } from '../../engine.js';

/** The token of a link: 32 random bytes in base64url, 43 characters. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Only this is stored: whoever reads the database cannot pay or open a link with it. */
export const tokenHashOf = (token: string): string => createHash('sha256').update(token).digest('hex');

export const linkUrl = (publicUrl: string, token: string): string => `${publicUrl}/paypage?SDESSID=${token}`;

export function linkState(link: LinkRecord, now: Date): LinkView['state'] {
  if (link.status === 'paid') return 'paid';
  return link.expiresAt <= now.toISOString() ? 'expired' : 'open';
}

export function toLinkView(link: LinkRecord, now: Date, debits?: ScheduledDebitRecord[]): LinkView {
  const view: LinkView = {
    id: link.id,
    merchant: link.merchantId,
    link: null,
    paymentReference: link.paymentReference,
    consumerReference: link.consumerReference,
    amount: link.amount,
    currency: link.currency,
    mode: link.mode,
    state: linkState(link, now),
    transaction: link.transactionId,
    expiresAt: link.expiresAt,
    createdAt: link.createdAt,
  };
  if (debits && link.status === 'paid' && link.mode !== 'pay_now') view.schedule = scheduleView(link, debits);
  return view;
}

/**
 * Every debit of a paid link. multi_pay's first instalment was debited at payment (it is the
 * link's transaction, not a scheduled row): its amount is what the later ones leave.
 */
export function scheduleView(link: LinkRecord, debits: ScheduledDebitRecord[]): LinkDebitView[] {
  const later = debits.map((d) => ({ seq: d.seq, amount: d.amount, dueAt: d.dueAt, status: d.status, transaction: d.transactionId }));
  if (link.mode !== 'multi_pay') return later;
  const first = link.amount - debits.reduce((sum, d) => sum + d.amount, 0);
  return [{ seq: 1, amount: first, dueAt: link.updatedAt, status: 'paid', transaction: link.transactionId }, ...later];
}
