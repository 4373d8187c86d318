import { statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { type CheckpointerData, type CheckpointerMessage, Slot } from './checkpointer-protocol.js';

/**
 * The checkpointer's thread (checkpointer.ts): its own connection to the database, running
 * PASSIVE checkpoints one after the other for as long as the request connection commits. A
 * PASSIVE checkpoint takes no lock a writer needs, so the event loop never waits for one.
 */
const { path, synchronous, shared } = workerData as CheckpointerData;
const slots = new Int32Array(shared);
const post = (m: CheckpointerMessage) => parentPort!.postMessage(m);

/**
 * The pause after each checkpoint: every commit would otherwise start one, copying the hot index
 * pages (and syncing the database) again for each group; at most ten a second copy each page once
 * per 100 ms of writes. A catch-up request ends it, and there is none while the WAL nears its
 * bound (Slot.Urgent): the catch-up then has only the last checkpoint's worth of writes to copy.
 */
const PAUSE_MS = 100;
/** How often a catch-up is tried again when something (another process's reader) keeps it from finishing. */
const CATCH_UP_TRIES = 20;
const CATCH_UP_PAUSE_MS = 5;
/** After a failure (a full disk), the next try waits this long: the cause is logged once, not in a loop. */
const FAILURE_PAUSE_MS = 1000;

/** The largest -wal file emptied when writes pause: its truncate takes a few ms at most. */
const TRUNCATE_MAX_BYTES = 4 * 1024 * 1024;
const walFileSize = () => statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0;

const db = new Database(path, { timeout: 0 });
// The checkpoint's syncs (the WAL before it is copied, the database after) follow the store's setting.
db.pragma(`synchronous = ${synchronous}`);
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
// With nothing left to copy it only takes the write lock for a truncate; when a writer or a
// reader is there it does nothing and says busy: no waiting (timeout 0), so it never holds the
// write lock while it waits for readers, and the request connection never waits on it.
const truncate = db.prepare('PRAGMA wal_checkpoint(TRUNCATE)');

/** Every frame of the WAL is in the database: the next write transaction starts the WAL again. */
function caughtUp(): boolean {
  const r = checkpoint.get() as { busy: number; log: number; checkpointed: number };
  return r.busy === 0 && r.log === r.checkpointed;
}

let seen = Atomics.load(slots, Slot.Wake) - 1;
let answered = 0;
let failing = false;
for (;;) {
  if (Atomics.load(slots, Slot.Wake) === seen) Atomics.wait(slots, Slot.Wake, seen);
  if (Atomics.load(slots, Slot.Stop) !== 0) break;
  // Read before the checkpoint starts: commits after this one wake the loop again.
  seen = Atomics.load(slots, Slot.Wake);
  const request = Atomics.load(slots, Slot.Request);
  try {
    let done = caughtUp();
    if (request !== answered) {
      // The request connection holds its writes until this answer: with none coming in, the
      // checkpoint catches up unless another process reads an older snapshot.
      for (let i = 1; !done && i < CATCH_UP_TRIES && Atomics.load(slots, Slot.Stop) === 0; i++) {
        Atomics.wait(slots, Slot.Stop, 0, CATCH_UP_PAUSE_MS);
        done = caughtUp();
      }
      answered = request;
      post({ kind: 'caught-up', request, done });
    }
    if (failing) post({ kind: 'recovered' });
    failing = false;
    if (Atomics.load(slots, Slot.Urgent) === 0) Atomics.wait(slots, Slot.Request, answered, PAUSE_MS);
    // Quiet since a checkpoint that caught up: a small WAL file is emptied (0 bytes, as SQLite
    // leaves it on close), so the next writes append to it, as with SQLite's own checkpoints: on
    // a full disk they are refused, rather than taken or refused by their size in what is left of
    // an older WAL. Not a large one: the truncate holds the write lock, 40 to 90 ms for 64 MiB.
    if (done && Atomics.load(slots, Slot.Wake) === seen && walFileSize() <= TRUNCATE_MAX_BYTES) truncate.get();
  } catch (e) {
    if (request !== answered) {
      answered = request;
      post({ kind: 'caught-up', request, done: false });
    }
    if (!failing) post({ kind: 'failed', code: String((e as { code?: unknown }).code ?? ''), message: (e as Error).message });
    failing = true;
    Atomics.wait(slots, Slot.Stop, 0, FAILURE_PAUSE_MS);
  }
}
db.close();
