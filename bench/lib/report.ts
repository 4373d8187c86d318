import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { round } from './stats.js';

/**
 * One line of the bench table: an esipay figure beside its baseline measured in the same run,
 * their ratio, and the target it is held to.
 *
 * Targets: "min-ratio" (throughput: esipay ≥ value × baseline), "max-ratio" (wall time: esipay ≤
 * value × baseline), "max" (an absolute ceiling on the esipay figure: latency, memory).
 */
export interface Row {
  section: string;
  measure: string;
  unit: string;
  esipay: number | null;
  baseline: number | null;
  /** What the baseline is, in a few words. */
  baselineName: string | null;
  /** esipay ÷ baseline. */
  ratio: number | null;
  target: Target | null;
  result: 'PASS' | 'MISS' | 'info' | 'not run';
  note?: string;
}

/** max: below the value (< 500 ms); at-most: up to it (≤ 10 ms), as the issue that set it says. */
export type Target =
  | { kind: 'min-ratio'; value: number }
  | { kind: 'max-ratio'; value: number }
  | { kind: 'max'; value: number }
  | { kind: 'at-most'; value: number };

export function row(r: Omit<Row, 'ratio' | 'result'> & { result?: Row['result'] }): Row {
  const ratio = r.esipay !== null && r.baseline !== null && r.baseline > 0 ? r.esipay / r.baseline : null;
  let result: Row['result'] = r.result ?? 'info';
  if (r.target && r.esipay !== null && !r.result) {
    const t = r.target;
    if (t.kind === 'max') result = r.esipay < t.value ? 'PASS' : 'MISS';
    else if (t.kind === 'at-most') result = r.esipay <= t.value ? 'PASS' : 'MISS';
    else if (ratio === null) result = 'MISS';
    else if (t.kind === 'min-ratio') result = ratio >= t.value ? 'PASS' : 'MISS';
    else result = ratio <= t.value ? 'PASS' : 'MISS';
  }
  if (r.esipay === null && !r.result) result = 'not run';
  return { ...r, ratio: ratio === null ? null : round(ratio, 3), result };
}

/** A measure that could not run (a missing part), kept in the table so its absence is visible. */
export function notRun(section: string, measure: string, why: string, target: Target | null = null): Row {
  return {
    section,
    measure,
    unit: '',
    esipay: null,
    baseline: null,
    baselineName: null,
    ratio: null,
    target,
    result: 'not run',
    note: why,
  };
}

function formatValue(v: number | null, unit: string): string {
  if (v === null) return '—';
  if (unit === 'ms') return v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0);
  if (unit === 'MB') return v.toFixed(0);
  return Math.round(v).toLocaleString('en-US');
}

function formatRatio(r: Row): string {
  if (r.ratio === null) return '—';
  if (r.target?.kind === 'max-ratio' || r.unit === 'ms' || r.unit === 'MB') return `${r.ratio.toFixed(2)}×`;
  return `${(r.ratio * 100).toFixed(0)}%`;
}

function formatTarget(t: Target | null, unit: string): string {
  if (!t) return '';
  if (t.kind === 'min-ratio') return `≥ ${Math.round(t.value * 100)}%`;
  if (t.kind === 'max-ratio') return `≤ ${t.value}×`;
  return `${t.kind === 'at-most' ? '≤' : '<'} ${t.value} ${unit}`;
}

const measureLabel = (r: Row) => (r.unit === 'ms' || r.unit === 'MB' ? `${r.measure} (${r.unit})` : r.measure);

const HEADERS = ['section', 'measure', 'esipay', 'baseline', 'ratio', 'target', 'result'] as const;

export function tableLines(rows: readonly Row[]): string[] {
  const cells = rows.map((r) => [
    r.section,
    measureLabel(r),
    formatValue(r.esipay, r.unit),
    r.baseline === null ? '—' : `${formatValue(r.baseline, r.unit)} ${r.baselineName ?? ''}`.trim(),
    formatRatio(r),
    formatTarget(r.target, r.unit),
    r.result === 'info' ? '' : r.result,
  ]);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) =>
    c
      .map((v, i) => (i >= 2 && i <= 4 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join(' | ')
      .trimEnd();
  const out = [line(HEADERS), widths.map((w) => '-'.repeat(w)).join('-|-')];
  for (const c of cells) out.push(line(c));
  const count = (result: Row['result']) => rows.filter((r) => r.result === result).length;
  out.push('', `${count('PASS')} PASS, ${count('MISS')} MISS, ${count('not run')} not run`);
  const notes = rows.filter((r) => r.note).map((r) => `- ${r.section} / ${r.measure}: ${r.note}`);
  if (notes.length) out.push('', ...notes);
  return out;
}

/** The same table as Markdown, for docs/performance.md. */
export function markdownTable(rows: readonly Row[]): string {
  const lines = ['| section | measure | esipay | baseline | ratio | target | result |', '|---|---|--:|---|--:|---|---|'];
  for (const r of rows) {
    lines.push(
      `| ${r.section} | ${measureLabel(r)} | ${formatValue(r.esipay, r.unit)} | ${
        r.baseline === null ? '—' : `${formatValue(r.baseline, r.unit)} ${r.baselineName ?? ''}`.trim()
      } | ${formatRatio(r)} | ${formatTarget(r.target, r.unit)} | ${r.result === 'info' ? '' : r.result} |`,
    );
  }
  return lines.join('\n');
}

export function machine() {
  const c = cpus();
  return {
    cpus: c.length,
    cpuModel: c[0]?.model ?? 'unknown',
    memoryGB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

export function writeResults(file: string, doc: { startedAt: string; finishedAt: string; options: unknown; rows: Row[] }): void {
  writeFileSync(file, JSON.stringify({ machine: machine(), ...doc }, null, 2) + '\n');
}
