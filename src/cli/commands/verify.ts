import type { Command } from 'commander';
import { EsipayError, exitCodeOf, invalid, unavailable } from '../../domain/errors.js';
import { formatMoney } from '../../money/amount.js';
import { refuseMissingDatabase } from '../safe-db.js';
import { resolveSetting } from '../settings.js';
import { action } from '../run-action.js';

/**
 * `esipay verify`: the ledger check over the database (read only). Exit 0 when every invariant
 * holds; exit 4 (code ledger_inconsistent) when any is broken, each printed on one line. With
 * --json the whole report is the one JSON document, violations included.
 */
export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('check the ledger: no money lost or doubled, every PAID payment acknowledged (exit 4 if not)')
    .option('--now <iso>', 'judge PENDING deadlines at this time instead of now')
    .action(
      action(async (ctx, opts: { now?: string }) => {
        const engine = await resolveSetting('engine', ctx.opts.engine);
        if (engine === 'remote') {
          throw invalid(
            'verify_needs_database',
            'esipay verify reads the database directly',
            "pass --engine local --db <path|url> (the service's database)",
          );
        }
        const now = opts.now === undefined ? undefined : new Date(opts.now);
        if (now && Number.isNaN(now.getTime()))
          throw invalid('invalid_now', `--now "${opts.now}" is not an ISO date`, 'use a form such as 2030-01-31T12:00:00Z');
        const db = (await resolveSetting('db', ctx.opts.db))!;
        const [{ openStoreOrExplain, printableLocation }, { checkLedger, formatViolation }] = await Promise.all([
          import('../../store/open-store.js'),
          import('../../verify/ledger-check.js'),
        ]);
        // Verifying must not create an empty database where the real one was expected.
        refuseMissingDatabase(db);
        const store = await openStoreOrExplain(db, { migrate: false });
        try {
          if ((await store.migrationStatus()).current === 0) {
            throw unavailable('store_not_migrated', `${printableLocation(db)} is not an esipay database`, 'check --db or ESIPAY_DB');
          }
          // By default the database's own time: a moved test clock has passed deadlines real time has not.
          const { databaseNow } = await import('../../engine/local/database-clock.js');
          const report = await checkLedger(store, { now: now ?? (await databaseNow(store)) });
          const c = report.counts;
          ctx.out.result(report, () => {
            const lines = [
              `${c.merchants} merchants, ${c.transactions} transactions (${
                Object.entries(c.byStatus)
                  .map(([s, n]) => `${n} ${s}`)
                  .join(', ') || 'none'
              }), ${c.refunds} refunds, ${c.shipments} shipments, ${c.links} links`,
              outboxLine(c.outbox, report.warnings.find((w) => w.rule === 'dead_events')?.count ?? 0),
              ...Object.entries(report.totals).map(
                ([cur, t]) => `${cur}: paid ${formatMoney(t.paid, cur)}, refunded ${formatMoney(t.refunded, cur)}`,
              ),
              ...report.violations.map(formatViolation),
              ...report.warnings.map((w) => `warning: ${w.message}`),
              report.ok ? 'ledger ok: every invariant holds' : `${report.violations.length} invariant violation(s)`,
            ];
            return lines.join('\n');
          });
          if (!report.ok) {
            const err = new EsipayError(
              'refused',
              'ledger_inconsistent',
              `the ledger breaks ${report.violations.length} invariant(s)`,
              'see the lines above; docs/reliability.md says what each rule means',
            );
            if (!ctx.out.json) throw err;
            // With --json the report (violations included) is the one document: no second error document.
            ctx.out.stderr.write(`error: ${err.message}\n`);
            process.exitCode = exitCodeOf(err.kind);
          }
        } finally {
          await store.close();
        }
      }),
    );
}

/** A dead event is undelivered but no longer waiting: it is counted apart. */
function outboxLine(o: { delivered: number; undelivered: number }, dead: number): string {
  return `outbox: ${o.delivered} delivered, ${o.undelivered - dead} waiting${dead > 0 ? `, ${dead} dead` : ''}`;
}
