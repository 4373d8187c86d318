import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ENV_NAMES } from '../../src/config/env.js';
import { envTable, TABLE_END, TABLE_START } from './readme-table.js';

describe('README: Settings and their precedence', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### Settings and their precedence'));
  const start = section.indexOf(TABLE_START);
  const end = section.indexOf(TABLE_END);

  it('lists every variable of src/config/env.ts, as env.ts declares it', () => {
    assert.ok(start >= 0 && end > start, 'the table and its markers are in the settings section');
    const table = section.slice(start + TABLE_START.length, end).trim();
    for (const name of ENV_NAMES) assert.match(table, new RegExp(`^\\| \`${name}\` \\|`, 'm'), `${name} is missing from the README`);
    assert.equal(table, envTable(), 'the README table differs from src/config/env.ts: refresh it as test/config/readme-table.ts says');
  });
});
