import type { Engine } from '../../engine/engine.js';
import { type DashboardState, errorText } from './state.js';
import { clampIndex } from './viewport.js';

/** The part of the controller the picker works on. */
export interface PickerHost {
  get(): DashboardState;
  set(patch: Partial<DashboardState>): void;
  choose(uuid: string): Promise<void>;
}

/** The merchant picker (`m`): the merchants a page of 100 at a time, oldest first, the current one selected. */
export class MerchantPicking {
  constructor(
    private readonly engine: Engine,
    private readonly host: PickerHost,
  ) {}

  async open(): Promise<void> {
    this.host.set({ mode: { name: 'picker' }, picker: { merchants: [], selected: 0, next: null, loading: true } });
    await this.load(undefined);
  }

  private async load(cursor: string | undefined): Promise<void> {
    try {
      const page = await this.engine.listMerchants({ limit: 100, ...(cursor ? { cursor } : {}) });
      const picker = this.host.get().picker;
      if (!picker) return;
      const merchants = [...picker.merchants, ...page.items];
      const current = this.host.get().merchant?.uuid;
      const selected =
        cursor === undefined && current
          ? Math.max(
              0,
              merchants.findIndex((m) => m.uuid === current),
            )
          : picker.selected;
      this.host.set({ picker: { merchants, selected, next: page.next, loading: false } });
      if (merchants.length === 0) {
        this.host.set({ message: { kind: 'error', text: 'no merchants yet: register one with `esipay merchant register`' } });
      }
    } catch (e) {
      const picker = this.host.get().picker;
      this.host.set({
        picker: picker && { ...picker, loading: false, failed: true },
        message: { kind: 'error', text: errorText(e) },
      });
    }
  }

  move(delta: number): void {
    const picker = this.host.get().picker;
    if (!picker || picker.merchants.length === 0) return;
    const selected = clampIndex(picker.selected + delta, picker.merchants.length);
    this.host.set({ picker: { ...picker, selected } });
    if (picker.next && !picker.loading && picker.merchants.length - selected <= 10) {
      this.host.set({ picker: { ...picker, selected, loading: true } });
      void this.load(picker.next);
    }
  }

  async choose(): Promise<void> {
    const state = this.host.get();
    const m = state.picker?.merchants[state.picker.selected];
    if (m) await this.host.choose(m.uuid);
  }
}
