import { SIGNATURE_HEADER, verifyKrHash, verifySignature } from './signature.js';
import { parseJsonObject } from '../util/json.js';

/**
 * What a merchant's endpoint can receive from esipay, told apart by shape, with the signature each
 * kind carries checked against the secrets the receiver knows:
 * - return_url: the v2 payment's form POST (type, amount, transaction, cid), signed Esipay-Signature;
 * - ipn: the V4 IPN, a form with kr-answer (the payment as JSON) and kr-hash (src/server/v4/ipn.ts);
 * - link_callback: a payment link's JSON result (event link.paid or link.debit), signed Esipay-Signature.
 * Anything else is 'unknown': checked as Esipay-Signature, since that is what esipay would sign it with.
 */
export type InboundKind = 'return_url' | 'ipn' | 'link_callback' | 'unknown';

export interface InboundMessage {
  kind: InboundKind;
  /** The transaction the message is about, when it names one. */
  transaction: string | null;
  /** ipn: the order's status; link_callback: the event (link.paid, link.debit); return_url: null. */
  event: string | null;
  /** The body's fields: the form's, or the JSON object's top level (nested values as JSON). */
  fields: Record<string, string>;
  signature: 'valid' | 'invalid' | 'unchecked';
  signatureError?: string;
}

export interface InboundRequest {
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: string;
}

export function readInbound(req: InboundRequest, secrets: readonly string[], opts: { nowS: number; toleranceS: number }): InboundMessage {
  const type = String(req.headers['content-type'] ?? '');
  const json = type.includes('json') ? parseJsonObject(req.body) : undefined;
  const fields = type.includes('application/x-www-form-urlencoded')
    ? Object.fromEntries(new URLSearchParams(req.body))
    : json
      ? Object.fromEntries(Object.entries(json).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]))
      : {};
  const about = describe(fields, json);
  if (secrets.length === 0) return { ...about, fields, signature: 'unchecked' };
  const checked =
    about.kind === 'ipn'
      ? verifyKrHash(fields, secrets)
      : verifySignature(req.body, first(req.headers[SIGNATURE_HEADER]), secrets, opts.nowS, opts.toleranceS);
  return checked.ok ? { ...about, fields, signature: 'valid' } : { ...about, fields, signature: 'invalid', signatureError: checked.reason };
}

function describe(
  fields: Record<string, string>,
  json: Record<string, unknown> | undefined,
): Pick<InboundMessage, 'kind' | 'transaction' | 'event'> {
  if (fields['kr-answer'] !== undefined) {
    const answer = parseJsonObject(fields['kr-answer']);
    const tx = Array.isArray(answer?.transactions) ? (answer.transactions[0] as Record<string, unknown> | undefined) : undefined;
    return { kind: 'ipn', transaction: stringOrNull(tx?.uuid), event: stringOrNull(answer?.orderStatus) };
  }
  if (json && typeof json.event === 'string' && json.event.startsWith('link.')) {
    const tx = json.transaction as Record<string, unknown> | null | undefined;
    return { kind: 'link_callback', transaction: stringOrNull(tx?.id), event: json.event };
  }
  if (fields.transaction !== undefined && fields.cid !== undefined) {
    return { kind: 'return_url', transaction: fields.transaction, event: null };
  }
  return { kind: 'unknown', transaction: null, event: null };
}

const stringOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
