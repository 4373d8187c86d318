import type { TransactionView } from '../../domain/types.js';

/** One page as the engine returns it: newest first, and the cursor of the next (older) page. */
export interface TxPage {
  items: TransactionView[];
  next: string | null;
}

/** Reads one chunk of top-level transactions older than `cursor` (undefined: from the newest). */
export type ChunkReader = (cursor: string | undefined) => Promise<TxPage>;

/** The shipments of an initial authorisation, oldest first. */
export type ChildrenReader = (initial: TransactionView) => Promise<TransactionView[]>;

/** A row of the table: a top-level transaction, or a shipment shown under its initial one. */
export interface Entry {
  tx: TransactionView;
  depth: 0 | 1;
}

interface Chunk {
  /** The cursor this chunk was read with: reading it again gives the same rows (keyset paging). */
  cursor: string | undefined;
  items: TransactionView[];
  next: string | null;
}

export interface TxWindowOptions {
  readChunk: ChunkReader;
  readChildren: ChildrenReader;
  /** Rows kept in memory at most (top-level rows; whole chunks are dropped beyond it). */
  maxRows: number;
  /** Chunks kept at most, even when they are small (a filter that matches rarely). */
  maxChunks?: number;
  /**
   * Shipments under their initial authorisation (the default). False when the chunks already
   * hold shipments as rows of their own (a filter reads every kind): nothing is nested then.
   */
  nested?: boolean;
}

/**
 * A bounded, contiguous slice of a merchant's history, newest first, read a chunk at a time with
 * keyset cursors. Reading older rows past `maxRows` drops chunks from the newest end and keeps
 * only their cursors (a few dozen bytes each), so scrolling through a million transactions keeps
 * memory flat; scrolling back up reads those chunks again. Shipments are read per initial
 * authorisation and kept beside their parent so the table can nest them.
 *
 * Not safe for concurrent calls: the controller runs every call through one queue.
 */
export class TxWindow {
  private chunks: Chunk[] = [];
  /** Cursors of the chunks dropped from the newest end, the most recently dropped last. */
  private dropped: (string | undefined)[] = [];
  private children = new Map<string, TransactionView[]>();
  private cachedEntries: Entry[] | undefined;
  private readonly maxChunks: number;
  private read = 0;

  constructor(private readonly opts: TxWindowOptions) {
    this.maxChunks = opts.maxChunks ?? 50;
  }

  /** True once the first chunk has been read. */
  get loaded(): boolean {
    return this.chunks.length > 0;
  }

  /** Older rows exist beyond what is loaded. */
  get hasOlder(): boolean {
    return this.chunks.at(-1)?.next != null;
  }

  /** Newer rows were dropped from memory (or the window does not start at the newest row). */
  get hasNewer(): boolean {
    return this.dropped.length > 0;
  }

  /** Top-level rows read since the window was made (a progress count: rows read again count again). */
  get rowsRead(): number {
    return this.read;
  }

  get rowCount(): number {
    let n = 0;
    for (const c of this.chunks) n += c.items.length;
    return n;
  }

  /** The rows in table order: each top-level transaction followed by its shipments. */
  entries(): Entry[] {
    if (this.cachedEntries) return this.cachedEntries;
    const out: Entry[] = [];
    for (const c of this.chunks) {
      for (const tx of c.items) {
        out.push({ tx, depth: 0 });
        for (const child of this.children.get(tx.id) ?? []) out.push({ tx: child, depth: 1 });
      }
    }
    this.cachedEntries = out;
    return out;
  }

  /** Forgets everything and reads the newest chunk. */
  async reset(): Promise<void> {
    const chunk = await this.readChunk(undefined);
    this.chunks = [chunk];
    this.dropped = [];
    this.children.clear();
    await this.loadChildren(chunk.items);
    this.changed();
  }

  /** Reads the next older chunk; drops the newest chunks beyond the bounds. */
  async loadOlder(): Promise<boolean> {
    const last = this.chunks.at(-1);
    if (!last || last.next == null) return false;
    const chunk = await this.readChunk(last.next);
    this.chunks.push(this.withoutDuplicates(chunk));
    await this.loadChildren(chunk.items);
    this.dropNewest();
    this.changed();
    return true;
  }

  /** Beyond the bounds, the newest chunks go; their cursors stay, to read them again. */
  private dropNewest(): void {
    while (this.chunks.length > 1 && (this.rowCount > this.opts.maxRows || this.chunks.length > this.maxChunks)) {
      const first = this.chunks.shift()!;
      this.dropped.push(first.cursor);
      this.forgetChildren(first.items);
    }
  }

  /**
   * Reads older chunks until the end of the history or until `keepGoing` says no, dropping the
   * newest beyond the bounds as loadOlder does. The shipments are read once at the end, for the
   * chunks kept only: on the way they would be dropped at once, and they cost more reads than
   * the chunks themselves. `onChunk` hears after each chunk (the screen follows now and then).
   */
  async readToEnd(keepGoing: () => boolean, onChunk?: () => void): Promise<void> {
    let last = this.chunks.at(-1);
    while (last && last.next != null && keepGoing()) {
      const chunk = this.withoutDuplicates(await this.readChunk(last.next));
      this.chunks.push(chunk);
      this.dropNewest();
      this.changed();
      onChunk?.();
      last = this.chunks.at(-1);
    }
    await this.loadChildren(this.chunks.flatMap((c) => c.items.filter((t) => !this.children.has(t.id))));
    this.changed();
  }

