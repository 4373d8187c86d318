/**
 * Delivers a POST to a merchant (return URL, IPN, link callback) and reports what happened.
 * It never throws for the merchant's failures: a refused connection, a timeout or a non-200 are
 * outcomes the caller acts on. The answer body is read up to a small cap and discarded, so a
 * merchant answering gigabytes cannot exhaust memory. undici is imported on first use only.
 */
export interface CallbackRequest {
  url: string;
  body: string;
  contentType: string;
  headers?: Record<string, string>;
  timeoutMs: number;
}

export interface CallbackOutcome {
  /** The HTTP status, or null when no answer came. */
  status: number | null;
  /** Why no 200: "timeout after 10000 ms", "connection refused"… */
  error: string | null;
  ok: boolean;
}

export interface CallbackSender {
  send(req: CallbackRequest): Promise<CallbackOutcome>;
  close?(): Promise<void>;
}

export const MAX_ANSWER_BYTES = 64 * 1024;

type Undici = typeof import('undici');
let undici: Promise<Undici> | undefined;
const loadUndici = () => (undici ??= import('undici'));

export class HttpCallbackSender implements CallbackSender {
  private agent: import('undici').Agent | undefined;

  async send(req: CallbackRequest): Promise<CallbackOutcome> {
    const { Agent, request } = await loadUndici();
    this.agent ??= new Agent({ keepAliveTimeout: 4_000, connections: 64 });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), req.timeoutMs);
    try {
      const res = await request(req.url, {
        method: 'POST',
        dispatcher: this.agent,
        body: req.body,
        headers: { 'content-type': req.contentType, 'user-agent': 'esipay-callback/1', ...req.headers },
        signal: controller.signal,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
        maxRedirections: 0,
      } as Parameters<typeof request>[1]);
      let read = 0;
      try {
        for await (const chunk of res.body) {
          read += (chunk as Buffer).length;
          if (read > MAX_ANSWER_BYTES) {
            res.body.destroy();
            break;
          }
        }
      } catch {
        // The status is what counts; a broken answer body does not change it.
      }
      const ok = res.statusCode === 200;
      return { status: res.statusCode, ok, error: ok ? null : `the URL answered HTTP ${res.statusCode}` };
    } catch (e) {
      return { status: null, ok: false, error: describeNetworkError(e, req.timeoutMs, controller.signal.aborted) };
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.agent?.close();
    this.agent = undefined;
  }
}

/** Why no answer came, in the words every sender uses (shared with node-http-sender.ts). */
export function describeNetworkError(e: unknown, timeoutMs: number, aborted: boolean): string {
  if (aborted) return `no answer within ${timeoutMs} ms`;
  const err = e as { code?: string; message?: string; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return `no answer within ${timeoutMs} ms`;
  if (code === 'ENOTFOUND') return 'host not found';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
  return `delivery failed (${code ?? err.message ?? 'unknown error'})`;
}
