import type { Store } from '../store/store.js';

/**
 * A finding of `esipay verify` that does not break the ledger: money is where it should be, but
 * something needs a person. Reported, and the exit stays 0.
 */
export interface LedgerWarning {
  rule: 'dead_events';
  count: number;
  message: string;
}

/** The events the deliverer gave up on (past the retry horizon): the merchant never got them. */
export async function deadEventsWarning(store: Store): Promise<LedgerWarning | undefined> {
  // A database from before events (migration 8 not applied: verify never migrates) has none.
  if (!(await store.migrationStatus()).applied.some((m) => m.version === 8)) return undefined;
  const dead = (await store.countEvents()).dead;
  if (dead === 0) return undefined;
  return {
    rule: 'dead_events',
    count: dead,
    message:
      `${dead} dead event(s): no more delivery attempts (the retry horizon passed); ` +
      'see them with `esipay events list --status dead`, queue one again with `esipay events resend ID`',
  };
}
