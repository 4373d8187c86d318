import { z } from 'zod';

/** What /healthz, /readyz and /livez answer (src/server/health.ts types its answers with it). */
export const HealthAnswer = z.object({
  status: z.enum(['ok', 'stopping', 'unavailable']),
  reason: z.string().optional().describe('Why the database is unavailable (one line).'),
});
export type HealthAnswer = z.output<typeof HealthAnswer>;
