import { refuse } from './result.js';
import { signedVerifier } from './signed.js';

/**
 * A payment link's result, POSTed as JSON to its url_callback (docs/links.md, "The callback to
 * url_callback"). Amounts are strings of minor units.
 */
export interface LinkCallbackPayload {
  /** link.paid: the consumer paid on the page; link.debit: a scheduled debit's final outcome. */
  event: 'link.paid' | 'link.debit';
  /** Unique per event: delivery is at least once, so ignore an event_id already handled. */
  event_id: string;
  link: string;
  merchant: string;
  beneficiary_reference: string;
  payment_reference: string;
  consumer_reference: string;
  /** Echoed when the link's request had one. */
  transaction_id?: string;
  /** Echoed when the link's request had one. */
  basket_id?: string;
  mode: 'pay_now' | 'multi_pay' | 'pay_later';
  amount: string;
  currency: string;
  transaction: {
    id: string;
    /** PAID, or AUTHORISED for pay_later's card verification; a failed debit's own status. */
    status: string;
    amount: string;
    card: { first6: string; last4: string; brand: string } | null;
    reason?: string;
  };
  schedule: { seq: number; amount: string; due_at: string; status: string; transaction: string | null }[];
  /** link.debit: the debit the event is about. */
  debit?: { seq: number; amount: string; due_at: string; status: string; attempts: number; error?: string };
  created_at: string;
}

/**
 * Verifies a payment link's callback: its raw JSON body (as received, before any JSON parser)
 * and its Esipay-Signature header, against the merchant's secret(s), the timestamp within
 * `toleranceSeconds` (300 by default). esipay retries until the URL answers 200.
 */
export const verifyLinkCallback = signedVerifier<LinkCallbackPayload>((text) => {
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch {
    return refuse('signed by esipay, but not a link callback: the body is not JSON');
  }
  // Return-URL POSTs are signed the same way: a genuine one must not pass for a link's result.
  const name = typeof event === 'object' && event !== null ? (event as { event?: unknown }).event : undefined;
  if (name !== 'link.paid' && name !== 'link.debit')
    return refuse('signed by esipay, but not a link callback: no link.paid or link.debit event');
  return { ok: true, payload: event as LinkCallbackPayload };
});
