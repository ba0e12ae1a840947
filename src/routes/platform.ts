/** Probes: liveness is the process answering; readiness is every dependency answering. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ReadinessCheck } from '../driver/types.js';

const Readiness = z.object({
  ready: z.boolean(),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), message: z.string() })),
});

export const platformRoutes: FastifyPluginAsyncZod<{ checks: ReadinessCheck[] }> = async (app, { checks }) => {
  app.get('/healthz', {
    schema: { summary: 'liveness', tags: ['platform'], response: { 200: z.object({ status: z.literal('ok') }) } },
  }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', {
    schema: {
      summary: 'readiness: management cluster reachable, caches synced, helm runnable',
      tags: ['platform'],
      response: { 200: Readiness, 503: Readiness },
    },
  }, async (_request, reply) => {
    const results = await Promise.all(
      checks.map(async (c) => {
        try {
          return [c.name, await c.check()] as const;
        } catch (err) {
          return [c.name, { ok: false, message: (err as Error).message }] as const;
        }
      }),
    );
    const ready = results.every(([, r]) => r.ok);
    return reply.code(ready ? 200 : 503).send({ ready, checks: Object.fromEntries(results) });
  });
};
