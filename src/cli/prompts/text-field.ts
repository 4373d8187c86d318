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

/** Typing as in a shell, the cursor at the end: Backspace, Ctrl-U clears, Ctrl-W deletes a word. */
export function textKeys<T>(field: TextField<T>): KeyHandler<TextState, T> {
  const edited = (text: string) => ({ state: { text } });
  return (state, input, key) => {
    if (key.return) {
      const checked = field.check(state.text);
      return checked.ok ? { state, outcome: { done: true, value: checked.value } } : { state: { ...state, error: checked.message } };
    }
    if (key.escape) return { state, outcome: { done: false } };
    if (key.backspace || key.delete) return edited(state.text.slice(0, -1));
    if (key.ctrl && input === 'u') return edited('');
    if (key.ctrl && input === 'w') return edited(state.text.replace(/\S*\s*$/, ''));
    if (key.ctrl || key.meta || key.tab || input === '') return { state };
    // Printable ASCII only: a pasted control sequence never reaches the screen.
    const typed = [...input].filter((ch) => /^[\x20-\x7e]$/.test(ch) && (field.accepts?.(ch) ?? true)).join('');
    if (typed === '') return { state };
    return edited((state.text + typed).slice(0, field.max));
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
