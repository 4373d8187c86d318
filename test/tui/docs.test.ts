import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { COLUMN_PRIORITY } from '../../src/tui/model/columns.js';
import { KEY_SECTIONS } from '../../src/tui/model/keys-help.js';

const doc = readFileSync(new URL('../../../docs/tui.md', import.meta.url), 'utf8');
const section = (title: string) => {
  const start = doc.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `docs/tui.md has a "## ${title}" section`);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
};

describe('docs/tui.md matches the screen', () => {
  it('lists every key of the ? overlay, the list keys in its table', () => {
    const keys = section('Keys');
    const rows = keys.split('\n').filter((l) => l.startsWith('| `'));
    const tableKeys = rows.map((l) => /^\| `([^`]+)`/.exec(l)![1]);
    const list = KEY_SECTIONS.find((s) => s.title === 'list')!;
    assert.deepEqual(
      tableKeys,
      list.keys.map((k) => k.keys),
    );
    for (const s of KEY_SECTIONS)
      for (const k of s.keys) assert.ok(keys.includes(`\`${k.keys}\``), `"${k.keys}" (${s.title}) is in the Keys section`);
  });

  it('says in which order the columns go as the terminal narrows', () => {
    const screen = section('The screen');
    const numbered = screen
      .slice(screen.indexOf('**Columns by width.**'), screen.indexOf('Then, while room is left'))
      .split('\n')
      .filter((l) => /^\d\. /.test(l));
    const words: Record<string, string> = { 'cid/order': 'cid' };
    const order = numbered.flatMap((l) =>
      l
        .replace(/^\d\. /, '')
        .replace(/\(.*\)|: always/g, '')
        .split(',')
        .map((w) => w.trim().split(' ')[0]!)
        .map((w) => words[w] ?? w),
    );
    assert.deepEqual(order, COLUMN_PRIORITY);
  });
});
