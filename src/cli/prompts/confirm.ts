import { keyAction } from '../../tui/model/keymap.js';
import type { KeyHandler } from './controller.js';

/**
 * The dashboard's confirmation keys (tui/model/keymap.ts): only y or Y says yes. Enter says no,
 * as the [y/N] promises, so a refund is never confirmed by a key pressed out of habit; n, q and
 * Esc say no too; other keys do nothing.
 */
export const confirmKeys: KeyHandler<null, boolean> = (state, input, key) => {
  const action = keyAction('confirm', input, key);
  if (action?.type === 'confirm') return { state, outcome: { done: true, value: true } };
  if (action?.type === 'cancel') return { state, outcome: { done: true, value: false } };
  return { state };
};
