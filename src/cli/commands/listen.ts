import type { Command } from 'commander';
import type { ReceivedCallback } from '../../callback/listener.js';
import { readEnv } from '../../config/env.js';
import { invalid, unavailable } from '../../domain/errors.js';
import type { Output } from '../output.js';
import { action } from '../run-action.js';

export function registerListen(program: Command): void {
  program
    .command('listen')
    .description(
      'a merchant endpoint for tests: prints each return-URL POST, V4 IPN and link callback, checks its signature, can forward it to your app',
    )
    .option('--port <port>', 'port to listen on', '4242')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--secret <secret...>', 'merchant secret(s) to verify Esipay-Signature and kr-hash with (or ESIPAY_LISTEN_SECRET)')
    .option('--status <code>', 'HTTP status to answer (anything but 200 cancels the payment)', '200')
    .option('--tolerance <seconds>', 'accepted signature age', '300')
    .option('--forward-to <url>', 'relay each request to your application and answer with its status (502 when it is down)')
    .action(
      action(
        async (ctx, opts: { port: string; host: string; secret?: string[]; status: string; tolerance: string; forwardTo?: string }) => {
          const port = Number(opts.port);
          const status = Number(opts.status);
          if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalid('invalid_port', `"${opts.port}" is not a port`);
          if (!Number.isInteger(status) || status < 100 || status > 599)
            throw invalid('invalid_status', `"${opts.status}" is not an HTTP status`);
          if (opts.forwardTo !== undefined) checkForwardUrl(opts.forwardTo);
          const secrets = opts.secret ?? readEnv('ESIPAY_LISTEN_SECRET') ?? [];
          const { startListener } = await import('../../callback/listener.js');
          const listener = await startListener({
            host: opts.host,
            port,
            status,
            secrets,
            toleranceS: Number(opts.tolerance),
            ...(opts.forwardTo ? { forwardTo: opts.forwardTo } : {}),
            onCallback: (cb) => ctx.out.stdout.write((ctx.out.json ? JSON.stringify(cb) : describeCallback(ctx.out, cb)) + '\n'),
          }).catch((e: NodeJS.ErrnoException) => {
            // A port in use is the user's to fix, not a bug (exit 5 with a next step).
            if (e.code === 'EADDRINUSE')
              throw unavailable(
                'port_in_use',
                `port ${port} on ${opts.host} is already in use`,
                'stop the other receiver or choose another --port',
              );
            throw e;
          });
          // The handlers are in place before the readiness line: whoever reads it may signal at once.
          const stopped = new Promise<void>((resolve) => {
            const stop = () => void listener.close().then(resolve);
            process.once('SIGINT', stop);
            process.once('SIGTERM', stop);
          });
          const answering = opts.forwardTo ? `forwarding to ${opts.forwardTo}` : `answering ${status}`;
          ctx.out.info(`listening on ${listener.url} (${answering}); Ctrl-C to stop`);
          await stopped;
        },
      ),
    );
}

function checkForwardUrl(value: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw invalid(
      'invalid_forward_url',
      `"${value.slice(0, 80)}" is not an http(s) URL`,
      "give your application's URL, such as http://127.0.0.1:3000/esipay",
    );
}

const LABELS: Record<ReceivedCallback['kind'], string> = {
  return_url: 'return-url',
  ipn: 'V4 IPN',
  link_callback: 'link callback',
  unknown: 'unknown message',
};

/** One line per message: what it is, what it is about, whether its signature holds, what was answered. */
function describeCallback(out: Output, cb: ReceivedCallback): string {
  const c = out.color;
  const sig =
    cb.signature === 'valid'
      ? c.green('signature valid')
      : cb.signature === 'unchecked'
        ? c.dim('signature not checked (no --secret)')
        : c.red(`signature INVALID: ${cb.signatureError}`);
  // The return URL's fields are the whole message (type, amount, transaction, cid); the others name their transaction.
  const about =
    cb.kind === 'return_url' || cb.kind === 'unknown'
      ? Object.entries(cb.fields)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')
      : [`transaction=${cb.transaction ?? '?'}`, ...(cb.event ? [`${cb.kind === 'ipn' ? 'orderStatus' : 'event'}=${cb.event}`] : [])].join(
          ' ',
        );
  const forward = cb.forward
    ? cb.forward.status === null
      ? `  ${c.red(`forward to ${cb.forward.url} failed: ${cb.forward.error}`)}`
      : `  forwarded to ${cb.forward.url}: ${cb.forward.status}`
    : '';
  return `${cb.receivedAt} ${LABELS[cb.kind]} ${cb.method} ${cb.path} ${about}  ${sig}${forward}  → ${cb.answeredStatus}`;
}
