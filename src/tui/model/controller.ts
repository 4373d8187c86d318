import { isEsipayError } from '../../domain/errors.js';
import type { TransactionView } from '../../domain/types.js';
import type { Engine } from '../../engine/engine.js';
import { refundable, shippable } from './columns.js';
import { parseFilter, scanningReader, type TxFilter } from './filter.js';
import { checkAmount, perform } from './operations.js';
import { type DashboardState, errorText, type Mode } from './state.js';
import { type ChunkReader, type TxPage, TxWindow } from './tx-window.js';
import { clampIndex, reselect, scrollTop } from './viewport.js';

export type { DashboardState, DetailState, Message, Mode, PickerState } from './state.js';
export { errorText } from './state.js';

/** Totals are re-read at least this often even when nothing seems to change (changes out of view). */
const IDLE_TOTALS_MS = 30_000;
/** Longer than Ink's frame interval (33 ms at 30 fps), so the first rows are painted first. */
const FIRST_TOTALS_DELAY_MS = 60;

export interface ControllerOptions {
  engine: Engine;
  /** Rows per read (one engine call). */
  pageSize?: number;
  /** Top-level rows kept in memory at most. */
  maxRows?: number;
  /** Poll the newest page and the totals this often (ms); 0 turns polling off. */
  pollMs?: number;
  /** The filter reads at most this many rows per chunk before showing what it found. */
  scanBudget?: number;
  onQuit?: () => void;
  now?: () => Date;
}

/**
 * The dashboard's state and behaviour, in plain TypeScript: which merchant, a bounded window of
 * its transactions, the selection (kept on a transaction id across reads and polls), the filter,
 * the detail pane, the refund and shipment prompts, and a modest poll of the newest page and of
 * the totals. It only talks to the Engine interface, so it runs the same on the local and the
 * remote engine. The React view subscribes to it and calls its methods on keys.
 */
export class DashboardController {
  private state: DashboardState;
  private readonly listeners = new Set<() => void>();
  private window: TxWindow | undefined;
  private filter: TxFilter | undefined;
  /** The newest transaction id seen at the top of the history: what a poll compares against. */
  private headMark: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private pollTimer: NodeJS.Timeout | undefined;
  /** Rows of a move that went past the loaded rows, applied once the next chunk is read. */
  private pendingMove = 0;
  private stopped = false;
  private readonly pageSize: number;
  private readonly maxRows: number;
  private readonly pollMs: number;
  private readonly scanBudget: number;

  constructor(private readonly opts: ControllerOptions) {
    this.pageSize = opts.pageSize ?? 100;
    this.maxRows = opts.maxRows ?? 500;
    this.pollMs = opts.pollMs ?? 2000;
    this.scanBudget = opts.scanBudget ?? 5000;
    this.state = {
      engine: opts.engine.description,
      entries: [],
      selected: -1,
      top: 0,
      viewHeight: 10,
      scanned: 0,
      loading: false,
      hasOlder: false,
      hasNewer: false,
      newAbove: 0,
      mode: { name: 'list' },
    };
  }

  // ---- subscription (useSyncExternalStore) ----

  getState = (): DashboardState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private set(patch: Partial<DashboardState>): void {
    this.state = { ...this.state, ...patch };
    // Listeners hear once per tick: fifty keys in one read of stdin are one re-render, not fifty.
    if (this.notifying) return;
    this.notifying = true;
    queueMicrotask(() => {
      this.notifying = false;
      for (const l of this.listeners) l();
    });
  }
  private notifying = false;

  /** Resolves when every read and write asked for so far has finished (tests, clean exit). */
  idle(): Promise<void> {
    return this.queue.then(() => undefined);
  }

  // ---- lifecycle ----

  /** Opens the merchant given, or the merchant picker when there is none. */
  async start(merchant?: string): Promise<void> {
    if (merchant) await this.selectMerchant(merchant);
    else await this.openPicker();
  }

  stop(): void {
    this.stopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
  }

  quit(): void {
    this.stop();
    this.opts.onQuit?.();
  }

