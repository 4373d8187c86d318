import { z } from 'zod';
import { type FieldFormat, type FieldSpec, LINK_FIELDS, UNSIZED_MAX } from '../../../domain/link-fields.js';

/**
 * The zod schema of a get_link_payment body, built from the field table (domain/link-fields.ts).
 * Kept apart from the table so zod (over 200 modules) loads with the link use cases, on first use.
 */

const CONTROL = /[\x00-\x1f\x7f]/;

/** Checks of a field's format beyond its type and size. */
const FORMAT_CHECKS: Record<FieldFormat, (v: string) => boolean> = {
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

/** "" and null mean "not sent" for every field; a required field then fails as missing. */
const absentAsUndefined = (v: unknown) => (v === '' || v === null ? undefined : v);

function fieldSchema(f: FieldSpec): z.ZodType {
  let inner: z.ZodType;
  if (f.type === 'boolean') {
    inner = z
      .union([z.boolean(), z.literal(0), z.literal(1), z.enum(['0', '1', 'true', 'false'])])
      .transform((v) => v === true || v === 1 || v === '1' || v === 'true');
  } else {
    const base =
      f.type === 'integer'
        ? z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform((v) => (typeof v === 'number' ? String(v) : v))
        : z.string();
    const sized = z.string().max(f.max ?? UNSIZED_MAX);
    const format = f.format ?? 'text';
    const checked = sized.refine(FORMAT_CHECKS[format], { message: `${f.label} is malformed` });
    inner = f.type === 'integer' ? base.pipe(checked) : checked;
  }
  return z.preprocess(absentAsUndefined, f.required ? inner : inner.optional());
}

/**
 * The one schema of a get_link_payment body: every field of the table with its type, size and
 * whether it is required; any other field is rejected (strict).
 */
export const linkRequestSchema = z.strictObject(Object.fromEntries(LINK_FIELDS.map((f) => [f.name, fieldSchema(f)])));
