import type { VersionedMerchant } from '../../store/store.js';

/**
 * The merchants this engine read for payments, each with the row version it was read at. A
 * payment decided on one is written only while the merchant's row is still at that version
 * (Store.insertPayment checks it in the insert itself), so the merchant need not be read before
 * every payment, and a change made by another instance or command (disabled, secret rotated,
 * return URL patched) is seen at the next payment. A cached merchant never decides a refusal:
 * whatever it would refuse is decided again on a fresh read.
 */
export class MerchantCache {
  private readonly entries = new Map<string, VersionedMerchant>();

  /** Past `limit` merchants, the one cached first goes (a Map keeps insertion order). */
  constructor(private readonly limit = 10_000) {}

  get(id: string): VersionedMerchant | undefined {
    return this.entries.get(id);
  }

  remember(read: VersionedMerchant): void {
    const id = read.merchant.id;
    if (!this.entries.has(id) && this.entries.size >= this.limit) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(id, read);
  }

  forget(id: string): void {
    this.entries.delete(id);
  }
}
