import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli, tempHome } from '../helpers/cli.js';
import { closedUrl } from '../helpers/receiver.js';
import { type ServeProcess, startServe } from '../helpers/serve.js';
import { tempSqlite } from '../helpers/sqlite.js';

/**
 * `esipay trigger SCENARIO` through the real binary, on the local engine and on a remote
 * `esipay serve`: each scenario makes what it promises (its expected refusals included) and
 * exits 0; it can run again; --list names them; a scenario that cannot make what it promises
 * exits non-zero with the reason.
 */

interface Step {
  step: string;
  outcome: 'done' | 'refused' | 'failed';
  code?: string;
  via?: string;
  transaction?: { id: string; cid: string; status: string; amount: number };
  link?: { id: string; state: string };
}
interface Tx {
  id: string;
  cid: string;
  kind: string;
  status: string;
  amount: number;
  refunded: number;
  remaining: number;
  shipped?: number;
  callback: { status: number | null } | null;
  refunds: { amount: number }[];
  shipments: { amount: number; status: string }[];
}
interface Report {
  scenario: string;
  engine: string;
  merchants: { uuid: string; name: string; registered: boolean; why: string }[];
  steps: Step[];
  transactions: Tx[];
  links: { id: string; mode: string; state: string; transaction: string | null; schedule?: { amount: number; status: string }[] }[];
}

/** What each scenario must have made, read in its --json document. */
const EXPECTED: Record<string, (r: Report, engine: 'local' | 'remote') => void> = {
  'payment-paid': (r) => {
    const [t] = r.transactions;
    assert.equal(t?.status, 'PAID');
    assert.equal(t.amount, 7412);
    assert.equal(t.callback?.status, 200, 'its return URL answered 200');
    assert.deepEqual(
      r.merchants.map((m) => [m.name, m.registered]),
      [['esipay trigger', true]],
    );
  },
  'payment-declined': (r) => {
    assert.deepEqual(
      r.steps.map((s) => [s.outcome, s.code]),
      [['refused', 'card_declined']],
    );
    assert.equal(r.transactions[0]?.status, 'DECLINED');
    assert.equal(r.transactions[0].remaining, 0);
  },
  'payment-cancelled': (r) => {
    assert.deepEqual(
      r.steps.map((s) => [s.outcome, s.code]),
      [['refused', 'callback_failed']],
    );
    assert.equal(r.transactions[0]?.status, 'CANCELLED');
    assert.equal(r.transactions[0].callback?.status, 503, 'the receiver of the run refused with 503');
    assert.deepEqual(
      r.merchants.map((m) => m.name),
      ['esipay trigger (return URL refusing)'],
    );
  },
  'refund-partial': (r) => {
    const [t] = r.transactions;
    assert.equal(t?.status, 'PARTIALLY_REFUNDED');
    assert.deepEqual([t.refunded, t.remaining, t.refunds.length], [1000, 6412, 1]);
  },
  'refund-full': (r) => {
    const [t] = r.transactions;
    assert.equal(t?.status, 'REFUNDED');
    assert.deepEqual([t.refunded, t.remaining], [7412, 0]);
  },
  'shipment-three-parts': (r) => {
    const [initial] = r.transactions;
    assert.equal(initial?.kind, 'initial');
    assert.deepEqual([initial.amount, initial.shipped, initial.remaining], [7412, 7412, 0]);
    assert.deepEqual(
      initial.shipments.map((s) => [s.amount, s.status]),
      [
        [3500, 'PAID'],
        [2500, 'PAID'],
        [1412, 'PAID'],
      ],
    );
  },
  'shipment-over-total': (r) => {
    assert.deepEqual(
      r.steps.map((s) => [s.outcome, s.code ?? null]),
      [
        ['done', null],
        ['done', null],
        ['refused', 'PSP_229'],
      ],
    );
    assert.deepEqual([r.transactions[0]?.shipped, r.transactions[0]?.remaining], [3500, 3912]);
  },
  'shipment-declined': (r) => {
    assert.deepEqual([r.steps[1]?.outcome, r.steps[1]?.code, r.steps[1]?.transaction?.status], ['refused', 'card_declined', 'DECLINED']);
    assert.equal(r.transactions[0]?.remaining, 7412, 'nothing was debited');
  },
  'shipment-psp227': (r) => {
    assert.deepEqual([r.steps[1]?.outcome, r.steps[1]?.code], ['refused', 'PSP_227']);
    assert.equal(r.transactions[0]?.remaining, 7412, 'nothing was debited');
    assert.deepEqual(
      r.transactions[0].shipments.map((s) => s.status),
      ['FAILED'],
    );
  },
  'link-paid': (r, engine) => {
    const [link] = r.links;
    assert.deepEqual([link?.mode, link?.state], ['pay_now', 'paid']);
    const paid = r.steps[1]!;
    assert.deepEqual([paid.transaction?.status, paid.transaction?.amount, paid.transaction?.id], ['PAID', 7412, link!.transaction]);
    // The local engine runs the pay page's use case itself; on the remote engine the page's form is POSTed, as a consumer does.
    assert.match(
      paid.via ?? '',
      engine === 'local' ? /run in this process by the local engine/ : /form, POSTed at http:\/\/127\.0\.0\.1:\d+\/paypage/,
    );
  },
  'link-multi-pay': (r) => {
    const [link] = r.links;
    assert.deepEqual([link?.mode, link?.state], ['multi_pay', 'paid']);
    assert.deepEqual(
      link!.schedule!.map((d) => d.status),
      ['paid', 'scheduled', 'scheduled'],
    );
    assert.equal(
      link!.schedule!.reduce((sum, d) => sum + d.amount, 0),
      7412,
    );
    assert.equal(r.steps[1]?.transaction?.amount, link!.schedule![0]!.amount, 'the first instalment was debited at payment');
  },
};

