import type { Command } from 'commander';
import { readEnv } from '../../config/env.js';
import { invalid, unavailable } from '../../domain/errors.js';
import { action } from '../run-action.js';

export function registerListen(program: Command): void {
  program
    .command('listen')
    .description('a return-URL receiver for tests: prints each callback and checks its signature')
    .option('--port <port>', 'port to listen on', '4242')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--secret <secret...>', 'merchant secret(s) to verify Esipay-Signature with (or ESIPAY_LISTEN_SECRET)')
    .option('--status <code>', 'HTTP status to answer (anything but 200 cancels the payment)', '200')
    .option('--tolerance <seconds>', 'accepted signature age', '300')
    .action(
      action(async (ctx, opts: { port: string; host: string; secret?: string[]; status: string; tolerance: string }) => {
        const port = Number(opts.port);
        const status = Number(opts.status);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalid('invalid_port', `"${opts.port}" is not a port`);
        if (!Number.isInteger(status) || status < 100 || status > 599)
          throw invalid('invalid_status', `"${opts.status}" is not an HTTP status`);
        const secrets = opts.secret ?? readEnv('ESIPAY_LISTEN_SECRET') ?? [];
        const { startListener } = await import('../../callback/listener.js');
        const listener = await startListener({
          host: opts.host,
          port,
          status,
          secrets,
          toleranceS: Number(opts.tolerance),
          onCallback: (cb) => {
            if (ctx.out.json) ctx.out.stdout.write(JSON.stringify(cb) + '\n');
            else {
              const c = ctx.out.color;
              const sig =
                cb.signature === 'valid'
                  ? c.green('signature valid')
                  : cb.signature === 'unchecked'
                    ? c.dim('signature not checked (no --secret)')
                    : c.red(`signature INVALID: ${cb.signatureError}`);
              const fields = Object.entries(cb.fields)
                .map(([k, v]) => `${k}=${v}`)
                .join(' ');
              ctx.out.stdout.write(`${cb.receivedAt} ${cb.method} ${cb.path} ${fields}  ${sig}  → ${cb.answeredStatus}\n`);
            }
          },
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
        ctx.out.info(`listening on ${listener.url} (answering ${status}); Ctrl-C to stop`);
        await stopped;
      }),
    );
}
