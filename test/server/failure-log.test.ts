import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EsipayError } from '../../src/domain/errors.js';
import { FAILURE_QUIET_MS, failureLog } from '../../src/server/failure-log.js';

describe('the failure log of esipay serve', () => {
  it('says an outage once with its cause, counts the repeats, and says the next one with the count', () => {
    const lines: string[] = [];
    let t = 0;
    const report = failureLog(
      (l) => lines.push(l),
      () => t,
    );
    const full = new EsipayError('unavailable', 'store_unavailable', 'the database cannot be written: database or disk is full');
    for (let i = 0; i < 1000; i++) report(full);
    assert.deepEqual(lines, ['unavailable: store_unavailable: the database cannot be written: database or disk is full']);
    report(new EsipayError('unavailable', 'acquirer_error', 'the acquirer did not answer'));
    assert.equal(lines.length, 2, 'another cause is said at once');
    t += FAILURE_QUIET_MS;
    report(full);
    assert.equal(lines.length, 3);
    assert.match(lines[2]!, /database or disk is full \(999 more like it since the last report\)$/);
  });
});
