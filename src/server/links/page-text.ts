import type { PageLang } from '../../notify/display.js';

/** Every word of the pay page, in English and French (payment_lang "fr"). */
const EN = {
  title: 'Payment',
  payTo: 'Payment to',
  reference: 'Reference',
  cardNumber: 'Card number',
  expiry: 'Expiry date (MM/YY)',
  expiryPlaceholder: 'MM/YY',
  pay: 'Pay',
  verify: 'Verify my card',
  secure: 'Secure payment by esipay. Your card number is sent only to the bank.',
  scheduleTitle: 'Payment schedule',
  today: 'today',
  payNowNote: 'The whole amount is debited today.',
  multiPayNote: (n: number) => `Paid in ${n} monthly instalments: the first today, the others on the dates below.`,
  payLaterNote: (amount: string, date: string) =>
    `Nothing is debited today: your card is verified now and ${amount} will be debited on ${date}.`,
  acceptedTitle: 'Payment accepted',
  verifiedTitle: 'Card verified',
  paidNow: 'Debited today',
  card: 'Card',
  transaction: 'Transaction',
  date: 'Date',
  nextDebits: 'Next debits',
  willBeDebited: (amount: string, date: string) => `${amount} will be debited on ${date}.`,
  back: (merchant: string) => `Back to ${merchant}`,
  paidTitle: 'Already paid',
  paidText: 'This payment link has already been paid. Nothing more is due through it.',
  expiredTitle: 'Link expired',
  expiredText: 'This payment link has expired. Ask the merchant for a new one.',
  unknownTitle: 'Unknown link',
  unknownText: 'This payment link does not exist. Check that you opened the whole link you received.',
  validUntil: (date: string) => `Link valid until ${date}.`,
  errors: {
    CARD_001: 'This card number is not valid. Check the digits and try again.',
    CARD_002: 'Enter the expiry date as MM/YY, for example 08/29.',
    CARD_003: 'This card has expired. Use another card.',
    CARD_004: 'The bank declined this card. Nothing was charged. Try another card.',
    CARD_005: 'The bank could not be reached. Nothing was charged. Please try again in a moment.',
    FORM_001: 'This form has expired. Please enter your card again.',
    LINK_004: 'Too many attempts: this link no longer accepts payments. Contact the merchant.',
    LINK_005: 'A payment of this link is already in progress. Wait a moment, then reload the page.',
  } as Record<string, string>,
  genericError: 'The payment could not be made. Nothing was charged.',
};

type Text = typeof EN;

const FR: Text = {
  title: 'Paiement',
  payTo: 'Paiement à',
  reference: 'Référence',
  cardNumber: 'Numéro de carte',
  expiry: "Date d'expiration (MM/AA)",
  expiryPlaceholder: 'MM/AA',
  pay: 'Payer',
  verify: 'Vérifier ma carte',
  secure: "Paiement sécurisé par esipay. Votre numéro de carte n'est transmis qu'à la banque.",
  scheduleTitle: 'Échéancier',
  today: "aujourd'hui",
  payNowNote: "La totalité est débitée aujourd'hui.",
  multiPayNote: (n) => `Payé en ${n} mensualités : la première aujourd'hui, les autres aux dates ci-dessous.`,
  payLaterNote: (amount, date) =>
    `Rien n'est débité aujourd'hui : votre carte est vérifiée maintenant et ${amount} sera débité le ${date}.`,
  acceptedTitle: 'Paiement accepté',
  verifiedTitle: 'Carte vérifiée',
  paidNow: "Débité aujourd'hui",
  card: 'Carte',
  transaction: 'Transaction',
  date: 'Date',
  nextDebits: 'Prochains prélèvements',
  willBeDebited: (amount, date) => `${amount} sera débité le ${date}.`,
  back: (merchant) => `Retour chez ${merchant}`,
  paidTitle: 'Déjà payé',
  paidText: "Ce lien de paiement a déjà été payé. Plus rien n'est dû par ce lien.",
  expiredTitle: 'Lien expiré',
  expiredText: 'Ce lien de paiement a expiré. Demandez-en un nouveau au commerçant.',
  unknownTitle: 'Lien inconnu',
  unknownText: "Ce lien de paiement n'existe pas. Vérifiez que vous avez ouvert le lien complet reçu.",
  validUntil: (date) => `Lien valable jusqu'au ${date}.`,
  errors: {
    CARD_001: "Ce numéro de carte n'est pas valide. Vérifiez les chiffres et réessayez.",
    CARD_002: "Saisissez la date d'expiration au format MM/AA, par exemple 08/29.",
    CARD_003: 'Cette carte a expiré. Utilisez une autre carte.',
    CARD_004: "La banque a refusé cette carte. Rien n'a été débité. Essayez une autre carte.",
    CARD_005: "La banque n'a pas pu être jointe. Rien n'a été débité. Réessayez dans un instant.",
    FORM_001: 'Ce formulaire a expiré. Saisissez à nouveau votre carte.',
    LINK_004: "Trop de tentatives : ce lien n'accepte plus de paiement. Contactez le commerçant.",
    LINK_005: 'Un paiement de ce lien est déjà en cours. Patientez, puis rechargez la page.',
  },
  genericError: "Le paiement n'a pas pu être effectué. Rien n'a été débité.",
};

export type PageText = Text;

export function pageText(lang: PageLang): PageText {
  return lang === 'fr' ? FR : EN;
}
