import type { ChalkInstance } from 'chalk';
import type { TransactionView } from '../../domain/types.js';
import { formatMoney } from '../../money/amount.js';
import { renderLink } from '../commands/link.js';
import { nestShipments, renderTable, statusColor, transactionColumns } from '../render.js';
import type { ScenarioEntry } from './scenarios.js';
import type { TriggerReport, TriggerStep } from './types.js';

/** The human form of a run: where, for whom, each step with what it gave, then what it made. */
export function renderReport(c: ChalkInstance, r: TriggerReport, width: number): string {
  const lines = [`${c.bold(r.scenario)}: ${r.summary}`, `  ${c.dim('engine'.padEnd(10))}${r.engine}`];
  for (const m of r.merchants)
    lines.push(`  ${c.dim('merchant'.padEnd(10))}${m.uuid} "${m.name}" (${m.currency})`, `  ${' '.repeat(10)}${c.dim(m.why)}`);
  if (r.steps.length > 0) lines.push('', c.bold('steps'));
  const labels = Math.max(...r.steps.map((s) => s.step.length), 0);
  for (const s of r.steps)
    lines.push(`  ${s.outcome === 'failed' ? c.red('✗') : c.green('✓')} ${s.step.padEnd(labels)}  ${stepOutcome(c, s)}`);
  const rows = nestShipments(r.transactions.flatMap((t): TransactionView[] => [t, ...t.shipments]));
  if (rows.length > 0) lines.push('', c.bold('transactions'), indent(renderTable(transactionColumns(c, rows), rows, width - 2)));
  for (const l of r.links) lines.push('', c.bold('link'), renderLink(c, l));
  return lines.join('\n');
}

function stepOutcome(c: ChalkInstance, s: TriggerStep): string {
  const t = s.transaction;
  const tx = t ? `${statusColor(c, t.status)} ${formatMoney(t.amount, t.currency)}  ${c.dim(t.id)}` : '';
  if (s.outcome === 'failed') return `${c.red(`failed: ${s.code}`)} (${s.message})${tx ? `  ${tx}` : ''}`;
  if (s.outcome === 'refused') return `${c.yellow(`refused as expected: ${s.code}`)} (${s.message})${tx ? `  ${tx}` : ''}`;
  const parts = [];
  if (s.refund)
    parts.push(
      `refunded ${formatMoney(s.refund.amount, s.refund.currency)}, remaining ${formatMoney(t?.remaining ?? 0, s.refund.currency)}`,
    );
  if (s.link) parts.push(`link ${s.link.state}  ${c.dim(s.link.id)}`);
  if (tx) parts.push(tx);
  if (s.via) parts.push(c.dim(`(${s.via})`));
  return parts.join('  ');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

/** `esipay trigger --list`: one line per scenario. */
export function renderList(c: ChalkInstance, scenarios: readonly ScenarioEntry[]): string {
  const width = Math.max(...scenarios.map((s) => s.name.length));
  return scenarios.map((s) => `${c.bold(s.name.padEnd(width))}  ${s.summary}`).join('\n');
}
