/**
 * ISO 4217 alpha-3 currencies in circulation, with their minor-unit exponent.
 * The exponent decides how many decimals an amount may have: EUR 2, JPY 0, KWD 3.
 * Listed by exponent so the table stays short and easy to audit.
 */
const BY_EXPONENT: Record<0 | 2 | 3 | 4, string> = {
  0: 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF',
  2: 'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VES WST XCD YER ZAR ZMW ZWG',
  3: 'BHD IQD JOD KWD LYD OMR TND',
  4: 'CLF UYW',
};

const EXPONENTS: ReadonlyMap<string, number> = new Map(
  Object.entries(BY_EXPONENT).flatMap(([exp, codes]) => codes.split(' ').map((code) => [code, Number(exp)] as const)),
);

/** The minor-unit exponent of an ISO 4217 code, or undefined when the code is unknown. */
export function currencyExponent(code: string): number | undefined {
  return EXPONENTS.get(code);
}

export function isKnownCurrency(code: string): boolean {
  return EXPONENTS.has(code);
}

/** Shape check only (three upper-case letters); whether it exists is isKnownCurrency. */
export function isCurrencyShaped(code: string): boolean {
  return /^[A-Z]{3}$/.test(code);
}
