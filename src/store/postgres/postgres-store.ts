import type { Store } from '../store.js';

// Placeholder until the PostgreSQL issue lands (see issue 7).
export class PostgresStore {
  constructor(readonly location: string) {
    throw new Error('the PostgreSQL store is not built yet');
  }
}
export type _Check = Store;
