import type { TxKind } from '../../domain/types.js';
import type { DashboardSummary } from './dashboard-source.js';
import { SHOWN_STATUSES } from './status.js';

export interface Facet {
  facet: 'status' | 'kind';
  value: string;
  count: number;
}

const KINDS: readonly TxKind[] = ['card', 'initial', 'shipment', 'link'];

/** The statuses then the kinds the summary counted, each with its count; the empty ones left out. */
export function facetsOf(summary: DashboardSummary | undefined): Facet[] {
  if (!summary) return [];
  const out: Facet[] = [];
  for (const s of SHOWN_STATUSES) {
    const n = summary.byStatus[s];
    if (n) out.push({ facet: 'status', value: s, count: n });
  }
  for (const k of KINDS) {
    const n = summary.byKind[k];
    if (n) out.push({ facet: 'kind', value: k, count: n });
  }
  return out;
}

/** The filter word a facet stands for: `status:refunded`, `kind:card`. */
export function facetWord(f: Pick<Facet, 'facet' | 'value'>): string {
  return `${f.facet}:${f.value.toLowerCase()}`;
}

/**
 * The filter text with a facet chosen: the facet's word replaces any other word of the same facet
 * (one status, one kind at a time); choosing the facet already in force removes it.
 */
export function toggleFacet(filter: string, f: Pick<Facet, 'facet' | 'value'>): string {
  const word = facetWord(f);
  const words = filter.trim() === '' ? [] : filter.trim().split(/\s+/);
  const had = words.some((w) => w.toLowerCase() === word);
  const others = words.filter((w) => !w.toLowerCase().startsWith(`${f.facet}:`));
  return (had ? others : [...others, word]).join(' ');
}

/** Whether the filter text holds this facet's word. */
export function facetActive(filter: string | undefined, f: Pick<Facet, 'facet' | 'value'>): boolean {
  const word = facetWord(f);
  return (filter ?? '').split(/\s+/).some((w) => w.toLowerCase() === word);
}
