import type { MerchantPatch } from '../store.js';
import { patchColumns } from './rows.js';

const COLUMNS: Record<keyof MerchantPatch, string> = {
  name: 'name',
  ip: 'ip',
  returnUrl: 'return_url',
  notificationUrl: 'notification_url',
  disabledAt: 'disabled_at',
};

/** A merchant patch's keys as column names (undefined values left out), for both adapters. */
export function merchantPatchColumns(patch: MerchantPatch): Record<string, unknown> {
  return patchColumns(patch, COLUMNS);
}
