import type { Worker } from 'node:worker_threads';
import { type CheckpointerData, type CheckpointerMessage, Slot, SLOTS } from './checkpointer-protocol.js';
import { WalFrames } from './wal-frames.js';

/**
 * The WAL size at which writes wait for the checkpointer to catch up (64 MiB: at the service's
 * payment rate, one short wait every several seconds). The -wal file never grows past it by more
 * than the frames of one group commit (and of other processes' writes meanwhile), unless another
 * process keeps a read transaction open across it: then no checkpoint can finish, writes wait at
 * most HOLD_MAX_MS, and the catch-up is tried again every RETRY_MS.
 */
export const WAL_LIMIT_BYTES = 64 * 1024 * 1024;
/** The longest writes wait for a catch-up; past it they go on and the WAL grows until the next try. */
const HOLD_MAX_MS = 1000;
/** From this share of the limit on, the thread checkpoints without pausing: the hold then is short. */
const URGENT_SHARE = 0.75;
/** After a catch-up that could not finish, the next one is tried this much later. */
const RETRY_MS = 1000;

/** What the checkpointer works with: the store's group commit and connection. */
export interface CheckpointerHost {
  /** Writes queue up until release(). */
  hold(): void;
  release(): void;
  /** The thread is gone (it could not start): the request connection checkpoints again itself. */
  checkpointHere(): void;
  log(line: string): void;
}

/**
 * Checkpoints off the request path, for `esipay serve` on SQLite.
 *
 * A checkpoint copies the WAL's pages into the database and syncs it: on the request connection
 * (wal_autocheckpoint) it held every request in flight for up to 20 ms. Here a worker thread does
 * it on its own connection, PASSIVE, at most every 100 ms while commits come: it takes no lock a
 * writer needs.
 *
 * Alone that lets the WAL grow without bound (docs/performance.md): SQLite starts the WAL file
 * again from its beginning only when a write transaction begins after a checkpoint has copied every
 * frame, and under continuous writes the request connection has always committed more while the
 * checkpoint ran. So once the -wal file reaches WAL_LIMIT_BYTES, the request connection holds its
 * writes (they queue; the event loop goes on serving) and asks the thread to catch up; with no new
 * frames, one checkpoint of the last few commits does; the held writes then go, and the first one
 * starts the WAL again, in place: the file keeps its size (at most the limit and one group's
 * frames) and the next wait comes once the WAL is full again (wal-frames.ts reads how full).
 * When writes pause, the thread empties a small WAL file (see checkpointer-worker.ts).
 */
export class Checkpointer {
  private readonly slots = new Int32Array(new SharedArrayBuffer(SLOTS * 4));
  private readonly worker: Worker;
  private readonly wal: WalFrames;
  private request = 0;
  private holding: ReturnType<typeof setTimeout> | undefined;
  private retryAt = 0;
  private exited: Promise<void>;

  constructor(
    path: string,
    synchronous: string,
    pageSize: number,
    private readonly host: CheckpointerHost,
    private readonly limitBytes = WAL_LIMIT_BYTES,
  ) {
    this.wal = new WalFrames(`${path}-shm`, pageSize);
    const data: CheckpointerData = { path, synchronous, shared: this.slots.buffer as SharedArrayBuffer };
    // Taken here, not imported: every CLI command loads the store, and `import 'node:worker_threads'`
    // builds its ESM facade, 6 to 12 ms (measured), for a thread only `esipay serve` starts.
    const { Worker: WorkerThread } = process.getBuiltinModule('node:worker_threads');
    this.worker = new WorkerThread(new URL('./checkpointer-worker.js', import.meta.url), { workerData: data });
    // It never keeps a process alive on its own: close() stops it, and a process that exits
    // without closing loses nothing (what it has not copied is in the WAL).
    this.worker.unref();
    this.worker.on('message', (m: CheckpointerMessage) => this.onMessage(m));
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.on('error', (e) => {
      this.host.log(`SQLite checkpointer thread stopped (${e.message}); commits checkpoint the WAL themselves again`);
      this.host.checkpointHere();
      this.release();
    });
  }

  /** After every commit of the request connection. */
  committed(): void {
    this.wake();
    if (this.holding || Date.now() < this.retryAt) return;
    const used = this.wal.bytesInUse();
    if (used >= this.limitBytes * URGENT_SHARE && Atomics.load(this.slots, Slot.Urgent) === 0) {
      Atomics.store(this.slots, Slot.Urgent, 1);
      Atomics.notify(this.slots, Slot.Request); // out of its pause
    }
    if (used < this.limitBytes) return;
    this.host.hold();
    this.holding = setTimeout(() => this.release(false), HOLD_MAX_MS);
    Atomics.store(this.slots, Slot.Request, ++this.request);
    Atomics.notify(this.slots, Slot.Request);
    this.wake();
  }

  /** Stops the thread (after the checkpoint it is running, if any) and releases held writes. */
  async close(): Promise<void> {
    this.worker.ref(); // the process waits for the thread's last checkpoint and its close
    Atomics.store(this.slots, Slot.Stop, 1);
    this.wake();
    Atomics.notify(this.slots, Slot.Stop);
    // Also out of its pause between checkpoints: it waits on the request slot.
    Atomics.store(this.slots, Slot.Request, ++this.request);
    Atomics.notify(this.slots, Slot.Request);
    await this.exited;
    this.release();
  }

  private wake(): void {
    Atomics.add(this.slots, Slot.Wake, 1);
    Atomics.notify(this.slots, Slot.Wake);
  }

  private onMessage(m: CheckpointerMessage): void {
    if (m.kind === 'caught-up') {
      if (m.request === this.request) this.release(m.done);
    } else if (m.kind === 'failed') {
      this.host.log(
        `SQLite checkpoint failed (${m.code}: ${m.message}); the WAL keeps every commit, checkpoints are tried again each second`,
      );
    } else {
      this.host.log('SQLite checkpoints succeed again');
    }
  }

  private release(done = true): void {
    if (!this.holding) return;
    clearTimeout(this.holding);
    this.holding = undefined;
    if (done)
      Atomics.store(this.slots, Slot.Urgent, 0); // the next commit starts the WAL again
    else this.retryAt = Date.now() + RETRY_MS;
    this.host.release();
  }
}
