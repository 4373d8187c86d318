import { invalid } from '../../domain/errors.js';
import type { MerchantView } from '../../domain/types.js';
import type { Engine } from '../../engine/engine.js';
import type { Output } from '../output.js';
import { configStore } from '../settings.js';
import { confirm, pick } from './ask.js';

/** Every active merchant, oldest first: a disabled one's requests are refused. */
async function activeMerchants(engine: Engine): Promise<MerchantView[]> {
  const all: MerchantView[] = [];
  let cursor: string | undefined;
  do {
    const page = await engine.listMerchants({ limit: 500, ...(cursor ? { cursor } : {}) });
    all.push(...page.items);
    cursor = page.next ?? undefined;
  } while (cursor);
  return all.filter((m) => m.status !== 'disabled');
}

/**
 * No merchant was given: the user picks one, and may keep it as the default, as
 * `esipay config set merchant` would (flags and ESIPAY_MERCHANT still come first).
 */
export async function chooseMerchant(engine: Engine, out: Output): Promise<string> {
  const merchants = await activeMerchants(engine);
  if (merchants.length === 0)
    throw invalid('missing_merchant', 'no merchant given, and there is none to choose', 'register one first: esipay merchant register');
  const uuid = await pick(
    'Merchant',
    'merchant',
    merchants.map((m) => ({ value: m.uuid, label: m.name, detail: m.currency })),
  );
  const save = await confirm({ text: 'Keep it as the default merchant, as `esipay config set merchant` does?' });
  if (save) {
    (await configStore()).set('merchant', uuid);
    out.info('Saved as the default merchant (`esipay config unset merchant` forgets it).');
  }
  return uuid;
}
