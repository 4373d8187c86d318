import { ACQUIRER_OUTCOME_UNKNOWN } from '../../acquirer/acquirer.js';
import type { ParsedCard } from '../../card/card.js';
import { conflict, EsipayError, invalid, notFound } from '../../domain/errors.js';
import type { MerchantRecord, OutboxRecord, TransactionRecord, TransactionView, TxKind } from '../../domain/types.js';
import { formatMoney, parseDecimal } from '../../money/amount.js';
import { addMs, DAY_MS } from '../../util/clock.js';
import type { CreateInitialInput, CreateShipmentInput } from '../engine.js';
import type { V4InitialInput, V4ShipmentInput } from '../service-engine.js';
import { acquirerDeadline, type EngineContext, fingerprint, printableId, requireMerchant } from './context.js';
import { checkAmount, checkCurrency, checkEmail, checkOrder } from './v4-checks.js';
import { remainingOf } from '../../domain/decisions.js';
import { toTransactionView } from './views.js';
import { newTransactionRecord, sameCard } from './records.js';
import { releaseApproval } from './approvals.js';
import { checkIdempotencyKey } from '../idempotency-key.js';
import { checkMerchantEnabled } from './merchant-enabled.js';
import { settleWithNotification } from './settle.js';
import { pendingPayment } from './pending-payment.js';

/**
 * Payment at shipment (seed 001): an initial multi-authorisation checks the card for the order's
 * total without debiting it and stays valid 180 days; each shipment then debits what was shipped,
 * as long as the shipments together stay within the total.
 *
 * The error codes are the V4 API's own where the seed names one (INT_009, INT_010, PSP_519,
 * PSP_606, PSP_229, PSP_236, PSP_227, PSP_228), so the CLI, the remote engine and the V4 API say
 * the same thing about the same mistake.
 */
export const INITIAL_VALIDITY_DAYS = 180;

/**
 * What the caller of createInitial may add that does not cross the Engine interface (the remote
 * engine and the operator API never send it): a message to queue with the payment's outcome.
 */
export interface CreateInitialOptions {
  /**
   * Builds the message announcing the outcome (the V4 IPN) from the record about to be written,
   * with its final status. The store queues it in the same database transaction as the payment,
   * so a crash leaves both or neither; a replay (the idempotency key already used) queues nothing.
   */
  notification?: (tx: TransactionRecord, merchant: MerchantRecord) => OutboxRecord;
}

/** What the core of an initial authorisation takes: the order as the V4 wire sends it (minor units). */
export type InitialRequest = Omit<V4InitialInput, 'notification'>;

/** The initial transaction as it stands, and whether this request wrote it (false: a replay). */
export interface InitialOutcome {
  transaction: TransactionRecord;
  written: boolean;
}

/** The Engine's createInitial: the decimal amount parsed in the order's currency, the outcome as a view. */
export async function createInitial(ctx: EngineContext, input: CreateInitialInput): Promise<TransactionView> {
  const merchant = await requireMerchant(ctx, input.merchant);
  const currency = checkCurrency(input.currency ?? merchant.currency, merchant);
  const { transaction } = await authoriseInitial(ctx, merchant, { ...input, currency, amount: parseAmount(input.amount, currency) });
  return outcomeOfInitial(ctx, transaction);
}

/**
 * The initial multi-authorisation for an authenticated merchant (the V4 API, the hosted form and
 * createInitial): AUTHORISED, DECLINED or FAILED, never thrown for the card's answer, so the V4
 * API can answer the transaction it wrote without reading it back.
 */
export async function authoriseInitial(
  ctx: EngineContext,
  merchant: MerchantRecord,
  input: InitialRequest,
  opts: CreateInitialOptions = {},
): Promise<InitialOutcome> {
  checkMerchantEnabled(merchant);
  const { pending, card } = pendingPayment(ctx, merchant, checkOrder(merchant, input), input, 'initial', initialIdemKey);
  const { idemKey } = pending;
  const requestHash = pending.requestHash!;
  const recordAndVerify = async (): Promise<InitialOutcome> => {
    const inserted = await ctx.store.insertTransaction(pending);
    if (!inserted.inserted) return replayPayment(inserted.existing, requestHash);
    return verifyPending(ctx, merchant, pending, card, opts);
  };
  if (idemKey === null) return recordAndVerify();
  // A retry under the same key while this process still verifies it gets what that becomes.
  const flights = (inFlight.get(ctx) ?? inFlight.set(ctx, new Map()).get(ctx))!;
  const flightKey = `${merchant.id}\n${idemKey}`;
  const running = flights.get(flightKey);
  if (running) {
    await running.catch(() => undefined);
    const existing = await ctx.store.findTransactionByIdemKey(merchant.id, idemKey);
    if (existing) return replayPayment(existing, requestHash);
  }
  const flight = recordAndVerify();
  flights.set(flightKey, flight);
  try {
    return await flight;
  } finally {
    if (flights.get(flightKey) === flight) flights.delete(flightKey);
  }
}

