import type { TransactionView } from '../../domain/types.js';
import type { Engine } from '../../engine/engine.js';
import { clearMessageFrom, Counts } from './counts.js';
import type { DashboardSource } from './dashboard-source.js';
import { DEFAULT_SAMPLE_ROWS, engineSource } from './engine-source.js';
import { facetsOf, toggleFacet } from './facets.js';
import { parseFilter, type TxFilter } from './filter.js';
import { editLine, type LineEdit } from './line-edit.js';
import { checkAmount, perform, refusal } from './operations.js';
import { MerchantPicking } from './picking.js';
import { nextPreset, rangeOf } from './range.js';
import { type ListView, readsFlat, windowFor } from './readers.js';
import { type DashboardState, errorText, type Mode } from './state.js';
import type { TxWindow } from './tx-window.js';
import { clampIndex, reselect, scrollTop } from './viewport.js';

export type { DashboardState, DetailState, Message, Mode, PickerState } from './state.js';
export { errorText } from './state.js';

/** Longer than Ink's frame interval (33 ms at 30 fps), so the first rows are painted first. */
const FIRST_TOTALS_DELAY_MS = 60;
const FILTER_MAX = 64;
const AMOUNT_MAX = 24;
/** How often the screen follows a `G` that reads on (ms). */
const SEEK_FRAME_MS = 150;

export interface ControllerOptions {
  engine: Engine;
  /** Ranges, counts, the chart and events; by default computed from the engine (engineSource). */
  source?: DashboardSource;
  /** Rows per read (one engine call). */
  pageSize?: number;
  /** Top-level rows kept in memory at most. */
  maxRows?: number;
  /** Poll the newest page and the totals this often (ms); 0 turns polling off. */
  pollMs?: number;
  /** The filter reads at most this many rows per chunk before showing what it found. */
  scanBudget?: number;
  /** Sorting by amount sorts at most this many rows, the newest of the range. */
  sampleRows?: number;
  onQuit?: () => void;
  now?: () => Date;
}

