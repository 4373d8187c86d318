import { invalid } from '../../domain/errors.js';
import type { MerchantRecord } from '../../domain/types.js';
import { checkMinor } from '../../money/amount.js';
import { isCurrencyShaped, isKnownCurrency } from '../../money/currencies.js';
import type { CheckedOrder, V4Order } from '../service-engine.js';
import { checkReference, printableId } from './context.js';

/**
 * The V4 wire's checks of an order (amount, currency, orderId, email), each with its code. A file
 * of their own: the service calls checkOrder synchronously before any card is seen, so
 * LocalEngine imports it up front, while the V4 use cases (v4.ts, shipments) load on first use.
 */

/** The V4 wire's amount: a positive integer of minor units (INT_009). */
export function checkAmount(value: unknown): number {
  const amount = checkMinor(value);
  if (!amount.ok)
    throw invalid('INT_009', amount.message, 'give the amount as a positive integer of minor units, such as 7412 for 74.12 EUR');
  return amount.minor;
}

/** An order's amount, currency, orderId ('' when none) and email, checked in this order with their codes. */
export function checkOrder(merchant: MerchantRecord, order: V4Order): CheckedOrder {
  const amount = checkAmount(order.amount);
  const currency = checkCurrency(order.currency, merchant);
  const orderId =
    order.orderId === undefined || order.orderId === null || order.orderId === ''
      ? ''
      : checkReference('invalid_order_id', 'the orderId', order.orderId);
  return { amount, currency, orderId, email: checkEmail(order.email) };
}

/** Shape (INT_010), existence (PSP_519), and the merchant's contract currency (PSP_606). */
export function checkCurrency(value: unknown, merchant: MerchantRecord): string {
  if (typeof value !== 'string' || !isCurrencyShaped(value)) {
    throw invalid(
      'INT_010',
      `the currency ${value === undefined ? 'is missing' : `"${printableId(value)}" is not three capital letters`}`,
      'give an ISO 4217 alpha-3 code, such as EUR',
    );
  }
  if (!isKnownCurrency(value)) throw invalid('PSP_519', `unknown currency ${value}`, 'give an ISO 4217 alpha-3 code, such as EUR');
  if (value !== merchant.currency) {
    throw invalid(
      'PSP_606',
      `the currency ${value} is not supported by the merchant's contract (${merchant.currency})`,
      `pay in ${merchant.currency}`,
    );
  }
  return value;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function checkEmail(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || value.length > 254 || !EMAIL.test(value) || /[\x00-\x1f\x7f]/.test(value)) {
    throw invalid('invalid_email', `"${printableId(value)}" is not an e-mail address`, 'give an address such as sample@example.com');
  }
  return value;
}