/**
 * The initials this engine is verifying, by merchant and idempotency key: a concurrent retry in
 * the same process waits for its outcome rather than answering "in progress". (One on another
 * instance finds the PENDING row and answers payment_in_progress.)
 */
const inFlight = new WeakMap<EngineContext, Map<string, Promise<InitialOutcome>>>();

/** Asks the acquirer to verify the card of an initial recorded PENDING, then settles it with its IPN. */
async function verifyPending(
  ctx: EngineContext,
  merchant: MerchantRecord,
  pending: TransactionRecord,
  card: ParsedCard,
  opts: CreateInitialOptions,
): Promise<InitialOutcome> {
  const { id, amount, currency } = pending;
  const now = new Date(pending.createdAt);

  // VERIFICATION checks the card for the total and debits nothing.
  let outcome: { status: 'AUTHORISED'; authCode: string; cardToken: string } | { status: 'DECLINED' | 'FAILED'; reason: string };
  try {
    const auth = await ctx.acquirer.authorise({ card, amount, currency, operation: 'VERIFICATION', reference: id });
    outcome = auth.approved
      ? { status: 'AUTHORISED', authCode: auth.authCode, cardToken: auth.cardToken }
      : { status: 'DECLINED', reason: auth.reason };
  } catch (e) {
    outcome = { status: 'FAILED', reason: e instanceof EsipayError ? e.code : 'acquirer_error' };
  }

  const patch = {
    status: outcome.status,
    cardToken: outcome.status === 'AUTHORISED' ? outcome.cardToken : null,
    authCode: outcome.status === 'AUTHORISED' ? outcome.authCode : null,
    reason: outcome.status === 'AUTHORISED' ? null : outcome.reason,
    expiresAt: outcome.status === 'AUTHORISED' ? addMs(now, INITIAL_VALIDITY_DAYS * DAY_MS) : null,
    deadlineAt: null,
    updatedAt: ctx.clock().toISOString(),
  };
  return settleWithNotification(ctx, merchant, pending, patch, opts.notification, {
    approved: outcome.status === 'AUTHORISED',
    message: `the card verification ${id} took longer than its deadline and was cancelled: nothing is held on the card`,
  });
}

/** What the core of a shipment takes: the amount as the V4 wire sends it (minor units). */
export type ShipmentRequest = V4ShipmentInput;

/** A shipment that has an answer (PAID, or DECLINED by the card), with its initial transaction. */
export interface ShipmentOutcome {
  shipment: TransactionRecord;
  initial: TransactionRecord;
}

/** The Engine's createShipment: the decimal amount in the merchant's currency, a decline thrown. */
export async function createShipment(ctx: EngineContext, input: CreateShipmentInput): Promise<TransactionView> {
  const merchant = await requireMerchant(ctx, input.merchant);
  // An initial's currency is its merchant's (checkCurrency at authorisation), so is its shipments'.
  const { shipment, initial } = await ship(ctx, merchant, { ...input, amount: parseAmount(input.amount, merchant.currency) });
  if (shipment.status === 'DECLINED') throw declinedError(ctx, shipment, initial);
  return toTransactionView(shipment, ctx.clock(), initial);
}

/**
 * A shipment debit for an authenticated merchant (the V4 API and createShipment). A declined
 * card is an outcome, not an exception, so the V4 API answers the transaction it wrote; a
 * technical failure (PSP_227), an unknown outcome (PSP_228) and every refusal are thrown.
 */
