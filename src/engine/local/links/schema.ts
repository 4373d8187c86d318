import { z } from 'zod';
import { type FieldSpec, LINK_FIELDS, UNSIZED_MAX } from '../../../domain/link-fields.js';
import { FORMAT_CHECKS } from '../../../domain/link-formats.js';

/**
 * The zod schema of a get_link_payment body, built from the field table (domain/link-fields.ts).
 * Kept apart from the table so zod (over 200 modules) loads with the link use cases, on first use.
 */

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
