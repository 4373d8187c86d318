import type { Command } from 'commander';
import { checkEnvFor, readEnv } from '../../config/env.js';
import { invalid } from '../../domain/errors.js';
import { isValidCidr } from '../../util/ip.js';
import { action } from '../run-action.js';
import { parseCallbackTimeout, resolveSetting } from '../settings.js';

interface ServeOptions {
  port: string;
  host: string;
  trustProxy?: string[];
  publicUrl?: string;
  callbackTimeout?: string;
  adminToken?: string;
  newAdminToken?: boolean;
  quiet?: boolean;
  drain?: string;
  logFormat?: string;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the esipay HTTP service: the v2 card API, the operator API (/admin/), /healthz')
    .option('--port <port>', 'TCP port (0 picks a free one)', '6543')
    .option('--host <address>', 'address to listen on', '0.0.0.0')
    .option('--trust-proxy <cidr>', 'believe X-Forwarded-For from this reverse proxy (repeatable, or comma-separated)', collect)
    .option('--public-url <url>', 'public base URL of the service, for links handed to customers (env ESIPAY_PUBLIC_URL)')
    .option(
      '--callback-timeout <ms>',
      'how long a return URL may take before the payment is cancelled (env ESIPAY_CALLBACK_TIMEOUT_MS, default 10000)',
    )
    .option(
      '--admin-token <token>',
      'operator token to accept (env ESIPAY_ADMIN_TOKEN); otherwise one is created on first start and printed once',
    )
    .option('--new-admin-token', 'replace the stored operator token by a new one, printed once')
    .option('--quiet', 'no access log')
    .option('--drain <ms>', 'on SIGTERM, keep serving this long with /healthz at 503 before stopping (env ESIPAY_DRAIN_MS, default 5000)')
    .option('--log-format <format>', 'text (one line per request) or json (one object per line; env ESIPAY_LOG_FORMAT)')
    .addHelpText(
      'after',
      `
The database is --db, ESIPAY_DB, the config's db, or the default file, as for every command.
Stops gracefully on SIGTERM or SIGINT: no new connections, requests in flight finish. SIGTERM
first drains (--drain): /healthz answers 503 while requests are still served, so a load balancer
takes the instance out before it stops accepting; SIGINT (Ctrl-C) does not wait.
Example:
  esipay serve --port 6543 --db postgres://esipay@db/esipay --trust-proxy 10.0.0.0/8`,
    )
    .action(
      action(async (ctx, opts: ServeOptions) => {
        // Every variable the service reads, checked before the store opens or the port is bound.
        checkEnvFor('serve');
        const port = parsePort(opts.port);
        const trustProxy = (opts.trustProxy ?? [])
          .flatMap((v) => v.split(','))
          .map((v) => v.trim())
          .filter(Boolean);
        for (const cidr of trustProxy) {
          if (!isValidCidr(cidr))
            throw invalid('invalid_trust_proxy', `"${cidr}" is not an address or CIDR`, 'use e.g. --trust-proxy 10.0.0.0/8');
        }
        const db = (await resolveSetting('db', ctx.opts.db))!;
        const timeoutText = await resolveSetting('callbackTimeout', opts.callbackTimeout);
        const publicUrl = await resolveSetting('publicUrl', opts.publicUrl);
        if (publicUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(publicUrl))
          throw invalid('invalid_public_url', `"${publicUrl}" is not an http(s) URL`);
        const adminToken = opts.adminToken ?? readEnv('ESIPAY_ADMIN_TOKEN');
        if (adminToken !== undefined && adminToken.length < 16) {
          throw invalid('weak_admin_token', 'the operator token must be at least 16 characters', 'e.g. openssl rand -hex 32');
        }

        const drainMs = opts.drain === undefined ? readEnv('ESIPAY_DRAIN_MS') : parseDrain(opts.drain);
        const logFormat = parseLogFormat(opts.logFormat ?? readEnv('ESIPAY_LOG_FORMAT') ?? 'text');
        const log = logFormat === 'json' ? jsonLog : (line: string) => void process.stderr.write(line + '\n');
        const { startService } = await import('../../server/service.js');
        const service = await startService({
          db,
          host: opts.host,
          port,
          trustProxy,
          ...(publicUrl ? { publicUrl } : {}),
          ...(timeoutText ? { callbackTimeoutMs: parseCallbackTimeout(timeoutText) } : {}),
          ...(adminToken ? { adminToken } : {}),
          ...(opts.newAdminToken ? { newAdminToken: true } : {}),
          quiet: Boolean(opts.quiet),
          logFormat,
          log,
        });
        // One handler for both signals, in place before the readiness line (whoever reads it may
        // signal at once): the first stops gracefully, a second drops what is still in flight.
        let stopping: ((signal: NodeJS.Signals) => void) | undefined;
        const stopSignal = new Promise<NodeJS.Signals>((resolve) => (stopping = resolve));
        const onSignal = (signal: NodeJS.Signals) => {
          if (stopping) {
            stopping(signal);
            stopping = undefined;
          } else service.abort();
        };
        process.on('SIGTERM', onSignal).on('SIGINT', onSignal);
        log(`esipay serve listening on ${service.url}`);
        const signal = await stopSignal;
        // close() stops accepting before its first await: the line below is then true when read.
        const drain = signal === 'SIGTERM' ? drainMs : 0;
        const closing = service.close({ drainMs: drain });
        log(
          `esipay serve: ${signal}: ${drain > 0 ? `draining for ${drain} ms (/healthz answers 503, requests are still served), then ` : ''}finishing requests in flight, then stopping (send it again to drop them)`,
        );
        try {
          await closing;
        } finally {
          process.off('SIGTERM', onSignal).off('SIGINT', onSignal);
        }
        log('esipay serve: stopped');
      }),
    );
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535)
    throw invalid('invalid_port', `"${text}" is not a TCP port`, 'use 0 to 65535, e.g. --port 6543');
  return Number(text);
}

function parseDrain(text: string): number {
  if (!/^\d{1,6}$/.test(text) || Number(text) > 600_000)
    throw invalid('invalid_drain', `"${text}" is not a drain time`, 'give milliseconds from 0 to 600000, e.g. --drain 5000');
  return Number(text);
}

function parseLogFormat(text: string): 'text' | 'json' {
  if (text !== 'text' && text !== 'json')
    throw invalid('invalid_log_format', `"${text}" is not a log format`, 'use --log-format text or json');
  return text;
}

/**
 * The service's log as JSON lines: the access log's lines already are; every other line (the
 * readiness line, workers, failures, bugs) becomes {time, level, msg}. Card numbers never reach
 * here: every caller masks them first.
 */
function jsonLog(line: string): void {
  if (line.startsWith('{')) {
    process.stderr.write(line + '\n');
    return;
  }
  const level = /^bug\b|: bug\b/.test(line) ? 'error' : / unavailable: /.test(line) ? 'warn' : 'info';
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level, msg: line }) + '\n');
}
