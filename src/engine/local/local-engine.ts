import type { Acquirer } from '../../acquirer/acquirer.js';
import { HttpCallbackSender } from '../../callback/sender.js';
import { readEnv } from '../../config/env.js';
import type { Store } from '../../store/store.js';
import { systemClock } from '../../util/clock.js';
import { onFirstUse } from '../../util/on-first-use.js';
import type {
  CreateInitialInput,
  CreateLinkInput,
  CreateShipmentInput,
  ListTransactionsInput,
  PayInput,
  RefundInput,
  ListEventsInput,
  RegisterMerchantInput,
  UpdateMerchantInput,
} from '../engine.js';
import type { DatabaseMode } from '../clock-types.js';
import type { MaintenanceUseCases, ServiceEngine, ServiceLinks, V4UseCases } from '../service-engine.js';
import { DatabaseClock } from './database-clock.js';
import { MerchantCache } from './merchant-cache.js';
import { DEFAULT_CALLBACK_TIMEOUT_MS, type EngineContext, type EngineOptions, lazyNotifiers, resolveCardKey } from './context.js';
import { checkCurrency, checkOrder } from './v4-checks.js';

/**
 * Each use-case module loads on the first call of one of its use cases: a command runs one or
 * two, and `esipay pay` or `esipay tx list` would otherwise load every other module (the V4 block,
 * shipments, refunds, events, the test clock: about 15 files, several ms of each run) for nothing.
 * After the first call the cost is one await on a settled promise.
 */
const load = {
  approvals: onFirstUse(() => import('./approvals.js')),
  clock: onFirstUse(() => import('./clock.js')),
  events: onFirstUse(() => import('./events.js')),
  links: onFirstUse(() => import('./links/index.js')),
  merchants: onFirstUse(() => import('./merchants.js')),
  payments: onFirstUse(() => import('./payments.js')),
  refunds: onFirstUse(() => import('./refunds.js')),
  shipments: onFirstUse(() => import('./shipments.js')),
  transactions: onFirstUse(() => import('./transactions.js')),
  v4: onFirstUse(() => import('./v4.js')),
};

/**
 * The acquirer (the given one, or the simulator) bounded in time (time-limit.ts), made on its first
 * call: a command that only reads (`esipay tx list`) never loads it. The simulator's setting is
 * read by the caller, so a bad value is refused when the engine opens, as before.
 */
function acquirerOnFirstUse(given: Acquirer | { simulatorDelayMs: number }, timeoutMs: number): Acquirer {
  const made = onFirstUse(async () => {
    const { timeLimited } = await import('../../acquirer/time-limit.js');
    if ('authorise' in given) return timeLimited(given, timeoutMs);
    const { SimulatedAcquirer } = await import('../../acquirer/simulator.js');
    return timeLimited(new SimulatedAcquirer({ delayMs: given.simulatorDelayMs }), timeoutMs);
  });
  return {
    authorise: async (req) => (await made()).authorise(req),
    debit: async (req) => (await made()).debit(req),
    release: async (reference) => (await made()).release(reference),
  };
}

/** The use cases in-process, over a Store. Each method is one use-case function of its own file. */
export class LocalEngine implements ServiceEngine {
  readonly description: string;

  private constructor(
    readonly ctx: EngineContext,
    /** The database's clock (ctx.clock is its `now`); the service watches it (ServiceEngine.clockWatch). */
    readonly clockWatch: DatabaseClock,
  ) {
    this.description = `local ${ctx.store.kind} ${ctx.store.location}`;
  }

  static async create(store: Store, opts: EngineOptions = {}): Promise<LocalEngine> {
    const acquirerTimeoutMs = opts.acquirerTimeoutMs ?? readEnv('ESIPAY_ACQUIRER_TIMEOUT_MS');
    // The test clock: the given clock (real time by default) plus the database's offset (docs/clock.md).
    const databaseClock = await DatabaseClock.open(store, opts.clock ?? systemClock);
    const ctx: EngineContext = {
      store,
      acquirer: acquirerOnFirstUse(opts.acquirer ?? { simulatorDelayMs: readEnv('ESIPAY_SIMULATOR_DELAY_MS') }, acquirerTimeoutMs),
      callbacks: opts.callbacks ?? new HttpCallbackSender(),
      clock: databaseClock.now,
      cardKey: await resolveCardKey(store, opts.cardKey),
      callbackTimeoutMs: opts.callbackTimeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS,
      publicUrl: (opts.publicUrl ?? 'http://127.0.0.1:6543').replace(/\/+$/, ''),
      outboxWritten: opts.onOutboxWrite ?? (() => undefined),
      notifiers: lazyNotifiers(opts.notifiers),
      acquirerTimeoutMs,
      abandonGraceMs: opts.abandonGraceMs ?? readEnv('ESIPAY_ABANDON_GRACE_MS'),
      merchants: new MerchantCache(),
    };
    return new LocalEngine(ctx, databaseClock);
  }

  get store(): Store {
    return this.ctx.store;
  }

  get clock() {
    return this.ctx.clock;
  }

  registerMerchant = async (input: RegisterMerchantInput) => (await load.merchants()).registerMerchant(this.ctx, input);
  listMerchants = async (q?: { limit?: number; cursor?: string }) => (await load.merchants()).listMerchants(this.ctx, q);
  getMerchant = async (uuid: string) => (await load.merchants()).getMerchant(this.ctx, uuid);
  rotateMerchantSecret = async (uuid: string, opts?: { expirePrevious?: boolean }) =>
    (await load.merchants()).rotateMerchantSecret(this.ctx, uuid, opts);

