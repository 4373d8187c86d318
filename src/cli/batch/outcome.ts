import { redactPans } from '../../card/card.js';
import { EsipayError, EXIT_CODES, exitCodeOf } from '../../domain/errors.js';

/**
 * What became of one row of a batch, as `batch` prints it (one NDJSON line each): its number and
 * line, whether it is done, and either what it did or its error's code and message. `already`:
 * a previous run had done it, nothing was done now.
 */
export interface RowOutcome {
  row: number;
  line: number;
  ok: boolean;
  already?: boolean;
  [field: string]: unknown;
  error?: { code: string; message: string; hint?: string };
}

/** Why a row failed, for the exit code: the file's mistake, a refusal, or something outside it. */
export type FailureClass = 'input' | 'forbidden' | 'refused' | 'unavailable' | 'bug';

export interface Failure {
  outcome: RowOutcome;
  class: FailureClass;
}

/** A row's error as its outcome, and its class. A bug's stack goes to stderr (the outcome says "internal"). */
export function failureOf(row: number, line: number, context: Record<string, unknown>, e: unknown, stderr: NodeJS.WritableStream): Failure {
  if (!(e instanceof EsipayError)) {
    stderr.write(`bug: ${redactPans((e as Error)?.stack ?? String(e))}\n`);
    return { class: 'bug', outcome: { row, line, ok: false, ...context, error: { code: 'internal', message: 'internal error' } } };
  }
  const error = { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
  // A declined or cancelled payment was recorded: its id, status and masked card come with the error.
  const t = e.transaction as { id?: unknown; status?: unknown; card?: unknown } | undefined;
  const recorded = t && typeof t.id === 'string' ? { transaction: t.id, status: t.status, card: t.card } : {};
  return { class: classOf(e), outcome: { row, line, ok: false, ...context, ...recorded, error } };
}

function classOf(e: EsipayError): FailureClass {
  // A payment still PENDING from a run stopped mid-row (SIGKILL): not the file's mistake, run it later.
  if (e.code === 'payment_in_progress') return 'unavailable';
  switch (exitCodeOf(e.kind)) {
    case EXIT_CODES.unavailable:
      return 'unavailable';
    case EXIT_CODES.refused:
      return 'refused';
    case EXIT_CODES.forbidden:
      return 'forbidden';
    case EXIT_CODES.bug:
      return 'bug';
    default:
      return 'input';
  }
}

/**
 * The exit code of a batch with failures: the most serious class among them. A bug (1); then what
 * stops rows whatever the file holds: unavailable (5: run it again later) and forbidden (3:
 * credentials, the caller's address); then a refused or cancelled payment (4); and 2 when every
 * failure was the file's own (a malformed row, a bad amount or card, a cid reused). 0 with none.
 */
export function exitCodeOfBatch(classes: ReadonlySet<FailureClass>): number {
  if (classes.has('bug')) return EXIT_CODES.bug;
  if (classes.has('unavailable')) return EXIT_CODES.unavailable;
  if (classes.has('forbidden')) return EXIT_CODES.forbidden;
  if (classes.has('refused')) return EXIT_CODES.refused;
  if (classes.has('input')) return EXIT_CODES.invalid;
  return EXIT_CODES.ok;
}

/** A row's value echoed in its outcome (cid, key): anything that could be a card number is masked. */
export function echo(value: unknown): string | undefined {
  const text = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
  return text === '' ? undefined : redactPans(text);
}
