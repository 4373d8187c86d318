/**
 * Why a PENDING transaction swept past its deadline was cancelled, by what it was waiting for when
 * the service stopped: an SQL expression over the row's kind, the same in both adapters. The
 * engine releases the acquirer's hold of each one right after (engine/local/approvals.ts).
 */
export const ABANDONED_REASON_SQL = `CASE kind
  WHEN 'shipment' THEN 'abandoned: the service stopped while the acquirer debited it; the debit is released and its amount may be shipped again'
  WHEN 'initial' THEN 'abandoned: the service stopped while the acquirer verified the card; the verification is released'
  WHEN 'link' THEN 'abandoned: the service stopped during the payment'
  ELSE 'abandoned: the service stopped while waiting for the return URL'
END`;
