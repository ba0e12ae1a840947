/** Node groups: create_nodegroup, update_nodegroup, delete_nodegroup. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Accepted, ClusterParams, NodeGroupCreateRequest, NodeGroupParams } from '../../api/schemas.js';
import { Spec } from '../../magnum/spec.js';
import type { Driver } from '../../driver/types.js';
import { assertNodeGroup, assertSameCluster, mutatingErrors, security } from './common.js';

export const nodeGroupRoutes: FastifyPluginAsyncZod<{ driver: Driver }> = async (app, { driver }) => {
  app.post('/v1/clusters/:uuid/nodegroups', {
    schema: {
      summary: 'create_nodegroup: add a MachineDeployment for the new group',
      tags: ['nodegroups'],
      security,
      params: ClusterParams,
      body: NodeGroupCreateRequest,
      response: { 202: Accepted, ...mutatingErrors },
    },
  }, async (request, reply) => {
    assertSameCluster(request.params.uuid, request.body.spec, 'body.spec.cluster.uuid');
    assertNodeGroup(request.body.spec, request.body.nodegroup, 'body.nodegroup');
    return reply.code(202).send(await driver.createNodeGroup(request.body));
  });

  app.put('/v1/clusters/:uuid/nodegroups/:name', {
    schema: {
      summary: 'update_nodegroup: apply the group\'s new size or limits',
      tags: ['nodegroups'],
      security,
      params: NodeGroupParams,
      body: Spec,
      response: { 202: Accepted, ...mutatingErrors },
    },
  }, async (request, reply) => {
    assertSameCluster(request.params.uuid, request.body);
    assertNodeGroup(request.body, request.params.name, 'params.name');
    return reply.code(202).send(await driver.updateNodeGroup(request.body, request.params.name));
  });

  app.delete('/v1/clusters/:uuid/nodegroups/:name', {
    schema: {
      summary: 'delete_nodegroup: remove the group\'s MachineDeployment',
      tags: ['nodegroups'],
      security,
      params: NodeGroupParams,
      body: Spec,
      response: { 202: Accepted, ...mutatingErrors },
    },
  }, async (request, reply) => {
    assertSameCluster(request.params.uuid, request.body);
    return reply.code(202).send(await driver.deleteNodeGroup(request.body, request.params.name));
  });
};
