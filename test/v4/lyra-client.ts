import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';

/**
 * A V4 REST client as a merchant writes one from the platform's public documentation alone, with
 * no knowledge of esipay: it imports nothing from esipay's code. What it follows, from the
 * platform's pages:
 *
 * - Web services: POST https://<server>/api-payment/V4/<Namespace>/<Service>, a JSON body, HTTP
 *   Basic authentication with the shop id as user and the REST API password as password. The
 *   answer is {webService, version, status: SUCCESS|ERROR, answer, _type: "V4/WebService/Response"};
 *   on ERROR the answer holds errorCode, errorMessage, detailedErrorCode, detailedErrorMessage.
 * - The IPN: a form POST with kr-answer (the V4/Payment as a JSON string), kr-answer-type,
 *   kr-hash-algorithm (sha256_hmac), kr-hash-key ("password": the key is the REST API password)
 *   and kr-hash, the hex HMAC-SHA256 of the raw kr-answer; the merchant checks it before parsing.
 * - The objects' fields, read the way integrations in production read them: by name, without
 *   checking they exist (field() stands for Python's answer["…"], a KeyError when missing).
 */

export interface Envelope {
  webService: string;
  version: string;
  status: 'SUCCESS' | 'ERROR';
  answer: Record<string, unknown>;
  _type: string;
}

export class PlatformError extends Error {
  constructor(
    readonly webService: string,
    readonly errorCode: string,
    readonly answer: Record<string, unknown>,
  ) {
    super(`${webService}: ${errorCode} ${String(answer.errorMessage)}`);
  }
}

export class LyraClient {
  private readonly authorization: string;

  constructor(
    private readonly server: string,
    shopId: string,
    private readonly password: string,
  ) {
    this.authorization = 'Basic ' + Buffer.from(`${shopId}:${password}`).toString('base64');
  }

  /** Calls a web service; an ERROR status is thrown with its errorCode (the PHP SDK's callers do the same). */
  async post(webService: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const res = await fetch(`${this.server}/api-payment/V4/${webService}`, {
      method: 'POST',
      headers: { authorization: this.authorization, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const envelope = (await res.json()) as Envelope;
    if (envelope.version !== 'V4' || envelope._type !== 'V4/WebService/Response')
      throw new Error(`not a V4 answer: ${JSON.stringify(envelope)}`);
    if (envelope.status !== 'SUCCESS') throw new PlatformError(webService, String(envelope.answer.errorCode), envelope.answer);
    return envelope.answer;
  }

  /** The documented check of an IPN: HMAC-SHA256 of the raw kr-answer under the password. */
  checkHash(fields: Record<string, string>): boolean {
    if (fields['kr-hash-algorithm'] !== 'sha256_hmac' || fields['kr-hash-key'] !== 'password') return false;
    const expected = createHmac('sha256', this.password)
      .update(fields['kr-answer'] ?? '', 'utf8')
      .digest();
    const given = Buffer.from(fields['kr-hash'] ?? '', 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

/** A field by its documented name, as integrations read them: absent is an error (Python's KeyError). */
export function field(obj: unknown, path: string): any {
  let at: any = obj;
  for (const key of path.split('.')) {
    if (at === null || typeof at !== 'object' || !(key in at)) throw new Error(`KeyError: '${key}' (reading ${path})`);
    at = at[key];
  }
  return at;
}

/** What an order-handling integration takes from a payment notification, every field read by name. */
export interface NotifiedPayment {
  orderId: string | null;
  orderStatus: string;
  transactionUuid: string;
  amount: number;
  cardToken: string | null;
  pan: string;
  brand: string;
  expiryMonth: number | null;
  expiryYear: number | null;
  paymentMethodSource: string;
  creationContext: string;
  initialIssuerTransactionIdentifier: string | null;
  metadata: Record<string, string> | null;
  billingAddress: {
    firstName: string | null;
    lastName: string | null;
    address: string | null;
    zipCode: string | null;
    city: string | null;
    country: string | null;
  };
  customerReference: string | null;
}

export function readPayment(answer: unknown): NotifiedPayment {
  const tx = field(answer, 'transactions')[0];
  const billing = field(answer, 'customer.billingDetails');
  return {
    orderId: field(answer, 'orderDetails.orderId'),
    orderStatus: field(answer, 'orderStatus'),
    transactionUuid: field(tx, 'uuid'),
    amount: field(answer, 'orderDetails.orderTotalAmount'),
    cardToken: field(tx, 'paymentMethodToken'),
    pan: field(tx, 'transactionDetails.cardDetails.pan'),
    brand: field(tx, 'transactionDetails.cardDetails.effectiveBrand'),
    expiryMonth: field(tx, 'transactionDetails.cardDetails.expiryMonth'),
    expiryYear: field(tx, 'transactionDetails.cardDetails.expiryYear'),
    paymentMethodSource: field(tx, 'transactionDetails.cardDetails.paymentMethodSource'),
    creationContext: field(tx, 'transactionDetails.creationContext'),
    initialIssuerTransactionIdentifier: field(tx, 'transactionDetails.cardDetails.initialIssuerTransactionIdentifier'),
    metadata: field(tx, 'metadata'),
    billingAddress: {
      firstName: field(billing, 'firstName'),
      lastName: field(billing, 'lastName'),
      address: field(billing, 'address'),
      zipCode: field(billing, 'zipCode'),
      city: field(billing, 'city'),
      country: field(billing, 'country'),
    },
    customerReference: field(answer, 'customer.reference'),
  };
}

/**
 * The merchant's IPN endpoint: checks kr-hash, reads the payment as above, answers 200; a forged
 * or unreadable notification is answered 400 (the platform then retries it).
 */
export class IpnEndpoint {
  readonly payments: NotifiedPayment[] = [];
  readonly rejected: string[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];
  private server: Server | undefined;
  url = '';

  constructor(private readonly client: LyraClient) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const fields = Object.fromEntries(new URLSearchParams(body));
        try {
          if (!this.client.checkHash(fields)) throw new Error('kr-hash does not verify');
          this.payments.push(readPayment(JSON.parse(fields['kr-answer']!)));
          res.writeHead(200).end('OK');
        } catch (e) {
          this.rejected.push((e as Error).message);
          res.writeHead(400).end('KO');
        }
        for (const w of this.waiters.filter((w) => this.payments.length >= w.count)) w.resolve();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/payment/notification`;
  }

  /** Resolves once `count` payments were notified and accepted. */
  waitFor(count: number): Promise<void> {
    if (this.payments.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
