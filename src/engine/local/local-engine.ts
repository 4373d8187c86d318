import { SimulatedAcquirer } from '../../acquirer/simulator.js';
import { timeLimited } from '../../acquirer/time-limit.js';
import { HttpCallbackSender } from '../../callback/sender.js';
import { readEnv } from '../../config/env.js';
import type { Store } from '../../store/store.js';
import { systemClock } from '../../util/clock.js';
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
import { sweepAbandoned } from './approvals.js';
import * as clock from './clock.js';
import { DatabaseClock } from './database-clock.js';
import { DEFAULT_CALLBACK_TIMEOUT_MS, type EngineContext, type EngineOptions, lazyNotifiers, resolveCardKey } from './context.js';
import * as events from './events.js';
import * as merchants from './merchants.js';
import * as payments from './payments.js';
import * as refunds from './refunds.js';
import * as shipments from './shipments.js';
import * as transactions from './transactions.js';
import { v4UseCases } from './v4.js';

const loadLinks = () => import('./links/index.js');

/** The use cases in-process, over a Store. Each method is one use-case function of its own file. */
export class LocalEngine implements ServiceEngine {
  readonly description: string;

  readonly v4: V4UseCases;
  readonly maintenance: MaintenanceUseCases;

  private constructor(
    readonly ctx: EngineContext,
    /** The database's clock (ctx.clock is its `now`); the service watches it (ServiceEngine.clockWatch). */
    readonly clockWatch: DatabaseClock,
  ) {
    this.description = `local ${ctx.store.kind} ${ctx.store.location}`;
    this.v4 = v4UseCases(ctx);
    this.maintenance = { sweepAbandoned: () => sweepAbandoned(ctx) };
  }

  static async create(store: Store, opts: EngineOptions = {}): Promise<LocalEngine> {
    const acquirerTimeoutMs = opts.acquirerTimeoutMs ?? readEnv('ESIPAY_ACQUIRER_TIMEOUT_MS');
    // The test clock: the given clock (real time by default) plus the database's offset (docs/clock.md).
    const databaseClock = await DatabaseClock.open(store, opts.clock ?? systemClock);
    const ctx: EngineContext = {
      store,
      acquirer: timeLimited(opts.acquirer ?? new SimulatedAcquirer({ delayMs: readEnv('ESIPAY_SIMULATOR_DELAY_MS') }), acquirerTimeoutMs),
      callbacks: opts.callbacks ?? new HttpCallbackSender(),
      clock: databaseClock.now,
      cardKey: await resolveCardKey(store, opts.cardKey),
      callbackTimeoutMs: opts.callbackTimeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS,
      publicUrl: (opts.publicUrl ?? 'http://127.0.0.1:6543').replace(/\/+$/, ''),
      outboxWritten: opts.onOutboxWrite ?? (() => undefined),
      notifiers: lazyNotifiers(opts.notifiers),
      acquirerTimeoutMs,
      abandonGraceMs: opts.abandonGraceMs ?? readEnv('ESIPAY_ABANDON_GRACE_MS'),
    };
    return new LocalEngine(ctx, databaseClock);
  }

  get store(): Store {
    return this.ctx.store;
  }

  get clock() {
    return this.ctx.clock;
  }

  registerMerchant = (input: RegisterMerchantInput) => merchants.registerMerchant(this.ctx, input);
  listMerchants = (q?: { limit?: number; cursor?: string }) => merchants.listMerchants(this.ctx, q);
  getMerchant = (uuid: string) => merchants.getMerchant(this.ctx, uuid);
  rotateMerchantSecret = (uuid: string, opts?: { expirePrevious?: boolean }) => merchants.rotateMerchantSecret(this.ctx, uuid, opts);

  pay = (input: PayInput) => payments.pay(this.ctx, input);
  refund = (input: RefundInput) => refunds.refund(this.ctx, input);

  listTransactions = (q: ListTransactionsInput) => transactions.listTransactions(this.ctx, q);
  getTransaction = (id: string, merchant?: string) => transactions.getTransaction(this.ctx, id, merchant);
  merchantTotals = (merchant: string) => transactions.merchantTotals(this.ctx, merchant);

  createInitial = (input: CreateInitialInput) => shipments.createInitial(this.ctx, input);
  createShipment = (input: CreateShipmentInput) => shipments.createShipment(this.ctx, input);

  // Payment links load on first use: their field schemas bring zod (over 200 modules), which
  // `esipay pay` or `esipay tx list` would otherwise load for nothing on every run.
  createLink = async (input: CreateLinkInput) => (await loadLinks()).createLink(this.ctx, input);
  listLinks = async (q: { merchant: string; limit?: number; cursor?: string }) => (await loadLinks()).listLinks(this.ctx, q);
  getLink = async (id: string, merchant?: string) => (await loadLinks()).getLink(this.ctx, id, merchant);

  /** The service's side of payment links (ServiceEngine), loaded on first use like the three above. */
  readonly links: ServiceLinks = {
    createLinkFromWire: async (merchant, body) => (await loadLinks()).createLinkFor(this.ctx, merchant, body),
    openLink: async (token) => (await loadLinks()).openLink(this.ctx, token),
    plannedDebits: async (opened) => (await loadLinks()).plannedDebits(opened, this.ctx.clock()),
    payLink: async (opened, card) => (await loadLinks()).payLink(this.ctx, opened, card),
    runDueDebits: async (limit) => (await loadLinks()).runDueDebits(this.ctx, limit),
    payFormKey: async () => (await loadLinks()).payFormKey(this.ctx),
  };

  updateMerchant = (uuid: string, input: UpdateMerchantInput) => merchants.updateMerchant(this.ctx, uuid, input);
  disableMerchant = (uuid: string) => merchants.disableMerchant(this.ctx, uuid);
  enableMerchant = (uuid: string) => merchants.enableMerchant(this.ctx, uuid);
  listEvents = (q?: ListEventsInput) => events.listEvents(this.ctx, q);
  getEvent = (id: string, merchant?: string) => events.getEvent(this.ctx, id, merchant);
  resendEvent = (id: string, merchant?: string) => events.resendEvent(this.ctx, id, merchant);
  followEvents = (q?: { after?: string; limit?: number }) => events.followEvents(this.ctx, q);

  // The test clock and the database's mode.
  clockShow = () => clock.showClock(this.clockWatch);
  clockAdvance = (duration: string) => clock.advanceClock(this.clockWatch, duration);
  clockSet = (time: string, opts?: { force?: boolean }) => clock.setClock(this.clockWatch, time, opts);
  clockReset = (opts?: { force?: boolean }) => clock.resetClock(this.clockWatch, opts);
  databaseMode = () => clock.databaseMode(this.clockWatch);
  setDatabaseMode = (mode: DatabaseMode, opts?: { force?: boolean }) => clock.setDatabaseMode(this.clockWatch, mode, opts);

  async close(): Promise<void> {
    await this.ctx.callbacks.close?.();
    // Only senders that were made need closing: asking for them here would make them now.
    const made = await this.ctx.notifiers.made();
    await made?.email?.close?.();
    await made?.sms?.close?.();
    await this.ctx.store.close();
  }
}
