import type { LinkMode, MerchantRecord } from '../../../domain/types.js';
import { linkError } from '../../../domain/link-codes.js';
import { fieldNumber, LINK_FIELDS, type LinkRequest } from '../../../domain/link-fields.js';
import { linkRequestSchema } from './schema.js';
import { planOf, type SchedulePlan } from './schedule.js';

/** link_duration is in minutes: default 7 days, at most one year. */
export const DEFAULT_LINK_DURATION_MIN = 7 * 24 * 60;
export const MAX_LINK_DURATION_MIN = 365 * 24 * 60;

const FIELD_ORDER = new Map(LINK_FIELDS.map((f, i) => [f.name, i]));

/**
 * Validates a get_link_payment body against the one schema. On failure throws the code of the
 * first problem: an unknown field first, then the fields in table order (missing, too long,
 * malformed), so a request with several problems always gets the same code.
 */
export function parseLinkRequest(body: unknown): LinkRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw linkError('FORMAT_001');
  const parsed = linkRequestSchema.safeParse(body);
  if (parsed.success) return parsed.data as LinkRequest;

  const unknown = parsed.error.issues.find((i) => i.code === 'unrecognized_keys');
  if (unknown && unknown.code === 'unrecognized_keys') {
    const names = unknown.keys
      .slice(0, 3)
      .map((k) => JSON.stringify(k.slice(0, 40)))
      .join(', ');
    throw linkError(
      'FORMAT_002',
      `unknown field${unknown.keys.length > 1 ? 's' : ''} ${names}: only the fields of the get_link_payment table are accepted`,
    );
  }
  const fieldIssues = parsed.error.issues
    .map((issue) => ({ issue, name: String(issue.path[0] ?? '') }))
    .filter((x) => FIELD_ORDER.has(x.name))
    .sort((a, b) => FIELD_ORDER.get(a.name)! - FIELD_ORDER.get(b.name)!);
  const first = fieldIssues[0];
  if (!first) throw linkError('FORMAT_001');
  const spec = LINK_FIELDS[FIELD_ORDER.get(first.name)!]!;
  const n = fieldNumber(spec.name);
  const value = (body as Record<string, unknown>)[spec.name];
  if (spec.required && (value === undefined || value === null || value === '')) {
    throw linkError(`MISSING_${n}`, `${spec.name} is required (${spec.label})`);
  }
  if (first.issue.code === 'too_big') {
    throw linkError(`LENGTH_${n}`, `${spec.name} is longer than ${spec.max} ${spec.type === 'integer' ? 'digits' : 'characters'}`);
  }
  throw linkError(`INVALID_${n}`);
}

/** What a valid request means, once checked against the merchant. */
export interface LinkTerms {
  amount: number;
  mode: LinkMode;
  plan: SchedulePlan;
  durationMinutes: number;
  sendEmail: boolean;
  sendSms: boolean;
  redirectUrl: string | null;
}

export function interpretLinkRequest(req: LinkRequest, merchant: MerchantRecord): LinkTerms {
  const amount = Number(req.amount);
  if (!Number.isSafeInteger(amount)) throw linkError('AMOUNT_002', `the amount ${req.amount} is larger than 9007199254740991 minor units`);
  if (amount <= 0) throw linkError('AMOUNT_001', 'the amount must be greater than zero (in minor units: "1000" is 10.00 EUR)');

  if (req.merchant_id !== undefined && req.merchant_id !== merchant.id) throw linkError('AUTH_004');

  const chosen = (['pay_now', 'multi_pay', 'pay_later'] as const).filter((m) => req[m] === true);
  if (chosen.length > 1) throw linkError('MODE_001', `only one of pay_now, multi_pay and pay_later may be true (got ${chosen.join(', ')})`);
  const mode: LinkMode = chosen[0] ?? 'pay_now';
  const scenario = typeof req.payment_scenario === 'string' ? req.payment_scenario : undefined;
  const plan = planOf(mode, scenario);
  if (!plan) {
    throw linkError(
      'MODE_002',
      scenario === undefined ? undefined : `payment_scenario "${scenario.slice(0, 64)}" does not fit ${mode}`,
      'multi_pay takes "2x" to "12x" (instalments), pay_later "1d" to "90d" (days), pay_now none',
    );
  }
  if (amount < plan.instalments) throw linkError('AMOUNT_003', `${amount} minor units cannot be split in ${plan.instalments} instalments`);

  const durationMinutes = req.link_duration === undefined ? DEFAULT_LINK_DURATION_MIN : Number(req.link_duration);
  if (!Number.isInteger(durationMinutes) || durationMinutes < 1 || durationMinutes > MAX_LINK_DURATION_MIN) {
    throw linkError(
      'DURATION_001',
      `link_duration ${String(req.link_duration).slice(0, 16)} is outside 1..${MAX_LINK_DURATION_MIN} minutes`,
    );
  }
  return {
    amount,
    mode,
    plan,
    durationMinutes,
    sendEmail: req.email_option === '1',
    sendSms: req.sms_option === '1',
    redirectUrl: typeof req.manual_redirect_url === 'string' ? req.manual_redirect_url : null,
  };
}
