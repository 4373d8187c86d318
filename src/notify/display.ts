import { formatDecimal } from '../money/amount.js';

/**
 * How amounts and dates read for a consumer (the pay page, the email, the SMS), in the link's
 * language: French when payment_lang is fr, English otherwise. Amounts go to Intl as decimal
 * strings (exact), never through a float. Dates are calendar days in UTC, the zone debits run in.
 *
 * Here, beside the messages' words (link-message.ts), rather than with the page: the engine
 * writes the email and SMS (also for `esipay link create`, with no service running) and must not
 * import src/server; the page (src/server/links/) imports it from here.
 */
export type PageLang = 'fr' | 'en';

export function pageLang(paymentLang: unknown): PageLang {
  return typeof paymentLang === 'string' && /^fr([-_]|$)/i.test(paymentLang) ? 'fr' : 'en';
}

const LOCALES: Record<PageLang, string> = { fr: 'fr-FR', en: 'en-GB' };

export function displayAmount(minor: number, currency: string, lang: PageLang): string {
  const decimal = formatDecimal(minor, currency);
  try {
    return new Intl.NumberFormat(LOCALES[lang], { style: 'currency', currency }).format(decimal as unknown as number);
  } catch {
    return `${decimal} ${currency}`;
  }
}

export function displayDate(iso: string, lang: PageLang): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso));
}
