/** Cluster lifecycle: create_cluster, update_cluster, delete_cluster, and the operators' reads. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Accepted, ClusterList, ClusterParams, ClusterSummary } from '../../api/schemas.js';
import { Spec } from '../../magnum/spec.js';
import type { Driver } from '../../driver/types.js';
import { assertSameCluster, mutatingErrors, readErrors, security } from './common.js';

export const clusterRoutes: FastifyPluginAsyncZod<{ driver: Driver }> = async (app, { driver }) => {
  app.post('/v1/clusters', {
    schema: {
      summary: 'create_cluster: render values and install the release',
      tags: ['clusters'],
      security,
      body: Spec,
      response: { 201: Accepted, ...mutatingErrors },
    },
  }, async (request, reply) => {
    const accepted = await driver.createCluster(request.body);
    return reply.code(201).send(accepted);
  });

  app.put('/v1/clusters/:uuid', {
    schema: {
      summary: 'update_cluster: re-render the full values and upgrade the release',
      tags: ['clusters'],
      security,
      params: ClusterParams,
      body: Spec,
      response: { 202: Accepted, ...mutatingErrors },
    },
  }, async (request, reply) => {
    assertSameCluster(request.params.uuid, request.body);
    return reply.code(202).send(await driver.updateCluster(request.body));
  });

  app.delete('/v1/clusters/:uuid', {
    schema: {
      summary: 'delete_cluster: uninstall the release; status reports DELETE_COMPLETE once resources are gone',
      tags: ['clusters'],
      security,
      params: ClusterParams,
      body: Spec,
      response: { 202: Accepted, ...mutatingErrors },
    },
  }, async (request, reply) => {
    assertSameCluster(request.params.uuid, request.body);
    return reply.code(202).send(await driver.deleteCluster(request.body));
  });

  app.get('/v1/clusters', {
    schema: {
      summary: 'every cluster this sidecar manages, with its state',
      tags: ['operators'],
      security,
      response: { 200: ClusterList, ...readErrors },
    },
  }, async () => ({ clusters: await driver.listClusters() }));

  app.get('/v1/clusters/:uuid', {
    schema: {
      summary: 'one managed cluster and its state',
      tags: ['operators'],
      security,
      params: ClusterParams,
      response: { 200: ClusterSummary, ...readErrors },
    },
  }, async (request) => driver.getCluster(request.params.uuid));
};
