import { EsipayError, unavailable } from '../../domain/errors.js';
import { linkError } from '../../domain/link-codes.js';
import type { Engine, LinkView } from '../../engine/engine.js';
import type { ServiceEngine } from '../../engine/service-engine.js';

/** What the pay page answered: the payment's transaction, and where it was paid. */
export interface LinkPayment {
  transaction: string;
  /** How: the page's use case run in this process (local engine), or the page's form POSTed at its URL. */
  via: string;
}

/**
 * Pays a link as its consumer does, on the hosted page: the Engine has no use case for it (the
 * page is the service's, not a merchant's or an operator's). The local engine exposes the page's
 * own use case (ServiceEngine.links.payLink), so it is run in this process; on the remote engine,
 * the page is opened at the link and its form POSTed back, card and expiry typed in.
 */
export async function payLinkAsConsumer(
  engine: Engine,
  link: LinkView,
  card: { number: string; month: string; year: string },
): Promise<LinkPayment> {
  if (!link.link) throw new EsipayError('internal', 'no_link_url', `link ${link.id} came back without its URL`);
  const expiry = `${card.month}/${card.year.slice(-2)}`;
  const links = (engine as Partial<ServiceEngine>).links;
  if (links && typeof links.payLink === 'function') {
    const token = new URL(link.link).searchParams.get('SDESSID') ?? '';
    const opened = await links.openLink(token);
    if (!opened) throw linkError('LINK_001', `link ${link.id} cannot be opened by its own token`);
    const result = await links.payLink(opened, { number: card.number, expiry });
    if (!result.ok) throw linkError(result.code, `the pay page refused the payment: ${result.code} (${result.message})`);
    return { transaction: result.transaction.id, via: "the pay page's use case, run in this process by the local engine" };
  }
  return postPayForm(link.link, { number: card.number, expiry });
}

/** The page opened at the link, its form filled in and POSTed, as a browser does. */
async function postPayForm(url: string, typed: { number: string; expiry: string }): Promise<LinkPayment> {
  const form = await fetchPage(url, { method: 'GET' });
  if (form.status !== 200) throw pageRefusal(url, form);
  const formToken = /name="form_token" value="([^"]*)"/.exec(form.html)?.[1];
  const action = /<form method="post" action="([^"]*)"/.exec(form.html)?.[1];
  if (formToken === undefined || action === undefined)
    throw unavailable('bad_pay_page', `the page at ${url} has no payment form`, 'check that the link points at an esipay service');
  const target = new URL(unescapeHtml(action), url).toString();
  const body = new URLSearchParams({ form_token: unescapeHtml(formToken), number: typed.number, expiry: typed.expiry }).toString();
  const answer = await fetchPage(target, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  const transaction = /data-testid="transaction">([0-9a-f]+)</.exec(answer.html)?.[1];
  if (answer.status !== 200 || !/data-testid="receipt"/.test(answer.html) || !transaction) throw pageRefusal(url, answer);
  return { transaction, via: `the pay page's form, POSTed at ${new URL(target).origin}/paypage` };
}

async function fetchPage(url: string, init: RequestInit): Promise<{ status: number; html: string }> {
  try {
    const res = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(60_000) });
    return { status: res.status, html: await res.text() };
  } catch (e) {
    const why = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
    throw unavailable(
      'pay_page_unreachable',
      `cannot open the pay page of the link at ${new URL(url).origin}: ${why}`,
      "a link points at the service's public URL (--public-url, ESIPAY_PUBLIC_URL): it must be reachable from here",
    );
  }
}

/** The page's own error (its alert or field error) as the reason. */
function pageRefusal(url: string, page: { status: number; html: string }): EsipayError {
  const said = (/data-testid="error">([^<]*)</.exec(page.html) ?? /role="status">([^<]*)</.exec(page.html))?.[1]?.trim();
  return new EsipayError(
    page.status === 402 ? 'refused' : page.status >= 500 ? 'unavailable' : 'conflict',
    'link_not_paid',
    `the pay page at ${new URL(url).origin} answered HTTP ${page.status}${said ? `: ${unescapeHtml(said)}` : ''}`,
  );
}

function unescapeHtml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] ?? '');
}
