import type { ChalkInstance } from 'chalk';
import type { MerchantView, MerchantWithSecret, TransactionDetail, TransactionView, TxDisplayStatus } from '../domain/types.js';
import { formatMoney } from '../money/amount.js';

/** Human renderings of the engine's results. Pure: data and a chalk instance in, text out. */

export function statusColor(c: ChalkInstance, status: TxDisplayStatus): string {
  switch (status) {
    case 'PAID':
    case 'AUTHORISED':
      return c.green(status);
    case 'PARTIALLY_REFUNDED':
    case 'PENDING':
      return c.yellow(status);
    case 'REFUNDED':
    case 'EXPIRED':
      return c.dim(status);
    default:
      return c.red(status);
  }
}

export function renderTransaction(c: ChalkInstance, t: TransactionView | TransactionDetail): string {
  const lines = [
    `${statusColor(c, t.status)}  ${c.bold(formatMoney(t.amount, t.currency))}  ${t.kind}${t.card ? `  ${t.card.brand} ${t.card.first6}******${t.card.last4}` : ''}`,
    kv(c, 'transaction', t.id),
    kv(c, 'merchant', t.merchant),
    kv(c, 'cid', t.cid),
    kv(c, 'created', t.createdAt),
  ];
  if (t.kind === 'initial') {
    lines.push(kv(c, 'shipped', formatMoney(t.shipped ?? 0, t.currency)));
    lines.push(kv(c, 'to ship', c.bold(formatMoney(t.remaining, t.currency))));
    if (t.expiresAt) lines.push(kv(c, 'expires', t.expiresAt));
  } else {
    lines.push(kv(c, 'refunded', formatMoney(t.refunded, t.currency)));
    lines.push(kv(c, 'remaining', c.bold(formatMoney(t.remaining, t.currency))));
  }
  if (t.parent) lines.push(kv(c, 'initial', t.parent));
  if (t.withinGuarantee !== undefined)
    lines.push(kv(c, 'guarantee', t.withinGuarantee ? 'within the 30-day payment guarantee' : 'outside the 30-day payment guarantee'));
  if (t.reason) lines.push(kv(c, 'reason', t.reason));
  if ('refunds' in t) {
    if (t.callback) lines.push(kv(c, 'callback', t.callback.status !== null ? `HTTP ${t.callback.status}` : (t.callback.error ?? '')));
    for (const r of t.refunds) lines.push(kv(c, 'refund', `${formatMoney(r.amount, r.currency)} at ${r.createdAt} (${r.id})`));
    for (const s of t.shipments) lines.push(kv(c, 'shipment', `${formatMoney(s.amount, s.currency)} at ${s.createdAt} (${s.id})`));
  }
  return lines.join('\n');
}

export function renderMerchant(c: ChalkInstance, m: MerchantView | MerchantWithSecret): string {
  const lines = [
    c.bold(m.name),
    kv(c, 'uuid', m.uuid),
    kv(c, 'ip', m.ip),
    kv(c, 'return url', m.returnUrl),
    kv(c, 'currency', m.currency),
    kv(c, 'created', m.createdAt),
  ];
  if (m.disabledAt) lines.push(kv(c, 'status', c.red(`disabled since ${m.disabledAt}`) + c.dim('  (esipay merchant enable)')));
  if (m.notificationUrl) lines.splice(4, 0, kv(c, 'ipn url', m.notificationUrl));
  if (m.shopId) lines.splice(2, 0, kv(c, 'shop id', m.shopId));
  if ('secret' in m) lines.push(kv(c, 'secret', m.secret) + c.dim('  (signs callbacks; shown once, keep it safe)'));
  return lines.join('\n');
}

export interface Column<T> {
  title: string;
  value: (row: T) => string;
  align?: 'left' | 'right';
  color?: (text: string, row: T) => string;
}

/** A plain aligned table, truncated to `width` columns rather than wrapped. */
export function renderTable<T>(columns: Column<T>[], rows: T[], width = 200): string {
  const widths = columns.map((col) => Math.max(col.title.length, ...rows.map((r) => col.value(r).length)));
  const line = (cells: string[], colored: string[]) =>
    truncateVisible(
      cells
        .map((cell, i) => {
          const pad = ' '.repeat(Math.max(0, widths[i]! - cell.length));
          return columns[i]!.align === 'right' ? pad + colored[i] : colored[i] + pad;
        })
        .join('  '),
      cells
        .map((cell, i) =>
          columns[i]!.align === 'right' ? ' '.repeat(Math.max(0, widths[i]! - cell.length)) + cell : cell.padEnd(widths[i]!),
        )
        .join('  '),
      width,
    );
  const head = columns.map((c) => c.title);
  const out = [line(head, head)];
  for (const r of rows) {
    const cells = columns.map((c) => c.value(r));
    out.push(
      line(
        cells,
        columns.map((c, i) => (c.color ? c.color(cells[i]!, r) : cells[i]!)),
      ),
    );
  }
  return out.join('\n');
}

function truncateVisible(colored: string, plain: string, width: number): string {
  return plain.length <= width ? colored : plain.slice(0, Math.max(0, width - 1)) + '…';
}

function kv(c: ChalkInstance, key: string, value: string): string {
  return `  ${c.dim(key.padEnd(12))}${value}`;
}

/** The columns of `tx list`; EXPIRES only when `rows` hold an initial authorisation. */
export function transactionColumns(c: ChalkInstance, rows: readonly TransactionView[] = []): Column<TransactionView>[] {
  const columns: Column<TransactionView>[] = [
    { title: 'DATE', value: (t) => t.createdAt.slice(0, 19).replace('T', ' ') },
    { title: 'ID', value: (t) => t.id },
    { title: 'CID', value: (t) => (t.kind === 'shipment' ? '└ ' : '') + t.cid },
    { title: 'KIND', value: (t) => t.kind },
    { title: 'STATUS', value: (t) => t.status, color: (s, t) => statusColor(c, t.status).replace(t.status, s) },
    { title: 'AMOUNT', value: (t) => formatMoney(t.amount, t.currency), align: 'right' },
    {
      title: 'REFUNDED',
      value: (t) => (t.kind === 'initial' ? `shipped ${formatMoney(t.shipped ?? 0, t.currency)}` : formatMoney(t.refunded, t.currency)),
      align: 'right',
    },
    { title: 'REMAINING', value: (t) => formatMoney(t.remaining, t.currency), align: 'right', color: (s) => c.bold(s) },
  ];
  if (rows.some((t) => t.kind === 'initial')) {
    // An initial authorisation's end of validity; a shipment outside the 30-day guarantee.
    columns.push({
      title: 'EXPIRES',
      value: (t) => (t.expiresAt ? t.expiresAt.slice(0, 10) : t.withinGuarantee === false ? 'no guarantee' : ''),
    });
  }
  return columns;
}

/**
 * Rows in display order: each shipment right under its initial transaction when both are in the
 * list (oldest shipment first), everything else in the order given.
 */
export function nestShipments(rows: TransactionView[]): TransactionView[] {
  const present = new Set(rows.map((t) => t.id));
  const children = new Map<string, TransactionView[]>();
  for (const t of rows) {
    if (t.kind === 'shipment' && t.parent && present.has(t.parent)) {
      children.set(t.parent, [...(children.get(t.parent) ?? []), t]);
    }
  }
  const out: TransactionView[] = [];
  for (const t of rows) {
    if (t.kind === 'shipment' && t.parent && present.has(t.parent)) continue;
    out.push(t);
    const kids = children.get(t.id);
    if (kids) out.push(...[...kids].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)));
  }
  return out;
}
