/**
 * Request rates of `reader` and `admin` callers, per caller (its name in the
 * tokens file), so a runaway script or dashboard cannot crowd out Magnum's
 * status polls. The `driver` role is never limited: Magnum's polls and
 * operations are the work this service exists for.
 *
 * It runs before the body is parsed (after authentication, which knows the
 * caller), so a limited caller costs no parsing.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { RateLimited } from '../errors.js';

export interface RateLimitSettings {
  /** Requests a caller may make per window. */
  max: number;
  windowSeconds: number;
}

export const rateLimitPlugin = fp<RateLimitSettings>(
  async (app: FastifyInstance, { max, windowSeconds }) => {
    await app.register(rateLimit, {
      global: true,
      hook: 'preParsing',
      max,
      timeWindow: windowSeconds * 1000,
      keyGenerator: (request) => request.caller?.name ?? 'anonymous',
      // Open routes carry no caller; the driver is exempt.
      allowList: (request) => request.caller === undefined || request.caller.role === 'driver',
      errorResponseBuilder: (request, context) =>
        new RateLimited(`caller ${request.caller?.name ?? 'anonymous'} made more than ${context.max} requests in ${windowSeconds} s; retry in ${context.after}`),
    });
  },
  { name: 'rate-limit', dependencies: ['auth'] },
);
