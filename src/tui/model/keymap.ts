import type { Mode } from './controller.js';
import type { LineEdit } from './line-edit.js';

/** The parts of Ink's Key the dashboard reads (Ink's own Key type fits it). */
export interface KeyLike {
  upArrow: boolean;
  downArrow: boolean;
  pageUp: boolean;
  pageDown: boolean;
  home: boolean;
  return: boolean;
  escape: boolean;
  ctrl: boolean;
  meta: boolean;
  backspace: boolean;
  delete: boolean;
  tab: boolean;
  /** Optional: Ink's Key has it; the tests' keys may leave it out. */
  end?: boolean;
}

export type KeyAction =
  | { type: 'move'; by: number }
  | { type: 'page'; direction: 1 | -1 }
  | { type: 'home' }
  | { type: 'end' }
  | { type: 'filter' }
  | { type: 'detail' }
  | { type: 'refund' }
  | { type: 'ship' }
  | { type: 'sort' }
  | { type: 'range'; step: 1 | -1 }
  | { type: 'facets' }
  | { type: 'help' }
  | { type: 'merchants' }
  | { type: 'quit' }
  | { type: 'cancel' }
  | { type: 'submit' }
  | { type: 'confirm' }
  | LineEdit;

/** Which key does what, in each mode. Pure, so the bindings are tested without a terminal. */
export function keyAction(mode: Mode['name'], input: string, key: KeyLike): KeyAction | undefined {
  if (key.ctrl && input === 'c') return { type: 'quit' };
  switch (mode) {
    case 'list':
      return listKey(input, key);
    case 'picker':
    case 'facets':
      if (key.return) return { type: 'submit' };
      if (key.escape) return { type: 'cancel' };
      if (mode === 'facets' && (input === 'f' || input === 'q')) return { type: 'cancel' };
      if (input === 'q') return { type: 'quit' };
      return moveKey(input, key);
    case 'help':
      if (key.escape || key.return || input === '?' || input === 'q') return { type: 'cancel' };
      return moveKey(input, key);
    case 'filter':
    case 'amount':
      if (key.return) return { type: 'submit' };
      if (key.escape) return { type: 'cancel' };
      // Terminals send DEL (0x7f) for the Backspace key, which Ink reports as `delete`.
      if (key.backspace || key.delete) return { type: 'backspace' };
      if (key.ctrl && input === 'u') return { type: 'clearLine' };
      if (key.ctrl && input === 'w') return { type: 'deleteWord' };
      if (key.ctrl || key.meta || key.tab || input === '') return undefined;
      return { type: 'text', text: input };
    case 'confirm':
      // Only y sends: an enter typed a moment too late (after the amount's) must never refund.
      if (input === 'y' || input === 'Y') return { type: 'confirm' };
      if (key.return || key.escape || input === 'n' || input === 'N' || input === 'q') return { type: 'cancel' };
      return undefined;
  }
}

function listKey(input: string, key: KeyLike): KeyAction | undefined {
  if (key.return) return { type: 'detail' };
  if (key.escape) return { type: 'cancel' };
  switch (input) {
    case '/':
      return { type: 'filter' };
    case 'r':
      return { type: 'refund' };
    case 's':
      return { type: 'ship' };
    case 'o':
      return { type: 'sort' };
    case 'd':
      return { type: 'range', step: 1 };
    case 'D':
      return { type: 'range', step: -1 };
    case 'f':
      return { type: 'facets' };
    case '?':
      return { type: 'help' };
    case 'm':
      return { type: 'merchants' };
    case 'q':
      return { type: 'quit' };
  }
  return moveKey(input, key);
}

function moveKey(input: string, key: KeyLike): KeyAction | undefined {
  if (key.upArrow || input === 'k') return { type: 'move', by: -1 };
  if (key.downArrow || input === 'j') return { type: 'move', by: 1 };
  if (key.pageUp) return { type: 'page', direction: -1 };
  if (key.pageDown || input === ' ') return { type: 'page', direction: 1 };
  if (key.home || input === 'g') return { type: 'home' };
  if (key.end || input === 'G') return { type: 'end' };
  return undefined;
}

const NO_KEY: KeyLike = {
  upArrow: false,
  downArrow: false,
  pageUp: false,
  pageDown: false,
  home: false,
  return: false,
  escape: false,
  ctrl: false,
  meta: false,
  backspace: false,
  delete: false,
  tab: false,
};

/**
 * Ink hands over several characters at once when they arrive together (a paste, a fast typist,
 * tmux send-keys): "jj\r" would be one event. Split such text into one key per character, so
 * each is a command in the list and the enter at the end of a typed amount still submits it.
 */
export function splitKeys(input: string, key: KeyLike): [string, KeyLike][] {
  const special =
    key.upArrow ||
    key.downArrow ||
    key.pageUp ||
    key.pageDown ||
    key.home ||
    key.end ||
    key.return ||
    key.escape ||
    key.ctrl ||
    key.meta ||
    key.backspace ||
    key.delete ||
    key.tab;
  if (special || input.length <= 1) return [[input, key]];
  return [...input].map((ch): [string, KeyLike] => {
    if (ch === '\r' || ch === '\n') return ['', { ...NO_KEY, return: true }];
    if (ch === '\x7f' || ch === '\b') return ['', { ...NO_KEY, delete: true }];
    if (ch === '\t') return ['', { ...NO_KEY, tab: true }];
    // Ctrl-U and Ctrl-W typed in the same read as other keys (a fast typist, tmux send-keys).
    if (ch === '\x15') return ['u', { ...NO_KEY, ctrl: true }];
    if (ch === '\x17') return ['w', { ...NO_KEY, ctrl: true }];
    return [ch, NO_KEY];
  });
}
