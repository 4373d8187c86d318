import type { TransactionDetail } from '../../domain/types.js';
import type { TxEvent } from './dashboard-source.js';

export interface CallbackLine {
  text: string;
  /** A failure to show in red; undefined when there is nothing to judge. */
  ok?: boolean;
}

/**
 * What the detail pane says of a transaction's callback. `TransactionDetail.callback` is the
 * answer of the merchant's return URL to a v2 card payment, the one callback the engine records
 * on the transaction itself. A payment link's result (url_callback) and a V4 IPN go through the
 * outbox, which the engine retries until the merchant answers 200 and does not report per
 * transaction: `callback` stays null for them, which is not "none". The events of a
 * DashboardSource, when it gives them, say what really happened.
 */
export function callbackLine(t: TransactionDetail, events: readonly TxEvent[] | undefined): CallbackLine {
  const delivered = events?.filter((e) => e.kind === 'callback') ?? [];
  const last = delivered.at(-1);
  if (last) return { text: last.text, ok: last.ok };
  const cb = t.callback;
  if (cb) {
    const text = [cb.status !== null ? `HTTP ${cb.status}` : '', cb.error ?? ''].filter(Boolean).join(' ');
    return { text: `${text} (return URL)`, ok: cb.status === 200 };
  }
  const refused = t.status === 'DECLINED' || t.status === 'FAILED' || t.status === 'CANCELLED';
  switch (t.kind) {
    case 'card':
      if (t.status === 'PENDING') return { text: 'waiting for the return URL' };
      return { text: refused ? 'none: the return URL is called only once the card is authorised' : 'none recorded' };
    case 'link':
      if (refused || t.status === 'PENDING') return { text: 'none: a link sends its url_callback once paid' };
      return { text: 'link.paid queued for url_callback (outbox, retried until 200): delivery not reported by this engine' };
    case 'initial':
    case 'shipment':
      return { text: 'none on the transaction (a V4 IPN goes through the outbox: not reported by this engine)' };
  }
}
