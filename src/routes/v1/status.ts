/** Reads Magnum polls: update_cluster_status, the health monitor, and the kubeconfig. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ClusterParams, HealthQuery, HealthResponse, KubeconfigResponse, StatusResponse } from '../../api/schemas.js';
import { Spec } from '../../magnum/spec.js';
import type { Driver } from '../../driver/types.js';
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
    return driver.clusterStatus(request.body);
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
  }, async (request) => driver.clusterHealth(request.params.uuid, request.query.nodegroup));

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
