import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EsipayError } from '../../src/domain/errors.js';
import { formatDuration, parseDuration } from '../../src/util/duration.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('durations of the test clock', () => {
  it('reads whole numbers with w, d, h, m, s, and their combinations', () => {
    assert.equal(parseDuration('30d'), 30 * DAY);
    assert.equal(parseDuration('12h'), 12 * HOUR);
    assert.equal(parseDuration('90m'), 90 * MINUTE);
    assert.equal(parseDuration('1w'), 7 * DAY);
    assert.equal(parseDuration('1d12h'), DAY + 12 * HOUR);
    assert.equal(parseDuration('12h1d'), DAY + 12 * HOUR, 'in any order');
    assert.equal(parseDuration('45s'), 45_000);
    assert.equal(parseDuration('36500d'), 36_500 * DAY, 'up to a century');
  });

  it('refuses anything else with invalid_duration and the forms it takes', () => {
    for (const text of ['', ' ', '30', 'd', '1y', '1mo', '-1d', '+1d', '1.5d', '0d', '0h0m', '30 d', '36501d', '1e3d', '٣d']) {
      assert.throws(
        () => parseDuration(text),
        (e: unknown) => e instanceof EsipayError && e.code === 'invalid_duration' && /1d12h/.test(e.hint ?? ''),
        text,
      );
    }
    assert.throws(
      () => parseDuration(30),
      (e: unknown) => e instanceof EsipayError && e.code === 'invalid_duration',
    );
  });

  it('shows an offset to the second, with its sign', () => {
    assert.equal(formatDuration(0), '0');
    assert.equal(formatDuration(400), '0');
    assert.equal(formatDuration(181 * DAY), '+181d');
    assert.equal(formatDuration(-(2 * HOUR + 30 * MINUTE)), '-2h30m');
    assert.equal(formatDuration(DAY + 5_000), '+1d5s');
    assert.equal(formatDuration(DAY + 12 * HOUR + 1_600), '+1d12h2s');
  });
});
