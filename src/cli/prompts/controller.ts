import { type KeyLike, splitKeys } from '../../tui/model/keymap.js';

export type { KeyLike };

/** How a prompt ended: with its value, or cancelled (Esc, Ctrl-C). */
export type Outcome<T> = { done: true; value: T } | { done: false };

/** A prompt's state after a key, and its outcome once it has one. */
export interface Step<S, T> {
  readonly state: S;
  readonly outcome?: Outcome<T>;
}

/** What a key does to a prompt: pure, so each prompt's keys are tested without a terminal. */
export type KeyHandler<S, T> = (state: S, input: string, key: KeyLike) => Step<S, T>;

/**
 * One prompt's state, kept outside the components (as the dashboard's controller is): the view
 * reads it with useSyncExternalStore and hands it every key. Ctrl-C cancels any prompt: in raw
 * mode the terminal sends it as a key, not as SIGINT.
 */
export class PromptController<S, T> {
  private step: Step<S, T>;
  private readonly listeners = new Set<() => void>();
  private settle: (outcome: Outcome<T>) => void = () => undefined;
  /**
   * The outcome, once the view has drawn it: the frame left on the terminal is the final one (a
   * card number masked), never the one before Enter.
   */
  readonly answer: Promise<Outcome<T>>;

  constructor(
    state: S,
    private readonly onKey: KeyHandler<S, T>,
  ) {
    this.step = { state };
    this.answer = new Promise((resolve) => (this.settle = resolve));
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getStep = (): Step<S, T> => this.step;

  /** A key, or several typed or pasted at once ("12.34\r" types, then submits). */
  press = (input: string, key: KeyLike): void => {
    for (const [text, k] of keysOf(input, key)) {
      if (this.step.outcome) break;
      this.step = k.ctrl && text === 'c' ? { state: this.step.state, outcome: { done: false } } : this.onKey(this.step.state, text, k);
    }
    for (const listener of this.listeners) listener();
  };

  /** Called by the view once the frame of the outcome is on the terminal. */
  drawn = (): void => {
    if (this.step.outcome) this.settle(this.step.outcome);
  };
}

/**
 * The keys of one chunk of input: splitKeys, with every control character inside a chunk read as
 * its Ctrl key (splitKeys reads Ctrl-U and Ctrl-W; a Ctrl-C typed along with other keys must
 * cancel too). Ink reports such a chunk, as a fast typist or tmux send-keys delivers it, as one
 * plain string.
 */
export function keysOf(input: string, key: KeyLike): [string, KeyLike][] {
  return splitKeys(input, key).map(([text, k]): [string, KeyLike] => {
    const code = text.length === 1 ? text.charCodeAt(0) : 0;
    return code >= 1 && code <= 26 ? [String.fromCharCode(code + 96), { ...k, ctrl: true }] : [text, k];
  });
}
