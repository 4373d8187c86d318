import type { MerchantView } from '../../../src/domain/types.js';
import type { CreateInitialInput, CreateLinkInput } from '../../../src/engine/engine.js';
import { card } from './cards.js';
import type { ContractContext } from './context.js';

// The seeds' own examples as Engine inputs; each case changes only what it is about.

/** The seed's initial multi-authorisation for 74.12 EUR, with what the case changes. */
export function initialInput(
  c: ContractContext,
  m: Pick<MerchantView, 'uuid'>,
  over: Partial<CreateInitialInput> = {},
): CreateInitialInput {
  return {
    merchant: m.uuid,
    amount: '74.12',
    currency: 'EUR',
    orderId: c.unique('myOrder'),
    email: 'sample@example.com',
    card: card(),
    ...over,
  };
}

/** The seed's get_link_payment example (100.00 EUR), with what the case changes. */
export function linkInput(c: ContractContext, m: Pick<MerchantView, 'uuid'>, over: Partial<CreateLinkInput> = {}): CreateLinkInput {
  return {
    merchant: m.uuid,
    amount: '100.00',
    paymentReference: c.unique('Facture'),
    consumerReference: 'c-42',
    callbackUrl: 'https://shop.example/esipay',
    email: 'test@test.com',
    phone: '0600000000',
    ...over,
  };
}
