/**
 * CSV as RFC 4180 has it: records end with CRLF, a field holding a comma, a quote, CR or LF is
 * quoted, a quote inside a quoted field is doubled. The writer is what `tx export` prints; the
 * reader is what `batch` reads, record by record as the text streams in (so a file of any size
 * is read in constant memory), and it also takes LF line ends and a UTF-8 byte-order mark, as
 * spreadsheets write them.
 */

/** One record, with its CRLF. */
export function csvRecord(fields: readonly string[]): string {
  return fields.map(csvField).join(',') + '\r\n';
}

/** One field, quoted when it must be. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

type State = 'start' | 'unquoted' | 'quoted' | 'quote' | 'broken';

/** A record read, or why the text there is not one; `line` is where it starts (1 is the first line). */
export type CsvItem = { line: number; fields: string[] } | { line: number; error: string };

/**
 * The records of a CSV text given in chunks. Blank lines are skipped. A malformed record (a quote
 * inside an unquoted field, text after a closing quote, a quote never closed) is reported with its
 * line and reading goes on at the next line; the message never quotes the text, which may hold a
 * card number. A state machine with no look-ahead, so a chunk may end anywhere.
 */
export async function* csvRecords(chunks: AsyncIterable<string>): AsyncGenerator<CsvItem> {
  // start: at the start of a field; unquoted, quoted: inside one; quote: a quote seen inside a
  // quoted field (it closes the field, or doubles); broken: malformed, skipping to the line's end.
  let state: State = 'start';
  let fields: string[] = [];
  let field = '';
  let problem = '';
  let line = 1;
  let start = 1;
  let atRecordStart = true;
  let prevCr = false;
  let skipLf = false;
  let first = true;

  const endRecord = (): CsvItem | undefined => {
    const blank = state === 'start' && fields.length === 0 && field === '';
    const item: CsvItem | undefined =
      state === 'broken' ? { line: start, error: problem } : blank ? undefined : { line: start, fields: [...fields, field] };
    fields = [];
    field = '';
    state = 'start';
    atRecordStart = true;
    return item;
  };
  const breakRecord = (why: string) => {
    state = 'broken';
    problem = why;
  };

  for await (let chunk of chunks) {
    if (first && chunk.length > 0) {
      first = false;
      if (chunk.startsWith('\uFEFF')) chunk = chunk.slice(1);
    }
    for (const ch of chunk) {
      if (skipLf) {
        skipLf = false;
        prevCr = false;
        if (ch === '\n') continue; // the LF of a CRLF whose CR ended the record
      }
      if (atRecordStart) {
        atRecordStart = false;
        start = line;
      }
      const eol = ch === '\n' || ch === '\r';
      let ended: CsvItem | undefined;
      let endedRecord = false;
      // As State: breakRecord, a closure, may have set it to 'broken', which the compiler cannot see.
      const now = state as State;
      if (now === 'quoted') {
        if (ch === '"') state = 'quote';
        else field += ch;
      } else if (now === 'quote' && ch === '"') {
        field += '"'; // a doubled quote
        state = 'quoted';
      } else if (ch === ',' && now !== 'broken') {
        fields.push(field);
        field = '';
        state = 'start';
      } else if (eol) {
        ended = endRecord();
        endedRecord = true;
      } else if (now === 'quote') {
        breakRecord('text after the closing quote of a field (a quote inside a quoted field is written "")');
      } else if (now !== 'broken') {
        if (ch !== '"') {
          field += ch;
          state = 'unquoted';
        } else if (now === 'start') state = 'quoted';
        else breakRecord('a quote inside a field that does not start with one (quote the whole field and double the quote)');
      }
      if (ch === '\r' || (ch === '\n' && !prevCr)) line++;
      prevCr = ch === '\r';
      if (endedRecord && ch === '\r') skipLf = true;
      if (ended) yield ended;
    }
  }
  if (state === 'quoted') {
    yield { line: start, error: 'a quoted field is never closed' };
    return;
  }
  const last = endRecord();
  if (last) yield last;
}
