import type { TransactionView, TxDisplayStatus } from '../../domain/types.js';

/**
 * What the dashboard says a transaction is: the engine's display status, except for an initial
 * authorisation whose shipments used all of it. The engine keeps that one AUTHORISED (or EXPIRED
 * after its 180 days), which reads as if something could still be shipped; SHIPPED says that
 * nothing can. Only the dashboard's wording: the engine's status is unchanged.
 */
export type ShownStatus = TxDisplayStatus | 'SHIPPED';

/** Every status the dashboard shows, in the order the facets list them. */
export const SHOWN_STATUSES: readonly ShownStatus[] = [
  'PAID',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
  'AUTHORISED',
  'SHIPPED',
  'EXPIRED',
  'PENDING',
  'DECLINED',
  'FAILED',
  'CANCELLED',
];

export function shownStatus(tx: TransactionView): ShownStatus {
  const fullyShipped = tx.kind === 'initial' && tx.shipped !== undefined && tx.shipped >= tx.amount;
  if (fullyShipped && (tx.status === 'AUTHORISED' || tx.status === 'EXPIRED')) return 'SHIPPED';
  return tx.status;
}

/** The colour of a status: settled green, in between yellow, finished grey, failures red. */
export function statusColor(status: ShownStatus): 'green' | 'yellow' | 'gray' | 'red' {
  switch (status) {
    case 'PAID':
    case 'AUTHORISED':
      return 'green';
    case 'PARTIALLY_REFUNDED':
    case 'PENDING':
      return 'yellow';
    case 'REFUNDED':
    case 'EXPIRED':
    case 'SHIPPED':
      return 'gray';
    case 'DECLINED':
    case 'FAILED':
    case 'CANCELLED':
      return 'red';
  }
}
