import { isEsipayError } from '../../domain/errors.js';
import type { Engine } from '../../engine/engine.js';
import type { SortOrder } from './columns.js';
import type { DashboardSource } from './dashboard-source.js';
import { scanningReader, type TxFilter } from './filter.js';
import type { DateRange } from './range.js';
import { amountSortedReader } from './sorted-reader.js';
import { type ChunkReader, type TxPage, TxWindow } from './tx-window.js';

/** What the list shows: one merchant's transactions, within a range, filtered, in an order. */
export interface ListView {
  merchant: string;
  range: DateRange;
  filter?: TxFilter;
  sort: SortOrder;
}

export interface WindowParams {
  engine: Engine;
  source: DashboardSource;
  pageSize: number;
  maxRows: number;
  /** Rows a filter reads per chunk at most. */
  scanBudget: number;
  /** Rows sorted by amount at most (the newest of the range). */
  sampleRows: number;
  /** The newest page, each time it is read: what a poll compares against. */
  onHead: (page: TxPage) => void;
  onScanned: (rows: number) => void;
  onSorted: (scanned: number, sampled: boolean) => void;
}

/**
 * Whether the list reads every kind as rows of their own. A filter does, so that it finds
 * shipments (which the unfiltered list reads under their initial authorisation).
 */
export function readsFlat(view: ListView): boolean {
  return view.filter !== undefined && view.filter.exactId === undefined;
}

/**
 * The paging window of a list: how its chunks are read (a page of the range, a filter's scan, a
 * sort by amount, or one transaction looked up by its whole id) and whether shipments nest.
 */
export function windowFor(view: ListView, p: WindowParams): TxWindow {
  const readChildren = async (initial: { id: string }) => (await p.engine.getTransaction(initial.id, view.merchant)).shipments;
  const { filter } = view;
  if (filter?.exactId) {
    const id = filter.exactId;
    const lookup: ChunkReader = async () => {
      const tx = await p.engine.getTransaction(id, view.merchant).catch((e: unknown) => {
        if (isEsipayError(e) && e.kind === 'not_found') return undefined;
        throw e;
      });
      return { items: tx ? [tx] : [], next: null };
    };
    return new TxWindow({ readChunk: lookup, readChildren, maxRows: p.maxRows });
  }
  const flat = readsFlat(view);
  const readPage = async (cursor: string | undefined, limit = p.pageSize): Promise<TxPage> => {
    const page = await p.source.page({
      merchant: view.merchant,
      range: view.range,
      limit,
      topLevel: !flat,
      ...(cursor ? { cursor } : {}),
    });
    if (cursor === undefined) p.onHead(page);
    return page;
  };
  let readChunk: ChunkReader = (cursor) => readPage(cursor);
  if (view.sort === 'amount') {
    readChunk = amountSortedReader({
      readPage,
      ...(filter ? { filter } : {}),
      sampleRows: p.sampleRows,
      pageRows: 1000,
      chunkRows: p.pageSize,
      onSorted: p.onSorted,
    });
  } else if (filter) {
    readChunk = scanningReader(readChunk, filter, { want: p.pageSize, budget: p.scanBudget, onScanned: p.onScanned });
  }
  return new TxWindow({ readChunk, readChildren, maxRows: p.maxRows, nested: !flat });
}
