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
  }
}
