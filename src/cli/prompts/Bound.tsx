import { useInput } from 'ink';
import { type ReactNode, useEffect, useSyncExternalStore } from 'react';
import type { PromptController, Step } from './controller.js';

export interface BoundProps<S, T> {
  controller: PromptController<S, T>;
  view: (step: Step<S, T>) => ReactNode;
}

/**
 * A prompt's pure view, wired to its controller: keys go in, state comes out. Once the outcome
 * is drawn (the effect runs after the frame is committed) the controller answers.
 */
export function Bound<S, T>({ controller, view }: BoundProps<S, T>) {
  const step = useSyncExternalStore(controller.subscribe, controller.getStep);
  useInput((input, key) => controller.press(input, key), { isActive: !step.outcome });
  useEffect(() => {
    if (step.outcome) controller.drawn();
  }, [controller, step]);
  return view(step);
}
