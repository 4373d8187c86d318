import type { MerchantRecord } from '../domain/types.js';
import type { Clock } from '../util/clock.js';
import type { Engine, LinkView } from './engine.js';
import type { DebitRunReport, OpenedLink, PayLinkResult, PlannedDebit, TypedCard } from './links-types.js';

/**
 * What `esipay serve` needs of the engine beyond the Engine interface: the use cases that only run
 * in the service's own process (they take objects that do not cross a wire, or serve a page or a
 * worker). LocalEngine implements it; the server types its engine as this and imports nothing
 * from `engine/local/` but the factory that builds one.
 *
 * Grouped by the part of the service that calls them, so each route module sees its own block.
 */
export interface ServiceEngine extends Engine {
  /** The engine's clock: the service answers with the same "now" its use cases decided with. */
  readonly clock: Clock;

  /** Payment links: get_link_payment, the hosted pay page (/paypage) and the scheduled-debit worker. */
  readonly links: ServiceLinks;
}

/**
 * Asynchronous throughout: the link use cases (and zod, which their schema needs) load on first
 * use, so a service that never sees a link never loads them. Failures the caller must answer are
 * EsipayErrors whose code is a link code (src/domain/link-codes.ts) or, for the page, a result.
 */
export interface ServiceLinks {
  /**
   * get_link_payment for a merchant the caller authenticated: the body as sent (the seed's wire,
   * amount in minor units), checked field by field. Throws the link code of the first problem
   * (FORMAT_*, MISSING_*, AMOUNT_*, EXIST_001…); nothing is recorded then.
   */
  createLinkFromWire(merchant: MerchantRecord, body: unknown): Promise<LinkView>;
  /** The link an SDESSID opens, or undefined when the token is malformed or unknown. */
  openLink(token: string): Promise<OpenedLink | undefined>;
  /** The debits the link would take if paid now: what the page shows before payment. */
  plannedDebits(opened: OpenedLink): Promise<PlannedDebit[]>;
  /** Pays an open link with the card typed on the page; a refusal is a result with its code. */
  payLink(opened: OpenedLink, card: TypedCard): Promise<PayLinkResult>;
  /** Takes up to `limit` scheduled debits that are due (default 50), for the debit worker. */
  runDueDebits(limit?: number): Promise<DebitRunReport>;
  /** The key of the pay page's anti-forgery token, derived from the installation's secret key. */
  payFormKey(): Promise<Buffer>;
}
