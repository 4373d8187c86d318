import type { FieldFormat } from './link-fields.js';

/**
 * The formats of get_link_payment fields (link-fields.ts), as plain checks: the link schema
 * (engine/local/links/schema.ts) refines its fields with them, and the CLI checks what a person
 * types with the very same rules before anything is sent.
 */

const CONTROL = /[\x00-\x1f\x7f]/;

/** Checks of a field's format beyond its type and size. */
export const FORMAT_CHECKS: Record<FieldFormat, (v: string) => boolean> = {
  text: (v) => !CONTROL.test(v),
  digits: (v) => /^\d+$/.test(v),
  url: (v) => {
    if (CONTROL.test(v) || /\s/.test(v)) return false;
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '' && u.username === '' && u.password === '';
    } catch {
      return false;
    }
  },
  email: (v) => /^[^\s@"<>(),;:\\[\]]+@[^\s@"<>(),;:\\[\]]+\.[^\s@"<>(),;:\\[\]]+$/.test(v),
  phone: (v) => /^\+?[0-9 .()-]+$/.test(v) && v.replace(/\D/g, '').length >= 6,
  siren: (v) => /^\d{9}$/.test(v),
  flag: (v) => v === '0' || v === '1',
  consumer_type: (v) => v === '0' || v === '1',
  lang: (v) => /^[a-zA-Z]{2,3}([-_][a-zA-Z0-9]{2,8})*$/.test(v),
};