export async function ship(ctx: EngineContext, merchant: MerchantRecord, input: ShipmentRequest): Promise<ShipmentOutcome> {
  checkMerchantEnabled(merchant);
  const amount = checkAmount(input.amount);
  const email = checkEmail(input.email);
  const idemKey = input.idempotencyKey == null ? null : `shipment:${checkIdempotencyKey(input.idempotencyKey)}`;
  const parent =
    typeof input.initial === 'string' && input.initial.length <= 64 ? await ctx.store.getTransaction(input.initial) : undefined;
  if (!parent || parent.merchantId !== merchant.id) {
    throw new EsipayError(
      'not_found',
      'PSP_229',
      `no initial transaction ${printableId(input.initial)}`,
      'give the uuid of the initial transaction (CreatePayment)',
    );
  }
  if (parent.kind !== 'initial') {
    throw conflict(
      'PSP_229',
      `transaction ${parent.id} is not an initial transaction (it is a ${parent.kind} transaction)`,
      'ship against the initial transaction',
    );
  }

  const now = ctx.clock();
  const at = now.toISOString();
  // PENDING until the acquirer has debited: it already counts in what was shipped, so concurrent
  // shipments cannot together exceed the total, and it shows as no money taken until PAID.
  const shipment = newTransactionRecord(
    {
      merchantId: merchant.id,
      kind: 'shipment',
      cid: parent.cid,
      idemKey,
      requestHash: fingerprint(parent.id, amount),
      status: 'PENDING',
      amount,
      currency: parent.currency,
      parentId: parent.id,
      ...sameCard(parent),
      email: email ?? parent.email,
      deadlineAt: acquirerDeadline(ctx, now),
    },
    now,
  );
  const result = await ctx.store.addShipment(shipment, at);
  if (!result.ok) throw shipmentRefused(ctx, result, parent, amount);
  if (result.replayed) return replayShipment(result.shipment, result.parent);

  const debit = await debitShipment(ctx, result.parent, shipment);
  // The acquirer may have debited: the shipment stays PENDING and keeps counting in what was
  // shipped, exactly as when the debit went through but could not be recorded (PSP_228).
  if (debit.approved === 'unknown') throw unknownOutcomeError(shipment);
  if (!debit.approved) {
    // A failure may hide a debit the acquirer took (its answer lost): released, it is void.
    if (debit.status === 'FAILED') await releaseApproval(ctx, shipment.id);
    const released = await ctx.store.releaseShipment(shipment.id, {
      status: debit.status,
      reason: debit.reason,
      updatedAt: ctx.clock().toISOString(),
    });
    const final = released ?? (await ctx.store.getTransaction(shipment.id)) ?? { ...shipment, status: debit.status, reason: debit.reason };
    if (final.status === 'CANCELLED') throw abandonedError(final);
    if (debit.status === 'DECLINED') return { shipment: final, initial: result.parent };
    throw technicalError(final);
  }
  let paid: TransactionRecord | undefined;
  try {
    paid = await ctx.store.transitionTransaction(shipment.id, ['PENDING'], {
      status: 'PAID',
      authCode: debit.authCode,
      deadlineAt: null,
      updatedAt: ctx.clock().toISOString(),
    });
  } catch {
    // The card was debited but the record could not say so: it stays PENDING and keeps counting
    // in what was shipped, so nothing can be shipped twice; a replay reports the same, and past
    // its deadline the sweep cancels it, releases the debit and gives its amount back.
    throw unknownOutcomeError(shipment);
  }
  if (!paid) {
    // Past its deadline a sweep cancelled it (this process stalled): the debit is void again.
    await releaseApproval(ctx, shipment.id);
    throw abandonedError((await ctx.store.getTransaction(shipment.id)) ?? shipment);
  }
  return { shipment: paid, initial: result.parent };
}

type DebitOutcome =
  { approved: true; authCode: string } | { approved: false; status: 'DECLINED' | 'FAILED'; reason: string } | { approved: 'unknown' };

async function debitShipment(ctx: EngineContext, parent: TransactionRecord, shipment: TransactionRecord): Promise<DebitOutcome> {
  if (!parent.cardToken) return { approved: false, status: 'FAILED', reason: 'no_card_token' };
  try {
    const auth = await ctx.acquirer.debit({
      cardToken: parent.cardToken,
      amount: shipment.amount,
      currency: shipment.currency,
      reference: shipment.id,
    });
    return auth.approved ? { approved: true, authCode: auth.authCode } : { approved: false, status: 'DECLINED', reason: auth.reason };
  } catch (e) {
    if (e instanceof EsipayError && e.code === ACQUIRER_OUTCOME_UNKNOWN) return { approved: 'unknown' };
    return { approved: false, status: 'FAILED', reason: e instanceof EsipayError ? e.code : 'acquirer_error' };
  }
}

/** The key under which an initial payment made with `idempotencyKey` is stored (the hosted form looks attempts up by it). */
export const initialIdemKey = (key: string): string => `initial:${key}`;

/** The decimal amount of an Engine input in minor units of `currency` (INT_009, as the V4 wire's). */
function parseAmount(value: unknown, currency: string): number {
  const parsed = parseDecimal(String(value ?? ''), currency);
  if (!parsed.ok) throw invalid('INT_009', parsed.message, `give a decimal amount in ${currency}, such as 74.12`);
  return parsed.minor;
}

function outcomeOfInitial(ctx: EngineContext, tx: TransactionRecord): TransactionView {
  if (tx.status === 'AUTHORISED') return toTransactionView(tx, ctx.clock());
  if (tx.status === 'DECLINED') throw declinedError(ctx, tx);
  if (tx.status === 'CANCELLED') {
    throw new EsipayError(
      'unavailable',
      'acquirer_error',
      `the card verification ${tx.id} was cancelled: the service stopped during it, and nothing is held on the card`,
      'try again with a new idempotency key',
      toTransactionView(tx, ctx.clock()),
    );
  }
  throw new EsipayError(
    'unavailable',
    'acquirer_error',
    'the acquirer could not verify the card (technical error)',
    'try again later',
    toTransactionView(tx, ctx.clock()),
  );
}