  async selectMerchant(uuid: string): Promise<void> {
    await this.enqueue(async () => {
      try {
        const merchant = await this.opts.engine.getMerchant(uuid);
        this.set({
          merchant,
          totals: undefined,
          detail: undefined,
          picker: undefined,
          mode: { name: 'list' },
          message: undefined,
          newAbove: 0,
        });
        this.filter = undefined;
        this.set({ filter: undefined });
        await this.restartWindow();
      } catch (e) {
        this.set({ readFailed: true });
        this.fail(e);
      }
    });
    // The totals sum the whole history (long for a big merchant, and a local engine blocks while
    // it sums): let the first rows reach the screen before.
    setTimeout(() => {
      if (!this.stopped) void this.refreshTotals();
    }, FIRST_TOTALS_DELAY_MS);
    this.schedulePoll();
  }

  // ---- reading ----

  private readPage: ChunkReader = async (cursor) => {
    const merchant = this.state.merchant;
    if (!merchant) return { items: [], next: null };
    const page: TxPage = await this.opts.engine.listTransactions({
      merchant: merchant.uuid,
      limit: this.pageSize,
      topLevel: true,
      ...(cursor ? { cursor } : {}),
    });
    if (cursor === undefined) this.headMark = page.items[0]?.id;
    return page;
  };

  private newWindow(): TxWindow {
    const filter = this.filter;
    let readChunk: ChunkReader = this.readPage;
    if (filter?.exactId) {
      const id = filter.exactId;
      readChunk = async () => {
        const tx = await this.opts.engine.getTransaction(id, this.state.merchant?.uuid).catch((e: unknown) => {
          if (isEsipayError(e) && e.kind === 'not_found') return undefined;
          throw e;
        });
        return { items: tx ? [tx] : [], next: null };
      };
    } else if (filter) {
      readChunk = scanningReader(this.readPage, filter, {
        want: this.pageSize,
        budget: this.scanBudget,
        onScanned: (n) => this.set({ scanned: this.state.scanned + n }),
      });
    }
    return new TxWindow({
      readChunk,
      readChildren: async (initial) => {
        const d = await this.opts.engine.getTransaction(initial.id, this.state.merchant?.uuid);
        return d.shipments;
      },
      maxRows: this.maxRows,
    });
  }

  private async restartWindow(): Promise<void> {
    const win = this.newWindow();
    this.window = win;
    this.pendingMove = 0;
    this.set({ entries: [], selected: -1, top: 0, scanned: 0, loading: true });
    try {
      await win.reset();
      if (win === this.window) this.set({ readFailed: false });
    } catch (e) {
      if (win === this.window) this.set({ readFailed: true });
      throw e;
    } finally {
      if (win === this.window) this.set({ loading: false });
    }
    this.sync();
  }

  /** Re-reads the window's rows into the state, keeping the selection on the same id. */
  private sync(id: string | undefined = this.selectedId()): void {
    const win = this.window;
    if (!win) return;
    const entries = win.entries();
    const selected = reselect(entries, (e) => e.tx.id, id, this.state.selected);
    this.set({
      entries,
      selected,
      top: scrollTop(this.state.top, selected, this.state.viewHeight, entries.length),
      hasOlder: win.hasOlder,
      hasNewer: win.hasNewer,
    });
    this.loadIfNearEdge();
  }

  private selectedId(): string | undefined {
    return this.state.entries[this.state.selected]?.tx.id;
  }

  selectedTx(): TransactionView | undefined {
    return this.state.entries[this.state.selected]?.tx;
  }

  /** Reads the next chunk when the selection comes within a screen of the end of what is loaded. */
  private loadIfNearEdge(): void {
    const win = this.window;
    if (!win || this.state.loading) return;
    const margin = Math.max(2 * this.state.viewHeight, Math.floor(this.pageSize / 2));
    const { selected, entries } = this.state;
    const nearEnd = win.hasOlder && entries.length - selected <= margin;
    const nearStart = win.hasNewer && selected < margin;
    if (!nearEnd && !nearStart) return;
    this.set({ loading: true });
    void this.enqueue(async () => {
      try {
        if (win !== this.window) return;
        if (nearEnd) await win.loadOlder();
        else await win.loadNewer(this.selectedId());
      } catch (e) {
        this.fail(e);
        return;
      } finally {
        if (win === this.window) this.set({ loading: false });
      }
      if (win === this.window) {
        if (nearStart && !win.hasNewer) this.set({ newAbove: 0 });
        // The selection as it is now: keys may have moved it while the chunk was read.
        this.sync();
        const pending = this.pendingMove;
        this.pendingMove = 0;
        if (pending !== 0) this.move(pending);
      }
    });
  }

