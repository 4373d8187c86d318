import { Box, Text } from 'ink';
import { scrollTop } from '../../tui/model/viewport.js';
import type { Step } from './controller.js';
import { Mark } from './Mark.js';
import { matching, type PickerState } from './picker.js';

export interface PickerPromptProps {
  label: string;
  step: Step<PickerState, string>;
  /** How many choices show at once. */
  rows: number;
}

/** The choices that match what is typed, the selected one marked; answered, only the one chosen. */
export function PickerPrompt({ label, step, rows }: PickerPromptProps) {
  const { state, outcome } = step;
  if (outcome) {
    const chosen = outcome.done ? state.choices.find((c) => c.value === outcome.value) : undefined;
    return (
      <Text>
        <Mark outcome={outcome} /> <Text bold>{label}</Text>: {chosen ? `${chosen.label} ${chosen.value}` : <Text dimColor>cancelled</Text>}
      </Text>
    );
  }
  const shown = matching(state.choices, state.filter);
  const top = scrollTop(0, state.selected, rows, shown.length);
  return (
    <Box flexDirection="column">
      <Text>
        <Mark outcome={outcome} /> <Text bold>{label}</Text>
        <Text dimColor> (type to filter, ↑↓ enter, esc cancels)</Text>: {state.filter}
        <Text inverse> </Text>
      </Text>
      {shown.slice(top, top + rows).map((c, i) => {
        const selected = top + i === state.selected;
        return (
          <Text key={c.value} wrap="truncate-end" {...(selected ? { color: 'cyan' } : {})}>
            {`${selected ? '❯' : ' '} ${c.label}  `}
            <Text dimColor={!selected}>{[c.value, c.detail].filter(Boolean).join('  ')}</Text>
          </Text>
        );
      })}
      <Text dimColor>{`  ${shown.length} of ${state.choices.length}`}</Text>
      {state.error ? <Text color="red">{`  ${state.error}`}</Text> : null}
    </Box>
  );
}
