import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EsipayError, unavailable } from '../domain/errors.js';
import { HttpCallbackSender } from '../callback/sender.js';
// The one file of the service that knows the local engine: it builds the ServiceEngine.
import { DEFAULT_CALLBACK_TIMEOUT_MS, type EngineOptions } from '../engine/local/context.js';
import { LocalEngine } from '../engine/local/local-engine.js';
import { OutboxWakeup } from '../outbox/wakeup.js';
import { openStoreOrExplain } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { setUpAdminToken } from './admin/token.js';
import { createApp } from './app.js';
import { failureLog } from './failure-log.js';
import { countedEngine, ServiceMetrics } from './metrics.js';
import type { ServiceDeps } from './deps.js';
import { type Worker, WORKERS } from './workers/index.js';

export interface ServiceOptions {
  /** SQLite file path or postgres:// URL. */
  db: string;
  host: string;
  port: number;
  trustProxy: string[];
  publicUrl?: string;
  callbackTimeoutMs?: number;
  /** The operator token to accept instead of the stored one. */
  adminToken?: string;
  /** Replace the stored operator token by a new one (printed once). */
  newAdminToken?: boolean;
  /** No access log. */
  quiet: boolean;
  /** The access log as text lines (default) or one JSON object per line. */
  logFormat?: 'text' | 'json';
  /** One line of operator output (stderr). */
  log: (line: string) => void;
  /** For tests that drive the engine's clock or acquirer in-process. */
  engineOptions?: EngineOptions;
}

export interface RunningService {
  url: string;
  port: number;
  store: Store;
  /** The operator token when this start created it (already logged once). */
  createdAdminToken?: string;
  /**
   * Graceful stop. With `drainMs`, first a drain: /healthz answers 503 "stopping" and requests are
   * still served (so a load balancer sees the instance leave instead of a refused connection);
   * then no new connections, requests in flight finish, workers stop, the store closes.
   */
  close(opts?: { drainMs?: number }): Promise<void>;
  /** Drops every connection now, and ends a drain (a second signal); close() still finishes the rest. */
  abort(): void;
}

/** Keep-alive: idle client connections are kept this long (behind the typical 60 s of proxies, above clients' pools). */
const KEEP_ALIVE_MS = 5_000;
/** Slowloris: the headers must arrive within 10 s, the whole request within 30 s. */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * `esipay serve`: the store, the operator token, the HTTP server, the workers. Resolves once it
 * listens and the workers' first runs are done (abandoned payments already cancelled).
 */
export async function startService(opts: ServiceOptions): Promise<RunningService> {
  // A long-lived writer: SQLite's checkpoints off the request path (src/store/sqlite/checkpointer.ts).
  const store = await openStoreOrExplain(opts.db, { sqliteCheckpointer: true });
  let engine: LocalEngine | undefined;
  const workers: Worker[] = [];
  const state = { stopping: false };
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const waiting: [IncomingMessage, ServerResponse][] = [];
  // Requests that arrive between listen() and the end of start-up wait for the handler.
  const server = createServer(
    {
      keepAlive: true,
      headersTimeout: HEADERS_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      keepAliveTimeout: KEEP_ALIVE_MS,
      // How often those timeouts are checked (Node's default, 30 s, would let a slow client hold 40 s).
      connectionsCheckingInterval: 1_000,
    },
    (req, res) => {
      if (handler) handler(req, res);
      else waiting.push([req, res]);
    },
  );

  try {
    const token = await setUpAdminToken(store, {
      ...(opts.adminToken ? { explicit: opts.adminToken } : {}),
      ...(opts.newAdminToken ? { renew: true } : {}),
    });
    await listen(server, opts.port, opts.host);
    const port = (server.address() as AddressInfo).port;
    const url = `http://${urlHost(opts.host)}:${port}`;
    const publicUrl = (opts.publicUrl ?? `http://${urlHost(reachableHost(opts.host))}:${port}`).replace(/\/+$/, '');
    // The engine and the outbox deliverer call merchants back with the same sender and timeout,
    // and the engine's outbox writes wake this service's deliverer.
    const callbacks = {
      sender: opts.engineOptions?.callbacks ?? new HttpCallbackSender(),
      timeoutMs: opts.callbackTimeoutMs ?? opts.engineOptions?.callbackTimeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS,
      wakeup: new OutboxWakeup(),
    };
    engine = await LocalEngine.create(store, {
      ...opts.engineOptions,
      callbacks: callbacks.sender,
      callbackTimeoutMs: callbacks.timeoutMs,
      onOutboxWrite: callbacks.wakeup.notify,
      publicUrl,
    });
    const metrics = new ServiceMetrics();
    const deps: ServiceDeps = {
      engine: countedEngine(engine, metrics),
      store,
      callbacks,
      publicUrl,
      log: (m) => opts.log(`esipay serve: ${m}`),
    };
    for (const start of WORKERS) workers.push(start(deps));
    await Promise.all(workers.map((w) => w.ready));

    handler = createApp(deps, {
      trustProxy: opts.trustProxy,
      adminTokenHash: token.hash,
      accessLog: opts.quiet ? undefined : opts.log,
      ...(opts.logFormat ? { logFormat: opts.logFormat } : {}),
      reportBug: opts.log,
      reportFailure: failureLog((line) => opts.log(`esipay serve: ${line}`)),
      metrics,
      state,
    });
    for (const [req, res] of waiting.splice(0)) handler(req, res);

    if (token.created) {
      opts.log(`esipay serve: operator token (shown only now, keep it): ${token.created}`);
      opts.log('esipay serve: use it as --token or ESIPAY_TOKEN with --engine remote, or as "Authorization: Bearer <token>" on /admin/');
    }
    const graceMs = callbacks.timeoutMs + 5_000;
    let endDrain: (() => void) | undefined;
    const running: RunningService = {
      url,
      port,
      store,
      ...(token.created ? { createdAdminToken: token.created } : {}),
      abort: () => {
        endDrain?.();
        server.closeAllConnections();
      },
      close: async ({ drainMs = 0 } = {}) => {
        state.stopping = true;
        if (drainMs > 0) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, drainMs);
            endDrain = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Connections between requests are closed now; busy ones once their answer is out
        // (answers say "Connection: close"), or after the longest a payment can take.
        server.closeIdleConnections();
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        const hard = setTimeout(() => server.closeAllConnections(), graceMs);
        await closed;
        clearInterval(sweep);
        clearTimeout(hard);
        await Promise.all(workers.map((w) => w.stop()));
        await engine!.close();
      },
    };
    return running;
  } catch (e) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all(workers.map((w) => w.stop()));
    await (engine ? engine.close() : store.close()).catch(() => undefined);
    throw e;
  }
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE')
        reject(unavailable('port_in_use', `port ${port} on ${host} is already in use`, 'stop the other service or choose another --port'));
      else if (e.code === 'EACCES')
        reject(unavailable('port_forbidden', `not allowed to listen on port ${port}`, 'choose a port above 1023'));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND')
        reject(
          unavailable(
            'bad_host',
            `cannot listen on ${host}: no such local address`,
            'pass --host 0.0.0.0, 127.0.0.1 or an address of this machine',
          ),
        );
      else reject(new EsipayError('unavailable', 'listen_failed', `cannot listen on ${host}:${port}: ${e.message}`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** A wildcard address is not one a client can call: links then point at loopback unless --public-url says otherwise. */
function reachableHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}