  // ---- moving ----

  setViewHeight(height: number): void {
    const h = Math.max(1, height);
    if (h === this.state.viewHeight) return;
    this.set({ viewHeight: h, top: scrollTop(this.state.top, this.state.selected, h, this.state.entries.length) });
  }

  move(delta: number): void {
    const { entries } = this.state;
    if (entries.length === 0) return;
    const target = this.state.selected + delta;
    // Past the end of what is loaded while more exists: the rest of the move waits for the read.
    if ((target >= entries.length && this.window?.hasOlder) || (target < 0 && this.window?.hasNewer)) {
      const over = target >= entries.length ? target - (entries.length - 1) : target;
      this.pendingMove = Math.max(-this.maxRows, Math.min(this.maxRows, this.pendingMove + over));
    } else {
      this.pendingMove = 0;
    }
    const selected = clampIndex(target, entries.length);
    if (selected === this.state.selected) return;
    this.set({ selected, top: scrollTop(this.state.top, selected, this.state.viewHeight, entries.length), message: undefined });
    this.afterSelectionMoved();
  }

  page(direction: 1 | -1): void {
    this.move(direction * Math.max(1, this.state.viewHeight - 1));
  }

  /** Back to the newest transaction (re-reading the top when it was dropped from memory). */
  home(): void {
    if (this.window?.hasNewer) {
      void this.enqueue(async () => {
        this.set({ newAbove: 0 });
        await this.restartWindow().catch((e: unknown) => this.fail(e));
        this.afterSelectionMoved();
      });
      return;
    }
    this.move(-this.state.selected);
  }

  private afterSelectionMoved(): void {
    this.loadIfNearEdge();
    if (this.state.detail) void this.loadDetail();
  }

  // ---- filter ----

  startFilter(): void {
    this.set({ mode: { name: 'filter', text: this.state.filter ?? '' } });
  }

  async applyFilter(text: string): Promise<void> {
    const filter = parseFilter(text);
    this.filter = filter;
    this.set({ filter: filter?.text, mode: { name: 'list' }, message: undefined });
    await this.enqueue(() => this.restartWindow().catch((e: unknown) => this.fail(e)));
  }

  // ---- detail pane ----

  toggleDetail(): void {
    if (this.state.detail) {
      this.set({ detail: undefined });
      return;
    }
    void this.loadDetail();
  }

  closeDetail(): void {
    this.set({ detail: undefined });
  }

  private async loadDetail(): Promise<void> {
    const tx = this.selectedTx();
    if (!tx) return;
    this.set({ detail: { id: tx.id } });
    try {
      const data = await this.opts.engine.getTransaction(tx.id, this.state.merchant?.uuid);
      if (this.state.detail?.id === tx.id) this.set({ detail: { id: tx.id, data } });
    } catch (e) {
      if (this.state.detail?.id === tx.id) this.set({ detail: { id: tx.id, error: errorText(e) } });
    }
  }

  // ---- refund and ship ----

  startRefund(): void {
    const tx = this.selectedTx();
    if (!tx) return;
    if (tx.kind === 'initial') {
      this.set({
        message: {
          kind: 'error',
          text: 'an initial authorisation debits nothing and is not refunded: refund its shipments (the rows under it)',
        },
      });
      return;
    }
    if (!refundable(tx)) {
      this.set({ message: { kind: 'error', text: `nothing left to refund on ${tx.id} (${tx.status})` } });
      return;
    }
    this.set({ mode: { name: 'amount', action: 'refund', tx, text: '' }, message: undefined });
  }

