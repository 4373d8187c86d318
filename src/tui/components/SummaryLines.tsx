import { Box, Text } from 'ink';
import type { SortOrder } from '../model/columns.js';
import type { DashboardSummary } from '../model/dashboard-source.js';
import type { RangePreset } from '../model/range.js';
import { chartText, countsText, viewText } from '../model/summary-text.js';

export interface SummaryLinesProps {
  width: number;
  range: RangePreset;
  sort: SortOrder;
  sorted?: { scanned: number; sampled: boolean };
  summary?: DashboardSummary;
  currency: string;
  now: Date;
}

/**
 * Under the totals, SUMMARY_LINES lines (model/screen-layout.ts): the chart of the recent days' paid and refunded amounts (bars, readable
 * without colour), then what the list covers (range, order) and the counts by status and kind.
 */
export function SummaryLines(props: SummaryLinesProps) {
  const { summary } = props;
  const chart = summary ? chartText(summary, props.range, props.width, props.now, props.currency) : undefined;
  return (
    <Box flexDirection="column" width={props.width}>
      {chart ? (
        <Text wrap="truncate-end">
          {chart.paidLabel}
          <Text color="green">{chart.paid}</Text>
          <Text dimColor>{chart.paidMax}</Text>
          {chart.refundedLabel}
          <Text color="yellow">{chart.refunded}</Text>
          <Text dimColor>{chart.refundedMax}</Text>
        </Text>
      ) : (
        <Text dimColor wrap="truncate-end">
          {summary ? 'chart: too narrow' : 'chart…'}
        </Text>
      )}
      <Text wrap="truncate-end">
        <Text color="cyan">{viewText(props.range, props.sort, props.sorted, props.now)}</Text>
        <Text dimColor>{` · ${countsText(summary)}`}</Text>
      </Text>
    </Box>
  );
}
