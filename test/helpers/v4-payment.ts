/**
 * Charge/CreatePayment on a running service's V4 API, as a merchant's server calls it (an initial
 * multi-authorisation: its IPN is queued with it). Returns the transaction's uuid.
 */
export async function createV4Payment(
  serviceUrl: string,
  merchant: { uuid: string; secret: string; currency?: string },
  opts: { pan: string; orderId: string; amount?: number },
): Promise<string> {
  const res = await fetch(`${serviceUrl}/api-payment/V4/Charge/CreatePayment`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: 'Basic ' + Buffer.from(`${merchant.uuid}:${merchant.secret}`).toString('base64'),
    },
    body: JSON.stringify({
      amount: opts.amount ?? 7412,
      currency: merchant.currency ?? 'EUR',
      orderId: opts.orderId,
      useCase: 'SHIPMENT_MULTIPLE_AUTHORISATION',
      paymentForms: [{ paymentMethodType: 'CARD', pan: opts.pan, expiryMonth: '12', expiryYear: String(new Date().getUTCFullYear() + 1) }],
    }),
  });
  const doc = (await res.json()) as { answer?: { transactions?: { uuid?: string }[] } };
  const id = doc.answer?.transactions?.[0]?.uuid;
  if (!id) throw new Error(`CreatePayment answered HTTP ${res.status}: ${JSON.stringify(doc)}`);
  return id;
}
