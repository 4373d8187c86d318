import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { cleanup, render } from 'ink-testing-library';
import type { TransactionDetail } from '../../src/domain/types.js';
import { DetailPane } from '../../src/tui/components/DetailPane.js';
import { Header } from '../../src/tui/components/Header.js';
import { SummaryLines } from '../../src/tui/components/SummaryLines.js';
import { PromptLine } from '../../src/tui/components/PromptLine.js';
import { TransactionTable } from '../../src/tui/components/TransactionTable.js';
import { layoutColumns } from '../../src/tui/model/columns.js';
import type { Entry } from '../../src/tui/model/tx-window.js';
import { tx } from './fake-history.js';
import { statusCounts } from '../../src/verify/totals-recount.js';

const TOTALS_BY_STATUS = statusCounts({ PAID: 2, PARTIALLY_REFUNDED: 1 });

afterEach(() => cleanup());

const initial = tx(3, { kind: 'initial', status: 'AUTHORISED', amount: 10000, shipped: 2500, remaining: 7500 });
const entries: Entry[] = [
  { tx: tx(4, { amount: 7412, refunded: 1000, remaining: 6412, status: 'PARTIALLY_REFUNDED' }), depth: 0 },
  { tx: initial, depth: 0 },
  { tx: tx(5, { kind: 'shipment', parent: initial.id, amount: 2500, remaining: 2500 }), depth: 1 },
];

function table(width: number) {
  return render(
    <TransactionTable
      entries={entries}
      layout={layoutColumns(width, entries)}
      selected={0}
      top={0}
      height={5}
      width={width}
      empty="none"
    />,
  );
}

