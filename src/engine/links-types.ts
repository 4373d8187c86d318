import type { LinkRequest } from '../domain/link-fields.js';
import type { LinkRecord, MerchantRecord, TransactionRecord } from '../domain/types.js';

/**
 * The types of ServiceEngine's `links` block (service-engine.ts): what the service's link routes
 * and debit worker exchange with the engine. Types only, so the server imports them without
 * loading the link use cases (they bring zod, and load on first use).
 */

/** A link opened by its token (the SDESSID of the pay page), with what the page shows of it. */
export interface OpenedLink {
  link: LinkRecord;
  merchant: MerchantRecord;
  request: LinkRequest;
  state: 'open' | 'paid' | 'expired';
}

/** One debit of a link's schedule, planned when the link is paid. */
export interface PlannedDebit {
  seq: number;
  amount: number;
  dueAt: string;
  /** Debited at payment (pay_now, the first instalment); otherwise by the scheduled-debit worker. */
  atPayment: boolean;
}

/** The card as the consumer typed it on the page: the number (spaces allowed) and MM/YY. */
export interface TypedCard {
  number: string;
  expiry: string;
}

/** A link code on failure (CARD_*, LINK_*), with the form field it is about when there is one. */
export type PayLinkResult =
  | { ok: true; link: LinkRecord; transaction: TransactionRecord; debits: PlannedDebit[] }
  | { ok: false; code: string; message: string; field?: 'number' | 'expiry' };

/** What one run of the scheduled-debit worker did. */
export interface DebitRunReport {
  paid: number;
  retried: number;
  failed: number;
}
