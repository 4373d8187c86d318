import { z } from 'zod';
import { type ErrorKind, WIRE_ERROR_KINDS } from '../../domain/errors.js';
import type { Proof, Same } from './same-type.js';

/** Every kind of EsipayError; aborted (the CLI's prompts) never reaches an answer, but the type allows it. */
const KINDS = [...WIRE_ERROR_KINDS, 'aborted'] as const;
export type KindsAreAll = Proof<Same<(typeof KINDS)[number], ErrorKind>>;

/**
 * The one JSON shape of an error of the v2 routes, the operator API, the metrics and the probes'
 * methods (src/server/error-answer.ts builds it): `kind` lets a client rebuild the same error; a
 * declined or cancelled payment carries the transaction recorded.
 */
export const ErrorAnswer = z.object({
  error: z.object({
    code: z.string().describe('Stable machine-readable name: unknown_merchant, invalid_amount, amount_exceeds_remaining…'),
    message: z.string().describe('One line saying what was wrong (never a card number).'),
    kind: z.enum(KINDS).describe('what went wrong, as a client rebuilds the error (several kinds share a status)'),
    hint: z.string().optional().describe('What to do next.'),
  }),
  transaction: z.record(z.string(), z.unknown()).optional().describe('The transaction recorded, for a declined or cancelled payment.'),
});
export type ErrorAnswer = z.output<typeof ErrorAnswer>;
