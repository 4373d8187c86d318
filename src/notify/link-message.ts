import type { OutgoingEmail } from './notifier.js';

/**
 * The words of a payment link sent to a consumer, in the link's language. `link` is the URL
 * with its token: it goes to the consumer only, never to a stored record (see redactedLink).
 */
export interface LinkMessageInput {
  lang: 'fr' | 'en';
  merchantName: string;
  amountText: string;
  reference: string;
  link: string;
  expiresText: string;
}

export function linkEmail(to: string, m: LinkMessageInput): OutgoingEmail {
  if (m.lang === 'fr') {
    return {
      to,
      subject: `${m.merchantName} : paiement de ${m.amountText}`,
      text:
        `Bonjour,\n\n${m.merchantName} vous invite à payer ${m.amountText} (référence ${m.reference}).\n\n` +
        `Payer en ligne : ${m.link}\n\nCe lien est personnel et valable jusqu'au ${m.expiresText}.\n`,
    };
  }
  return {
    to,
    subject: `${m.merchantName}: payment of ${m.amountText}`,
    text:
      `Hello,\n\n${m.merchantName} asks you to pay ${m.amountText} (reference ${m.reference}).\n\n` +
      `Pay online: ${m.link}\n\nThis link is personal and valid until ${m.expiresText}.\n`,
  };
}

export function linkSms(m: LinkMessageInput): string {
  return m.lang === 'fr'
    ? `${m.merchantName} : payez ${m.amountText} (réf. ${m.reference}) sur ${m.link} avant le ${m.expiresText}.`
    : `${m.merchantName}: pay ${m.amountText} (ref. ${m.reference}) at ${m.link} before ${m.expiresText}.`;
}

/** The same text with the link's token replaced, for what is stored. */
export function redactedLink(text: string, token: string): string {
  return text.split(token).join('[token]');
}
