/** Dry run: the values and helm arguments a create or update would apply. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { RenderResponse } from '../../api/schemas.js';
import { Spec } from '../../magnum/spec.js';
import type { Driver } from '../../driver/types.js';
import { mutatingErrors, security } from './common.js';

export const valuesRoutes: FastifyPluginAsyncZod<{ driver: Driver }> = async (app, { driver }) => {
  app.post('/v1/values', {
    schema: {
      summary: 'render the chart values for a spec, changing nothing',
      tags: ['operators'],
      security,
      body: Spec,
      response: { 200: RenderResponse, ...mutatingErrors },
    },
  }, async (request) => driver.render(request.body));
};
