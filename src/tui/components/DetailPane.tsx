import type { ReactNode } from 'react';
import { Box, Text } from 'ink';
import type { TransactionDetail } from '../../domain/types.js';
import { formatMoney } from '../../money/amount.js';
import { callbackLine } from '../model/callback.js';
import { fit } from '../model/columns.js';
import type { DetailState } from '../model/controller.js';
import type { TxEvent } from '../model/dashboard-source.js';
import { shownStatus, statusColor } from '../model/status.js';

export interface DetailPaneProps {
  detail: DetailState;
  height: number;
  width: number;
}

/**
 * One transaction in full: the masked card (first 6, last 4), every refund and shipment with its
 * time and amount, what became of its callback, and its events when the DashboardSource gives
 * them. Lines beyond the pane's height are counted, not wrapped.
 */
export function DetailPane({ detail, height, width }: DetailPaneProps) {
  const title = fit(`── detail ${detail.id} ${'─'.repeat(width)}`, width);
  let body: ReactNode[];
  if (detail.error)
    body = [
      <Text key="e" color="red" wrap="truncate-end">
        {detail.error}
      </Text>,
    ];
  else if (!detail.data)
    body = [
      <Text key="l" dimColor>
        reading…
      </Text>,
    ];
  else body = detailLines(detail.data, detail.events);
  const room = Math.max(0, height - 1);
  const shown =
    body.length > room
      ? [
          ...body.slice(0, Math.max(0, room - 1)),
          <Text key="more" dimColor>{`… ${body.length - room + 1} more lines (tx show ${detail.id})`}</Text>,
        ]
      : body;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text dimColor>{title}</Text>
      {shown}
    </Box>
  );
}

function detailLines(t: TransactionDetail, events: readonly TxEvent[] | undefined): ReactNode[] {
  const money = (n: number) => formatMoney(n, t.currency);
  const line = (key: string, text: ReactNode) => (
    <Text key={key} wrap="truncate-end">
      {text}
    </Text>
  );
  const lines: ReactNode[] = [];
  lines.push(
    line(
      'head',
      <>
        <Text color={statusColor(shownStatus(t))}>{shownStatus(t)}</Text>
        {`  ${t.kind}  amount ${money(t.amount)}  `}
        {t.kind === 'initial' ? `shipped ${money(t.shipped ?? 0)}  left to ship ` : `refunded ${money(t.refunded)}  remaining `}
        <Text bold>{money(t.remaining)}</Text>
      </>,
    ),
  );
  const card = t.card ? `${t.card.brand} ${t.card.first6}…${t.card.last4}` : 'none';
  lines.push(line('card', `card ${card}  cid ${t.cid}  created ${t.createdAt}`));
  const cb = callbackLine(t, events);
  lines.push(
    line(
      'cb',
      <>
        {'callback '}
        {cb.ok === false ? <Text color="red">{cb.text}</Text> : cb.text}
      </>,
    ),
  );
  if (t.expiresAt) lines.push(line('exp', `authorisation valid until ${t.expiresAt}`));
  if (t.parent) {
    const g =
      t.withinGuarantee === undefined
        ? ''
        : t.withinGuarantee
          ? '  within the 30-day payment guarantee'
          : '  outside the 30-day payment guarantee';
    lines.push(line('parent', `shipment of ${t.parent}${g}`));
  }
  if (t.reason) lines.push(line('reason', `reason ${t.reason}`));
  lines.push(line('rh', t.refunds.length === 0 ? 'refunds: none' : `refunds (${t.refunds.length}):`));
  for (const r of t.refunds) lines.push(line(`r${r.id}`, `  ${r.createdAt}  ${money(r.amount).padStart(16)}  ${r.id}`));
  if (t.kind === 'initial') {
    lines.push(line('sh', t.shipments.length === 0 ? 'shipments: none' : `shipments (${t.shipments.length}):`));
    for (const s of t.shipments) {
      lines.push(line(`s${s.id}`, `  ${s.createdAt}  ${money(s.amount).padStart(16)}  ${s.status.padEnd(18)} ${s.id}`));
    }
  }
  // The events of the DashboardSource, when it gives them (no Engine does yet): each on its line.
  if (events && events.length > 0) {
    lines.push(line('eh', `events (${events.length}):`));
    events.forEach((e, i) =>
      lines.push(
        line(
          `e${i}`,
          <>
            {`  ${e.at}  `}
            {e.ok ? e.text : <Text color="red">{e.text}</Text>}
          </>,
        ),
      ),
    );
  }
  return lines;
}
