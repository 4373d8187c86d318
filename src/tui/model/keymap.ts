import type { Mode } from './controller.js';

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
}

export type KeyAction =
  | { type: 'move'; by: number }
  | { type: 'page'; direction: 1 | -1 }
  | { type: 'home' }
  | { type: 'filter' }
  | { type: 'detail' }
  | { type: 'refund' }
  | { type: 'ship' }
  | { type: 'merchants' }
  | { type: 'quit' }
  | { type: 'cancel' }
  | { type: 'submit' }
  | { type: 'confirm' }
  | { type: 'text'; text: string }
  | { type: 'backspace' };

/** Which key does what, in each mode. Pure, so the bindings are tested without a terminal. */
export function keyAction(mode: Mode['name'], input: string, key: KeyLike): KeyAction | undefined {
  if (key.ctrl && input === 'c') return { type: 'quit' };
  switch (mode) {
    case 'list':
      return listKey(input, key);
    case 'picker':
      if (key.return) return { type: 'submit' };
      if (key.escape) return { type: 'cancel' };
      if (input === 'q') return { type: 'quit' };
      return moveKey(input, key);
    case 'filter':
    case 'amount':
      if (key.return) return { type: 'submit' };
      if (key.escape) return { type: 'cancel' };
      // Terminals send DEL (0x7f) for the Backspace key, which Ink reports as `delete`.
      if (key.backspace || key.delete) return { type: 'backspace' };
      if (key.ctrl || key.meta || key.tab || input === '') return undefined;
      return { type: 'text', text: input };
    case 'confirm':
      if (key.return || input === 'y' || input === 'Y') return { type: 'confirm' };
      if (key.escape || input === 'n' || input === 'N' || input === 'q') return { type: 'cancel' };
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
    case 'm':
      return { type: 'merchants' };
    case 'q':
      return { type: 'quit' };
    case 'g':
      return { type: 'home' };
  }
  return moveKey(input, key);
}

function moveKey(input: string, key: KeyLike): KeyAction | undefined {
  if (key.upArrow || input === 'k') return { type: 'move', by: -1 };
  if (key.downArrow || input === 'j') return { type: 'move', by: 1 };
  if (key.pageUp) return { type: 'page', direction: -1 };
  if (key.pageDown || input === ' ') return { type: 'page', direction: 1 };
  if (key.home) return { type: 'home' };
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
    return [ch, NO_KEY];
  });
}

/** The help line for each mode. */
export function helpText(mode: Mode['name'], detailOpen: boolean): string {
  switch (mode) {
    case 'list':
      return `↑↓/j/k move  PgUp/PgDn page  g top  / filter  enter ${detailOpen ? 'close detail' : 'detail'}  r refund  s ship  m merchant  q quit`;
    case 'picker':
      return '↑↓/j/k move  enter open  esc back  q quit';
    case 'filter':
      return 'type id, cid, amount (74.12) or status  enter apply (empty: clear)  esc cancel';
    case 'amount':
      return 'type the amount  enter continue  esc cancel';
    case 'confirm':
      return 'y/enter confirm  n/esc cancel';
  }
}
