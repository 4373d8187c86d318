import { Box, Text } from 'ink';
import type { Step } from './controller.js';
import { Mark } from './Mark.js';
import type { TextField, TextState } from './text-field.js';

const TONES = { ok: 'green', bad: 'red', plain: undefined } as const;

/**
 * One question on one line, the refusal under it. Once answered the line shows the accepted
 * form (a card number masked) and nothing else; cancelled, it shows none of what was typed.
 */
export function TextPrompt<T>({ field, step }: { field: TextField<T>; step: Step<TextState, T> }) {
  const { state, outcome } = step;
  const asking = !outcome;
  const shown = outcome?.done === false ? '' : (field.show?.(state.text, !asking) ?? state.text);
  const aside = asking ? field.aside?.(state.text) : undefined;
  return (
    <Box flexDirection="column">
      <Text>
        <Mark outcome={outcome} /> <Text bold>{field.label}</Text>
        {field.hint ? <Text dimColor> ({field.hint})</Text> : null}: {shown}
        {asking ? <Text inverse> </Text> : null}
        {outcome?.done === false ? <Text dimColor>cancelled</Text> : null}
        {aside ? <Text color={TONES[aside.tone]}>{`  ${aside.text}`}</Text> : null}
      </Text>
      {asking && state.error ? <Text color="red">{`  ${state.error}`}</Text> : null}
    </Box>
  );
}
