import { keyAction } from '../../tui/model/keymap.js';
import { editLine } from '../../tui/model/line-edit.js';
import type { KeyHandler } from './controller.js';

export type Check<T> = { ok: true; value: T } | { ok: false; message: string };

/** A note beside the text as it is typed (the card's brand), good news or bad. */
export interface Aside {
  text: string;
  tone: 'ok' | 'bad' | 'plain';
}

/** A one-line question: what it is called, what it takes, and how its answer is checked. */
export interface TextField<T> {
  label: string;
  /** The form expected, shown dimmed after the label: "MM/YYYY", "EUR, up to 2 decimals". */
  hint?: string;
  /** The longest text. */
  max: number;
  /** Whether a typed character goes in (a card number takes digits; spaces and dashes are dropped). */
  accepts?: (ch: string) => boolean;
  /** The text as the terminal shows it: as typed, or once accepted (a card number, masked). */
  show?: (text: string, accepted: boolean) => string;
  aside?: (text: string) => Aside | undefined;
  /** The value, or why Enter is refused: the message stays under the line until the text changes. */
  check: (text: string) => Check<T>;
}

export interface TextState {
  text: string;
  error?: string;
}

/**
 * Typing as in the dashboard's line prompts (the same bindings, tui/model/keymap.ts): the cursor
 * at the end, Backspace, Ctrl-U clears, Ctrl-W deletes a word, Enter submits, Esc cancels.
 */
export function textKeys<T>(field: TextField<T>): KeyHandler<TextState, T> {
  return (state, input, key) => {
    const action = keyAction('amount', input, key);
    switch (action?.type) {
      case 'submit': {
        const checked = field.check(state.text);
        return checked.ok ? { state, outcome: { done: true, value: checked.value } } : { state: { ...state, error: checked.message } };
      }
      case 'cancel':
        return { state, outcome: { done: false } };
      case 'text': {
        const typed = [...action.text].filter((ch) => field.accepts?.(ch) ?? true).join('');
        return typed === '' ? { state } : { state: { text: editLine(state.text, { type: 'text', text: typed }, field.max) } };
      }
      case 'backspace':
      case 'clearLine':
      case 'deleteWord':
        return { state: { text: editLine(state.text, action, field.max) } };
      default:
        return { state };
    }
  };
}

/** A required line of text of at most `max` characters, trimmed; `problem` adds the field's own rule. */
export function lineField(label: string, max: number, problem?: (text: string) => string | undefined): TextField<string> {
  return {
    label,
    max,
    check: (text) => {
      const value = text.trim();
      if (value === '') return { ok: false, message: `${label} is required` };
      const wrong = problem?.(value);
      return wrong ? { ok: false, message: wrong } : { ok: true, value };
    },
  };
}
