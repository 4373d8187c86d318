import { Agent, request } from 'undici';
import { type ErrorKind, EsipayError, invalid, kindFromHttp, notFound, unavailable, WIRE_ERROR_KINDS } from '../../domain/errors.js';
import type { MerchantView, MerchantWithSecret, Page, TransactionDetail, TransactionView } from '../../domain/types.js';
import type { MerchantTotals } from '../../store/store.js';
import type { EventDetail, EventFeed, EventView } from '../../domain/events.js';
import type {
  CreateInitialInput,
  CreateLinkInput,
  CreateShipmentInput,
  Engine,
  LinkView,
  ListEventsInput,
  ListTransactionsInput,
  PayInput,
  RefundInput,
  RefundOutcome,
  RegisterMerchantInput,
  UpdateMerchantInput,
} from '../engine.js';
import { checkIdempotencyKey } from '../idempotency-key.js';
import { checkTransactionFilters } from '../transaction-filters.js';
import type { ClockView, DatabaseMode, DatabaseModeView } from '../clock-types.js';

export interface RemoteEngineOptions {
  /** Base URL of an `esipay serve`, e.g. http://127.0.0.1:6543 (a path prefix is kept). */
  url: string;
  /** The operator token, for everything but pay and refund. */
  token?: string;
  /** How long one request may take; a payment waits for the merchant's return URL. Default 120 s. */
  timeoutMs?: number;
}

const ERROR_KINDS: readonly ErrorKind[] = WIRE_ERROR_KINDS;
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/**
 * The use cases sent to an `esipay serve` over HTTP, through one keep-alive connection pool.
 * Pay and refund go through the merchant-facing v2 routes (so the service checks the caller's
 * address as it would a merchant's); everything else through the operator API. The service's
 * errors come back as the same EsipayError (kind, code, message, hint, transaction) the local
 * engine throws, so the CLI prints and exits the same.
 */
export class RemoteEngine implements Engine {
  readonly description: string;
  private readonly base: string;
  private readonly origin: string;
  private readonly agent: Agent;
  private readonly timeoutMs: number;

  constructor(private readonly opts: RemoteEngineOptions) {
    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      throw invalid('invalid_url', `"${opts.url}" is not a URL`, 'pass --url http://host:6543');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw invalid('invalid_url', `the service URL must be http or https, not ${url.protocol}`);
    this.origin = url.origin;
    this.base = url.pathname.replace(/\/+$/, '');
    this.description = `remote ${url.origin}${this.base}`;
    this.timeoutMs = opts.timeoutMs ?? 120_000;
    this.agent = new Agent({ keepAliveTimeout: 4_000, connections: 16, connect: { timeout: 10_000 } });
  }

  registerMerchant(input: RegisterMerchantInput): Promise<MerchantWithSecret> {
    return this.admin('POST', '/admin/merchants', input);
  }

  listMerchants(q: { limit?: number; cursor?: string } = {}): Promise<Page<MerchantView>> {
    return this.admin('GET', `/admin/merchants${query(q)}`);
  }

  getMerchant(uuid: string): Promise<MerchantView> {
    return this.admin('GET', `/admin/merchants/${seg(uuid)}`);
  }

  rotateMerchantSecret(uuid: string, opts: { expirePrevious?: boolean } = {}): Promise<MerchantWithSecret> {
    return this.admin('POST', `/admin/merchants/${seg(uuid)}/rotate-secret`, opts.expirePrevious ? { expirePrevious: true } : undefined);
  }

  /** GET /cardpay/{uuid}/{cid}/{cardnumber}/{cardmonth}/{cardyear}/{amount}. */
  pay(input: PayInput): Promise<TransactionView> {
    const parts = [input.merchant, input.cid, input.card.number, input.card.month, input.card.year, input.amount];
    return this.call('POST', `/cardpay/${parts.map((p) => seg(String(p ?? ''))).join('/')}`, { auth: false });
  }

