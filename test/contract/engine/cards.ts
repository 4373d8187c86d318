/** The simulated acquirer's test cards the contract pays with (src/acquirer/simulator.ts). */
export const VISA = '4111111111111111';
export const MASTERCARD = '5555555555554444';
export const DECLINED = '4000000000000002';
export const INSUFFICIENT_FUNDS = '4000000000009995';
export const ACQUIRER_FAILS = '4000000000000119';
/** Approved when presented; every later debit (a shipment, an instalment) declined, failing technically, or unanswered. */
export const LATER_DECLINED = '4000000000000341';
export const LATER_INSUFFICIENT_FUNDS = '4000000000000358';
export const LATER_FAILS = '4000000000000366';
export const LATER_UNKNOWN = '4000000000000374';
export const NEXT_YEAR = String(new Date().getUTCFullYear() + 1);

/** A card in the shape the Engine takes, valid until next year. */
export const card = (number = VISA): { number: string; month: string; year: string } => ({ number, month: '12', year: NEXT_YEAR });
