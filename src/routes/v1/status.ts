/** Reads Magnum polls: update_cluster_status, the health monitor, and the kubeconfig. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ClusterParams, HealthQuery, HealthResponse, KubeconfigResponse, StatusResponse } from '../../api/schemas.js';
import { Spec } from '../../magnum/spec.js';
import type { Driver, StatusResult } from '../../driver/types.js';
import type { HealthReport } from '../../status/health.js';

/** The status code's answer, field by field, onto the contract's response. */
function toStatusResponse(a: StatusResult): StatusResponse {
  return {
    cluster: { ...a.cluster },
    nodegroups: a.nodegroups.map((g) => ({ ...g })),
    deleted_nodegroups: [...a.deleted_nodegroups],
    ...(a.application_credential_id !== undefined ? { application_credential_id: a.application_credential_id } : {}),
    ...(a.server_groups_to_delete !== undefined ? { server_groups_to_delete: [...a.server_groups_to_delete] } : {}),
  };
}

function toHealthResponse(h: HealthReport): HealthResponse {
  return { health_status: h.health_status, health_status_reason: { ...h.health_status_reason } };
}
import { assertSameCluster, mutatingErrors, readErrors, security } from './common.js';

export const statusRoutes: FastifyPluginAsyncZod<{ driver: Driver }> = async (app, { driver }) => {
  app.post('/v1/clusters/:uuid/status', {
    schema: {
      summary: 'update_cluster_status: new Magnum statuses from the Cluster API objects',
      description: 'Answered from the watch cache; DELETE_COMPLETE only after a fresh read shows the Cluster gone.',
      tags: ['status'],
      security,
      params: ClusterParams,
      body: Spec,
      response: { 200: StatusResponse, ...mutatingErrors },
    },
  }, async (request) => {
    assertSameCluster(request.params.uuid, request.body);
    return toStatusResponse(await driver.clusterStatus(request.body));
  });

  app.get('/v1/clusters/:uuid/health', {
    schema: {
      summary: 'poll_health_status: HEALTHY or UNHEALTHY with the reason per part',
      tags: ['status'],
      security,
      params: ClusterParams,
      querystring: HealthQuery,
      response: { 200: HealthResponse, ...readErrors },
    },
  }, async (request) => toHealthResponse(await driver.clusterHealth(request.params.uuid, request.query.nodegroup)));

  app.get('/v1/clusters/:uuid/kubeconfig', {
    schema: {
      summary: 'the admin kubeconfig of the workload cluster (secret <release>-kubeconfig)',
      tags: ['operators'],
      security,
      params: ClusterParams,
      response: { 200: KubeconfigResponse, ...readErrors },
    },
  }, async (request) => ({ kubeconfig: await driver.kubeconfig(request.params.uuid) }));
};