  /**
   * /cardpay/{uuid}/{transaction}[/{amount}], the key in its Idempotency-Key header; without a
   * merchant, the operator API says whose it is.
   */
  async refund(input: RefundInput): Promise<RefundOutcome> {
    const merchant = input.merchant ?? (await this.getTransaction(input.transaction)).merchant;
    const parts = [merchant, input.transaction, ...(input.amount !== undefined ? [input.amount] : [])];
    return this.call('POST', `/cardpay/${parts.map((p) => seg(String(p))).join('/')}`, {
      auth: false,
      ...(input.idempotencyKey !== undefined ? { headers: { 'idempotency-key': checkIdempotencyKey(input.idempotencyKey) } } : {}),
    });
  }

  async listTransactions(q: ListTransactionsInput): Promise<Page<TransactionView>> {
    // Checked here as the local engine checks them (the service checks them again): a mistake
    // costs no request, and the error is the same on both engines.
    const f = checkTransactionFilters(q);
    return this.admin(
      'GET',
      `/admin/merchants/${seg(q.merchant)}/transactions${query({
        limit: q.limit,
        cursor: q.cursor,
        kind: f.kinds?.join(','),
        top_level: q.topLevel ? 'true' : undefined,
        status: f.statuses?.join(','),
        since: f.since,
        until: f.until,
        cid: f.cid,
      })}`,
    );
  }

  getTransaction(id: string, merchant?: string): Promise<TransactionDetail> {
    return merchant === undefined
      ? this.admin('GET', `/admin/transactions/${seg(id)}`)
      : this.admin('GET', `/admin/merchants/${seg(merchant)}/transactions/${seg(id)}`);
  }

  merchantTotals(merchant: string): Promise<MerchantTotals> {
    return this.admin('GET', `/admin/merchants/${seg(merchant)}/totals`);
  }

  createInitial(input: CreateInitialInput): Promise<TransactionView> {
    return this.admin('POST', '/admin/initials', input);
  }

  createShipment(input: CreateShipmentInput): Promise<TransactionView> {
    return this.admin('POST', '/admin/shipments', input);
  }

  createLink(input: CreateLinkInput): Promise<LinkView> {
    return this.admin('POST', '/admin/links', input);
  }

  listLinks(q: { merchant: string; limit?: number; cursor?: string }): Promise<Page<LinkView>> {
    return this.admin('GET', `/admin/merchants/${seg(q.merchant)}/links${query({ limit: q.limit, cursor: q.cursor })}`);
  }

