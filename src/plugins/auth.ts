/**
 * Bearer-token authentication for every `/v1` route. The platform routes
 * (`/healthz`, `/readyz`, `/metrics`, `/docs`) stay open so probes and
 * scrapers need no secret.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Unauthorized } from '../errors.js';
import type { TokenStore } from './tokens.js';

const BEARER = /^Bearer ([\x21-\x7e]+)$/;

export const authPlugin = fp<{ tokens: TokenStore }>(
  async (app: FastifyInstance, { tokens }) => {
    app.addHook('onRequest', async (request) => {
      if (!request.url.startsWith('/v1/') && request.url !== '/v1') return;
      const header = request.headers.authorization;
      if (header === undefined) {
        throw new Unauthorized('missing bearer token: send "Authorization: Bearer <token>"');
      }
      const match = BEARER.exec(header);
      if (!match || !tokens.verify(match[1]!)) throw new Unauthorized('invalid bearer token');
    });
  },
  { name: 'auth' },
);