  /**
   * Reads back the newest chunk dropped earlier; drops the oldest chunks beyond the bounds.
   * The chunk at the very top is read fresh: when new transactions arrived meanwhile it no longer
   * ends where the window starts, so the window restarts from the top and reads down to `keepId`.
   */
  async loadNewer(keepId?: string): Promise<boolean> {
    if (this.dropped.length === 0) return false;
    const cursor = this.dropped.at(-1);
    const chunk = await this.readChunk(cursor);
    const first = this.chunks[0];
    if (cursor === undefined && first && chunk.next !== first.cursor) {
      await this.resetAround(keepId);
      return true;
    }
    this.dropped.pop();
    this.chunks.unshift(chunk);
    await this.loadChildren(chunk.items);
    while (this.chunks.length > 1 && (this.rowCount > this.opts.maxRows || this.chunks.length > this.maxChunks)) {
      const last = this.chunks.pop()!;
      this.forgetChildren(last.items);
    }
    this.changed();
    return true;
  }

  /** Restarts from the newest row and reads older chunks until `id` is loaded (or the bound is hit). */
  async resetAround(id: string | undefined): Promise<void> {
    await this.reset();
    while (id !== undefined && !this.has(id) && this.hasOlder && this.rowCount < this.opts.maxRows) {
      await this.loadOlder();
    }
  }

  /**
   * Puts transactions that arrived since the last look (`newItems`, newest first) in front of the
   * window when it starts at the top, and refreshes the rows it holds (`updated`), re-reading the
   * shipments of an initial authorisation whose shipped sum moved.
   */
  async mergeHead(newItems: TransactionView[], updated: TransactionView[]): Promise<{ added: number; updated: number }> {
    let added = 0;
    const first = this.chunks[0];
    if (first && this.dropped.length === 0 && newItems.length > 0) {
      const known = new Set(first.items.map((t) => t.id));
      const fresh = newItems.filter((t) => !known.has(t.id));
      first.items = [...fresh, ...first.items];
      added = fresh.length;
      await this.loadChildren(fresh);
      if (added > 0) this.changed();
    }
    let updatedCount = 0;
    for (const tx of updated) {
      const before = this.find(tx.id);
      if (this.replace(tx)) updatedCount++;
      if (before && tx.kind === 'initial' && before.shipped !== tx.shipped && this.opts.nested !== false) {
        this.setChildren(tx.id, await this.opts.readChildren(tx));
      }
    }
    return { added, updated: updatedCount };
  }

  /** The loaded version of a row, if the window holds it. */
  find(id: string): TransactionView | undefined {
    return this.entries().find((e) => e.tx.id === id)?.tx;
  }

  /** Puts a newer version of a row in place (after a refund, a shipment, a poll); true when it changed. */
  replace(tx: TransactionView): boolean {
    for (const c of this.chunks) {
      const i = c.items.findIndex((t) => t.id === tx.id);
      if (i >= 0) {
        if (sameRow(c.items[i]!, tx)) return false;
        c.items = c.items.with(i, tx);
        this.changed();
        return true;
      }
    }
    if (tx.parent) {
      const siblings = this.children.get(tx.parent);
      const i = siblings?.findIndex((t) => t.id === tx.id) ?? -1;
      if (siblings && i >= 0 && !sameRow(siblings[i]!, tx)) {
        this.children.set(tx.parent, siblings.with(i, tx));
        this.changed();
        return true;
      }
    }
    return false;
  }

  /** Sets the shipments of a loaded initial transaction (after a new shipment). */
  setChildren(parentId: string, shipments: TransactionView[]): void {
    if (this.opts.nested === false || !this.has(parentId)) return;
    if (shipments.length === 0) this.children.delete(parentId);
    else this.children.set(parentId, shipments);
    this.changed();
  }

  has(id: string): boolean {
    return this.entries().some((e) => e.tx.id === id);
  }

  private async readChunk(cursor: string | undefined): Promise<Chunk> {
    const page = await this.opts.readChunk(cursor);
    this.read += page.items.length;
    return { cursor, items: page.items, next: page.next };
  }

  /** A chunk read again after a status change may repeat a row the window holds: keep one. */
  private withoutDuplicates(chunk: Chunk): Chunk {
    const known = new Set(this.chunks.flatMap((c) => c.items.map((t) => t.id)));
    return known.size === 0 ? chunk : { ...chunk, items: chunk.items.filter((t) => !known.has(t.id)) };
  }

  private async loadChildren(items: TransactionView[]): Promise<void> {
    if (this.opts.nested === false) return;
    const parents = items.filter((t) => t.kind === 'initial' && (t.shipped ?? 0) > 0);
    const lists = await Promise.all(parents.map((p) => this.opts.readChildren(p)));
    parents.forEach((p, i) => {
      const list = lists[i] ?? [];
      if (list.length > 0) this.children.set(p.id, list);
    });
  }

  private forgetChildren(items: TransactionView[]): void {
    for (const t of items) this.children.delete(t.id);
  }

  private changed(): void {
    this.cachedEntries = undefined;
  }
}

/** The fields a row shows: a poll only re-renders when one of them changed. */
function sameRow(a: TransactionView, b: TransactionView): boolean {
  return (
    a.status === b.status && a.refunded === b.refunded && a.remaining === b.remaining && a.shipped === b.shipped && a.amount === b.amount
  );
}
