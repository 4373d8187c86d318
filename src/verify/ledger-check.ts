import type { LinkRecord, MerchantRecord, ScheduledDebitRecord, TransactionRecord, TxStatus } from '../domain/types.js';
import type { Keyset, MerchantTotals, Store } from '../store/store.js';
import type { LedgerRule, LedgerViolation } from './rules.js';
import { deadEventsWarning, type LedgerWarning } from './dead-events.js';
import { TotalsRecount, totalsDifferences } from './totals-recount.js';

/**
 * The ledger check behind `esipay verify`: reads every merchant, transaction, refund, shipment,
 * link and outbox message through the Store interface (so it works on SQLite and PostgreSQL
 * alike) and reports every broken invariant (see rules.ts). It never writes.
 *
 * It is meant for a stopped or quiet service. On a live one, a refund can land between reading a
 * transaction and reading its refunds; a transaction whose sums disagree is therefore read again
 * (`recheck` times) and reported only if it still disagrees.
 */
export interface LedgerCheckOptions {
  /** The time PENDING deadlines are judged against. */
  now?: Date;
  /** Rows per page when walking merchants, transactions and links. */
  pageSize?: number;
  /** Re-reads of a transaction whose sums disagree before reporting it (a live service may be mid-write). */
  recheck?: number;
}

export interface LedgerReport {
  ok: boolean;
  store: string;
  checkedAt: string;
  counts: {
    merchants: number;
    transactions: number;
    byStatus: Partial<Record<TxStatus, number>>;
    refunds: number;
    shipments: number;
    links: number;
    outbox: { total: number; delivered: number; undelivered: number };
  };
  /** Per currency, in minor units: PAID card/shipment/link amounts, and what was refunded of them. */
  totals: Record<string, { paid: number; refunded: number }>;
  violations: LedgerViolation[];
  /** What needs a person without breaking the ledger (dead events): ok stays true. */
  warnings: LedgerWarning[];
}

const RACY_RULES = new Set<LedgerRule>(['refunded_mismatch', 'shipped_mismatch', 'movements_exceed_amount', 'movement_on_unpaid']);
const MONEY_KINDS = new Set(['card', 'shipment', 'link']);
/** listOutbox has no paging: one merchant's messages are read up to this many. */
const OUTBOX_READ_LIMIT = 1_000_000;

export async function checkLedger(store: Store, opts: LedgerCheckOptions = {}): Promise<LedgerReport> {
  const now = (opts.now ?? new Date()).toISOString();
  const pageSize = opts.pageSize ?? 500;
  const recheck = opts.recheck ?? 2;
  const report: LedgerReport = {
    ok: true,
    store: `${store.kind} ${store.location}`,
    checkedAt: now,
    counts: {
      merchants: 0,
      transactions: 0,
      byStatus: {},
      refunds: 0,
      shipments: 0,
      links: 0,
      outbox: { total: 0, delivered: 0, undelivered: 0 },
    },
    totals: {},
    violations: [],
    warnings: [],
  };

  // A database from before running totals (migration 10 not applied: verify never migrates) has none to check.
  const hasTotals = (await store.migrationStatus()).applied.some((m) => m.version === 10);
  for await (const merchant of allMerchants(store, pageSize)) {
    report.counts.merchants++;
    const totalsBefore = hasTotals ? await store.merchantTotals(merchant.id, now) : undefined;
    const recount = new TotalsRecount(now);
    for await (const tx of allTransactions(store, merchant.id, pageSize)) {
      let found = await checkTransaction(store, tx, now);
      for (let i = 0; i < recheck && found.violations.some((v) => RACY_RULES.has(v.rule)); i++) {
        const fresh = await store.getTransaction(tx.id);
        if (!fresh) break;
        found = await checkTransaction(store, fresh, now);
      }
      const t = found.tx;
      recount.add(t);
      report.violations.push(...found.violations);
      report.counts.transactions++;
      report.counts.byStatus[t.status] = (report.counts.byStatus[t.status] ?? 0) + 1;
      report.counts.refunds += found.refundCount;
      if (t.kind === 'shipment') report.counts.shipments++;
      if (t.status === 'PAID' && MONEY_KINDS.has(t.kind)) {
        const sums = (report.totals[t.currency] ??= { paid: 0, refunded: 0 });
        sums.paid += t.amount;
        sums.refunded += t.refunded;
      }
    }
    if (totalsBefore) report.violations.push(...(await checkTotals(store, merchant.id, now, totalsBefore, recount)));
    for await (const link of allLinks(store, merchant.id, pageSize)) {
      report.counts.links++;
      report.violations.push(...(await checkLink(store, link)));
    }
    for (const m of await store.listOutbox({ merchantId: merchant.id, limit: OUTBOX_READ_LIMIT })) {
      report.counts.outbox.total++;
      if (m.deliveredAt) report.counts.outbox.delivered++;
      else report.counts.outbox.undelivered++;
    }
  }
  const dead = await deadEventsWarning(store);
  if (dead) report.warnings.push(dead);
  report.ok = report.violations.length === 0;
  return report;
}

