import { EsipayError } from '../../domain/errors.js';
import type { MerchantRecord } from '../../domain/types.js';

/**
 * A disabled merchant (`esipay merchant disable`) makes no new payment, initial authorisation,
 * shipment, refund or link; what it already has stays readable. Called where each use case has
 * its merchant in hand, so the check costs no read of its own. The HTTP APIs refuse it earlier,
 * at authentication, each in its own words (v2 403 merchant_disabled, V4 ESI_403, links AUTH_005).
 */
export function checkMerchantEnabled(merchant: MerchantRecord): void {
  if (merchant.disabledAt) throw merchantDisabled(merchant.id);
}

export function merchantDisabled(id: string): EsipayError {
  return new EsipayError(
    'forbidden',
    'merchant_disabled',
    `merchant ${id} is disabled: it can make no payment, refund, shipment or link`,
    `an operator can enable it again: esipay merchant enable ${id}`,
  );
}
