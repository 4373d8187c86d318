import { Box, Text } from 'ink';
import { fit } from '../model/columns.js';
import type { DashboardSummary } from '../model/dashboard-source.js';
import { facetActive, facetsOf, facetWord } from '../model/facets.js';
import { scrollTop } from '../model/viewport.js';

export interface FacetPickerProps {
  summary?: DashboardSummary;
  filter?: string;
  selected: number;
  height: number;
  width: number;
}

/** `f`: the statuses and kinds with their counts over the range; the ones in the filter are marked. */
export function FacetPicker({ summary, filter, selected, height, width }: FacetPickerProps) {
  const facets = facetsOf(summary);
  const rows = Math.max(1, height - 1);
  const top = scrollTop(0, selected, rows, facets.length);
  const counted = summary ? (summary.sampled ? `counts of the newest ${summary.counted.toLocaleString('en-US')}` : 'counts') : 'counting…';
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold underline wrap="truncate-end">
        {fit(`facets · ${counted} · enter filters by one, again removes it`, width)}
      </Text>
      {facets.length === 0 ? <Text dimColor>{summary ? 'no transactions in this range' : 'counting…'}</Text> : null}
      {facets.slice(top, top + rows).map((f, i) => (
        <Text key={facetWord(f)} inverse={top + i === selected} wrap="truncate-end">
          {fit(
            `${facetActive(filter, f) ? '●' : ' '} ${f.facet.padEnd(7)} ${f.value.padEnd(19)}${f.count.toLocaleString('en-US').padStart(10)}`,
            width,
          )}
        </Text>
      ))}
    </Box>
  );
}
