import type { Engine } from '../../engine/engine.js';
import type { DashboardSource } from './dashboard-source.js';
import { rangeOf } from './range.js';
import { type DashboardState, errorText, type Message } from './state.js';

/** Totals and counts are re-read at least this often even when nothing seems to change (changes out of view). */
const IDLE_MS = 30_000;

export interface CountsHost {
  get(): DashboardState;
  set(patch: Partial<DashboardState>): void;
  now(): Date;
}

/**
 * The header's sums: the totals of the whole history (the Engine's merchantTotals, running totals
 * the database keeps: a few rows whatever the history) and the counts and days of the range (the
 * DashboardSource's summary, up to 5,000 rows read). They are read when a poll saw a change, but
 * never more often than ten times what the last read cost (during which a local engine is busy),
 * and otherwise every 30 s for changes out of view.
 */
export class Counts {
  private readAt = 0;
  private cost = 0;
  /** A change was seen since the last read. */
  due = false;

  constructor(
    private readonly engine: Engine,
    private readonly source: DashboardSource,
    private readonly host: CountsHost,
    private readonly minGapMs: number,
  ) {}

  /** After a poll: reads again when due. */
  async maybeRefresh(): Promise<void> {
    const since = Date.now() - this.readAt;
    const gap = Math.max(this.minGapMs, 10 * this.cost);
    if ((this.due && since >= gap) || since >= Math.max(IDLE_MS, 2 * gap)) await this.refresh();
  }

  /** The totals, then the counts and the chart of the range. */
  async refresh(): Promise<void> {
    const merchant = this.host.get().merchant;
    if (!merchant) return;
    const started = Date.now();
    this.due = false;
    try {
      const totals = await this.engine.merchantTotals(merchant.uuid);
      if (this.host.get().merchant?.uuid === merchant.uuid) this.host.set({ totals });
      clearMessageFrom(this.host, 'totals');
    } catch (e) {
      this.host.set({ message: { kind: 'error', text: `totals: ${errorText(e)}`, from: 'totals' } });
    }
    await this.refreshSummary();
    this.readAt = Date.now();
    this.cost = this.readAt - started;
  }

  /** The counts and the chart alone (the range changed). */
  async refreshSummary(): Promise<void> {
    const state = this.host.get();
    const merchant = state.merchant;
    if (!merchant) return;
    const preset = state.range;
    try {
      const summary = await this.source.summary(merchant.uuid, rangeOf(preset, this.host.now()));
      const now = this.host.get();
      if (now.merchant?.uuid === merchant.uuid && now.range === preset) this.host.set({ summary });
      clearMessageFrom(this.host, 'summary');
    } catch (e) {
      this.host.set({ message: { kind: 'error', text: `counts: ${errorText(e)}`, from: 'summary' } });
    }
  }
}

/** A background read that failed before worked now: its red line is no longer true. */
export function clearMessageFrom(host: Pick<CountsHost, 'get' | 'set'>, from: NonNullable<Message['from']>): void {
  if (host.get().message?.from === from) host.set({ message: undefined });
}