  startShip(): void {
    const tx = this.selectedTx();
    if (!tx) return;
    if (!shippable(tx)) {
      const why =
        tx.kind === 'initial'
          ? `nothing left to ship on ${tx.id} (${tx.status})`
          : 'shipments are made against an initial authorisation (kind initial)';
      this.set({ message: { kind: 'error', text: why } });
      return;
    }
    this.set({ mode: { name: 'amount', action: 'ship', tx, text: '' }, message: undefined });
  }

  /** Enter in the amount prompt: checks the amount and asks for confirmation. */
  submitAmount(): void {
    const mode = this.state.mode;
    if (mode.name === 'amount') this.set({ mode: checkAmount(mode) });
  }

  /** y/enter in the confirmation: sends the refund or the shipment to the engine. */
  async confirm(): Promise<void> {
    const mode = this.state.mode;
    if (mode.name !== 'confirm' || mode.busy) return;
    this.set({ mode: { ...mode, busy: true } });
    await this.enqueue(async () => {
      const { tx } = mode;
      try {
        const done = await perform(this.opts.engine, this.state.merchant?.uuid, mode);
        for (const row of done.rows) this.window?.replace(row);
        if (done.shipments) this.window?.setChildren(tx.id, done.shipments);
        this.set({ message: { kind: 'info', text: done.message } });
      } catch (e) {
        this.set({ message: { kind: 'error', text: errorText(e) } });
        await this.refreshRow(tx.id);
      } finally {
        this.set({ mode: { name: 'list' } });
        this.sync();
      }
    });
    void this.refreshTotals();
    if (this.state.detail) void this.loadDetail();
  }

  /** Esc: leaves a prompt, the filter line or the picker; closes the detail pane. */
  cancel(): void {
    const mode = this.state.mode;
    if (mode.name === 'confirm' && mode.busy) return;
    if (mode.name === 'picker') {
      if (this.state.merchant) this.set({ mode: { name: 'list' }, picker: undefined });
      return;
    }
    if (mode.name !== 'list') {
      this.set({ mode: { name: 'list' } });
      return;
    }
    if (this.state.detail) this.closeDetail();
    else if (this.state.filter) void this.applyFilter('');
  }

  /** Typing in the filter line or an amount prompt. */
  typeText(input: string): void {
    const mode = this.state.mode;
    const clean = input.replace(/[^\x20-\x7e]/g, '');
    if (mode.name === 'filter') this.set({ mode: { ...mode, text: (mode.text + clean).slice(0, 64) } });
    else if (mode.name === 'amount') this.set({ mode: { ...mode, text: (mode.text + clean).slice(0, 24), error: undefined } as Mode });
  }

  backspace(): void {
    const mode = this.state.mode;
    if (mode.name === 'filter') this.set({ mode: { ...mode, text: mode.text.slice(0, -1) } });
    else if (mode.name === 'amount') this.set({ mode: { ...mode, text: mode.text.slice(0, -1), error: undefined } as Mode });
  }

  private async refreshRow(id: string): Promise<void> {
    try {
      const fresh = await this.opts.engine.getTransaction(id, this.state.merchant?.uuid);
      this.window?.replace(fresh);
    } catch {
      // The error already shown says what went wrong; the row keeps its last known values.
    }
  }

  // ---- merchants ----

  async openPicker(): Promise<void> {
    this.set({ mode: { name: 'picker' }, picker: { merchants: [], selected: 0, next: null, loading: true } });
    await this.loadMerchants(undefined);
  }

  private async loadMerchants(cursor: string | undefined): Promise<void> {
    try {
      const page = await this.opts.engine.listMerchants({ limit: 100, ...(cursor ? { cursor } : {}) });
      const picker = this.state.picker;
      if (!picker) return;
      const merchants = [...picker.merchants, ...page.items];
      const current = this.state.merchant?.uuid;
      const selected =
        cursor === undefined && current
          ? Math.max(
              0,
              merchants.findIndex((m) => m.uuid === current),
            )
          : picker.selected;
      this.set({ picker: { merchants, selected, next: page.next, loading: false } });
      if (merchants.length === 0) {
        this.set({ message: { kind: 'error', text: 'no merchants yet: register one with `esipay merchant register`' } });
      }
    } catch (e) {
      this.set({
        picker: this.state.picker && { ...this.state.picker, loading: false, failed: true },
        message: { kind: 'error', text: errorText(e) },
      });
    }
  }

