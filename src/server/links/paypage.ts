import { pageLang } from '../../notify/display.js';
import { openLink, type OpenedLink, payLink, plannedDebits } from '../../engine/local/links/pay.js';
import type { EngineContext } from '../../engine/local/context.js';
import type { ServiceDeps } from '../deps.js';
import { type HttpAnswer, HttpError, type HttpRequest, htmlAnswer } from '../http.js';
import { checkFormToken, formTokenKey, issueFormToken } from './form-token.js';
import { PAGE_HEADERS } from './page-html.js';
import { formPage, noticePage, receiptPage } from './page-views.js';

/** The form is two short fields and a token: anything larger is not from the page. */
const MAX_FORM_BYTES = 4096;

/** HTTP status of a refused payment, by code: the page itself says what to do. */
const STATUS_OF: Record<string, number> = {
  CARD_001: 400,
  CARD_002: 400,
  CARD_003: 400,
  CARD_004: 402,
  CARD_005: 503,
  FORM_001: 400,
  LINK_004: 409,
  LINK_005: 409,
};

/**
 * GET /paypage?SDESSID=… shows the link (the form, or that it is paid, expired or unknown);
 * POST pays it with the card typed in and shows the receipt, or the form again with the error
 * (the number field empty: a card number is never sent back).
 */
export class PayPage {
  private readonly key: Buffer;

  constructor(private readonly deps: ServiceDeps) {
    this.key = formTokenKey(deps.engine.ctx.cardKey);
  }

  private get ctx(): EngineContext {
    return this.deps.engine.ctx;
  }

  async show(req: HttpRequest): Promise<HttpAnswer> {
    const token = req.query.get('SDESSID') ?? '';
    const opened = await openLink(this.ctx, token);
    if (!opened) return page(404, noticePage(undefined, 'unknown', acceptLang(req)));
    if (opened.state === 'paid') return page(200, noticePage(opened, 'paid'));
    if (opened.state === 'expired') return page(410, noticePage(opened, 'expired'));
    return page(200, this.form(opened, token));
  }

  async pay(req: HttpRequest): Promise<HttpAnswer> {
    const token = req.query.get('SDESSID') ?? '';
    const opened = await openLink(this.ctx, token);
    if (!opened) return page(404, noticePage(undefined, 'unknown', acceptLang(req)));
    let form: URLSearchParams;
    try {
      form = new URLSearchParams((await req.body(MAX_FORM_BYTES)).toString('utf8'));
    } catch (e) {
      if (e instanceof HttpError) return page(e.status, this.form(opened, token, { code: 'FORM_001' }));
      throw e;
    }
    const expiry = (form.get('expiry') ?? '').slice(0, 10);
    if (!checkFormToken(this.key, opened.link.id, form.get('form_token'), nowS(this.ctx))) {
      if (opened.state !== 'open') return this.stateNotice(opened);
      return page(400, this.form(opened, token, { code: 'FORM_001' }, expiry));
    }
    const result = await payLink(this.ctx, opened, { number: (form.get('number') ?? '').slice(0, 40), expiry });
    if (result.ok) return page(200, receiptPage({ ...opened, link: result.link, state: 'paid' }, result.transaction, result.debits));
    if (result.code === 'LINK_003') return page(200, noticePage(opened, 'paid'));
    if (result.code === 'LINK_002') return page(410, noticePage(opened, 'expired'));
    return page(
      STATUS_OF[result.code] ?? 400,
      this.form(opened, token, { code: result.code, ...(result.field ? { field: result.field } : {}) }, expiry),
    );
  }

  private stateNotice(opened: OpenedLink): HttpAnswer {
    return opened.state === 'paid' ? page(200, noticePage(opened, 'paid')) : page(410, noticePage(opened, 'expired'));
  }

  private form(opened: OpenedLink, token: string, error?: { code: string; field?: 'number' | 'expiry' }, expiry?: string): string {
    return formPage(opened, {
      token,
      formToken: issueFormToken(this.key, opened.link.id, nowS(this.ctx)),
      debits: plannedDebits(opened, this.ctx.clock()),
      ...(error ? { error } : {}),
      ...(expiry !== undefined ? { expiry } : {}),
    });
  }
}

const nowS = (ctx: EngineContext) => Math.floor(ctx.clock().getTime() / 1000);

function acceptLang(req: HttpRequest) {
  return pageLang(
    String(req.headers['accept-language'] ?? '')
      .split(',')[0]
      ?.trim(),
  );
}

function page(status: number, html: string): HttpAnswer {
  return htmlAnswer(status, html, { headers: PAGE_HEADERS, logPath: '/paypage' });
}
