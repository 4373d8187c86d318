import { extname } from 'node:path';
import { invalid } from '../../domain/errors.js';
import type { TransactionFilters } from '../../engine/transaction-filters.js';
import type { CommandContext } from '../context.js';
import { type ExportFormat, exportHeader, exportRows } from './export-format.js';
import { transactionPages } from './pages.js';
import { duration, group, Progress } from './progress.js';
import { openSink } from './sink.js';

/** Pages are joined into writes of about this size: fewer system calls, still constant memory. */
const WRITE_BYTES = 256 * 1024;

/**
 * `esipay tx export`: a merchant's transactions matching the filters, newest first, as CSV or
 * NDJSON, on stdout or into a file, whatever their number, one page in memory at a time. A
 * progress line on a terminal's stderr; nothing on stderr otherwise but errors.
 */
export async function exportTransactions(
  ctx: CommandContext,
  opts: { filters: TransactionFilters; format?: ExportFormat; output?: string },
): Promise<void> {
  const format = opts.format ?? formatOfOutput(opts.output);
  const toFile = opts.output !== undefined && opts.output !== '-';
  if (ctx.out.json && !toFile)
    throw invalid(
      'json_needs_output',
      'with --json, stdout holds one JSON document, not the export',
      'pass --output FILE, or leave out --json',
    );
  const merchant = await ctx.merchant();
  // A scan reads every page once: a small SQLite page cache keeps none of them resident for nothing.
  const engine = await ctx.openEngine({ readOnly: true, sqliteCacheKiB: 2048 });
  const sink = await openSink(opts.output);
  // On a terminal that also shows the export itself, a progress line would be drawn into it.
  const progress = new Progress(process.stderr, { unit: 'rows', enabled: toFile || !process.stdout.isTTY });
  let rows = 0;
  try {
    let buffer = exportHeader(format);
    let open = true;
    for await (const page of transactionPages(engine, { merchant, ...opts.filters })) {
      buffer += exportRows(format, page);
      rows += page.length;
      progress.tick(page.length);
      if (buffer.length >= WRITE_BYTES) {
        open = await sink.write(buffer);
        buffer = '';
        if (!open) break;
      }
    }
    if (open && buffer !== '') await sink.write(buffer);
    await sink.finish();
  } catch (e) {
    progress.stop();
    await sink.abort();
    throw e;
  }
  progress.stop();
  const seconds = progress.seconds;
  if (progress.active)
    ctx.out.info(
      `exported ${group(rows)} rows in ${duration(seconds)} (${group(Math.round(rows / Math.max(seconds, 0.001)))} rows/s)${toFile ? ` to ${opts.output}` : ''}`,
    );
  if (ctx.out.json) ctx.out.result({ rows, format, output: opts.output }, () => '');
}

function formatOfOutput(output: string | undefined): ExportFormat {
  const ext = output ? extname(output).toLowerCase() : '';
  if (ext === '.csv') return 'csv';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  throw invalid('missing_format', 'tx export needs --format csv or --format ndjson', 'or an --output file ending in .csv or .ndjson');
}
