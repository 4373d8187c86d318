import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LinkRecord, MerchantWithSecret } from '../../src/domain/types.js';
import { openStore } from '../../src/store/open-store.js';
import { type ServeProcess, startServe } from '../helpers/serve.js';

/**
 * A real `esipay serve` on a fresh SQLite file for the link tests, with helpers to register
 * merchants (operator API), call get_link_payment as a merchant would, and look at what the
 * database holds (to check that a refused request created nothing).
 */
export interface LinkService {
  serve: ServeProcess;
  url: string;
  dir: string;
  db: string;
  merchant(opts?: { ip?: string; currency?: string; name?: string }): Promise<MerchantWithSecret>;
  getLinkPayment(
    m: { uuid: string; secret: string } | null,
    body: unknown,
    opts?: { authorization?: string; raw?: string },
  ): Promise<{ status: number; json: any }>;
  /** Every link the database holds for a merchant. */
  links(merchant: string): Promise<LinkRecord[]>;
  close(): Promise<void>;
}

export async function startLinkService(env: Record<string, string> = {}): Promise<LinkService> {
  const dir = mkdtempSync(join(tmpdir(), 'esipay-links-'));
  const db = join(dir, 'esipay.db');
  const serve = await startServe({ db, env });
  let seq = 0;
  return {
    serve,
    url: serve.url,
    dir,
    db,
    async merchant(opts = {}) {
      const res = await fetch(`${serve.url}/admin/merchants`, {
        method: 'POST',
        headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: opts.name ?? `Boutique ${++seq}`,
          ip: opts.ip ?? '127.0.0.1',
          returnUrl: 'http://127.0.0.1:9/unused',
          currency: opts.currency ?? 'EUR',
        }),
      });
      if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
      return (await res.json()) as MerchantWithSecret;
    },
    async getLinkPayment(m, body, opts = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
      const auth = opts.authorization ?? (m ? `Basic ${Buffer.from(`${m.uuid}:${m.secret}`).toString('base64')}` : undefined);
      if (auth) headers.authorization = auth;
      const res = await fetch(`${serve.url}/get_link_payment`, { method: 'POST', headers, body: opts.raw ?? JSON.stringify(body) });
      return { status: res.status, json: await res.json() };
    },
    async links(merchant) {
      const store = await openStore(db);
      try {
        return await store.listLinks({ merchantId: merchant, limit: 1000 });
      } finally {
        await store.close();
      }
    },
    async close() {
      await serve.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The seed's example request (002), as written. */
export const SEED_EXAMPLE = {
  beneficiary_reference: '395579987182558',
  amount: '1000000',
  payment_reference: 'Facture31102019',
  consumer_reference: 'xxxxxxxxx',
  url_callback: 'https://callback.com',
  consumer_first_name: 'Ghandri',
  consumer_last_name: 'Naoufel',
  consumer_address_street_number: '5',
  consumer_address_street_name: 'Rue de Paris',
  consumer_zip_code: '75002',
  consumer_email: 'test@test.com',
  consumer_phone_number: '0000000000',
};

/** A valid request with a payment_reference of its own. */
export function request(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...SEED_EXAMPLE, payment_reference: `ref-${Math.random().toString(36).slice(2, 12)}`, ...overrides };
}
