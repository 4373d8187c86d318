import type { CommandContext } from '../context.js';
import { type BatchFormat, countRows, openBatchInput, type RowItem, type RowShape } from './input.js';
import { exitCodeOfBatch, type FailureClass, failureOf, type RowOutcome } from './outcome.js';
import { duration, Progress } from './progress.js';
import { inOrder } from './window.js';

/** Rows in flight at once: enough to hide each row's round trips, few enough to be gentle with a service. */
export const IN_FLIGHT = 8;

/** Exit code after Ctrl-C, as shells report a command stopped by SIGINT. */
const INTERRUPTED = 130;

/** One kind of batch: its file's columns, and how a row is run once the file is open. */
export interface BatchJob {
  /** "pay", "refund". */
  name: string;
  shape: RowShape;
  /** Opens the engine (after the file is checked: a missing file or a bad header costs nothing). */
  start(ctx: CommandContext): Promise<RowRunner>;
}

export interface RowRunner {
  /** Does the row's operation: what it did (for its outcome) and whether an earlier run had done it. */
  run(values: Readonly<Record<string, unknown>>): Promise<{ already: boolean; fields: Record<string, unknown> }>;
  /** The fields of a failed row's outcome that say which row it is (its cid, its key). */
  context(values: Readonly<Record<string, unknown>>): Record<string, unknown>;
}

/**
 * Runs a batch file: each row once, IN_FLIGHT at a time, outcomes in the order of the rows. Where
 * they go: one NDJSON line per row on stdout when it is not a terminal; on a terminal, a progress
 * bar (rate, ETA) on stderr and the failed rows; with --json, one document at the end. A summary
 * line on stderr in every case, and the exit code of outcome.ts's rule. Ctrl-C stops taking rows:
 * those in flight finish and are reported, and running the same file again goes on where it stopped.
 */
export async function runBatch(ctx: CommandContext, path: string, format: BatchFormat | undefined, job: BatchJob): Promise<void> {
  const input = await openBatchInput(path, job.shape, format);
  const runner = await job.start(ctx);
  const out = ctx.out;
  const stdoutTty = Boolean(out.stdout.isTTY) && !out.json;
  const barWanted = Boolean(out.stderr.isTTY);
  const progress = new Progress(out.stderr, {
    total: barWanted ? await countRows(path, input.format) : undefined,
    unit: 'rows',
  });

  const counts = { rows: 0, ok: 0, failed: 0, already: 0 };
  const classes = new Set<FailureClass>();
  const collected: RowOutcome[] = [];
  let stopping = false;
  let lastRow = 0;

  const onInterrupt = () => {
    if (stopping) process.exit(INTERRUPTED);
    stopping = true;
    progress.note(() => out.info('stopping: the rows in flight finish first (Ctrl-C again to stop at once)'));
  };
  process.on('SIGINT', onInterrupt);

  const work = async (item: RowItem): Promise<{ outcome: RowOutcome; failure?: FailureClass }> => {
    if ('error' in item) {
      return {
        outcome: { row: item.row, line: item.line, ok: false, error: { code: 'invalid_row', message: item.error } },
        failure: 'input',
      };
    }
    try {
      const { already, fields } = await runner.run(item.values);
      return { outcome: { row: item.row, line: item.line, ok: true, already, ...fields } };
    } catch (e) {
      const f = failureOf(item.row, item.line, runner.context(item.values), e, out.stderr);
      return { outcome: f.outcome, failure: f.class };
    }
  };

  const report = ({ outcome, failure }: { outcome: RowOutcome; failure?: FailureClass }) => {
    counts.rows++;
    lastRow = outcome.row;
    if (failure) {
      counts.failed++;
      classes.add(failure);
    } else if (outcome.already) counts.already++;
    else counts.ok++;
    progress.tick();
    if (out.json) collected.push(outcome);
    else if (!stdoutTty) out.stdout.write(JSON.stringify(outcome) + '\n');
    else if (failure) progress.note(() => out.stdout.write(humanFailure(outcome) + '\n'));
  };

  let finished: boolean;
  try {
    finished = await inOrder(input.rows, IN_FLIGHT, work, report, () => stopping);
  } finally {
    process.off('SIGINT', onInterrupt);
    progress.stop();
  }

  const summary = `${counts.ok} ok, ${counts.failed} failed, ${counts.already} already done`;
  const took = duration(progress.seconds);
  if (finished) out.info(`batch ${job.name}: ${counts.rows} rows, ${summary} (${took})`);
  else
    out.info(
      `batch ${job.name}: interrupted after row ${lastRow}, ${summary} (${took}); the rows after it were not started: run the same file again to go on`,
    );
  if (out.json)
    out.result(
      { rows: counts.rows, ok: counts.ok, failed: counts.failed, alreadyDone: counts.already, interrupted: !finished, results: collected },
      () => '',
    );
  process.exitCode = finished ? exitCodeOfBatch(classes) : INTERRUPTED;
}

function humanFailure(o: RowOutcome): string {
  const e = o.error;
  return `row ${o.row} (line ${o.line}): ${e ? `${e.code}: ${e.message}${e.hint ? ` (${e.hint})` : ''}` : 'failed'}`;
}