interface TransactionFindings {
  tx: TransactionRecord;
  violations: LedgerViolation[];
  refundCount: number;
}

async function checkTransaction(store: Store, t: TransactionRecord, now: string): Promise<TransactionFindings> {
  const out: LedgerViolation[] = [];
  const flag = (rule: LedgerRule, message: string, subject = t.id) => out.push({ rule, merchant: t.merchantId, subject, message });

  const refunds = await store.listRefunds(t.id);
  let refundSum = 0;
  for (const r of refunds) {
    if (r.merchantId !== t.merchantId || r.currency !== t.currency) {
      flag(
        'orphan_movement',
        `refund ${r.id} of ${t.id} belongs to ${r.merchantId} in ${r.currency}, its payment to ${t.merchantId} in ${t.currency}`,
        r.id,
      );
    }
    refundSum += r.amount;
  }
  if (refundSum !== t.refunded)
    flag('refunded_mismatch', `${t.kind} ${t.id}: refunded ${t.refunded} but its ${refunds.length} refunds sum to ${refundSum}`);

  const shipments = t.kind === 'initial' ? await store.listShipments(t.id) : [];
  // A PENDING shipment (its debit under way) already counts in shipped; past its deadline it is
  // reported by pending_past_deadline, which is what its sweep would resolve.
  const shippedSum = shipments.filter((s) => s.status === 'PAID' || s.status === 'PENDING').reduce((sum, s) => sum + s.amount, 0);
  if (shippedSum !== t.shipped) {
    flag('shipped_mismatch', `${t.kind} ${t.id}: shipped ${t.shipped} but its PAID and PENDING shipments sum to ${shippedSum}`);
  }

  const moved = Math.max(t.refunded, refundSum) + Math.max(t.shipped, shippedSum);
  if (moved > t.amount) {
    flag(
      'movements_exceed_amount',
      `${t.kind} ${t.id}: refunds ${Math.max(t.refunded, refundSum)} + shipments ${Math.max(t.shipped, shippedSum)} exceed the amount ${t.amount}`,
    );
  }

  if (t.status !== 'PAID' && (t.refunded > 0 || refunds.length > 0)) {
    flag('movement_on_unpaid', `${t.kind} ${t.id} is ${t.status} but has ${refunds.length} refund(s), refunded ${t.refunded}`);
  }
  if (t.kind === 'initial' && t.status !== 'AUTHORISED' && (t.shipped > 0 || shipments.length > 0)) {
    flag('movement_on_unpaid', `initial ${t.id} is ${t.status} but has ${shipments.length} shipment(s), shipped ${t.shipped}`);
  }

  if (t.kind === 'card' && t.status === 'PAID' && t.callbackStatus !== 200) {
    flag('callback_not_acknowledged', `card ${t.id} (cid ${t.cid}) is PAID but its return URL answered ${t.callbackStatus ?? 'nothing'}`);
  }

  if (t.status === 'PENDING' && (t.deadlineAt === null || t.deadlineAt <= now)) flag('pending_past_deadline', pendingProblem(t));

  if (t.kind === 'shipment') {
    const parent = t.parentId ? await store.getTransaction(t.parentId) : undefined;
    if (!parent || parent.merchantId !== t.merchantId || parent.kind !== 'initial' || parent.currency !== t.currency) {
      const what = !parent
        ? `its parent ${t.parentId ?? '(none)'} does not exist`
        : `its parent ${parent.id} is a ${parent.kind} of ${parent.merchantId} in ${parent.currency}`;
      flag('orphan_movement', `shipment ${t.id}: ${what}`);
    }
  }
  return { tx: t, violations: out, refundCount: refunds.length };
}

/**
 * The running totals against the recount. Read before and after the walk: when they moved, the
 * merchant was written meanwhile (a live service) and the recount mixes two states, so nothing is
 * judged; on a quiet database they are the same and must equal the recount.
 */
async function checkTotals(
  store: Store,
  merchant: string,
  now: string,
  before: MerchantTotals,
  recount: TotalsRecount,
): Promise<LedgerViolation[]> {
  const after = await store.merchantTotals(merchant, now);
  if (totalsDifferences(after, before).length > 0) return [];
  const diff = totalsDifferences(after, recount.result());
  if (diff.length === 0) return [];
  return [
    {
      rule: 'totals_mismatch',
      merchant,
      subject: merchant,
      message: `merchant ${merchant}: running totals say ${diff.join(', ')}: a write went around the triggers of migration 10 (see docs/reliability.md, totals_mismatch)`,
    },
  ];
}

/** Which PENDING record is past its deadline, what it was waiting for and what it still holds, in one line. */
function pendingProblem(t: TransactionRecord): string {
  const what = `${t.kind} ${t.id} (cid ${t.cid}${t.parentId ? `, initial ${t.parentId}` : ''}) is still PENDING`;
  if (t.deadlineAt === null) return `${what} and has no deadline: no sweep will ever resolve it (written by an older esipay)`;
  const waiting = PENDING_BECAUSE[t.kind] ?? 'the service stopped while it waited';
  return `${what} past its deadline ${t.deadlineAt}: ${waiting}, and no sweep has cancelled it and released its hold since (esipay serve sweeps at start-up and every 15 s)`;
}

