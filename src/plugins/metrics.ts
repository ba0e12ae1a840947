/**
 * Prometheus metrics. One registry per app instance (not prom-client's
 * global) so tests can build several apps in one process. Other modules
 * (helm, kube) register their own series on `app.metrics`.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
  }
}

export function createRegistry(withDefaults = true): Registry {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry, prefix: 'mcs_' });
  return registry;
}

export const metricsPlugin = fp<{ registry: Registry }>(
  async (app: FastifyInstance, { registry }) => {
    app.decorate('metrics', registry);
    const requests = new Counter({
      name: 'mcs_http_requests_total',
      help: 'HTTP requests by method, route and status code',
      labelNames: ['method', 'route', 'code'] as const,
      registers: [registry],
    });
    const latency = new Histogram({
      name: 'mcs_http_request_duration_seconds',
      help: 'HTTP request latency by method, route and status code',
      labelNames: ['method', 'route', 'code'] as const,
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [registry],
    });
    app.addHook('onResponse', async (request, reply) => {
      // The route pattern, not the URL, keeps the label set bounded.
      const route = request.routeOptions.url ?? 'unmatched';
      const labels = { method: request.method, route, code: String(reply.statusCode) };
      requests.inc(labels);
      latency.observe(labels, reply.elapsedTime / 1000);
    });
    app.get('/metrics', { schema: { summary: 'Prometheus metrics in the text exposition format', tags: ['platform'] } }, async (_request, reply) => {
      reply.header('content-type', registry.contentType);
      return registry.metrics();
    });
  },
  { name: 'metrics' },
);
