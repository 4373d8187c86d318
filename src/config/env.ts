import { invalid } from '../domain/errors.js';

/**
 * Every ESIPAY_* variable esipay reads, declared once: what it accepts, its default, whether it is
 * a secret, a line of help and the commands that read it. Consumers read their variable through
 * readEnv, so a bad value fails one way wherever it is read: an invalid-input error (exit 2)
 * naming the variable and what it accepts. `esipay config env` and the README's settings table
 * are made from this list (test/config/readme.test.ts fails when they drift apart).
 *
 * Every command loads this module: the checks are plain functions (no zod, docs/performance.md).
 * A variable is read when used, from process.env or the object a caller passes (tests set
 * process.env after start-up), and not cached: checking one costs a regex.
 */

/** The environment read: process.env, or a test's own object. */
export type Env = Readonly<Record<string, string | undefined>>;

export type CommandName =
  | 'merchant'
  | 'pay'
  | 'link'
  | 'refund'
  | 'shipment'
  | 'tx'
  | 'events'
  | 'tui'
  | 'verify'
  | 'listen'
  | 'serve'
  | 'clock'
  | 'db'
  | 'config'
  | 'completion';

export interface EnvVar<T, D extends T | undefined = T | undefined> {
  /** What a valid value is; completes "<the variable> must be …". */
  readonly accepts: string;
  /** The value a valid text means; undefined for a text that is not valid. */
  readonly parse: (text: string) => T | undefined;
  /** Every valid value, when they are a closed list (shell completion offers them). */
  readonly values?: readonly string[];
  /** The value when the variable is unset or empty; undefined: the setting falls through to the next source. */
  readonly fallback: D;
  /** The default as people read it, when the fallback alone does not say it (see envDefault). */
  readonly defaultText?: string;
  /** 'value': never shown nor echoed; 'url-password': shown without the password of the URL. */
  readonly secret?: 'value' | 'url-password';
  readonly help: string;
  /** The flag that overrides it, when one does. */
  readonly flag?: string;
  /** The commands that read it (`esipay serve` checks all of its own at start-up). */
  readonly commands: readonly CommandName[];
}

/** The commands that open the engine the global options choose (local or remote). */
const ENGINE: readonly CommandName[] = ['merchant', 'pay', 'link', 'refund', 'shipment', 'tx', 'events', 'tui', 'clock'];
/** The commands that open a database in this process. */
const STORE: readonly CommandName[] = [...ENGINE, 'verify', 'db', 'serve'];
const EVERY: readonly CommandName[] = [...STORE, 'listen', 'config', 'completion'];

function wholeNumber(min: number, max: number): Pick<EnvVar<number>, 'accepts' | 'parse'> {
  return {
    accepts: `a whole number from ${min} to ${max}`,
    parse: (text) => (/^\d+$/.test(text) && Number(text) >= min && Number(text) <= max ? Number(text) : undefined),
  };
}

function oneOf<V extends string>(...values: V[]): Pick<EnvVar<V>, 'accepts' | 'parse' | 'values'> {
  return {
    values,
    accepts: values.join(' or '),
    parse: (text) => values.find((v) => v === text),
  };
}

