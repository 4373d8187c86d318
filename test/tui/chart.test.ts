import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { daySeries, sparkline } from '../../src/tui/model/chart.js';
import type { DashboardSummary } from '../../src/tui/model/dashboard-source.js';
import { chartText } from '../../src/tui/model/summary-text.js';

const now = new Date('2025-05-10T12:00:00Z');
const summary = (extra: Partial<DashboardSummary> = {}): DashboardSummary => ({
  byStatus: {},
  byKind: {},
  days: [
    { day: '2025-05-10', paid: 800, refunded: 0 },
    { day: '2025-05-08', paid: 100, refunded: 50 },
    { day: '2025-05-07', paid: 400, refunded: 0 },
  ],
  currency: 'EUR',
  counted: 10,
  sampled: false,
  ...extra,
});

describe('tui chart', () => {
  it('draws a bar per day scaled to the highest, · for a day without money, a space for a day not known', () => {
    assert.equal(sparkline([0, 100, 400, 800, undefined]), '·▁▄█ ');
    assert.equal(sparkline([1, 1_000_000]), '▁█', 'any money shows, however small');
    assert.equal(sparkline([0, 0]), '··');
  });

  it('takes the last days up to today, oldest first, in UTC days', () => {
    const s = daySeries(summary(), 5, now);
    assert.deepEqual(s.days, ['2025-05-06', '2025-05-07', '2025-05-08', '2025-05-09', '2025-05-10']);
    assert.deepEqual(s.paid, [0, 400, 100, 0, 800]);
    assert.deepEqual(s.refunded, [0, 0, 50, 0, 0]);
  });

  it('leaves the days before a sample’s oldest transaction blank: they are not known', () => {
    const s = daySeries(summary({ sampled: true, oldest: '2025-05-08T09:00:00Z' }), 5, now);
    assert.deepEqual(s.paid, [undefined, undefined, 100, 0, 800]);
    assert.equal(sparkline(s.paid), '  ▁·█');
  });

  it('fits as many days as the width allows, each series with its highest day', () => {
    const wide = chartText(summary(), '7d', 120, now, 'EUR')!;
    assert.equal(wide.days, 7);
    assert.equal(`${wide.paidLabel}${wide.paid}${wide.paidMax}`, 'paid/day ···▄▁·█ max 8.00');
    assert.equal(`${wide.refundedLabel}${wide.refunded}${wide.refundedMax}`, '  refunded/day ····█·· max 0.50');
    const narrow = chartText(summary(), '30d', 60, now, 'EUR')!;
    assert.ok(narrow.days < 30 && narrow.days >= 3, `${narrow.days} days at 60 columns`);
    const line = `${narrow.paidLabel}${narrow.paid}${narrow.paidMax}${narrow.refundedLabel}${narrow.refunded}${narrow.refundedMax}`;
    assert.ok(line.length <= 60, line);
    assert.equal(chartText(summary(), '30d', 30, now, 'EUR'), undefined, 'not even three days fit');
  });
});
