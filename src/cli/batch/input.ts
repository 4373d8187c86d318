import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { invalid } from '../../domain/errors.js';
import { printable } from '../../util/printable.js';
import { csvRecords } from './csv.js';

/**
 * The rows of a batch file: CSV with a header line, or NDJSON (one JSON object a line), from a
 * file or from stdin (`-`), read as they stream in. Every row comes with its number (1 is the
 * first row after any header) and the line it starts on, for the messages; a row that cannot be
 * read is an error row, and the rows after it are still read.
 */
export type BatchFormat = 'csv' | 'ndjson';

export type RowItem =
  { row: number; line: number; values: Readonly<Record<string, unknown>> } | { row: number; line: number; error: string };

/** The columns of one kind of batch file: those a row must have and those it may have. */
export interface RowShape {
  /** "pay", "refund": for the messages. */
  what: string;
  required: readonly string[];
  optional: readonly string[];
}

export interface BatchInput {
  format: BatchFormat;
  rows: AsyncGenerator<RowItem>;
}

/**
 * Opens the file and checks what can be checked before any row runs (it exists, a CSV header
 * names the columns a row needs): those mistakes stop the batch at once (exit 2), nothing done.
 */
export async function openBatchInput(path: string, shape: RowShape, format?: BatchFormat): Promise<BatchInput> {
  const chunks = textOf(path);
  const first = await chunks.next();
  if (first.done) throw invalid('empty_file', `${describe(path)} is empty`, `a ${shape.what} file has ${headerHint(shape)}`);
  const chosen = format ?? formatOf(path, first.value);
  const all = prepend(first.value, chunks);
  return { format: chosen, rows: chosen === 'csv' ? await csvRows(path, all, shape) : ndjsonRows(all) };
}

/** The number of rows of a file (for a progress bar's ETA), read once more; undefined for stdin. */
export async function countRows(path: string, format: BatchFormat): Promise<number | undefined> {
  if (path === '-') return undefined;
  let n = 0;
  if (format === 'ndjson') {
    for await (const line of lines(textOf(path))) if (line.text.trim() !== '') n++;
    return n;
  }
  for await (const _ of csvRecords(textOf(path))) n++;
  return Math.max(0, n - 1);
}

function describe(path: string): string {
  return path === '-' ? 'stdin' : `"${printable(path, { spaces: true, max: 200 })}"`;
}

function headerHint(shape: RowShape): string {
  const optional = shape.optional.length > 0 ? ` (and ${shape.optional.join(', ')})` : '';
  return `a header line naming ${shape.required.join(', ')}${optional}, or one JSON object a line`;
}

/** By the file's extension, else by its first character: `{` is NDJSON. */
function formatOf(path: string, firstChunk: string): BatchFormat {
  const ext = path === '-' ? '' : extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.ndjson' || ext === '.jsonl' || ext === '.json') return 'ndjson';
  return firstChunk
    .replace(/^\uFEFF/, '')
    .trimStart()
    .startsWith('{')
    ? 'ndjson'
    : 'csv';
}

async function* textOf(path: string): AsyncGenerator<string> {
  const stream = path === '-' ? process.stdin.setEncoding('utf8') : createReadStream(path, { encoding: 'utf8' });
  try {
    for await (const chunk of stream) if (chunk.length > 0) yield chunk as string;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'a directory' : code;
    throw invalid(
      'unreadable_file',
      `cannot read ${describe(path)}: ${why ?? 'read error'}`,
      'give the path of a CSV or NDJSON file, or - for stdin',
    );
  }
}

async function* prepend(head: string, rest: AsyncIterator<string>): AsyncGenerator<string> {
  yield head;
  for (let n = await rest.next(); !n.done; n = await rest.next()) yield n.value;
}

async function csvRows(path: string, chunks: AsyncIterable<string>, shape: RowShape): Promise<AsyncGenerator<RowItem>> {
  const records = csvRecords(chunks);
  const head = await records.next();
  if (head.done) throw invalid('empty_file', `${describe(path)} has no header line`, `a ${shape.what} file has ${headerHint(shape)}`);
  if ('error' in head.value) throw invalid('invalid_header', `the header line of ${describe(path)} is not CSV: ${head.value.error}`);
  const columns = head.value.fields.map((f) => f.trim().toLowerCase());
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c) && c !== '') throw invalid('invalid_header', `the header of ${describe(path)} names the column ${printable(c)} twice`);
    seen.add(c);
  }
  const missing = shape.required.filter((c) => !seen.has(c));
  if (missing.length > 0) {
    throw invalid(
      'invalid_header',
      `the header of ${describe(path)} has no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''}`,
      `a ${shape.what} file has ${headerHint(shape)}`,
    );
  }
  return (async function* () {
    let row = 0;
    for await (const r of records) {
      row++;
      if ('error' in r) yield { row, line: r.line, error: r.error };
      else if (r.fields.length !== columns.length)
        yield {
          row,
          line: r.line,
          error: `${r.fields.length} field${r.fields.length === 1 ? '' : 's'} where the header has ${columns.length}`,
        };
      else yield { row, line: r.line, values: Object.fromEntries(columns.map((c, i) => [c, r.fields[i]!])) };
    }
  })();
}

async function* ndjsonRows(chunks: AsyncIterable<string>): AsyncGenerator<RowItem> {
  let row = 0;
  for await (const { text, line } of lines(chunks)) {
    if (text.trim() === '') continue;
    row++;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // Never JSON.parse's message: it quotes the text, which may hold a card number.
      yield { row, line, error: 'not valid JSON' };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) yield { row, line, error: 'not a JSON object' };
    else yield { row, line, values: value as Record<string, unknown> };
  }
}

/** The lines of a text given in chunks, without their LF or CRLF. */
async function* lines(chunks: AsyncIterable<string>): AsyncGenerator<{ text: string; line: number }> {
  let rest = '';
  let line = 0;
  let first = true;
  for await (let chunk of chunks) {
    if (first) {
      first = false;
      chunk = chunk.replace(/^\uFEFF/, '');
    }
    rest += chunk;
    let from = 0;
    for (let nl = rest.indexOf('\n'); nl !== -1; nl = rest.indexOf('\n', from)) {
      yield { text: rest.slice(from, nl).replace(/\r$/, ''), line: ++line };
      from = nl + 1;
    }
    rest = rest.slice(from);
  }
  if (rest !== '') yield { text: rest.replace(/\r$/, ''), line: ++line };
}
