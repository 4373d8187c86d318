/**
 * esipay's library for merchants: `import { verifyReturnUrl, verifyIpn, verifyLinkCallback } from 'esipay'`
 * (docs/library.md). It checks what esipay sends to a merchant's server and loads nothing but
 * node:crypto: none of the CLI, the store or their dependencies (test/lib/packed.test.ts).
 */
export { verifyReturnUrl, type ReturnUrlPayload } from './return-url.js';
export { verifyIpn, type IpnInput, type IpnPayment, type IpnTransaction } from './ipn.js';
export { verifyLinkCallback, type LinkCallbackPayload } from './link-callback.js';
export type { SignatureHeader, SignedVerifier } from './signed.js';
export type { Secrets, SignatureOptions, VerifyResult } from './result.js';
