import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { Output } from '../../src/cli/output.js';
import { reportError } from '../../src/cli/run-action.js';

/** The message a crash ends with names where to report it: the bug tracker package.json declares. */
describe('the CLI on a bug', () => {
  it('asks for a report at the bugs URL of package.json, with the command that was run', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { bugs: { url: string } };
    const stderr = new PassThrough();
    const code = reportError(new Output(false, new PassThrough(), stderr, false), new TypeError('cannot read x of undefined'));
    const text = String(stderr.read());
    assert.equal(code, 1);
    assert.match(text, /^bug: TypeError: cannot read x of undefined/);
    assert.ok(text.includes(`This is a bug in esipay; please report it at ${pkg.bugs.url} with the command you ran.\n`), text);
  });
});