  pickerMove(delta: number): void {
    const picker = this.state.picker;
    if (!picker || picker.merchants.length === 0) return;
    const selected = clampIndex(picker.selected + delta, picker.merchants.length);
    this.set({ picker: { ...picker, selected } });
    if (picker.next && !picker.loading && picker.merchants.length - selected <= 10) {
      this.set({ picker: { ...picker, selected, loading: true } });
      void this.loadMerchants(picker.next);
    }
  }

  async pickerChoose(): Promise<void> {
    const m = this.state.picker?.merchants[this.state.picker.selected];
    if (m) await this.selectMerchant(m.uuid);
  }

  // ---- live ----

  private schedulePoll(delay = this.pollMs): void {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.stopped || this.pollMs <= 0) return;
    this.pollTimer = setTimeout(() => {
      const started = Date.now();
      void this.poll().finally(() => {
        // A slow engine (a huge merchant's totals, a far service) is polled less often.
        this.schedulePoll(Math.max(this.pollMs, (Date.now() - started) * 4));
      });
    }, delay);
  }

  /** Reads the newest page and the totals: new transactions appear, shown rows are refreshed. */
  async poll(): Promise<void> {
    await this.enqueue(async () => {
      const merchant = this.state.merchant;
      const win = this.window;
      if (!merchant || !win || this.stopped) return;
      try {
        const mark = this.headMark;
        const page = await this.opts.engine.listTransactions({ merchant: merchant.uuid, limit: this.pageSize, topLevel: true });
        if (win !== this.window) return;
        const at = mark === undefined ? page.items.length : page.items.findIndex((t) => t.id === mark);
        const arrived = at >= 0 ? page.items.slice(0, at) : page.items;
        this.headMark = page.items[0]?.id ?? mark;
        const filter = this.filter;
        const shown = filter?.exactId ? [] : filter ? arrived.filter((t) => filter.matches(t)) : arrived;
        let changed = arrived.length > 0;
        if (at < 0 && !win.hasNewer && !filter) {
          // More than a page arrived since the last look: read the top again around the selection.
          await win.resetAround(this.selectedId());
        } else {
          const { updated } = await win.mergeHead(shown, page.items.slice(Math.max(0, at)));
          if (win.hasNewer) this.set({ newAbove: this.state.newAbove + arrived.length });
          changed ||= updated > 0;
        }
        this.set({ polledAt: this.now().toISOString(), readFailed: false });
        this.sync();
        this.totalsDue ||= changed;
      } catch (e) {
        this.set({ message: { kind: 'error', text: `refresh failed: ${errorText(e)}` } });
      }
    });
    // Totals sum the whole history: re-read them when the newest page moved, else now and then,
    // and never more often than ten times what they cost (a million rows take a moment).
    const since = Date.now() - this.totalsReadAt;
    const gap = Math.max(this.pollMs, 10 * this.totalsCost);
    if ((this.totalsDue && since >= gap) || since >= Math.max(IDLE_TOTALS_MS, 2 * gap)) await this.refreshTotals();
  }

  private totalsReadAt = 0;
  private totalsCost = 0;
  private totalsDue = false;

  private async refreshTotals(): Promise<void> {
    const merchant = this.state.merchant;
    if (!merchant) return;
    const started = Date.now();
    this.totalsDue = false;
    try {
      const totals = await this.opts.engine.merchantTotals(merchant.uuid);
      if (this.state.merchant?.uuid === merchant.uuid) this.set({ totals });
    } catch (e) {
      this.set({ message: { kind: 'error', text: `totals: ${errorText(e)}` } });
    } finally {
      this.totalsReadAt = Date.now();
      this.totalsCost = this.totalsReadAt - started;
    }
  }

  // ---- plumbing ----

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private fail(e: unknown): void {
    this.set({ message: { kind: 'error', text: errorText(e) }, loading: false });
  }

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }
}
