import { Text } from 'ink';
import type { Step } from './controller.js';
import { Mark } from './Mark.js';

export interface Question {
  text: string;
  /** The figure the answer turns on (what remains after a refund), in bold after the text. */
  emphasis?: string;
}

/** A yes/no question; answered, it says which. */
export function ConfirmPrompt({ question, step }: { question: Question; step: Step<null, boolean> }) {
  const { outcome } = step;
  const answer = !outcome ? '' : !outcome.done ? 'cancelled' : outcome.value ? 'yes' : 'no';
  return (
    <Text>
      <Mark outcome={outcome} /> {question.text}
      {question.emphasis ? <Text bold>{` ${question.emphasis}`}</Text> : null}
      <Text dimColor> [y/N] </Text>
      {outcome ? answer : <Text inverse> </Text>}
    </Text>
  );
}