/**
 * The dashboard's state and behaviour, in plain TypeScript: which merchant, a bounded window of
 * its transactions (within a date range, filtered, by date or by amount), the selection (kept on
 * a transaction id across reads and polls), the detail pane, the refund and shipment prompts,
 * the counts and the chart, and a modest poll of the newest page and of the totals. It only talks
 * to the Engine interface and a DashboardSource, so it runs the same on the local and the remote
 * engine. The React view subscribes to it and calls its methods on keys.
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
  private readonly source: DashboardSource;
  private readonly pageSize: number;
  private readonly maxRows: number;
  private readonly pollMs: number;
  private readonly scanBudget: number;
  private readonly sampleRows: number;
  private readonly counts: Counts;
  private readonly picking: MerchantPicking;
  /** What the parts split off (the picker, the counts) see of the controller. */
  private readonly host = { get: () => this.state, set: (patch: Partial<DashboardState>) => this.set(patch), now: () => this.now() };

  constructor(private readonly opts: ControllerOptions) {
    this.source = opts.source ?? engineSource(opts.engine);
    this.pageSize = opts.pageSize ?? 100;
    this.maxRows = opts.maxRows ?? 500;
    this.pollMs = opts.pollMs ?? 2000;
    this.scanBudget = opts.scanBudget ?? 5000;
    this.sampleRows = opts.sampleRows ?? DEFAULT_SAMPLE_ROWS;
    this.picking = new MerchantPicking(opts.engine, { ...this.host, choose: (uuid) => this.selectMerchant(uuid) });
    this.counts = new Counts(opts.engine, this.source, this.host, this.pollMs);
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
      range: 'all',
      sort: 'date',
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
          summary: undefined,
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
    // The totals are running totals (a few rows, whatever the history), but the summary read
    // with them counts up to 5,000 rows (a local engine blocks meanwhile): let the first rows
    // reach the screen before.
    setTimeout(() => {
      if (!this.stopped) void this.counts.refresh();
    }, FIRST_TOTALS_DELAY_MS);
    this.schedulePoll();
  }

  // ---- reading ----

  private listView(): ListView | undefined {
    const merchant = this.state.merchant;
    if (!merchant) return undefined;
    return {
      merchant: merchant.uuid,
      range: rangeOf(this.state.range, this.now()),
      sort: this.state.sort,
      ...(this.filter ? { filter: this.filter } : {}),
    };
  }

  private async restartWindow(): Promise<void> {
    const view = this.listView();
    if (!view) return;
    const win = windowFor(view, {
      engine: this.opts.engine,
      source: this.source,
      pageSize: this.pageSize,
      maxRows: this.maxRows,
      scanBudget: this.scanBudget,
      sampleRows: this.sampleRows,
      onHead: (page) => {
        if (win === this.window) this.headMark = page.items[0]?.id;
      },
      onScanned: (n) => {
        if (win === this.window) this.set({ scanned: this.state.scanned + n });
      },
      onSorted: (scanned, sampled) => {
        if (win === this.window) this.set({ sorted: { scanned, sampled } });
      },
    });
    this.window = win;
    this.headMark = undefined;
    this.pendingMove = 0;
    this.set({ entries: [], selected: -1, top: 0, scanned: 0, loading: true, sorted: undefined, newAbove: 0 });
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

  /** Reads the list again from its start (a new filter, range or order), reporting what fails. */
  private reread(): Promise<void> {
    return this.enqueue(() => this.restartWindow().catch((e: unknown) => this.fail(e)));
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

  /**
   * Back to the first row: the newest (re-reading the top when it was dropped from memory), or
   * the largest; when payments arrived since the sort by amount, sorted again with them.
   */
  home(): void {
    if (this.window?.hasNewer || (this.state.sort === 'amount' && this.state.newAbove > 0)) {
      void this.enqueue(async () => {
        this.set({ newAbove: 0 });
        await this.restartWindow().catch((e: unknown) => this.fail(e));
        this.afterSelectionMoved();
      });
      return;
    }
    this.move(-this.state.selected);
  }

  /**
   * To the last row: of what is loaded when that is the end, else reading on, chunk after chunk
   * (the window stays bounded), until the end of the history or until another key stops it. The
   * screen follows a few times a second, not at every chunk: drawing each one would cost more
   * than reading it (a million rows: seconds of reading, a minute of drawing).
   */
  end(): void {
    const win = this.window;
    if (!win || this.state.entries.length === 0) return;
    if (!win.hasOlder) {
      this.move(this.state.entries.length - 1 - this.state.selected);
      return;
    }
    this.set({ seeking: { rows: win.rowsRead }, message: undefined });
    void this.enqueue(async () => {
      let shown = Date.now();
      try {
        await win.readToEnd(
          () => Boolean(this.state.seeking) && !this.stopped && win === this.window,
          () => {
            if (Date.now() - shown < SEEK_FRAME_MS) return;
            shown = Date.now();
            this.showLast(win, { rows: win.rowsRead });
          },
        );
      } catch (e) {
        this.fail(e);
      }
      if (win === this.window) this.showLast(win, undefined);
      this.afterSelectionMoved();
    });
  }

  /** A key while `G` reads on: it stops there, and does nothing else. True when it did stop one. */
  stopSeeking(): boolean {
    if (!this.state.seeking) return false;
    this.set({ seeking: undefined });
    return true;
  }

  private showLast(win: TxWindow, seeking: DashboardState['seeking']): void {
    const entries = win.entries();
    const last = entries.length - 1;
    this.pendingMove = 0;
    this.set({
      entries,
      selected: last,
      top: scrollTop(this.state.top, last, this.state.viewHeight, entries.length),
      hasOlder: win.hasOlder,
      hasNewer: win.hasNewer,
      seeking,
    });
  }

  private afterSelectionMoved(): void {
    this.loadIfNearEdge();
    if (this.state.detail) void this.loadDetail();
  }

  // ---- filter, range, order, facets ----

  startFilter(): void {
    this.set({ mode: { name: 'filter', text: this.state.filter ?? '' } });
  }

  async applyFilter(text: string): Promise<void> {
    const filter = parseFilter(text);
    this.filter = filter;
    this.set({ filter: filter?.text, mode: { name: 'list' }, message: undefined });
    await this.reread();
  }

  /** `d`/`D`: the next (or previous) date range: the list, the counts and the chart follow. */
  async cycleRange(step: 1 | -1): Promise<void> {
    this.set({ range: nextPreset(this.state.range, step), summary: undefined, message: undefined });
    const counted = this.counts.refreshSummary();
    await this.reread();
    await counted;
  }

  /** `o`: by date (newest first) or by amount (largest first). */
  async toggleSort(): Promise<void> {
    this.set({ sort: this.state.sort === 'date' ? 'amount' : 'date', message: undefined });
    await this.reread();
  }

  openFacets(): void {
    this.set({ mode: { name: 'facets', selected: 0 } });
  }

  facetMove(delta: number): void {
    const mode = this.state.mode;
    if (mode.name !== 'facets') return;
    const count = facetsOf(this.state.summary).length;
    this.set({ mode: { name: 'facets', selected: Math.max(0, clampIndex(mode.selected + delta, count)) } });
  }

  /** Enter on a facet: filters by it (one status, one kind at a time), or removes it when in force. */
  async facetChoose(): Promise<void> {
    const mode = this.state.mode;
    if (mode.name !== 'facets') return;
    const facet = facetsOf(this.state.summary)[mode.selected];
    if (!facet) {
      this.set({ mode: { name: 'list' } });
      return;
    }
    await this.applyFilter(toggleFacet(this.state.filter ?? '', facet));
  }

  openHelp(): void {
    this.set({ mode: { name: 'help', top: 0 } });
  }

  /** Scrolls the help overlay of `lines` lines, which shows `viewHeight` of them under its title. */
  helpScroll(delta: number, lines: number): void {
    const mode = this.state.mode;
    if (mode.name !== 'help') return;
    const max = Math.max(0, lines - this.state.viewHeight);
    this.set({ mode: { name: 'help', top: Math.max(0, Math.min(max, mode.top + delta)) } });
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
    const merchant = this.state.merchant?.uuid;
    try {
      const [data, events] = await Promise.all([
        this.opts.engine.getTransaction(tx.id, merchant),
        // Events are extra: the detail stands without them.
        this.source.events(merchant ?? tx.merchant, tx).catch(() => undefined),
      ]);
      if (this.state.detail?.id === tx.id) this.set({ detail: { id: tx.id, data, ...(events ? { events } : {}) } });
    } catch (e) {
      if (this.state.detail?.id === tx.id) this.set({ detail: { id: tx.id, error: errorText(e) } });
    }
  }

  // ---- refund and ship ----

  startRefund(): void {
    this.startOperation('refund');
  }

  startShip(): void {
    this.startOperation('ship');
  }

  private startOperation(action: 'refund' | 'ship'): void {
    const tx = this.selectedTx();
    if (!tx) return;
    const why = refusal(action, tx);
    if (why) this.set({ message: { kind: 'error', text: why } });
    else this.set({ mode: { name: 'amount', action, tx, text: '' }, message: undefined });
  }

  /** Enter in the amount prompt: checks the amount and asks for confirmation. */
  submitAmount(): void {
    const mode = this.state.mode;
    if (mode.name === 'amount') this.set({ mode: checkAmount(mode) });
  }

  /** y in the confirmation: sends the refund or the shipment to the engine. */
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
    void this.counts.refresh();
    if (this.state.detail) void this.loadDetail();
  }

  /** Esc (and the other keys that leave): a prompt, the filter line, the picker, the help; the detail pane. */
  cancel(): void {
    const mode = this.state.mode;
    if (mode.name === 'confirm' && mode.busy) return;
    if (mode.name === 'confirm') {
      this.set({
        mode: { name: 'list' },
        message: { kind: 'info', text: `${mode.action === 'refund' ? 'refund' : 'shipment'} cancelled: nothing was sent` },
      });
      return;
    }
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

  /** Typing in the filter line or an amount prompt: characters, Backspace, Ctrl-U, Ctrl-W. */
  edit(e: LineEdit): void {
    const mode = this.state.mode;
    if (mode.name === 'filter') this.set({ mode: { ...mode, text: editLine(mode.text, e, FILTER_MAX) } });
    else if (mode.name === 'amount') this.set({ mode: { ...mode, text: editLine(mode.text, e, AMOUNT_MAX), error: undefined } as Mode });
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

  openPicker(): Promise<void> {
    return this.picking.open();
  }

  pickerMove(delta: number): void {
    this.picking.move(delta);
  }

  pickerChoose(): Promise<void> {
    return this.picking.choose();
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
      const view = this.listView();
      const win = this.window;
      if (!view || !win || this.stopped) return;
      try {
        const mark = this.headMark;
        const page = await this.source.page({
          merchant: view.merchant,
          range: view.range,
          limit: this.pageSize,
          topLevel: !readsFlat(view),
        });
        if (win !== this.window) return;
        const at = mark === undefined ? page.items.length : page.items.findIndex((t) => t.id === mark);
        const arrived = at >= 0 ? page.items.slice(0, at) : page.items;
        this.headMark = page.items[0]?.id ?? mark;
        const { filter } = view;
        const matching = filter?.exactId ? [] : filter ? arrived.filter((t) => filter.matches(t)) : arrived;
        // Sorted by amount, a new payment has no place on top: it is counted, and `g` sorts again.
        const byAmount = view.sort === 'amount';
        let changed = arrived.length > 0;
        if (at < 0 && !win.hasNewer && !filter && !byAmount) {
          // More than a page arrived since the last look: read the top again around the selection.
          await win.resetAround(this.selectedId());
        } else {
          const { updated } = await win.mergeHead(byAmount ? [] : matching, page.items.slice(Math.max(0, at)));
          if (win.hasNewer || byAmount) this.set({ newAbove: this.state.newAbove + matching.length });
          changed ||= updated > 0;
        }
        this.set({ polledAt: this.now().toISOString(), readFailed: false });
        clearMessageFrom(this.host, 'refresh');
        this.sync();
        this.counts.due ||= changed;
      } catch (e) {
        this.set({ message: { kind: 'error', text: `refresh failed: ${errorText(e)}`, from: 'refresh' } });
      }
    });
    await this.counts.maybeRefresh();
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

  /** The time the dashboard reads ranges and days at (a test's clock, or the system's). */
  now(): Date {
    return this.opts.now?.() ?? new Date();
  }
}