  pay = async (input: PayInput) => (await load.payments()).pay(this.ctx, input);
  refund = async (input: RefundInput) => (await load.refunds()).refund(this.ctx, input);

  listTransactions = async (q: ListTransactionsInput) => (await load.transactions()).listTransactions(this.ctx, q);
  getTransaction = async (id: string, merchant?: string) => (await load.transactions()).getTransaction(this.ctx, id, merchant);
  merchantTotals = async (merchant: string) => (await load.transactions()).merchantTotals(this.ctx, merchant);

  createInitial = async (input: CreateInitialInput) => (await load.shipments()).createInitial(this.ctx, input);
  createShipment = async (input: CreateShipmentInput) => (await load.shipments()).createShipment(this.ctx, input);

  // Payment links, like every use case, load on first use: their field schemas bring zod (over 200
  // modules), which `esipay pay` or `esipay tx list` would otherwise load for nothing on every run.
  createLink = async (input: CreateLinkInput) => (await load.links()).createLink(this.ctx, input);
  listLinks = async (q: { merchant: string; limit?: number; cursor?: string }) => (await load.links()).listLinks(this.ctx, q);
  getLink = async (id: string, merchant?: string) => (await load.links()).getLink(this.ctx, id, merchant);

  /** The service's side of payment links (ServiceEngine), loaded on first use like the three above. */
  readonly links: ServiceLinks = {
    createLinkFromWire: async (merchant, body) => (await load.links()).createLinkFor(this.ctx, merchant, body),
    openLink: async (token) => (await load.links()).openLink(this.ctx, token),
    plannedDebits: async (opened) => (await load.links()).plannedDebits(opened, this.ctx.clock()),
    payLink: async (opened, card) => (await load.links()).payLink(this.ctx, opened, card),
    runDueDebits: async (limit) => (await load.links()).runDueDebits(this.ctx, limit),
    payFormKey: async () => (await load.links()).payFormKey(this.ctx),
  };

  updateMerchant = async (uuid: string, input: UpdateMerchantInput) => (await load.merchants()).updateMerchant(this.ctx, uuid, input);
  disableMerchant = async (uuid: string) => (await load.merchants()).disableMerchant(this.ctx, uuid);
  enableMerchant = async (uuid: string) => (await load.merchants()).enableMerchant(this.ctx, uuid);
  listEvents = async (q?: ListEventsInput) => (await load.events()).listEvents(this.ctx, q);
  getEvent = async (id: string, merchant?: string) => (await load.events()).getEvent(this.ctx, id, merchant);
  resendEvent = async (id: string, merchant?: string) => (await load.events()).resendEvent(this.ctx, id, merchant);
  followEvents = async (q?: { after?: string; limit?: number }) => (await load.events()).followEvents(this.ctx, q);

  // The test clock and the database's mode.
  clockShow = async () => (await load.clock()).showClock(this.clockWatch);
  clockAdvance = async (duration: string) => (await load.clock()).advanceClock(this.clockWatch, duration);
  clockSet = async (time: string, opts?: { force?: boolean }) => (await load.clock()).setClock(this.clockWatch, time, opts);
  clockReset = async (opts?: { force?: boolean }) => (await load.clock()).resetClock(this.clockWatch, opts);
  databaseMode = async () => (await load.clock()).databaseMode(this.clockWatch);
  setDatabaseMode = async (mode: DatabaseMode, opts?: { force?: boolean }) =>
    (await load.clock()).setDatabaseMode(this.clockWatch, mode, opts);

  /** The service's workers. */
  readonly maintenance: MaintenanceUseCases = {
    sweepAbandoned: async () => (await load.approvals()).sweepAbandoned(this.ctx),
  };

  // The service-only V4 block: its two checks are synchronous (the service calls them before it
  // reads anything) and small; the rest (v4.ts and the shipment and refund modules it brings) loads
  // on the first V4 call.
  private readonly v4Operations = onFirstUse(async () => (await load.v4()).v4UseCases(this.ctx));
  readonly v4: V4UseCases = {
    checkOrder: (merchant, order) => checkOrder(merchant, order),
    checkCurrency: (merchant, currency) => checkCurrency(currency, merchant),
    authorise: async (merchant, input) => (await this.v4Operations()).authorise(merchant, input),
    pay: async (merchant, input) => (await this.v4Operations()).pay(merchant, input),
    ship: async (merchant, input) => (await this.v4Operations()).ship(merchant, input),
    transaction: async (merchant, id) => (await this.v4Operations()).transaction(merchant, id),
    order: async (merchant, orderId) => (await this.v4Operations()).order(merchant, orderId),
    refund: async (merchant, input) => (await this.v4Operations()).refund(merchant, input),
    initialByKey: async (merchant, key) => (await this.v4Operations()).initialByKey(merchant, key),
    paymentByKey: async (merchant, key) => (await this.v4Operations()).paymentByKey(merchant, key),
  };

  async close(): Promise<void> {
    await this.ctx.callbacks.close?.();
    // Only senders that were made need closing: asking for them here would make them now.
    const made = await this.ctx.notifiers.made();
    await made?.email?.close?.();
    await made?.sms?.close?.();
    await this.ctx.store.close();
  }
}
