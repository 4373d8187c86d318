import { Text } from 'ink';
import type { Outcome } from './controller.js';

/** The sign before a question: ? while it is asked, ✔ answered, ✖ cancelled. */
export function Mark({ outcome }: { outcome: Outcome<unknown> | undefined }) {
  if (!outcome) return <Text color="cyan">?</Text>;
  return outcome.done ? <Text color="green">✔</Text> : <Text color="red">✖</Text>;
}
