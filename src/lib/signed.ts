import { verifySignature } from '../callback/signature.js';
import { guarded, readClock, readHeader, readRawBody, readSecrets } from './inputs.js';
import { refuse, type Secrets, type SignatureOptions, type VerifyResult } from './result.js';

/** The header esipay signs return-URL POSTs and link callbacks with, as a request carries it. */
export type SignatureHeader = string | readonly string[] | undefined | null;

/** A verifier of a message under an Esipay-Signature: the raw body, the header, the secret(s). */
export type SignedVerifier<P> = (
  body: string | Uint8Array,
  signature: SignatureHeader,
  secrets: Secrets,
  options?: SignatureOptions,
) => VerifyResult<P>;

/**
 * The verifier of one kind of signed message: the signature checked first (src/callback/signature.ts:
 * the timestamp within the tolerance, a v1 matching one of the secrets), then `read` turns the text
 * esipay signed into the kind's payload, or refuses a text that is not of that kind.
 */
export function signedVerifier<P>(read: (text: string) => VerifyResult<P>): SignedVerifier<P> {
  return (body, signature, secrets, options) =>
    guarded(() => {
      const text = readRawBody(body);
      if (!text.ok) return text;
      const keys = readSecrets(secrets);
      if (!keys.ok) return keys;
      const clock = readClock(options);
      if (!clock.ok) return clock;
      const checked = verifySignature(text.value, readHeader(signature), keys.value, clock.value.nowS, clock.value.toleranceS);
      return checked.ok ? read(text.value) : refuse(checked.reason);
    });
}