/** The same key again: the same request gets the same outcome, another request is refused. */
export function replayPayment(existing: TransactionRecord, requestHash: string, kind: TxKind = 'initial'): InitialOutcome {
  if (existing.kind !== kind || existing.requestHash !== requestHash) {
    throw conflict(
      'idempotency_key_reused',
      'this idempotency key was already used for another payment',
      'use a new key for a new payment',
    );
  }
  if (existing.status === 'PENDING') {
    // Its acquirer has not answered yet, or the service stopped: the sweep settles that by its deadline.
    throw conflict(
      'payment_in_progress',
      `the payment with this idempotency key is still in progress (until ${existing.deadlineAt ?? 'its deadline'} at the latest)`,
      'retry in a few seconds',
    );
  }
  return { transaction: existing, written: false };
}

function replayShipment(existing: TransactionRecord, parent: TransactionRecord): ShipmentOutcome {
  switch (existing.status) {
    case 'PAID':
    case 'DECLINED':
      return { shipment: existing, initial: parent };
    case 'PENDING':
      throw unknownOutcomeError(existing);
    case 'CANCELLED':
      throw abandonedError(existing);
    default:
      throw technicalError(existing);
  }
}

function shipmentRefused(
  ctx: EngineContext,
  result: Extract<Awaited<ReturnType<EngineContext['store']['addShipment']>>, { ok: false }>,
  parent: TransactionRecord,
  amount: number,
): EsipayError {
  const current = result.parent ?? parent;
  switch (result.reason) {
    case 'not_found':
      return notFound('PSP_229', `no initial transaction ${parent.id}`);
    case 'not_initial':
      return conflict('PSP_229', `transaction ${parent.id} is not an initial transaction`);
    case 'not_authorised':
      return conflict(
        'PSP_229',
        `the initial transaction ${parent.id} is ${current.status}: nothing can be shipped against it`,
        'create a new initial transaction',
      );
    case 'expired':
      return conflict(
        'PSP_229',
        `the initial transaction ${parent.id} expired on ${current.expiresAt ?? 'its 180th day'}: shipments are possible for ${INITIAL_VALIDITY_DAYS} days`,
        'create a new initial transaction for what remains to ship',
      );
    case 'exceeds_remaining': {
      const left = remainingOf(current, ctx.clock().toISOString());
      return conflict(
        'PSP_229',
        `cannot ship ${formatMoney(amount, current.currency)}: only ${formatMoney(left, current.currency)} remains to ship on ${parent.id}`,
        left > 0 ? 'ship at most what remains of the authorised total' : 'the whole authorised total was shipped',
      );
    }
    case 'duplicate_mismatch':
      return conflict(
        'PSP_236',
        'a shipment with this idempotency key was already created with other data: it cannot be duplicated',
        'use a new idempotency key for a new shipment; repeat a key only with the same initial transaction and amount',
      );
  }
}

function declinedError(ctx: EngineContext, tx: TransactionRecord, parent?: TransactionRecord): EsipayError {
  return new EsipayError(
    'refused',
    'card_declined',
    `the card was declined (${tx.reason ?? 'card_declined'})`,
    tx.kind === 'initial' ? 'ask the customer for another card' : 'the customer must update the card: create a new initial transaction',
    toTransactionView(tx, ctx.clock(), parent),
  );
}

function technicalError(tx: TransactionRecord): EsipayError {
  return new EsipayError(
    'unavailable',
    'PSP_227',
    `the shipment ${tx.id} failed at the acquirer (${tx.reason ?? 'technical error'}): nothing was debited`,
    'try again later with a new idempotency key',
  );
}

function unknownOutcomeError(tx: TransactionRecord): EsipayError {
  return new EsipayError(
    'unavailable',
    'PSP_228',
    `the shipment ${tx.id} was created but its result cannot be given yet`,
    `read it back later with Transaction/Get (or \`esipay tx show\`); it counts in what was shipped until it is PAID, or cancelled by ${tx.deadlineAt ?? 'its deadline'}`,
  );
}

/** A shipment the sweep cancelled after a stop: its debit was released, its amount may be shipped again. */
function abandonedError(tx: TransactionRecord): EsipayError {
  return new EsipayError(
    'unavailable',
    'PSP_227',
    `the shipment ${tx.id} was cancelled: the service stopped during its debit, which was released, so nothing was debited`,
    'ship it again with a new idempotency key',
  );
}
