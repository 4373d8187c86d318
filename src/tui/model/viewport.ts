/**
 * Selection and scrolling over a list, as pure functions: the controller keeps the selection on a
 * transaction id and asks these for the index and the first visible row.
 */

export function clampIndex(index: number, length: number): number {
  if (length <= 0) return -1;
  return Math.max(0, Math.min(length - 1, index));
}

/** The first visible row so that `selected` is on screen, moving the view as little as possible. */
export function scrollTop(top: number, selected: number, height: number, length: number): number {
  if (height <= 0 || length <= 0) return 0;
  let t = top;
  if (selected >= 0 && selected < t) t = selected;
  if (selected >= t + height) t = selected - height + 1;
  return Math.max(0, Math.min(t, Math.max(0, length - height)));
}

/** The index that now holds `id`, or the old index kept in range when the id is gone. */
export function reselect<T>(items: readonly T[], idOf: (item: T) => string, id: string | undefined, previous: number): number {
  if (id !== undefined) {
    const i = items.findIndex((item) => idOf(item) === id);
    if (i >= 0) return i;
  }
  return clampIndex(previous, items.length);
}
