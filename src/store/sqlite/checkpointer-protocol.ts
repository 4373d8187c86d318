/** What the request connection (checkpointer.ts) and the checkpointer's thread share. */

/** The Int32 slots of the shared buffer. */
export const Slot = {
  /** Bumped after every commit and every request: the thread checkpoints again. */
  Wake: 0,
  /** Non-zero: the thread closes its connection and ends. */
  Stop: 1,
  /** Bumped when the request connection holds its writes and waits for the WAL to be caught up. */
  Request: 2,
  /** Non-zero while the WAL nears its bound: the thread checkpoints without pausing between. */
  Urgent: 3,
} as const;
export const SLOTS = 4;

export interface CheckpointerData {
  path: string;
  synchronous: string;
  shared: SharedArrayBuffer;
}

export type CheckpointerMessage =
  /** The answer to a request: done when every frame of the WAL is in the database. */
  | { kind: 'caught-up'; request: number; done: boolean }
  /** A checkpoint failed (a full disk, a failed write): said once until one succeeds again. */
  | { kind: 'failed'; code: string; message: string }
  | { kind: 'recovered' };