const PENDING_BECAUSE: Record<string, string> = {
  card: 'the service stopped while it waited for the acquirer or the return URL',
  shipment: 'the service stopped while the acquirer debited it, so its amount still counts in what its initial shipped',
  initial: 'the service stopped while the acquirer verified the card, which may still hold the amount',
  link: 'the service stopped during the link payment or scheduled debit',
};

async function checkLink(store: Store, link: LinkRecord): Promise<LedgerViolation[]> {
  const out: LedgerViolation[] = [];
  const paidBy = async (txId: string | null, accepted: readonly string[] = ['PAID']): Promise<string | undefined> => {
    const tx = txId ? await store.getTransaction(txId) : undefined;
    if (!tx) return `its transaction ${txId ?? '(none)'} does not exist`;
    if (tx.merchantId !== link.merchantId) return `its transaction ${tx.id} belongs to ${tx.merchantId}`;
    if (!accepted.includes(tx.status)) return `its transaction ${tx.id} is ${tx.status}`;
    return undefined;
  };
  const debits = await store.listScheduledDebits(link.id);
  if (link.status === 'paid') {
    // pay_later only verifies the card when the consumer pays: its transaction is AUTHORISED, the debit comes later.
    const problem = await paidBy(link.transactionId, link.mode === 'pay_later' ? ['PAID', 'AUTHORISED'] : ['PAID']);
    if (problem)
      out.push({
        rule: 'link_payment_missing',
        merchant: link.merchantId,
        subject: link.id,
        message: `link ${link.id} is paid but ${problem}`,
      });
    const schedule = await scheduleProblem(store, link, debits);
    if (schedule)
      out.push({
        rule: 'link_schedule_missing',
        merchant: link.merchantId,
        subject: link.id,
        message: `${link.mode} link ${link.id} is paid but ${schedule}`,
      });
  }
  for (const d of debits) {
    if (d.status !== 'paid') continue;
    const problem = await paidBy(d.transactionId);
    if (problem) {
      out.push({
        rule: 'link_payment_missing',
        merchant: link.merchantId,
        subject: d.id,
        message: `debit ${d.seq} of link ${link.id} is paid but ${problem}`,
      });
    }
  }
  return out;
}

/**
 * What is wrong with a paid link's schedule, if anything. multi_pay debits its first instalment at
 * payment (the link's transaction) and schedules the others; pay_later schedules one debit of the
 * whole amount (its transaction only verified the card); pay_now has no schedule. Every row
 * counts, whatever its status: a failed debit was scheduled, it is not missing.
 */
async function scheduleProblem(store: Store, link: LinkRecord, debits: ScheduledDebitRecord[]): Promise<string | undefined> {
  if (link.mode === 'pay_now') return undefined;
  if (debits.length === 0)
    return `it has no scheduled debit: its ${link.mode === 'multi_pay' ? 'later instalments' : 'deferred debit'} would never be taken`;
  const scheduled = debits.reduce((sum, d) => sum + d.amount, 0);
  let atPayment = 0;
  if (link.mode === 'multi_pay') {
    const tx = link.transactionId ? await store.getTransaction(link.transactionId) : undefined;
    // Without its transaction link_payment_missing says what is wrong; the sum cannot be judged.
    if (!tx) return undefined;
    atPayment = tx.amount;
  }
  if (atPayment + scheduled === link.amount) return undefined;
  const parts =
    link.mode === 'multi_pay'
      ? `${atPayment} at payment + ${scheduled} in ${debits.length} scheduled debit(s)`
      : `${scheduled} in ${debits.length} scheduled debit(s)`;
  return `its schedule covers ${parts}, not its amount ${link.amount}`;
}

async function* allMerchants(store: Store, pageSize: number): AsyncGenerator<MerchantRecord> {
  let after: Keyset | undefined;
  for (;;) {
    const page = await store.listMerchants({ limit: pageSize, ...(after ? { after } : {}) });
    yield* page;
    const last = page.at(-1);
    if (page.length < pageSize || !last) return;
    after = { createdAt: last.createdAt, id: last.id };
  }
}

async function* allTransactions(store: Store, merchantId: string, pageSize: number): AsyncGenerator<TransactionRecord> {
  let before: Keyset | undefined;
  for (;;) {
    const page = await store.listTransactions({ merchantId, limit: pageSize, ...(before ? { before } : {}) });
    yield* page;
    const last = page.at(-1);
    if (page.length < pageSize || !last) return;
    before = { createdAt: last.createdAt, id: last.id };
  }
}

async function* allLinks(store: Store, merchantId: string, pageSize: number): AsyncGenerator<LinkRecord> {
  let before: Keyset | undefined;
  for (;;) {
    const page = await store.listLinks({ merchantId, limit: pageSize, ...(before ? { before } : {}) });
    yield* page;
    const last = page.at(-1);
    if (page.length < pageSize || !last) return;
    before = { createdAt: last.createdAt, id: last.id };
  }
}

/** One line per violation, for people and logs. */
export function formatViolation(v: LedgerViolation): string {
  return `${v.rule}: ${v.message}`;
}