function urlOf(...protocols: string[]): Pick<EnvVar<string>, 'accepts' | 'parse'> {
  return {
    accepts: `a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
    parse: (text) => {
      try {
        return protocols.includes(new URL(text).protocol) ? text : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

const anyText: Pick<EnvVar<string>, 'accepts' | 'parse'> = { accepts: 'any text', parse: (text) => text };

/** Keeps the literal type of the fallback, so readEnv says whether a value can be missing. */
function envVar<T, D extends T | undefined>(spec: EnvVar<T, D>): EnvVar<T, D> {
  return spec;
}

export const ENV_VARS = {
  ESIPAY_HOME: envVar({
    ...anyText,
    accepts: 'a directory',
    fallback: undefined,
    defaultText: '$XDG_CONFIG_HOME/esipay and $XDG_DATA_HOME/esipay',
    help: 'one directory for the config file and the default database (the tests use it)',
    commands: EVERY,
  }),
  ESIPAY_ENGINE: envVar({
    ...oneOf('local', 'remote'),
    fallback: undefined,
    defaultText: 'config engine, else local',
    help: 'where commands run: the embedded database (local) or an esipay service (remote)',
    flag: '--engine',
    commands: ENGINE,
  }),
  ESIPAY_DB: envVar({
    ...anyText,
    accepts: 'a SQLite file path or a postgres:// URL',
    fallback: undefined,
    defaultText: 'config db, else $XDG_DATA_HOME/esipay/esipay.db',
    secret: 'url-password',
    help: 'the database of the local engine and of the service',
    flag: '--db',
    commands: STORE,
  }),
  ESIPAY_URL: envVar({
    ...urlOf('http:', 'https:'),
    fallback: undefined,
    defaultText: 'config url, else none',
    help: 'base URL of the esipay service the remote engine talks to',
    flag: '--url',
    commands: ENGINE,
  }),
  ESIPAY_TOKEN: envVar({
    ...anyText,
    fallback: undefined,
    defaultText: 'config token, else none',
    secret: 'value',
    help: 'operator token the remote engine sends',
    flag: '--token',
    commands: ENGINE,
  }),
  ESIPAY_MERCHANT: envVar({
    ...anyText,
    accepts: 'a merchant uuid',
    fallback: undefined,
    defaultText: 'config merchant, else none',
    help: 'the merchant commands act for',
    flag: '--merchant',
    commands: ['pay', 'link', 'shipment', 'tx', 'tui'],
  }),
  ESIPAY_CALLBACK_TIMEOUT_MS: envVar({
    ...wholeNumber(1, 600_000),
    fallback: undefined,
    defaultText: 'config callbackTimeout, else 10000',
    help: 'how long a return URL may take (ms) before the payment is cancelled',
    flag: 'serve --callback-timeout',
    commands: [...ENGINE, 'serve'],
  }),
  ESIPAY_PUBLIC_URL: envVar({
    ...urlOf('http:', 'https:'),
    fallback: undefined,
    defaultText: 'config publicUrl, else the address esipay serve listens on (http://127.0.0.1:6543 for the CLI)',
    help: 'public base URL of the service, used in the payment links handed to customers',
    flag: 'serve --public-url',
    commands: [...ENGINE, 'serve'],
  }),
  ESIPAY_CARD_KEY: envVar({
    accepts: '64 hex characters (32 bytes)',
    parse: (text) => (/^[0-9a-fA-F]{64}$/.test(text) ? text : undefined),
    fallback: undefined,
    defaultText: 'a key created once per database',
    secret: 'value',
    help: 'key of the card hash; several instances on one database share the stored one',
    commands: [...ENGINE, 'serve'],
  }),
  ESIPAY_SECRET_KEY: envVar({
    accepts: '64 hex characters (32 bytes)',
    parse: (text) => (/^[0-9a-fA-F]{64}$/.test(text) ? text : undefined),
    fallback: undefined,
    defaultText: 'the key file secret.key in the config directory, created on first use',
    secret: 'value',
    help: 'key that seals merchant secrets in the database; required when several instances share a PostgreSQL database',
    commands: STORE,
  }),
  ESIPAY_ADMIN_TOKEN: envVar({
    accepts: 'at least 16 characters',
    parse: (text) => (text.length >= 16 ? text : undefined),
    fallback: undefined,
    defaultText: 'one created on the first start and printed once',
    secret: 'value',
    help: 'operator token the service accepts (shared by several instances)',
    flag: 'serve --admin-token',
    commands: ['serve'],
  }),
  ESIPAY_DRAIN_MS: envVar({
    ...wholeNumber(0, 600_000),
    fallback: 5_000,
    help: 'on SIGTERM, how long the service keeps serving with /healthz at 503 before it stops accepting (ms); SIGINT does not drain',
    flag: 'serve --drain',
    commands: ['serve'],
  }),
  ESIPAY_LOG_FORMAT: envVar({
    ...oneOf('text', 'json'),
    fallback: undefined,
    defaultText: 'text',
    help: "the service's log: one text line per request and event, or one JSON object per line",
    flag: 'serve --log-format',
    commands: ['serve'],
  }),
  ESIPAY_LISTEN_SECRET: envVar({
    accepts: 'merchant secrets separated by commas',
    parse: (text) => text.split(','),
    fallback: undefined,
    defaultText: 'none (signatures not checked)',
    secret: 'value',
    help: 'merchant secret(s) `esipay listen` checks Esipay-Signature and kr-hash with',
    flag: 'listen --secret',
    commands: ['listen'],
  }),
  ESIPAY_PG_POOL_MAX: envVar({
    ...wholeNumber(1, 1000),
    fallback: 10,
    help: 'PostgreSQL connections one instance holds at most',
    commands: STORE,
  }),
  ESIPAY_PG_CONNECT_TIMEOUT_MS: envVar({
    ...wholeNumber(1, 600_000),
    fallback: 10_000,
    help: 'how long connecting to PostgreSQL may take (ms)',
    commands: STORE,
  }),
  ESIPAY_PG_QUERY_TIMEOUT_MS: envVar({
    ...wholeNumber(1, 3_600_000),
    fallback: 60_000,
    help: 'how long one PostgreSQL query may wait for its answer (ms) before it fails as unavailable and its connection is dropped (a server that froze, a network that drops packets)',
    commands: STORE,
  }),
  ESIPAY_PG_PREPARE: envVar({
    ...oneOf('on', 'off'),
    fallback: 'on',
    help: 'prepared statements on PostgreSQL; off for a pooler that cannot keep them (PgBouncer in transaction mode before 1.21)',
    commands: STORE,
  }),
  ESIPAY_SQLITE_SYNC: envVar({
    ...oneOf('NORMAL', 'FULL'),
    fallback: 'NORMAL',
    help: "SQLite's synchronous mode: FULL syncs every commit to disk, NORMAL survives a process crash",
    commands: STORE,
  }),
  ESIPAY_SMTP_URL: envVar({
    ...urlOf('smtp:', 'smtps:'),
    fallback: undefined,
    defaultText: 'none (links are not emailed)',
    secret: 'url-password',
    help: 'SMTP server that emails payment links (smtp://user:pass@host:587)',
    commands: ['link', 'serve'],
  }),
  ESIPAY_SMTP_FROM: envVar({
    ...anyText,
    accepts: 'an email sender',
    fallback: 'esipay <no-reply@localhost>',
    help: 'sender of the emailed payment links',
    commands: ['link', 'serve'],
  }),
  ESIPAY_SMS_URL: envVar({
    ...urlOf('http:', 'https:'),
    fallback: undefined,
    defaultText: 'none (links are not texted)',
    secret: 'url-password',
    help: 'HTTP gateway that texts payment links (POST {"to", "text"})',
    commands: ['link', 'serve'],
  }),
  ESIPAY_OUTBOX_RETRY_BASE_MS: envVar({
    ...wholeNumber(1, 86_400_000),
    fallback: 10_000,
    help: 'first delay (ms) before an IPN or callback is tried again; it doubles each time',
    commands: ['serve'],
  }),
  ESIPAY_OUTBOX_RETRY_MAX_MS: envVar({
    ...wholeNumber(1, 86_400_000),
    fallback: 3_600_000,
    help: 'longest delay (ms) between two tries of an IPN or callback',
    commands: ['serve'],
  }),
  // Crash recovery: how long a write that waits (a shipment's debit, an initial verification, a
  // card payment) may stay PENDING before the sweep takes it as abandoned by a stopped service.
  ESIPAY_ACQUIRER_TIMEOUT_MS: envVar({
    ...wholeNumber(1, 600_000),
    fallback: 30_000,
    help: 'how long the acquirer may take (ms) to answer before the call counts as failed and its hold is released',
    commands: [...ENGINE, 'serve'],
  }),
  ESIPAY_ABANDON_GRACE_MS: envVar({
    ...wholeNumber(0, 3_600_000),
    fallback: 30_000,
    help: 'extra time (ms) past the acquirer and return-URL timeouts before a PENDING payment or shipment is swept as abandoned',
    commands: [...ENGINE, 'serve'],
  }),
  ESIPAY_SIMULATOR_DELAY_MS: envVar({
    ...wholeNumber(0, 600_000),
    fallback: 0,
    help: 'how long the simulated acquirer takes (ms) to answer: rehearses a slow acquirer, its timeout and a crash while it works',
    commands: [...ENGINE, 'serve'],
  }),
  ESIPAY_OUTBOX_RETRY_HORIZON_MS: envVar({
    ...wholeNumber(1, 31_536_000_000),
    fallback: 259_200_000,
    defaultText: '259200000 (3 days)',
    help: 'how long (ms) an IPN or callback is retried before it is dead (`esipay events resend` queues it again)',
    commands: ['serve'],
  }),
} as const;

export type EnvName = keyof typeof ENV_VARS;

/** What readEnv gives: the parsed value, or undefined when the variable has no default. */
export type EnvValue<N extends EnvName> = (typeof ENV_VARS)[N] extends EnvVar<infer T, infer D> ? NonNullable<T> | D : never;

export const ENV_NAMES = Object.keys(ENV_VARS) as EnvName[];

export function isEnvName(name: string): name is EnvName {
  return Object.hasOwn(ENV_VARS, name);
}

function spec(name: EnvName): EnvVar<unknown> {
  return ENV_VARS[name] as EnvVar<unknown>;
}

/** The value of a variable: its default when unset or empty; an invalid-input error when bad. */
export function readEnv<N extends EnvName>(name: N, env: Env = process.env): EnvValue<N> {
  const text = env[name];
  if (text === undefined || text === '') return spec(name).fallback as EnvValue<N>;
  const value = spec(name).parse(text);
  if (value === undefined) throw envError([problem(name, text)]);
  return value as EnvValue<N>;
}

/**
 * The text of a variable once checked, or undefined when unset or empty: for the settings a
 * flag may override and the config file backs (src/cli/settings.ts), which stay text.
 */
export function envText(name: EnvName, env: Env = process.env): string | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  readEnv(name, env);
  return text;
}

/** A variable's default as the README and `esipay config env` say it. */
export function envDefault(name: EnvName): string {
  return spec(name).defaultText ?? String(spec(name).fallback);
}

/** What is wrong with a variable's value, or undefined when it is valid (or unset). */
export function envProblem(name: EnvName, env: Env = process.env): string | undefined {
  const text = env[name];
  if (text === undefined || text === '' || spec(name).parse(text) !== undefined) return undefined;
  return problem(name, text);
}

/**
 * Checks every variable a command reads, at once: `esipay serve` calls it before it opens the
 * store or binds its port, so a bad value stops it there, not on the first retry an hour later.
 */
export function checkEnvFor(command: CommandName, env: Env = process.env): void {
  const problems = ENV_NAMES.filter((name) => spec(name).commands.includes(command)).flatMap((name) => envProblem(name, env) ?? []);
  if (problems.length > 0) throw envError(problems);
}

function problem(name: EnvName, text: string): string {
  // A secret is never echoed (a card key, a token, an SMTP password); other values are quoted on one line.
  if (spec(name).secret) return `${name} must be ${spec(name).accepts}`;
  const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  return `${name} must be ${spec(name).accepts} (got ${JSON.stringify(shown)})`;
}

function envError(problems: string[]) {
  return invalid(
    'invalid_env',
    problems.join('; '),
    `fix or unset ${problems.length === 1 ? 'it' : 'them'}; \`esipay config env\` lists every ESIPAY_* variable`,
  );
}
