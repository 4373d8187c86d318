import type { CustomerEcho } from './echo.js';

/**
 * The platform's V4/Customer/Customer: every field of its reference present, the buyer's details
 * as the payment request sent them, null for what it did not send. Integrations read these
 * fields without checking that they exist (customer.billingDetails.firstName…), so none is ever
 * left out.
 */

const BILLING_FIELDS = [
  'address',
  'category',
  'cellPhoneNumber',
  'city',
  'country',
  'district',
  'firstName',
  'identityCode',
  'identityType',
  'language',
  'lastName',
  'phoneNumber',
  'state',
  'streetNumber',
  'title',
  'zipCode',
  'legalName',
] as const;

const SHIPPING_FIELDS = [
  'address',
  'address2',
  'category',
  'city',
  'country',
  'deliveryCompanyName',
  'district',
  'firstName',
  'identityCode',
  'lastName',
  'legalName',
  'phoneNumber',
  'shippingMethod',
  'shippingSpeed',
  'state',
  'streetNumber',
  'zipCode',
] as const;

const CART_FIELDS = ['insuranceAmount', 'shippingAmount', 'taxAmount'] as const;

/** Each of `fields` from `sent` (null when not sent), in the reference's order, then `more` and the _type. */
function filled(fields: readonly string[], sent: object | null, type: string, more: Record<string, unknown> = {}): Record<string, unknown> {
  const from = (sent ?? {}) as Record<string, unknown>;
  return { ...Object.fromEntries(fields.map((f) => [f, from[f] ?? null])), ...more, _type: type };
}

export function v4Customer(email: string | null, echo: CustomerEcho): Record<string, unknown> {
  const cart = echo.shoppingCart;
  return {
    billingDetails: filled(BILLING_FIELDS, echo.billingDetails, 'V4/Customer/BillingDetails'),
    email,
    reference: echo.reference,
    shippingDetails: filled(SHIPPING_FIELDS, echo.shippingDetails, 'V4/Customer/ShippingDetails'),
    extraDetails: {
      browserAccept: null,
      fingerPrintId: null,
      ipAddress: echo.ipAddress,
      browserUserAgent: null,
      _type: 'V4/Customer/ExtraDetails',
    },
    shoppingCart: filled(CART_FIELDS, cart, 'V4/Customer/ShoppingCart', { cartItemInfo: cart?.cartItemInfo ?? null }),
    _type: 'V4/Customer/Customer',
  };
}
