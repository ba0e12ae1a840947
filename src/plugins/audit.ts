/**
 * The audit trail: one line per call of an audited route (mutating calls and
 * kubeconfig reads, per `ROUTE_POLICY`), whatever its outcome, refusals
 * included. A line names the caller and role (never the token), the method,
 * route pattern and Magnum operation, the cluster uuid and project id, the
 * answer code and duration, and for helm calls the release and revision.
 * Other reads are counted per caller in `mcs_api_reads_total` instead: status
 * polls every 10 s per cluster would drown the trail.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import { matchedRoute } from './auth.js';
import { permits, policyFor } from './roles.js';

interface ClusterFields {
  uuid: string | null;
  project_id: string | null;
  release: string | null;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** A short string or null: what a refused body holds is not trusted to be either. */
function text(v: unknown): string | null {
  return typeof v === 'string' && v.length <= 255 ? v : null;
}

/** The cluster a call names: in the path, in a spec body, or in a spec wrapped with arguments. */
function clusterOf(request: FastifyRequest): ClusterFields {
  const body = record(request.body);
  const cluster = record(body?.cluster) ?? record(record(body?.spec)?.cluster);
  return {
    uuid: text(record(request.params)?.uuid) ?? text(cluster?.uuid),
    project_id: text(cluster?.project_id),
    release: text(cluster?.stack_id),
  };
}

export const auditPlugin = fp<{ audit: Logger | undefined }>(
  async (app: FastifyInstance, { audit }) => {
    const reads = new Counter({
      name: 'mcs_api_reads_total',
      help: 'Read calls (status, health, list, get, values dry run) by route, caller name and role; reads are counted here, not audited line by line',
      labelNames: ['route', 'caller', 'role'] as const,
      registers: [app.metrics],
    });
    const answers = new WeakMap<FastifyRequest, { release: string | null; revision: number | null }>();

    app.addHook('preSerialization', async (request, _reply, payload) => {
      const answer = record(payload);
      if (answer && typeof answer.stack_id === 'string') {
        answers.set(request, { release: answer.stack_id, revision: typeof answer.revision === 'number' ? answer.revision : null });
      }
      return payload;
    });

    app.addHook('onResponse', async (request, reply) => {
      const route = matchedRoute(request);
      const policy = route === undefined ? undefined : policyFor(request.method, route);
      if (!route || !policy) return;
      const caller = request.caller;
      if (!policy.audit) {
        // Refused reads are in mcs_http_requests_total by code; this counts what each caller read.
        if (caller && permits(policy, caller.role)) reads.inc({ route, caller: caller.name, role: caller.role });
        return;
      }
      if (!audit) return;
      const cluster = clusterOf(request);
      const answer = answers.get(request);
      audit.info({
        caller: caller?.name ?? null,
        role: caller?.role ?? null,
        via: caller?.via ?? null,
        method: request.method,
        route,
        operation: policy.operation,
        cluster_uuid: cluster.uuid,
        project_id: cluster.project_id,
        code: reply.statusCode,
        duration_ms: Math.round(reply.elapsedTime * 10) / 10,
        release: answer?.release ?? cluster.release,
        revision: answer?.revision ?? null,
        request_id: request.id,
      }, 'audit');
    });
  },
  { name: 'audit', dependencies: ['auth', 'metrics'] },
);
