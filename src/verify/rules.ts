/**
 * The invariants of the ledger, by name. Each violation the check finds carries one of these, so
 * a test (or an operator grepping the output) can tell exactly which promise was broken.
 */
export const LEDGER_RULES = {
  /** refunded + shipped (the stored sums, or the sums of the records) is more than the amount. */
  movements_exceed_amount: 'refunds and shipments exceed the amount',
  /** The stored refunded sum is not the sum of the refund records. */
  refunded_mismatch: 'refunded differs from the sum of its refunds',
  /**
   * The stored shipped sum of an initial authorisation is not the sum of its PAID shipments and of
   * those still PENDING (a debit under way counts until it is PAID or released).
   */
  shipped_mismatch: 'shipped differs from the sum of its PAID and PENDING shipments',
  /** A PAID card payment whose return URL did not answer 200: money moved without the merchant knowing. */
  callback_not_acknowledged: 'PAID without a 200 from the return URL',
  /** Money moved (a refund, a shipment) on a payment that never took money, or cannot. */
  movement_on_unpaid: 'money movement on a payment that is not PAID/AUTHORISED',
  /** A refund or shipment without a valid parent (missing, another merchant's, another currency). */
  orphan_movement: 'refund or shipment without its parent',
  /**
   * A payment, shipment, link attempt or initial verification still PENDING past its deadline (or
   * without one): a crash left it, and no sweep cancelled it and released its hold.
   */
  pending_past_deadline: 'PENDING past its deadline',
  /** A paid link (or a paid scheduled debit) without its PAID transaction of the same merchant. */
  link_payment_missing: 'paid link or debit without its payment',
  /**
   * A paid multi_pay or pay_later link without its whole schedule: no scheduled debit at all, or
   * debits that (with multi_pay's first instalment, paid at payment) do not add up to its amount.
   * Its later instalments would never be taken. pay_now links have no schedule.
   */
  link_schedule_missing: 'paid multi_pay/pay_later link without its schedule',
  /**
   * A merchant's running totals (kept by the database with every write, migration 10) differ
   * from the recount of its rows: the dashboards and the totals API show wrong sums or counts.
   */
  totals_mismatch: 'running totals differ from the recount of the rows',
} as const;

export type LedgerRule = keyof typeof LEDGER_RULES;

export interface LedgerViolation {
  rule: LedgerRule;
  merchant: string;
  /** The transaction (or link, or refund) the violation is about. */
  subject: string;
  /** One line saying what is wrong, with the figures. */
  message: string;
}
