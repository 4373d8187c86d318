import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { csvRecord, csvRecords, type CsvItem } from '../../src/cli/batch/csv.js';

async function* chunksOf(text: string, cuts: number[]): AsyncGenerator<string> {
  let from = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    if (cut <= from || cut >= text.length) continue;
    yield text.slice(from, cut);
    from = cut;
  }
  yield text.slice(from);
}

async function read(text: string, cuts: number[] = []): Promise<CsvItem[]> {
  const out: CsvItem[] = [];
  for await (const item of csvRecords(chunksOf(text, cuts))) out.push(item);
  return out;
}

describe('CSV (RFC 4180) as tx export writes it and batch reads it', () => {
  it('quotes a field only when it holds a comma, a quote, CR or LF, doubling its quotes', () => {
    assert.equal(csvRecord(['a', 'b c', '']), 'a,b c,\r\n');
    assert.equal(csvRecord(['1,5', 'say "hi"', 'two\nlines', 'cr\r']), '"1,5","say ""hi""","two\nlines","cr\r"\r\n');
  });

  it('reads back every record it writes, whatever the fields and wherever the chunks end', async () => {
    const field = fc.string({ maxLength: 12, unit: fc.constantFrom('a', 'Z', '7', ' ', ',', '"', '\r', '\n', 'é', '€') });
    // One empty field alone is a blank line, which the reader skips: every record here has two fields or more.
    const record = fc.array(field, { minLength: 2, maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(200), { maxLength: 8 }), async (records, cuts) => {
        const items = await read(records.map(csvRecord).join(''), cuts);
        assert.deepEqual(
          items.map((i) => ('fields' in i ? i.fields : i.error)),
          records,
        );
      }),
      { numRuns: 500 },
    );
  });

  it('takes LF line ends and a byte-order mark, skips blank lines, and says on which line each record starts', async () => {
    const items = await read('\uFEFFa,b\n\n"multi\nline",2\r\nlast,3', [1, 3, 9]);
    assert.deepEqual(items, [
      { line: 1, fields: ['a', 'b'] },
      { line: 3, fields: ['multi\nline', '2'] },
      { line: 5, fields: ['last', '3'] },
    ]);
  });

  it('reports a malformed record with its line, without quoting it, and reads on at the next line', async () => {
    const items = await read('ok,1\nbad"quote,4111111111111111\n"closed"x,2\nfine,3\n"never closed,4\n');
    assert.deepEqual(
      items.map((i) => ('fields' in i ? { line: i.line, fields: i.fields } : { line: i.line })),
      [{ line: 1, fields: ['ok', '1'] }, { line: 2 }, { line: 3 }, { line: 4, fields: ['fine', '3'] }, { line: 5 }],
    );
    for (const i of items) if ('error' in i) assert.ok(!i.error.includes('4111'), i.error);
  });
});
