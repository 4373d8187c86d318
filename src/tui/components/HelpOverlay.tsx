import { Box, Text } from 'ink';
import { fit } from '../model/columns.js';
import { HELP_KEYS_WIDTH, helpLines } from '../model/keys-help.js';

export interface HelpOverlayProps {
  top: number;
  height: number;
  width: number;
}

/** `?`: every key, by where it applies, in place of the table; it scrolls when it is taller. */
export function HelpOverlay({ top, height, width }: HelpOverlayProps) {
  const lines = helpLines(width);
  const rows = Math.max(1, height - 1);
  const from = Math.max(0, Math.min(top, lines.length - rows));
  const shown = lines.slice(from, from + rows);
  const below = lines.length - from - shown.length;
  const title = `keys${below > 0 ? ` · ${below} more below (j/↓)` : ''}${from > 0 ? ' · more above (k/↑)' : ''} · esc closes`;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold underline wrap="truncate-end">
        {fit(title, width)}
      </Text>
      {shown.map((l, i) =>
        l.title !== undefined ? (
          <Text key={from + i} bold color="cyan" wrap="truncate-end">
            {l.title}
          </Text>
        ) : (
          <Text key={from + i} wrap="truncate-end">
            {l.keys !== undefined ? (
              <>
                {'  '}
                <Text bold>{l.does !== undefined ? fit(l.keys, HELP_KEYS_WIDTH) : l.keys}</Text>
              </>
            ) : (
              '      '
            )}
            {l.does ?? ''}
          </Text>
        ),
      )}
    </Box>
  );
}
