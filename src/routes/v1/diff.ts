/** Preview: what the next operation on a live cluster would change, and whether it would roll its nodes. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ClusterParams, DiffResponse } from '../../api/schemas.js';
import { Spec } from '../../magnum/spec.js';
import type { Driver } from '../../driver/types.js';
import { assertSameCluster, mutatingErrors, security } from './common.js';

export const diffRoutes: FastifyPluginAsyncZod<{ driver: Driver }> = async (app, { driver }) => {
  app.post('/v1/clusters/:uuid/diff', {
    schema: {
      summary: 'preview the next operation: objects created, changed and deleted, and which parts would roll; changes nothing',
      description: 'Renders the spec as an update would, runs helm upgrade --dry-run=server against the live release and compares the result with the manifest helm recorded for the revision the upgrade would be applied over (the last deployed). Takes no lease, applies no secret, writes no helm revision.',
      tags: ['operators'],
      security,
      params: ClusterParams,
      body: Spec,
      response: { 200: DiffResponse, ...mutatingErrors },
    },
  }, async (request) => {
    assertSameCluster(request.params.uuid, request.body);
    return driver.diffCluster(request.body);
  });
};
