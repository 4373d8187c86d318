import { keyAction } from '../../tui/model/keymap.js';
import { editLine } from '../../tui/model/line-edit.js';
import type { KeyHandler } from './controller.js';

/** One thing to choose: its value (a merchant's uuid), its name, and what else identifies it. */
export interface Choice {
  value: string;
  label: string;
  detail?: string;
}

export interface PickerState {
  choices: readonly Choice[];
  filter: string;
  /** Index into the choices that match the filter. */
  selected: number;
  error?: string;
}

/** The choices whose name, value or detail contain every word of the filter, any case. */
export function matching(choices: readonly Choice[], filter: string): Choice[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  return choices.filter((c) => {
    const text = `${c.label} ${c.value} ${c.detail ?? ''}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/** ↑↓ move, typing filters (Backspace, Ctrl-U, Ctrl-W), Enter picks, Esc cancels. */
export function pickerKeys(what: string): KeyHandler<PickerState, string> {
  const filtered = (state: PickerState, filter: string) => ({ state: { ...state, filter, selected: 0, error: undefined } });
  return (state, input, key) => {
    const shown = matching(state.choices, state.filter);
    if (key.return) {
      const chosen = shown[state.selected];
      if (chosen) return { state, outcome: { done: true, value: chosen.value } };
      return { state: { ...state, error: `no ${what} matches "${state.filter}": Backspace to widen` } };
    }
    if (key.escape) return { state, outcome: { done: false } };
    if (key.upArrow) return { state: { ...state, selected: Math.max(0, state.selected - 1) } };
    if (key.downArrow) return { state: { ...state, selected: Math.max(0, Math.min(shown.length - 1, state.selected + 1)) } };
    // The filter is edited as the text prompts are (the arrows move; every letter types).
    const edit = keyAction('amount', input, key);
    if (edit?.type === 'text' || edit?.type === 'backspace' || edit?.type === 'clearLine' || edit?.type === 'deleteWord')
      return filtered(state, editLine(state.filter, edit, 64));
    return { state };
  };
}
