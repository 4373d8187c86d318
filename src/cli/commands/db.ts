import type { Command } from 'commander';
import { EsipayError, invalid } from '../../domain/errors.js';
import type { DatabaseMode } from '../../engine/clock-types.js';
import { storedMode } from '../../engine/local/database-clock.js';
import type { MigrationStatus, Store } from '../../store/store.js';
import type { CommandContext } from '../context.js';
import { refuseMissingDatabase } from '../safe-db.js';
import { resolveSetting } from '../settings.js';
import { action } from '../run-action.js';

/** What `esipay db status|migrate --json` prints. */
interface DbStatusView extends MigrationStatus {
  database: string;
  kind: 'sqlite' | 'postgres';
  /** test (its clock can be moved) or live (docs/clock.md). */
  mode: DatabaseMode;
  upToDate: boolean;
  /**
   * migrate only: the version found before. Another instance migrating at the same time may have
   * applied some of the difference: what is certain is where the database was and where it is.
   */
  previous?: number;
}

export function registerDb(program: Command): void {
  const db = program.command('db').description('the database of the local engine and `esipay serve`: schema version and migrations');

  db.command('status')
    .description('where the database stands: current and latest schema version, applied migrations with dates, pending ones')
    .action(
      action(async (ctx) => {
        // Status only reads: a path with no database is refused rather than created (migrate creates it).
        refuseMissingDatabase((await resolveSetting('db', ctx.opts.db))!, 'esipay db migrate');
        const view = await withStore(ctx, async (store) => toView(store, await store.migrationStatus(), await modeOf(store)));
        ctx.out.result(view, () => renderStatus(view));
      }),
    );

  db.command('migrate')
    .description('apply the pending migrations (safe while other instances start or run), then print the status')
    .action(
      action(async (ctx) => {
        const view = await withStore(ctx, async (store) => {
          const before = await store.migrationStatus();
          return { ...toView(store, await store.migrate(), await modeOf(store)), previous: before.current };
        });
        ctx.out.result(view, () => {
          const head =
            view.previous === view.current
              ? 'already up to date: nothing to apply'
              : `migrated from version ${view.previous} to ${view.current}`;
          return `${head}\n${renderStatus(view)}`;
        });
      }),
    );

  db.command('reset-secrets')
    .description('the key sealing merchant secrets is lost: give every merchant a new secret under the current key (prints them once)')
    .option('--yes', 'do it: every merchant must then be given its new secret')
    .action(
      action(async (ctx, opts: { yes?: boolean }) => {
        if (opts.yes !== true) {
          throw invalid(
            'confirmation_required',
            'reset-secrets replaces the secret of every merchant, and their V4 and link passwords with it',
            'restore the lost key if you can (ESIPAY_SECRET_KEY or the key file); otherwise run again with --yes',
          );
        }
        const { newSecret } = await import('../../util/ids.js');
        const merchants = await withStore(ctx, async (store) => {
          await store.migrate();
          return (await store.resetMerchantSecrets(() => newSecret('whsec'))).map(({ id, secret }) => ({ uuid: id, secret }));
        });
        ctx.out.result({ merchants }, () =>
          [`${merchants.length} merchant(s) have a new secret (shown only now):`, ...merchants.map((m) => `${m.uuid}  ${m.secret}`)].join(
            '\n',
          ),
        );
      }),
    );

  db.command('mode [mode]')
    .description('test or live: show the mode, or set it (a new database is test; live refuses clock moves, and is one-way)')
    .option('--force', 'make a live database a test one again')
    .action(
      action(async (ctx, mode: string | undefined, opts: { force?: boolean }) => {
        const engine = await ctx.openEngine();
        const view =
          mode === undefined
            ? await engine.databaseMode()
            : await engine.setDatabaseMode(mode as DatabaseMode, opts.force ? { force: true } : {});
        if (view.warning) ctx.out.warn(view.warning);
        ctx.out.result(view, () => {
          const about = view.mode === 'live' ? 'live: real time, the clock cannot be moved' : 'test: its clock can be moved (esipay clock)';
          if (view.previous === undefined) return `${mode === undefined ? '' : 'already '}${about}`;
          return `mode changed from ${view.previous} to ${about}`;
        });
      }),
    );
}

/** Opens the --db / ESIPAY_DB store without migrating it, runs fn, closes it. */
async function withStore<T>(ctx: CommandContext, fn: (store: Store) => Promise<T>): Promise<T> {
  const location = (await resolveSetting('db', ctx.opts.db))!;
  const { openStore, cannotOpen } = await import('../../store/open-store.js');
  const failed = (e: unknown): never => {
    throw cannotOpen(location, e);
  };
  const store = await openStore(location, { migrate: false }).catch(failed);
  try {
    return await fn(store).catch((e: unknown) => {
      // A database that cannot be reached or opened is "unavailable"; any other error is a bug.
      if ((e instanceof EsipayError && e.kind === 'unavailable') || isSqliteOpenError(e)) return failed(e);
      throw e;
    });
  } finally {
    await store.close().catch(() => undefined);
  }
}

function isSqliteOpenError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(CANTOPEN|NOTADB|READONLY|PERM|IOERR|CORRUPT)/.test(code);
}

function toView(store: Store, s: MigrationStatus, mode: DatabaseMode): DbStatusView {
  return { database: store.location, kind: store.kind, mode, ...s, upToDate: s.pending.length === 0 };
}

/** None stored (a new database, or one from before modes) is test; so is one not migrated yet (no settings table). */
function modeOf(store: Store): Promise<DatabaseMode> {
  return storedMode(store).catch(() => 'test' as const);
}

function renderStatus(v: DbStatusView): string {
  const lines = [
    `database: ${v.database} (${v.kind})`,
    `mode:     ${v.mode}`,
    `schema:   version ${v.current} of ${v.latest}${v.upToDate ? ', up to date' : `, ${v.pending.length} pending (run: esipay db migrate)`}`,
  ];
  lines.push('applied:' + (v.applied.length === 0 ? ' none' : ''));
  for (const a of v.applied) lines.push(`  ${String(a.version).padStart(3)}  ${a.appliedAt}  ${a.name}`);
  lines.push('pending:' + (v.pending.length === 0 ? ' none' : ''));
  for (const p of v.pending) lines.push(`  ${String(p.version).padStart(3)}  ${p.name}`);
  return lines.join('\n');
}
