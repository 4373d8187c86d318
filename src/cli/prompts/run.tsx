import { render } from 'ink';
import type { ReactNode } from 'react';
import { Bound } from './Bound.js';
import type { Outcome, PromptController, Step } from './controller.js';

/**
 * Shows one prompt on stderr (stdout keeps the command's result, --json included) until it is
 * answered, and leaves its final frame there: the answer, a card number masked. Ink's own Ctrl-C
 * exit is off: Ctrl-C cancels the prompt and the command says so with its exit code.
 */
export async function runPrompt<S, T>(controller: PromptController<S, T>, view: (step: Step<S, T>) => ReactNode): Promise<Outcome<T>> {
  // No echo from the start: Ink's input hook goes live only after the first frame, and a key typed
  // in between would be echoed by the terminal as typed (card digits in clear) and left there.
  process.stdin.setRawMode?.(true);
  const instance = render(<Bound controller={controller} view={view} />, {
    stdout: process.stderr,
    stderr: process.stderr,
    stdin: process.stdin,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  try {
    return await controller.answer;
  } finally {
    instance.unmount();
    await instance.waitUntilExit();
    process.stdin.setRawMode?.(false);
  }
}
