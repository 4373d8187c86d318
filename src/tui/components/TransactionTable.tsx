import { Box, Text } from 'ink';
import { COLUMN_GAP, cellText, fit, type Layout } from '../model/columns.js';
import { shownStatus, statusColor } from '../model/status.js';
import type { Entry } from '../model/tx-window.js';

export interface TransactionTableProps {
  entries: readonly Entry[];
  layout: Layout;
  selected: number;
  top: number;
  height: number;
  width: number;
  /** Shown when there is no row: "no transactions", "reading…". */
  empty: string;
}

/**
 * The transactions, newest first, one line each, cut to the terminal's width. Shipments are
 * indented under their initial authorisation. The remaining column — what can still be refunded,
 * or shipped for an initial authorisation — is the one an operator acts on, so it is bold.
 */
export function TransactionTable(props: TransactionTableProps) {
  const { layout, width } = props;
  const visible = props.entries.slice(props.top, props.top + Math.max(0, props.height));
  const header = layout.columns.map((c) => fit(c.title, c.width, c.align)).join(COLUMN_GAP);
  return (
    <Box flexDirection="column" width={width} height={props.height + 1}>
      <Text wrap="truncate-end" bold underline>
        {fit(header, width)}
      </Text>
      {visible.length === 0 ? <Text dimColor>{fit(props.empty, width)}</Text> : null}
      {visible.map((entry, i) => (
        <Row key={entry.tx.id} entry={entry} layout={layout} width={width} selected={props.top + i === props.selected} />
      ))}
    </Box>
  );
}

function Row({ entry, layout, width, selected }: { entry: Entry; layout: Layout; width: number; selected: boolean }) {
  let used = 0;
  const cells = layout.columns.map((c, i) => {
    const text = (i > 0 ? COLUMN_GAP : '') + fit(cellText(entry, c.key, layout), c.width, c.align);
    const room = Math.max(0, width - used);
    used += text.length;
    const shown = text.length > room ? fit(text, room) : text;
    if (c.key === 'status')
      return (
        <Text key={c.key} color={statusColor(shownStatus(entry.tx))}>
          {shown}
        </Text>
      );
    if (c.key === 'remaining')
      return (
        <Text key={c.key} bold>
          {shown}
        </Text>
      );
    if (entry.depth > 0 && c.key === 'id')
      return (
        <Text key={c.key} dimColor={!selected}>
          {shown}
        </Text>
      );
    return <Text key={c.key}>{shown}</Text>;
  });
  return (
    <Text wrap="truncate-end" inverse={selected}>
      {cells}
    </Text>
  );
}
