import type { OpenedLink } from '../../engine/links-types.js';
import { pageLang } from '../../notify/display.js';
import type { ServiceDeps } from '../deps.js';
import { type HttpAnswer, HttpError, type HttpRequest, htmlAnswer } from '../http.js';
import { checkCsrfToken, issueCsrfToken } from './pay-form-csrf.js';
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
  private key: Promise<Buffer> | undefined;

  constructor(private readonly deps: ServiceDeps) {}

  private get links() {
    return this.deps.engine.links;
  }

  /** Asked of the engine on the first request, so a service nobody pays through loads no link code. */
  private formKey(): Promise<Buffer> {
    return (this.key ??= this.links.payFormKey());
  }

  private nowS(): number {
    return Math.floor(this.deps.engine.clock().getTime() / 1000);
  }

  async show(req: HttpRequest): Promise<HttpAnswer> {
    const token = req.query.get('SDESSID') ?? '';
    const opened = await this.links.openLink(token);
    if (!opened) return page(404, noticePage(undefined, 'unknown', acceptLang(req)));
    if (opened.state === 'paid') return page(200, noticePage(opened, 'paid'));
    if (opened.state === 'expired') return page(410, noticePage(opened, 'expired'));
    return page(200, await this.form(opened, token));
  }

  async pay(req: HttpRequest): Promise<HttpAnswer> {
    const token = req.query.get('SDESSID') ?? '';
    const opened = await this.links.openLink(token);
    if (!opened) return page(404, noticePage(undefined, 'unknown', acceptLang(req)));
    let form: URLSearchParams;
    try {
      form = new URLSearchParams((await req.body(MAX_FORM_BYTES)).toString('utf8'));
    } catch (e) {
      if (e instanceof HttpError) return page(e.status, await this.form(opened, token, { code: 'FORM_001' }));
      throw e;
    }
    const expiry = (form.get('expiry') ?? '').slice(0, 10);
    if (!checkCsrfToken(await this.formKey(), opened.link.id, form.get('form_token'), this.nowS())) {
      if (opened.state !== 'open') return this.stateNotice(opened);
      return page(400, await this.form(opened, token, { code: 'FORM_001' }, expiry));
    }
    const result = await this.links.payLink(opened, { number: (form.get('number') ?? '').slice(0, 40), expiry });
    if (result.ok) return page(200, receiptPage({ ...opened, link: result.link, state: 'paid' }, result.transaction, result.debits));
    if (result.code === 'LINK_003') return page(200, noticePage(opened, 'paid'));
    if (result.code === 'LINK_002') return page(410, noticePage(opened, 'expired'));
    return page(
      STATUS_OF[result.code] ?? 400,
      await this.form(opened, token, { code: result.code, ...(result.field ? { field: result.field } : {}) }, expiry),
    );
  }

  private stateNotice(opened: OpenedLink): HttpAnswer {
    return opened.state === 'paid' ? page(200, noticePage(opened, 'paid')) : page(410, noticePage(opened, 'expired'));
  }

  private async form(
    opened: OpenedLink,
    token: string,
    error?: { code: string; field?: 'number' | 'expiry' },
    expiry?: string,
  ): Promise<string> {
    return formPage(opened, {
      token,
      formToken: issueCsrfToken(await this.formKey(), opened.link.id, this.nowS()),
      debits: await this.links.plannedDebits(opened),
      ...(error ? { error } : {}),
      ...(expiry !== undefined ? { expiry } : {}),
    });
  }
}

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
