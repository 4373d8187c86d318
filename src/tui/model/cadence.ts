/**
 * When to read again something that sums a merchant's history (the totals, the counts): when a
 * poll saw a change, but never more often than ten times what the last read cost (a million rows
 * take a moment, during which a local engine is busy), and otherwise now and then, for changes
 * out of view.
 */
export class Cadence {
  private readAt = 0;
  private cost = 0;
  /** A change was seen since the last read. */
  due = false;

  constructor(
    private readonly minGapMs: number,
    private readonly idleMs: number,
  ) {}

  shouldRead(now: number): boolean {
    const since = now - this.readAt;
    const gap = Math.max(this.minGapMs, 10 * this.cost);
    return (this.due && since >= gap) || since >= Math.max(this.idleMs, 2 * gap);
  }

  /** Records a read that started at `startedAt` and ended at `now` (ms). */
  read(startedAt: number, now: number): void {
    this.readAt = now;
    this.cost = now - startedAt;
  }
}
