import type { Scenario } from './types.js';

/**
 * The scenarios of `esipay trigger`, in the order `--list` names them. Only names and summaries
 * here: the command declares its argument's choices from this table, and a scenario's requests
 * load when it runs.
 */
export interface ScenarioEntry {
  name: string;
  /** One line: what it makes, and the outcome it promises. */
  summary: string;
  load: () => Promise<Scenario>;
}

const payments = () => import('./payments.js');
const shipments = () => import('./shipments.js');
const links = () => import('./links.js');

export const SCENARIOS: readonly ScenarioEntry[] = [
  {
    name: 'payment-paid',
    summary: 'a card payment of 74.12, PAID: its return URL answered 200',
    load: async () => (await payments()).paid,
  },
  {
    name: 'payment-declined',
    summary: 'a card payment with the declined test card: DECLINED (card_declined), nothing taken',
    load: async () => (await payments()).declined,
  },
  {
    name: 'payment-cancelled',
    summary: 'a card payment whose return URL answers 503: CANCELLED (callback_failed), nothing taken',
    load: async () => (await payments()).cancelled,
  },
  {
    name: 'refund-partial',
    summary: 'a payment of 74.12 refunded 10.00: PARTIALLY_REFUNDED, 64.12 remaining',
    load: async () => (await payments()).refundPartial,
  },
  {
    name: 'refund-full',
    summary: 'a payment of 74.12 refunded in full: REFUNDED, nothing remaining',
    load: async () => (await payments()).refundFull,
  },
  {
    name: 'shipment-three-parts',
    summary: "the seed's order: 74.12 authorised, shipped as 35.00, 25.00 and 14.12, nothing left to ship",
    load: async () => (await shipments()).threeParts,
  },
  {
    name: 'shipment-over-total',
    summary: '74.12 authorised, 35.00 shipped, then 40.00 more refused with PSP_229 (over the total)',
    load: async () => (await shipments()).overTotal,
  },
  {
    name: 'shipment-declined',
    summary: 'a card approved at the order whose shipment debit is declined: DECLINED (card_declined)',
    load: async () => (await shipments()).declined,
  },
  {
    name: 'shipment-psp227',
    summary: 'a card approved at the order whose shipment debit fails technically: PSP_227, nothing debited',
    load: async () => (await shipments()).technicalFailure,
  },
  {
    name: 'link-paid',
    summary: 'a pay_now payment link of 74.12, paid on its hosted page',
    load: async () => (await links()).payNow,
  },
  {
    name: 'link-multi-pay',
    summary: 'a multi_pay link of 74.12 in 3 instalments, paid: the first debited, the schedule shown',
    load: async () => (await links()).multiPay,
  },
];

export const SCENARIO_NAMES: readonly string[] = SCENARIOS.map((s) => s.name);
