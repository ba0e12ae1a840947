/**
 * Bearer-token authentication, deny by default: every request needs a token
 * unless the route it matched is a platform route (`/healthz`, `/readyz`,
 * `/metrics`, `/docs`), so probes and scrapers need no secret.
 *
 * The decision is made on the route the router matched, never on the raw
 * URL: the router decodes percent-escapes, so `/%761/clusters` reaches
 * `/v1/clusters` while a prefix test on the raw URL would wave it through.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Unauthorized } from '../errors.js';
import type { TokenStore } from './tokens.js';

const BEARER = /^Bearer ([\x21-\x7e]+)$/;
const OPEN_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);
const OPEN_PREFIX = '/docs';

/** Unmatched requests (404s) are not open: an unauthenticated caller learns nothing of the routes. */
export function isOpenRoute(route: string | undefined): boolean {
  if (route === undefined) return false;
  return OPEN_ROUTES.has(route) || route === OPEN_PREFIX || route.startsWith(`${OPEN_PREFIX}/`);
}

function matchedRoute(request: FastifyRequest): string | undefined {
  return request.is404 ? undefined : request.routeOptions.url;
}

export const authPlugin = fp<{ tokens: TokenStore }>(
  async (app: FastifyInstance, { tokens }) => {
    app.addHook('onRequest', async (request) => {
      if (isOpenRoute(matchedRoute(request))) return;
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
