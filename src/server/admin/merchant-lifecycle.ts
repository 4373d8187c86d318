import type { UpdateMerchantInput } from '../../engine/engine.js';
import type { ServiceEngine } from '../../engine/service-engine.js';
import { jsonAnswer } from '../http.js';
import type { HttpRequest } from '../http.js';
import type { Endpoint } from '../router.js';

/**
 * The operator API's merchant lifecycle: PATCH a merchant's name, IP, return or notification URL
 * (the fields given; notificationUrl null goes back to the return URL), and disable or enable it.
 * Each answers the merchant as it now is (200).
 */
export function merchantLifecycleEndpoints(
  engine: ServiceEngine,
  jsonBody: (req: HttpRequest) => Promise<Record<string, unknown>>,
): Endpoint[] {
  return [
    {
      method: 'PATCH',
      path: '/admin/merchants/:merchant',
      handler: async (req, p) => {
        const b = await jsonBody(req);
        const input: UpdateMerchantInput = {};
        // Values go to the engine as sent: it checks each as registration does.
        if (b.name !== undefined) input.name = b.name as string;
        if (b.ip !== undefined) input.ip = b.ip as string;
        if (b.returnUrl !== undefined) input.returnUrl = b.returnUrl as string;
        if (b.notificationUrl !== undefined) input.notificationUrl = b.notificationUrl as string | null;
        return jsonAnswer(200, await engine.updateMerchant(p.merchant!, input));
      },
    },
    {
      method: 'POST',
      path: '/admin/merchants/:merchant/disable',
      handler: async (_req, p) => jsonAnswer(200, await engine.disableMerchant(p.merchant!)),
    },
    {
      method: 'POST',
      path: '/admin/merchants/:merchant/enable',
      handler: async (_req, p) => jsonAnswer(200, await engine.enableMerchant(p.merchant!)),
    },
  ];
}