for (const engine of ['local', 'remote'] as const) {
  describe(`esipay trigger on the ${engine} engine`, () => {
    let home: ReturnType<typeof tempHome>;
    let serve: ServeProcess | undefined;
    const db = tempSqlite();

    before(async () => {
      home = tempHome();
      if (engine === 'remote') serve = await startServe({ db: db.db, args: ['--quiet'] });
    });
    after(async () => {
      await serve?.stop();
      home.cleanup();
      db.cleanup();
    });

    const cli = (args: string[]) =>
      runCli(serve ? ['--engine', 'remote', '--url', serve.url, '--token', serve.token, ...args] : ['--db', db.db, ...args], {
        home: home.home,
      });
    const trigger = async (scenario: string, extra: string[] = []) => {
      const r = await cli(['trigger', scenario, '--json', ...extra]);
      return { ...r, report: r.json<Report & { error?: { code: string; message: string; hint?: string } }>() };
    };

    it('--list names every scenario, one line each; --json gives them as one document', async () => {
      const r = await cli(['trigger', '--list']);
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.trimEnd().split('\n');
      assert.deepEqual(
        lines.map((l) => l.split(/\s+/)[0]),
        Object.keys(EXPECTED),
      );
      for (const line of lines) assert.match(line, /^\S+ +\S.{10,}$/);
      const doc = (await cli(['trigger', '--list', '--json'])).json<{ scenarios: { name: string; summary: string }[] }>();
      assert.deepEqual(
        doc.scenarios.map((s) => s.name),
        Object.keys(EXPECTED),
      );
    });

    for (const [scenario, expected] of Object.entries(EXPECTED)) {
      it(`${scenario} makes what it promises and exits 0`, async () => {
        const r = await trigger(scenario);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.report.scenario, scenario);
        assert.match(r.report.engine, engine === 'local' ? /^local sqlite / : /^remote http:/);
        assert.ok(r.report.steps.every((s) => s.outcome !== 'failed'));
        expected(r.report, engine);
        // What the document shows is in the database: read back through the CLI.
        for (const t of r.report.transactions) {
          const shown = await cli(['tx', 'show', t.id, '--json']);
          assert.equal(shown.json().status, t.status);
        }
      });
    }

    it('runs again: a second run of a scenario makes new transactions with fresh references, and exits 0', async () => {
      const first = await trigger('shipment-three-parts');
      const second = await trigger('shipment-three-parts');
      assert.equal(second.code, 0, second.stderr);
      EXPECTED['shipment-three-parts']!(second.report, engine);
      const [a, b] = [first.report.transactions[0]!, second.report.transactions[0]!];
      assert.notEqual(a.id, b.id);
      assert.notEqual(a.cid, b.cid);
      assert.notEqual(first.report.merchants[0]!.uuid, second.report.merchants[0]!.uuid, 'a scenario merchant per run');
    });

    it('prints what it made, an expected refusal shown as such', async () => {
      const r = await cli(['trigger', 'shipment-over-total']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^shipment-over-total: /);
      assert.match(r.stdout, /merchant {2}\S+ "esipay trigger" \(EUR\)\n {12}registered by this run \(no merchant was given\)/);
      assert.match(r.stdout, /✓ ship 35\.00 EUR +PAID 35\.00 EUR {2}[0-9a-f]{32}\n/);
      assert.match(r.stdout, /✓ ship 40\.00 EUR, over the 39\.12 EUR that remain +refused as expected: PSP_229 \(cannot ship 40\.00 EUR/);
      assert.match(r.stdout, /initial +AUTHORISED +74\.12 EUR +shipped 35\.00 EUR +39\.12 EUR/);
      assert.doesNotMatch(r.stdout + r.stderr, /4111111111111111/, 'no card number is echoed');
    });

    it('acts for the merchant given; one whose return URL refuses makes the scenario fail with the reason (exit 4)', async () => {
      const m = await registerMerchantOn(cli, await closedUrl());
      const r = await trigger('refund-partial', ['--merchant', m]);
      assert.equal(r.code, 4, r.stderr);
      assert.equal(r.report.error?.code, 'callback_failed');
      assert.match(
        r.report.error!.hint!,
        new RegExp(`the return URL of merchant ${m} \\(http://127\\.0\\.0\\.1:\\d+/paid\\) must answer 200`),
      );
      assert.deepEqual(
        r.report.steps.map((s) => [s.outcome, s.transaction?.status]),
        [['failed', 'CANCELLED']],
      );
      assert.deepEqual(
        r.report.merchants.map((x) => [x.uuid, x.registered]),
        [[m, false]],
      );
      assert.match(r.stderr, /^error: "pay 74\.12 EUR with card ····1111 \(approved\)" failed: payment cancelled/m);

      // A scenario that makes no payment needs no return URL: it runs for that merchant.
      const shipped = await trigger('shipment-three-parts', ['--merchant', m]);
      assert.equal(shipped.code, 0, shipped.stderr);
      assert.equal(shipped.report.transactions[0]?.remaining, 0);
      assert.deepEqual(
        shipped.report.merchants.map((x) => x.uuid),
        [m],
      );
    });

    it('an unknown or missing scenario is a usage error (exit 2) naming the way to --list', async () => {
      const unknown = await cli(['trigger', 'payment-nope', '--json']);
      assert.equal(unknown.code, 2);
      assert.equal(unknown.json().error.code, 'invalid_value');
      const missing = await cli(['trigger', '--json']);
      assert.equal(missing.code, 2);
      assert.equal(missing.json().error.code, 'missing_scenario');
      assert.match(missing.json().error.hint, /esipay trigger --list/);
    });

    it('leaves a ledger that verifies', async () => {
      const r = serve ? await runCli(['--db', db.db, 'verify'], { home: home.home }) : await cli(['verify']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
    });
  });
}

/** A merchant registered through the CLI on the engine `cli` runs on. */
async function registerMerchantOn(cli: (args: string[]) => ReturnType<typeof runCli>, returnUrl: string): Promise<string> {
  const r = await cli(['merchant', 'register', '--name', 'Boutique', '--ip', '127.0.0.1', '--return-url', `${returnUrl}/paid`, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return r.json().uuid;
}

describe('esipay trigger: completion', () => {
  it('completes the scenario names', async () => {
    const home = tempHome();
    try {
      const r = await runCli(['__complete', 'trigger', 'shipment-'], { home: home.home });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        r.stdout.trimEnd().split('\n'),
        Object.keys(EXPECTED).filter((n) => n.startsWith('shipment-')),
      );
    } finally {
      home.cleanup();
    }
  });
});
