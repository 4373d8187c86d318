import { redactPans } from '../../card/card.js';
import type { TransactionRecord } from '../../domain/types.js';
import type { CreatePaymentRequest, CustomerRequest } from './schemas.js';

/**
 * What a payment request sent that the platform echoes in its answers and IPNs: the metadata and
 * the customer's details. Kept with the transaction (its v4Details, as JSON) so that every later
 * Transaction/Get, Order/Get and IPN shows them too. A card number never comes back: any digits
 * in these fields that could be one are masked before they are kept.
 */
export interface Echo {
  metadata: Record<string, string> | null;
  customer: CustomerEcho;
}

/** The customer as sent, less the e-mail (the transaction's own column keeps it). */
export type CustomerEcho = Omit<Required<{ [K in keyof CustomerRequest]: NonNullable<CustomerRequest[K]> | null }>, 'email'>;

/** The echo, and the card's expiry the engine adds to it (the card's number is never kept). */
export interface StoredEcho extends Echo {
  expiryMonth: number | null;
  expiryYear: number | null;
}

export function echoOf(r: CreatePaymentRequest): Echo {
  const c = r.customer ?? {};
  const customer: CustomerEcho = {
    reference: c.reference ?? null,
    billingDetails: c.billingDetails ?? null,
    shippingDetails: c.shippingDetails ?? null,
    shoppingCart: c.shoppingCart ?? null,
    ipAddress: c.ipAddress ?? null,
  };
  const metadata = r.metadata ? Object.fromEntries(Object.entries(r.metadata).map(([k, v]) => [k, String(v)])) : null;
  return masked({ metadata, customer });
}

const NOTHING: StoredEcho = {
  metadata: null,
  customer: { reference: null, billingDetails: null, shippingDetails: null, shoppingCart: null, ipAddress: null },
  expiryMonth: null,
  expiryYear: null,
};

/** The echo kept with a transaction; all null for one made another way (or kept before migration 6). */
export function storedEchoOf(t: TransactionRecord): StoredEcho {
  if (t.v4Details === undefined) return NOTHING;
  let kept: Partial<StoredEcho>;
  try {
    kept = JSON.parse(t.v4Details) as Partial<StoredEcho>;
  } catch {
    return NOTHING;
  }
  return {
    metadata: kept.metadata ?? null,
    customer: { ...NOTHING.customer, ...kept.customer },
    expiryMonth: typeof kept.expiryMonth === 'number' ? kept.expiryMonth : null,
    expiryYear: typeof kept.expiryYear === 'number' ? kept.expiryYear : null,
  };
}

/** Every string in the value (keys too) with what could be a card number masked. */
function masked<T>(value: T): T {
  if (typeof value === 'string') return redactPans(value) as T;
  if (Array.isArray(value)) return value.map(masked) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactPans(k), masked(v)])) as T;
  }
  return value;
}
