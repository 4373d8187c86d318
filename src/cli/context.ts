import { invalid } from '../domain/errors.js';
import type { Engine } from '../engine/engine.js';
import { Output } from './output.js';
import type { ParsedCommand } from './run-action.js';
import { parseCallbackTimeout, resolveSetting } from './settings.js';

/** Global options, shared by every subcommand (read with optsWithGlobals). */
export interface GlobalOptions {
  engine?: string;
  db?: string;
  url?: string;
  token?: string;
  merchant?: string;
  json?: boolean;
  color?: boolean;
}

/**
 * What a command's action gets: its output, and the engine the global options choose, opened
 * lazily (so `esipay config …` or `esipay completion` never open a database or load undici).
 */
export class CommandContext {
  readonly out: Output;
  private engine: Engine | undefined;

  constructor(readonly opts: GlobalOptions) {
    this.out = new Output(Boolean(opts.json), process.stdout, process.stderr, opts.color !== false);
  }

  static of(cmd: ParsedCommand): CommandContext {
    return new CommandContext(cmd.optsWithGlobals() as GlobalOptions);
  }

  /**
   * The engine the command runs on. `sqliteCacheKiB` bounds the local SQLite page cache, for a
   * long-lived command that scans (the dashboard) and should not keep what it scanned resident.
   */
  async openEngine(opts: { sqliteCacheKiB?: number; readOnly?: boolean } = {}): Promise<Engine> {
    if (this.engine) return this.engine;
    const kind = await resolveSetting('engine', this.opts.engine);
    if (kind === 'remote') {
      const url = await resolveSetting('url', this.opts.url);
      if (!url) throw invalid('missing_url', 'the remote engine needs the service URL', 'pass --url http://host:6543 or set ESIPAY_URL');
      const token = await resolveSetting('token', this.opts.token);
      const { RemoteEngine } = await import('../engine/remote/remote-engine.js');
      this.engine = new RemoteEngine({ url, ...(token ? { token } : {}) });
    } else if (kind === 'local') {
      const db = (await resolveSetting('db', this.opts.db))!;
      if (opts.readOnly) (await import('./safe-db.js')).refuseMissingDatabase(db);
      const timeout = await resolveSetting('callbackTimeout', undefined);
      const publicUrl = await resolveSetting('publicUrl', undefined);
      const [{ openStoreOrExplain }, { LocalEngine }, { NodeHttpCallbackSender }] = await Promise.all([
        import('../store/open-store.js'),
        import('../engine/local/local-engine.js'),
        import('../callback/node-http-sender.js'),
      ]);
      const store = await openStoreOrExplain(db, opts);
      this.engine = await LocalEngine.create(store, {
        // One command, one POST: node's own client, not undici's pool (its loading was most of `esipay pay`).
        callbacks: new NodeHttpCallbackSender(),
        ...(timeout ? { callbackTimeoutMs: parseCallbackTimeout(timeout) } : {}),
        ...(publicUrl ? { publicUrl } : {}),
      });
    } else {
      throw invalid('invalid_engine', `unknown engine "${kind}"`, 'use --engine local or --engine remote');
    }
    return this.engine;
  }

  /** The merchant from --merchant, ESIPAY_MERCHANT or the config's default. */
  async merchant(): Promise<string> {
    const m = await resolveSetting('merchant', this.opts.merchant);
    if (!m)
      throw invalid(
        'missing_merchant',
        'no merchant given',
        'pass --merchant <uuid>, set ESIPAY_MERCHANT, or `esipay config set merchant <uuid>`',
      );
    return m;
  }

  async close(): Promise<void> {
    await this.engine?.close();
  }
}
