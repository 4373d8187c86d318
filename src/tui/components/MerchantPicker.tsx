import { Box, Text } from 'ink';
import { fit } from '../model/columns.js';
import type { PickerState } from '../model/controller.js';
import { scrollTop } from '../model/viewport.js';

export interface MerchantPickerProps {
  picker: PickerState;
  current?: string;
  height: number;
  width: number;
}

/** The merchants to choose from, oldest first; the current one is marked. */
export function MerchantPicker({ picker, current, height, width }: MerchantPickerProps) {
  const rows = Math.max(1, height - 1);
  const top = scrollTop(0, picker.selected, rows, picker.merchants.length);
  const visible = picker.merchants.slice(top, top + rows);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold underline wrap="truncate-end">
        {fit('choose a merchant', width)}
      </Text>
      {visible.length === 0 ? (
        <Text dimColor>
          {picker.loading ? 'reading…' : picker.failed ? 'could not read the merchants (the error is below)' : 'no merchants'}
        </Text>
      ) : null}
      {visible.map((m, i) => (
        <Text key={m.uuid} wrap="truncate-end" inverse={top + i === picker.selected}>
          {fit(`${m.uuid === current ? '●' : ' '} ${m.name.padEnd(24)} ${m.uuid}  ${m.currency}  since ${m.createdAt.slice(0, 10)}`, width)}
        </Text>
      ))}
    </Box>
  );
}