describe('tui components', () => {
  it('the table lists amount, refunded and remaining, and indents a shipment under its initial authorisation', () => {
    const lines = table(160).lastFrame()!.split('\n');
    assert.match(lines[0]!, /date.*id.*cid\/order.*kind.*status.*amount.*refunded.*remaining/);
    assert.match(lines[1]!, new RegExp(`${entries[0]!.tx.id} +order-4 +card +PARTIALLY_REFUNDED +74\\.12 EUR +10\\.00 EUR +64\\.12 EUR`));
    assert.match(lines[2]!, /initial +AUTHORISED +100\.00 EUR +– +75\.00 EUR/);
    assert.match(lines[3]!, new RegExp(`└ ${entries[2]!.tx.id} +order-5 +shipment +PAID +25\\.00 EUR`));
  });

  it('the table fits a narrow terminal: short ids, then short dates, and cuts instead of wrapping', () => {
    const wide = table(160).lastFrame()!;
    assert.ok(wide.includes(entries[0]!.tx.id));
    for (const width of [110, 90, 60]) {
      const lines = table(width).lastFrame()!.trimEnd().split('\n');
      assert.equal(lines.length, 4, `one line per row at ${width} columns`);
      for (const line of lines) assert.ok(line.length <= width, `"${line}" fits in ${width}`);
      assert.ok(lines[1]!.includes(entries[0]!.tx.id.slice(-8)));
      assert.ok(!lines[1]!.includes(entries[0]!.tx.id));
    }
    assert.ok(table(90).lastFrame()!.includes('01-01 00:00'), 'short dates at 90 columns');
  });

  it('the header shows the merchant, the engine and the totals: paid, refunded, net, to ship', () => {
    const { lastFrame } = render(
      <Header
        width={160}
        engine="local sqlite /tmp/x.db"
        merchant={{
          uuid: 'u-1',
          name: 'Boutique',
          ip: '127.0.0.1',
          returnUrl: 'http://x',
          notificationUrl: null,
          currency: 'EUR',
          createdAt: '2025-01-01T00:00:00Z',
        }}
        totals={{ paid: '123456', refunded: '1000', toShip: '7500', count: 3, currency: 'EUR', byStatus: TOTALS_BY_STATUS }}
        loading={false}
        newAbove={0}
      />,
    );
    const frame = lastFrame()!;
    assert.match(frame, /Boutique u-1 · local sqlite \/tmp\/x\.db/);
    assert.match(frame, /paid 1,234\.56 EUR {2}refunded 10\.00 EUR {2}net 1,224\.56 EUR {2}to ship 75\.00 EUR {2}· 3 transactions/);
  });

  it('the refund confirmation shows the remaining balance after it, before anything is sent', () => {
    const t = entries[0]!.tx;
    const { lastFrame } = render(
      <PromptLine width={160} mode={{ name: 'confirm', action: 'refund', tx: t, amount: 1200, all: false, busy: false }} />,
    );
    assert.match(lastFrame()!, new RegExp(`Refund 12\\.00 EUR on ${t.id}\\? Remaining after: 52\\.12 EUR {2}\\[y/N\\]`));
    const all = render(
      <PromptLine width={160} mode={{ name: 'confirm', action: 'refund', tx: t, amount: t.remaining, all: true, busy: false }} />,
    );
    assert.match(all.lastFrame()!, /Refund all that remains, 64\.12 EUR on .*Remaining after: 0\.00 EUR/);
  });

  it('the detail pane shows the masked card, every refund and shipment with time and amount, and the callback', () => {
    const detail: TransactionDetail = {
      ...initial,
      refunds: [],
      shipments: [tx(5, { kind: 'shipment', parent: initial.id, amount: 2500, createdAt: '2025-02-01T10:00:00.000Z' })],
      callback: { status: 200, error: null },
    };
    const { lastFrame } = render(<DetailPane detail={{ id: initial.id, data: detail }} height={12} width={140} />);
    const frame = lastFrame()!;
    assert.match(frame, /AUTHORISED {2}initial {2}amount 100\.00 EUR {2}shipped 25\.00 EUR {2}left to ship 75\.00 EUR/);
    assert.match(frame, /card visa 411111…1111/);
    assert.match(frame, /callback HTTP 200/);
    assert.match(frame, /shipments \(1\):\n +2025-02-01T10:00:00\.000Z +25\.00 EUR +PAID/);

    const refunded: TransactionDetail = {
      ...entries[0]!.tx,
      refunds: [{ id: 'r1', transaction: entries[0]!.tx.id, amount: 1000, currency: 'EUR', createdAt: '2025-03-01T09:00:00.000Z' }],
      shipments: [],
      callback: { status: null, error: 'connection refused' },
    };
    const second = render(<DetailPane detail={{ id: refunded.id, data: refunded }} height={12} width={140} />).lastFrame()!;
    assert.match(second, /refunds \(1\):\n +2025-03-01T09:00:00\.000Z +10\.00 EUR +r1/);
    assert.match(second, /callback +connection refused/);
  });

  it('the detail pane of a paid link does not say its callback is none: it went through the outbox', () => {
    const link: TransactionDetail = { ...tx(8, { kind: 'link', cid: 'REF-8' }), refunds: [], shipments: [], callback: null };
    const frame = render(<DetailPane detail={{ id: link.id, data: link }} height={8} width={160} />).lastFrame()!;
    assert.ok(!/callback none/.test(frame), frame);
    assert.match(frame, /callback link\.paid queued for url_callback \(outbox, retried until 200\): delivery not reported by this engine/);
    const declined: TransactionDetail = { ...link, status: 'DECLINED', remaining: 0 };
    assert.match(
      render(<DetailPane detail={{ id: link.id, data: declined }} height={8} width={160} />).lastFrame()!,
      /callback none: a link sends its url_callback once paid/,
    );
  });

  it('the detail pane shows the events a DashboardSource gives, and takes the callback outcome from them', () => {
    const link: TransactionDetail = { ...tx(8, { kind: 'link', cid: 'REF-8' }), refunds: [], shipments: [], callback: null };
    const events = [
      { at: '2025-01-01T00:00:09.000Z', kind: 'callback' as const, text: 'link.paid to https://shop.example/cb: HTTP 500', ok: false },
      { at: '2025-01-01T00:00:19.000Z', kind: 'callback' as const, text: 'link.paid to https://shop.example/cb: HTTP 200', ok: true },
    ];
    const frame = render(<DetailPane detail={{ id: link.id, data: link, events }} height={10} width={160} />).lastFrame()!;
    assert.match(frame, /callback link\.paid to https:\/\/shop\.example\/cb: HTTP 200/);
    assert.match(
      frame,
      /events \(2\):\n +2025-01-01T00:00:09\.000Z +link\.paid .*HTTP 500\n +2025-01-01T00:00:19\.000Z +link\.paid .*HTTP 200/,
    );
  });

  it('a fully shipped initial authorisation reads SHIPPED, in the table and in the detail pane', () => {
    const shipped = tx(9, { kind: 'initial', status: 'AUTHORISED', amount: 5000, shipped: 5000, remaining: 0 });
    const expired = tx(10, { kind: 'initial', status: 'EXPIRED', amount: 5000, shipped: 1000, remaining: 0 });
    const rows: Entry[] = [
      { tx: shipped, depth: 0 },
      { tx: expired, depth: 0 },
    ];
    const frame = render(
      <TransactionTable entries={rows} layout={layoutColumns(120, rows)} selected={0} top={0} height={3} width={120} empty="none" />,
    ).lastFrame()!;
    assert.match(frame, /initial +SHIPPED +50\.00 EUR/);
    assert.match(frame, /initial +EXPIRED +50\.00 EUR/);
    const detail: TransactionDetail = { ...shipped, refunds: [], shipments: [], callback: null };
    assert.match(
      render(<DetailPane detail={{ id: shipped.id, data: detail }} height={6} width={120} />).lastFrame()!,
      /^.*\n?SHIPPED {2}initial/m,
    );
  });

  it('the summary lines chart the days and count by status and kind, and say when the counts are a sample', () => {
    const now = new Date('2025-05-10T12:00:00Z');
    const summary = {
      byStatus: { PAID: 4012, REFUNDED: 40 },
      byKind: { card: 4000, shipment: 52 },
      days: [
        { day: '2025-05-10', paid: 80000, refunded: 0 },
        { day: '2025-05-09', paid: 10000, refunded: 2500 },
      ],
      currency: 'EUR',
      counted: 5000,
      sampled: true,
      oldest: '2025-05-08T00:00:00.000Z',
    };
    const frame = render(<SummaryLines width={140} range="7d" sort="date" summary={summary} currency="EUR" now={now} />).lastFrame()!;
    const [chart, counts] = frame.split('\n');
    assert.equal(chart, 'paid/day     ·▁█ max 800.00  refunded/day     ·█· max 25.00');
    assert.equal(
      counts,
      'last 7 days (since 05-04) · newest first · counts of the newest 5,000: PAID 4,012 · REFUNDED 40 │ card 4,000 · shipment 52',
    );
    const sorted = render(
      <SummaryLines width={120} range="all" sort="amount" sorted={{ scanned: 5000, sampled: true }} currency="EUR" now={now} />,
    ).lastFrame()!;
    assert.match(sorted, /chart…\nall time · largest first, of the newest 5,000 · counting…/);
  });
});
