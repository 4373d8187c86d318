import { type Command, Option } from 'commander';
import { action } from '../run-action.js';

const JOBS = [
  {
    usage: 'pay <file>',
    job: 'PAY_JOB',
    description: 'one card payment a row: amount, card, expiry, cid (its idempotency key), merchant (optional); - for stdin',
  },
  {
    usage: 'refund <file>',
    job: 'REFUND_JOB',
    description: 'one refund a row: transaction, amount (empty: all that remains), key (its idempotency key); - for stdin',
  },
] as const;

export function registerBatch(program: Command): void {
  const batch = program
    .command('batch')
    .description('pay or refund a file of rows (CSV or NDJSON), each row once however often the file runs (docs/batch.md)');
  for (const { usage, job, description } of JOBS) {
    batch
      .command(usage)
      .description(description)
      .addOption(
        new Option('--format <format>', 'csv (with a header line) or ndjson; by default the extension, else the first character').choices([
          'csv',
          'ndjson',
        ]),
      )
      .action(
        action(async (ctx, file: string, opts: { format?: 'csv' | 'ndjson' }) => {
          const [{ runBatch }, jobs] = await Promise.all([import('../batch/run.js'), import('../batch/jobs.js')]);
          await runBatch(ctx, file, opts.format, jobs[job]);
        }),
      );
  }
}
