import type { KeyHandler } from './controller.js';

/**
 * Only y or Y says yes. Enter says no, as the [y/N] promises: a refund is never confirmed by a
 * key pressed out of habit. n and Esc say no too; other keys do nothing.
 */
export const confirmKeys: KeyHandler<null, boolean> = (state, input, key) => {
  if (input === 'y' || input === 'Y') return { state, outcome: { done: true, value: true } };
  if (key.return || key.escape || input === 'n' || input === 'N') return { state, outcome: { done: true, value: false } };
  return { state };
};
