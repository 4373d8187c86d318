import { Box, Text } from 'ink';
import { formatMoney } from '../../money/amount.js';
import type { Mode } from '../model/controller.js';

export interface PromptLineProps {
  mode: Mode;
  width: number;
  /** The filter in force, shown while the list is filtered. */
  filter?: string;
  scanned?: number;
  /** `G` reading on to the end: the rows read so far. */
  seeking?: { rows: number };
}

/**
 * The line where the user types: the filter, a refund or shipment amount, and the confirmation
 * that shows what remains after the operation, before anything is sent.
 */
export function PromptLine({ mode, width, filter, scanned = 0, seeking }: PromptLineProps) {
  switch (mode.name) {
    case 'list': {
      const parts = [
        ...(seeking ? [`to the last row: ${seeking.rows.toLocaleString('en-US')} rows read · any key stops`] : []),
        ...(filter !== undefined
          ? [`filter "${filter}" · ${scanned.toLocaleString('en-US')} rows scanned · / to change, esc to clear`]
          : []),
      ];
      if (parts.length === 0) return null;
      return (
        <Text wrap="truncate-end" color="cyan">
          {parts.join(' · ')}
        </Text>
      );
    }
    case 'filter':
      return (
        <Text wrap="truncate-end">
          <Text color="cyan">filter /</Text> {mode.text}
          <Text inverse> </Text>
        </Text>
      );
    case 'amount': {
      const { tx } = mode;
      const label =
        mode.action === 'refund'
          ? `refund ${tx.id}: ${formatMoney(tx.remaining, tx.currency)} remains. Amount in ${tx.currency} (empty: all):`
          : `ship against ${tx.id}: ${formatMoney(tx.remaining, tx.currency)} left to ship. Amount in ${tx.currency}:`;
      return (
        <Box flexDirection="column" width={width}>
          <Text wrap="truncate-end">
            <Text color="cyan">{label}</Text> {mode.text}
            <Text inverse> </Text>
          </Text>
          {mode.error ? (
            <Text color="red" wrap="truncate-end">
              {mode.error}
            </Text>
          ) : null}
        </Box>
      );
    }
    case 'confirm': {
      const { tx } = mode;
      const after = formatMoney(tx.remaining - mode.amount, tx.currency);
      const amount = formatMoney(mode.amount, tx.currency);
      const text =
        mode.action === 'refund'
          ? `Refund ${mode.all ? `all that remains, ${amount}` : amount} on ${tx.id}? Remaining after: `
          : `Ship ${amount} against ${tx.id}? Left to ship after: `;
      return (
        <Text wrap="truncate-end">
          <Text color="yellow">{text}</Text>
          <Text bold>{after}</Text>
          <Text color="yellow">{mode.busy ? '  sending…' : '  [y/N]'}</Text>
        </Text>
      );
    }
    default:
      return null;
  }
}
