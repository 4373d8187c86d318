/**
 * Runs `work` on the items of `source` with at most `size` in flight, and hands each result to
 * `done` in the order of the items (the first item's result first, whenever the others finish).
 * The source is read only as room frees up, so a file of any length is never held in memory.
 * `stopping` is asked before each new item: once it says so, no new item starts and the items
 * in flight finish. Returns whether the source was read to its end.
 */
export async function inOrder<T, R>(
  source: AsyncIterable<T>,
  size: number,
  work: (item: T) => Promise<R>,
  done: (result: R) => void,
  stopping: () => boolean = () => false,
): Promise<boolean> {
  const items = source[Symbol.asyncIterator]();
  const flight: Promise<R>[] = [];
  let exhausted = false;
  for (;;) {
    while (!exhausted && !stopping() && flight.length < size) {
      const next = await items.next();
      if (next.done) exhausted = true;
      else flight.push(work(next.value));
    }
    const head = flight.shift();
    if (head === undefined) break;
    done(await head);
  }
  if (!exhausted) await items.return?.(undefined);
  return exhausted;
}
