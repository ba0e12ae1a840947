/** Cluster actions: resize_cluster, upgrade_cluster, rotate_credential. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Accepted, ClusterParams, ResizeRequest, RotationAccepted, UpgradeRequest } from '../../api/schemas.js';
import { Spec } from '../../magnum/spec.js';
import type { Driver } from '../../driver/types.js';
import { assertNodeGroup, assertSameCluster, mutatingErrors, security } from './common.js';

export const actionRoutes: FastifyPluginAsyncZod<{ driver: Driver }> = async (app, { driver }) => {
  app.post('/v1/clusters/:uuid/actions/resize', {
    schema: {
      summary: 'resize_cluster: set one node group\'s size',
      tags: ['actions'],
      security,
      params: ClusterParams,
      body: ResizeRequest,
      response: { 202: Accepted, ...mutatingErrors },
    },
  }, async (request, reply) => {
    assertSameCluster(request.params.uuid, request.body.spec, 'body.spec.cluster.uuid');
    assertNodeGroup(request.body.spec, request.body.nodegroup, 'body.nodegroup');
    return reply.code(202).send(await driver.resizeCluster(request.body));
  });

  app.post('/v1/clusters/:uuid/actions/upgrade', {
    schema: {
      summary: 'upgrade_cluster: move the cluster to the spec\'s (new) cluster template',
      tags: ['actions'],
      security,
      params: ClusterParams,
      body: UpgradeRequest,
      response: { 202: Accepted, ...mutatingErrors },
    },
  }, async (request, reply) => {
    assertSameCluster(request.params.uuid, request.body.spec, 'body.spec.cluster.uuid');
    if (request.body.nodegroup) assertNodeGroup(request.body.spec, request.body.nodegroup, 'body.nodegroup');
    return reply.code(202).send(await driver.upgradeCluster(request.body));
  });

  app.post('/v1/clusters/:uuid/actions/rotate-credential', {
    schema: {
      summary: 'rotate_credential: replace the cluster\'s OpenStack application credential',
      tags: ['actions'],
      security,
      params: ClusterParams,
      body: Spec,
      response: { 202: RotationAccepted, ...mutatingErrors },
    },
  }, async (request, reply) => {
    assertSameCluster(request.params.uuid, request.body);
    return reply.code(202).send(await driver.rotateCredential(request.body));
  });
};
