import { connect } from 'node:net';
import type { Listener } from '../../callback/listener.js';
import type { MerchantView } from '../../domain/types.js';
import type { Engine } from '../../engine/engine.js';
import type { TriggerMerchant } from './types.js';

/** Where a run happens: its engine, the merchant the settings name, the service's URL on the remote engine. */
export interface TriggerPlace {
  engine: Engine;
  /** From --merchant, ESIPAY_MERCHANT or the config. */
  given?: string;
  /** The remote engine's service: the receivers listen on the address this machine reaches it from. */
  serviceUrl?: string;
}

export const SCENARIO_MERCHANT = 'esipay trigger';
export const REFUSING_MERCHANT = 'esipay trigger (return URL refusing)';
/** The status the refusing receiver answers: anything but 200 cancels a payment. */
export const REFUSING_STATUS = 503;

/**
 * The merchants of one run. The one given is used as it is; without one, a merchant is registered
 * for the run, its return URL a receiver the run serves (answering 200), gone when the run ends.
 * A cancelled payment needs a return URL that refuses, which a merchant's own cannot be made to
 * do: that scenario always registers a merchant of its own, its return URL a receiver answering
 * 503. A receiver, not a closed port: a port found closed may be taken by the time the payment
 * calls it, and on the remote engine it is the service's machine that is called, where this one
 * cannot tell which ports are closed; a 503 is a refusal whoever calls it (and a service that
 * cannot reach the receiver is refused too).
 */
export class ScenarioMerchants {
  readonly used: TriggerMerchant[] = [];
  private main: Promise<MerchantView> | undefined;
  private readonly listeners: Listener[] = [];
  private address: Promise<string> | undefined;

  constructor(private readonly place: TriggerPlace) {}

  /** The merchant the scenario acts for. */
  merchant(): Promise<MerchantView> {
    return (this.main ??= this.place.given ? this.useGiven(this.place.given) : this.register(SCENARIO_MERCHANT, 200));
  }

  /** A merchant of this run whose return URL answers 503, in the currency of the run's merchant when one was given. */
  async refusing(): Promise<MerchantView> {
    // The given merchant only lends its currency: it makes none of this scenario's requests.
    const currency = this.place.given ? (await this.place.engine.getMerchant(this.place.given)).currency : undefined;
    return this.register(REFUSING_MERCHANT, REFUSING_STATUS, currency);
  }

  /** The next step for a payment cancelled where the scenario expected it PAID. */
  cancelledHint(merchant: string): string {
    const m = this.used.find((u) => u.uuid === merchant);
    if (!m || !m.registered)
      return `the return URL of merchant ${merchant}${m ? ` (${m.returnUrl})` : ''} must answer 200: run \`esipay listen\` there, or run without --merchant and trigger registers a merchant whose return URL it serves`;
    return this.place.serviceUrl
      ? `the service could not reach this run's receiver at ${m.returnUrl}: run trigger where the service can reach it, or pass --merchant with a return URL the service reaches`
      : `this run's receiver at ${m.returnUrl} did not answer 200`;
  }

  async close(): Promise<void> {
    await Promise.all(this.listeners.map((l) => l.close()));
  }

  private async useGiven(uuid: string): Promise<MerchantView> {
    const m = await this.place.engine.getMerchant(uuid);
    this.used.push({ ...summary(m), registered: false, why: 'given by --merchant, ESIPAY_MERCHANT or the config' });
    return m;
  }

  private async register(name: string, status: number, currency?: string): Promise<MerchantView> {
    const host = await this.host();
    const { startListener } = await import('../../callback/listener.js');
    const listener = await startListener({ host, port: 0, status });
    this.listeners.push(listener);
    const m = await this.place.engine.registerMerchant({
      name,
      ip: host,
      returnUrl: `${listener.url}/return`,
      ...(currency ? { currency } : {}),
    });
    const why =
      status === 200
        ? 'registered by this run (no merchant was given): its return URL is a receiver of this run that answers 200, and refuses once the run ends'
        : `registered by this run: a payment is cancelled when its merchant's return URL does not answer 200, and this one's is a receiver of this run that answers ${status}`;
    this.used.push({ ...summary(m), registered: true, why });
    return m;
  }

  /**
   * The address the receivers listen on, which is also the merchant's IP: loopback for the local
   * engine (the return URL is called from this process); for the remote engine, the address this
   * machine reaches the service from, which is where the service sees its requests come from and
   * what it can call back.
   */
  private host(): Promise<string> {
    return (this.address ??= this.place.serviceUrl ? localAddressToward(this.place.serviceUrl) : Promise.resolve('127.0.0.1'));
  }
}

function summary(m: MerchantView): Omit<TriggerMerchant, 'registered' | 'why'> {
  return { uuid: m.uuid, name: m.name, currency: m.currency, returnUrl: m.returnUrl };
}

/** The local end of a connection to the URL's host; loopback when it cannot be reached (the engine then says why). */
function localAddressToward(url: string): Promise<string> {
  const u = new URL(url);
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  return new Promise((resolve) => {
    const socket = connect({ host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port });
    socket.setTimeout(10_000);
    const done = (address: string | undefined) => {
      socket.destroy();
      resolve(address ? address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '') : '127.0.0.1');
    };
    socket.once('connect', () => done(socket.localAddress));
    socket.once('error', () => done(undefined));
    socket.once('timeout', () => done(undefined));
  });
}
