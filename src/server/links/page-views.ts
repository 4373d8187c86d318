import type { TransactionRecord } from '../../domain/types.js';
import { displayAmount, displayDate, type PageLang, pageLang } from '../../notify/display.js';
import type { OpenedLink, PlannedDebit } from '../../engine/links-types.js';
import { esc, layout } from './page-html.js';
import { pageText } from './page-text.js';

/** The pay page's screens: the form, the receipt, and the paid / expired / unknown notices. */

export interface FormState {
  token: string;
  formToken: string;
  /** The expiry typed, kept on an error re-render. The card number never is. */
  expiry?: string;
  error?: { code: string; field?: 'number' | 'expiry' };
  debits: PlannedDebit[];
}

const langOf = (o: OpenedLink): PageLang => pageLang(o.request.payment_lang);

function summary(o: OpenedLink, lang: PageLang): string {
  const t = pageText(lang);
  const label = typeof o.request.reference_label === 'string' ? `<p class="meta label">${esc(o.request.reference_label)}</p>` : '';
  return `<section class="panel" aria-label="${esc(t.title)}">
<p class="merchant">${esc(t.payTo)} <strong>${esc(o.merchant.name)}</strong></p>
<p class="amount" data-testid="amount">${esc(displayAmount(o.link.amount, o.link.currency, lang))}</p>
<p class="meta">${esc(t.reference)} <span data-testid="reference">${esc(o.link.paymentReference)}</span></p>
${label}</section>`;
}

function scheduleSection(o: OpenedLink, debits: PlannedDebit[], lang: PageLang): string {
  const t = pageText(lang);
  const money = (n: number) => displayAmount(n, o.link.currency, lang);
  if (o.link.mode === 'pay_now') return '';
  if (o.link.mode === 'pay_later') {
    const d = debits[0]!;
    return `<section class="panel" data-testid="schedule"><h2>${esc(t.scheduleTitle)}</h2><p class="note">${esc(t.payLaterNote(money(d.amount), displayDate(d.dueAt, lang)))}</p></section>`;
  }
  const rows = debits
    .map(
      (d) =>
        `<tr><td>${d.atPayment ? esc(t.today) : esc(displayDate(d.dueAt, lang))}</td><td class="num">${esc(money(d.amount))}</td></tr>`,
    )
    .join('');
  return `<section class="panel" data-testid="schedule"><h2>${esc(t.scheduleTitle)}</h2><p class="note">${esc(t.multiPayNote(debits.length))}</p><table>${rows}</table></section>`;
}

export function formPage(o: OpenedLink, s: FormState): string {
  const lang = langOf(o);
  const t = pageText(lang);
  const first = s.debits.find((d) => d.atPayment);
  const buttonText = first ? `${t.pay} ${displayAmount(first.amount, o.link.currency, lang)}` : t.verify;
  const message = s.error ? (t.errors[s.error.code] ?? t.genericError) : undefined;
  const fieldError = (f: 'number' | 'expiry') => (s.error?.field === f && message ? message : undefined);
  const alert = message && !s.error?.field ? `<p class="alert" role="alert" data-testid="error">${esc(message)}</p>` : '';
  const field = (name: 'number' | 'expiry', label: string, attrs: string) => {
    const err = fieldError(name);
    return `<div class="field${err ? ' invalid' : ''}">
<label for="${name}">${esc(label)}</label>
<input id="${name}" name="${name}" ${attrs}${err ? ` aria-invalid="true" aria-describedby="${name}-error"` : ''}>
${err ? `<p class="error" id="${name}-error" role="alert" data-testid="error">${esc(err)}</p>` : ''}
</div>`;
  };
  const body = `${summary(o, lang)}
${scheduleSection(o, s.debits, lang)}
<section class="panel">
<form method="post" action="/paypage?SDESSID=${esc(s.token)}" autocomplete="on">
<input type="hidden" name="form_token" value="${esc(s.formToken)}">
${alert}
${field('number', t.cardNumber, 'type="text" inputmode="numeric" autocomplete="cc-number" maxlength="23" placeholder="1234 5678 9012 3456" required value=""')}
${field('expiry', t.expiry, `type="text" inputmode="numeric" autocomplete="cc-exp" maxlength="7" placeholder="${esc(t.expiryPlaceholder)}" required value="${esc(s.expiry ?? '')}"`)}
<button type="submit">${esc(buttonText)}</button>
</form>
</section>
<footer>${esc(t.secure)} ${esc(t.validUntil(displayDate(o.link.expiresAt, lang)))}</footer>`;
  return layout(lang, `${t.title} · ${o.merchant.name}`, body);
}

export function receiptPage(o: OpenedLink, tx: TransactionRecord, debits: PlannedDebit[]): string {
  const lang = langOf(o);
  const t = pageText(lang);
  const money = (n: number) => displayAmount(n, o.link.currency, lang);
  const verifiedOnly = o.link.mode === 'pay_later';
  const later = debits.filter((d) => !d.atPayment);
  const card = tx.cardLast4 ? `•••• ${tx.cardLast4}` : '';
  const laterSection =
    later.length === 0
      ? ''
      : verifiedOnly
        ? `<p class="note" data-testid="later">${esc(t.willBeDebited(money(later[0]!.amount), displayDate(later[0]!.dueAt, lang)))}</p>`
        : `<h2>${esc(t.nextDebits)}</h2><table data-testid="later">${later
            .map((d) => `<tr><td>${esc(displayDate(d.dueAt, lang))}</td><td class="num">${esc(money(d.amount))}</td></tr>`)
            .join('')}</table>`;
  const body = `${summary(o, lang)}
<section class="panel" data-testid="receipt">
<p class="status ok" role="status">✓ ${esc(verifiedOnly ? t.verifiedTitle : t.acceptedTitle)}</p>
<dl>
${verifiedOnly ? '' : `<dt>${esc(t.paidNow)}</dt><dd data-testid="paid-now">${esc(money(tx.amount))}</dd>`}
<dt>${esc(t.card)}</dt><dd>${esc(card)}</dd>
<dt>${esc(t.transaction)}</dt><dd class="mono" data-testid="transaction">${esc(tx.id)}</dd>
<dt>${esc(t.date)}</dt><dd>${esc(displayDate(tx.updatedAt, lang))}</dd>
</dl>
${laterSection}
${backButton(o, lang)}
</section>`;
  return layout(lang, `${verifiedOnly ? t.verifiedTitle : t.acceptedTitle} · ${o.merchant.name}`, body);
}

export function noticePage(o: OpenedLink | undefined, kind: 'paid' | 'expired' | 'unknown', fallbackLang: PageLang = 'en'): string {
  const lang = o ? langOf(o) : fallbackLang;
  const t = pageText(lang);
  const [title, text] =
    kind === 'paid' ? [t.paidTitle, t.paidText] : kind === 'expired' ? [t.expiredTitle, t.expiredText] : [t.unknownTitle, t.unknownText];
  const body = `${o ? summary(o, lang) : ''}
<section class="panel" data-testid="notice-${kind}">
<p class="status${kind === 'paid' ? ' ok' : ''}" role="status">${esc(title)}</p>
<p class="note">${esc(text)}</p>
${o ? backButton(o, lang) : ''}
</section>`;
  return layout(lang, title, body);
}

/** manual_redirect_url, when the merchant gave one: the way back to its site. */
function backButton(o: OpenedLink, lang: PageLang): string {
  if (!o.link.redirectUrl) return '';
  return `<a class="button secondary" data-testid="back" href="${esc(o.link.redirectUrl)}" rel="noreferrer noopener">${esc(pageText(lang).back(o.merchant.name))}</a>`;
}
