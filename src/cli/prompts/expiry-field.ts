import { checkExpiry, splitExpiry } from '../../card/card.js';
import type { TextField } from './text-field.js';

/** The card's expiry, MM/YYYY (or MM/YY): refused when malformed, past, or decades away. */
export function expiryField(now: () => Date = () => new Date()): TextField<{ month: string; year: string }> {
  return {
    label: 'Expiry',
    hint: 'MM/YYYY',
    max: 7,
    accepts: (ch) => /[\d/-]/.test(ch),
    check: (text) => {
      const parts = splitExpiry(text);
      if (!parts) return { ok: false, message: 'type the expiry as MM/YYYY, such as 12/2030' };
      const checked = checkExpiry(parts.month, parts.year, now());
      return checked.ok ? { ok: true, value: parts } : { ok: false, message: checked.message };
    },
  };
}