  getLink(id: string, merchant?: string): Promise<LinkView> {
    return this.admin('GET', `/admin/links/${seg(id)}${query({ merchant })}`);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  updateMerchant(uuid: string, input: UpdateMerchantInput): Promise<MerchantView> {
    return this.admin('PATCH', `/admin/merchants/${seg(uuid)}`, input);
  }

  disableMerchant(uuid: string): Promise<MerchantView> {
    return this.admin('POST', `/admin/merchants/${seg(uuid)}/disable`);
  }

  enableMerchant(uuid: string): Promise<MerchantView> {
    return this.admin('POST', `/admin/merchants/${seg(uuid)}/enable`);
  }

  // The test clock and the database's mode: the service's own database (src/server/admin/clock.ts).
  clockShow(): Promise<ClockView> {
    return this.admin('GET', '/admin/clock');
  }

  clockAdvance(duration: string): Promise<ClockView> {
    return this.admin('POST', '/admin/clock/advance', { duration });
  }

  clockSet(time: string, opts: { force?: boolean } = {}): Promise<ClockView> {
    return this.admin('POST', '/admin/clock/set', { time, ...(opts.force ? { force: true } : {}) });
  }

  clockReset(opts: { force?: boolean } = {}): Promise<ClockView> {
    return this.admin('POST', '/admin/clock/reset', opts.force ? { force: true } : {});
  }

  databaseMode(): Promise<DatabaseModeView> {
    return this.admin('GET', '/admin/mode');
  }

  setDatabaseMode(mode: DatabaseMode, opts: { force?: boolean } = {}): Promise<DatabaseModeView> {
    return this.admin('POST', '/admin/mode', { mode, ...(opts.force ? { force: true } : {}) });
  }

  listEvents(q: ListEventsInput = {}): Promise<Page<EventView>> {
    return this.admin(
      'GET',
      `/admin/events${query({
        merchant: q.merchant,
        transaction: q.transaction,
        type: q.type,
        status: q.status,
        limit: q.limit,
        cursor: q.cursor,
      })}`,
    );
  }

  getEvent(id: string, merchant?: string): Promise<EventDetail> {
    return this.admin('GET', `/admin/events/${seg(id)}${query({ merchant })}`);
  }

  resendEvent(id: string, merchant?: string): Promise<EventView> {
    return this.admin('POST', `/admin/events/${seg(id)}/resend${query({ merchant })}`);
  }

  /** `events tail` over the operator API: polling the feed with the cursor it gave last. */
  followEvents(q: { after?: string; limit?: number } = {}): Promise<EventFeed> {
    return this.admin('GET', `/admin/events/feed${query({ after: q.after, limit: q.limit })}`);
  }

  private admin<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T> {
    return this.call(method, path, { auth: true, ...(body !== undefined ? { body } : { body: method === 'GET' ? undefined : {} }) });
  }

  private async call<T>(
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    o: { auth: boolean; body?: unknown; headers?: Record<string, string> },
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'esipay-remote/1', ...o.headers };
    if (o.auth && this.opts.token) headers.authorization = `Bearer ${this.opts.token}`;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    let status: number;
    let text: string;
    try {
      const res = await request(this.origin + this.base + path, {
        method,
        headers,
        dispatcher: this.agent,
        ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      status = res.statusCode;
      text = await readCapped(res.body);
    } catch (e) {
      throw this.unreachable(e);
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      throw unavailable(
        'bad_answer',
        `the service at ${this.origin}${this.base} answered HTTP ${status} without JSON`,
        'check that --url points at an esipay service',
      );
    }
    if (status >= 200 && status < 300) return doc as T;
    throw this.errorFrom(status, doc, o.auth);
  }

  /** The service's error document back into the EsipayError the local engine would have thrown. */
  private errorFrom(status: number, doc: unknown, admin: boolean): EsipayError {
    const d = (doc ?? {}) as { error?: { code?: unknown; message?: unknown; kind?: unknown; hint?: unknown }; transaction?: unknown };
    const err = d.error ?? {};
    const kind = ERROR_KINDS.includes(err.kind as ErrorKind) ? (err.kind as ErrorKind) : kindFromHttp(status);
    const code = typeof err.code === 'string' ? err.code : `http_${status}`;
    const message = typeof err.message === 'string' ? err.message : `the service answered HTTP ${status}`;
    let hint = typeof err.hint === 'string' ? err.hint : undefined;
    if (admin && kind === 'unauthorized') {
      hint = this.opts.token
        ? 'the operator token was refused: check --token or ESIPAY_TOKEN against the one `esipay serve` printed (or its ESIPAY_ADMIN_TOKEN)'
        : 'pass --token or set ESIPAY_TOKEN: `esipay serve` prints the operator token on its first start';
    }
    if (status === 404 && code === 'not_found')
      return notFound('not_found', `the service at ${this.origin}${this.base} has no such endpoint (is it an older esipay?)`);
    return new EsipayError(kind, code, message, hint, d.transaction);
  }

  private unreachable(e: unknown): EsipayError {
    const err = e as { code?: string; message?: string; cause?: { code?: string } };
    const code = err.code ?? err.cause?.code;
    const why =
      code === 'ECONNREFUSED'
        ? 'connection refused'
        : code === 'UND_ERR_CONNECT_TIMEOUT'
          ? 'connection timed out'
          : code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT'
            ? `no answer within ${this.timeoutMs} ms`
            : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
              ? 'host not found'
              : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET'
                ? 'connection reset'
                : (code ?? err.message ?? 'unknown error');
    return unavailable(
      'service_unavailable',
      `cannot reach the esipay service at ${this.origin}${this.base}: ${why}`,
      'check --url (or ESIPAY_URL) and that `esipay serve` runs there',
    );
  }
}

/** One path segment: everything a value may hold is percent-encoded, "/" included. */
function seg(value: string): string {
  return encodeURIComponent(value);
}

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
}

async function readCapped(body: AsyncIterable<Buffer | Uint8Array> & { destroy?: () => void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of body) {
    size += c.length;
    if (size > MAX_ANSWER_BYTES) {
      body.destroy?.();
      throw new Error('the answer is too large');
    }
    chunks.push(Buffer.from(c));
  }
  return Buffer.concat(chunks).toString('utf8');
}
