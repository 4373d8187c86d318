import { FORMAT_CHECKS } from '../../domain/link-formats.js';
import { LINK_FIELDS } from '../../domain/link-fields.js';
import { isValidIp } from '../../util/ip.js';
import { printable } from '../../util/printable.js';
import { lineField, type TextField } from './text-field.js';

/** What was typed, fit to quote in a refusal (a card number typed in the wrong field is masked). */
const quoted = (text: string) => `"${printable(text, { max: 40, spaces: true })}"`;

/**
 * What a merchant's typed address and return URL must look like, as the engine checks them at
 * registration: a typo is fixed on the spot instead of losing the answers before it.
 */
export const LINE_FORMS = {
  ip: (text: string) => (isValidIp(text) ? undefined : `${quoted(text)} is not an IPv4 or IPv6 address`),
  url: (text: string) => {
    if (!URL.canParse(text)) return `${quoted(text)} is not a URL: type a full one, such as http://127.0.0.1:4242/paid`;
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:' ? undefined : 'the URL must use http or https';
  },
} satisfies Record<string, (text: string) => string | undefined>;

export type LineForm = keyof typeof LINE_FORMS;

/** A field of a payment link (get_link_payment), held to the table's size and format, as the engine holds it. */
export function linkField(name: string, label: string): TextField<string> {
  const spec = LINK_FIELDS.find((f) => f.name === name);
  if (!spec) throw new Error(`no link field ${name}`);
  const check = FORMAT_CHECKS[spec.format ?? 'text'];
  return lineField(label, spec.max ?? 255, (text) => (check(text) ? undefined : `${quoted(text)} is not ${spec.label}`));
}
