/**
 * Authentication and the role check, deny by default: every request needs a
 * caller (a bearer token, or a client certificate whose subject the tokens
 * file maps) unless the route it matched is a platform route (`/healthz`,
 * `/readyz`, `/metrics`, `/docs`), so probes and scrapers need no secret.
 * The caller's role must then be one `ROUTE_POLICY` allows for the route.
 *
 * The decision is made on the route the router matched, never on the raw
 * URL: the router decodes percent-escapes, so `/%761/clusters` reaches
 * `/v1/clusters` while a prefix test on the raw URL would wave it through.
 */
import { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Forbidden, Unauthorized } from '../errors.js';
import { permits, policyFor, rolesNeeded } from './roles.js';
import type { Caller, TokenStore } from './tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set once authenticated; undefined on open routes and refused requests. */
    caller: Caller | undefined;
  }
}

const BEARER = /^Bearer ([\x21-\x7e]+)$/;
const OPEN_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);
const OPEN_PREFIX = '/docs';

/** Unmatched requests (404s) are not open: an unauthenticated caller learns nothing of the routes. */
export function isOpenRoute(route: string | undefined): boolean {
  if (route === undefined) return false;
  return OPEN_ROUTES.has(route) || route === OPEN_PREFIX || route.startsWith(`${OPEN_PREFIX}/`);
}

export function matchedRoute(request: FastifyRequest): string | undefined {
  return request.is404 ? undefined : request.routeOptions.url;
}

/** The subject of a client certificate the handshake verified against `tls.clientCA`, if any. */
function verifiedSubject(request: FastifyRequest) {
  const socket = request.raw.socket;
  if (!(socket instanceof TLSSocket) || !socket.authorized) return undefined;
  const cert = socket.getPeerCertificate();
  return cert && cert.subject ? cert.subject : undefined;
}

/** A bearer token, when sent, decides; else a mapped certificate subject; else nobody. */
function identify(request: FastifyRequest, tokens: TokenStore): Caller {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = BEARER.exec(header);
    const caller = match ? tokens.verify(match[1]!) : undefined;
    if (!caller) throw new Unauthorized('invalid bearer token');
    return caller;
  }
  const subject = verifiedSubject(request);
  const caller = subject ? tokens.bySubject(subject) : undefined;
  if (caller) return caller;
  throw new Unauthorized(subject
    ? 'the client certificate\'s subject is not in the tokens file: send "Authorization: Bearer <token>" or map the subject'
    : 'missing bearer token: send "Authorization: Bearer <token>"');
}

export const authPlugin = fp<{ tokens: TokenStore }>(
  async (app: FastifyInstance, { tokens }) => {
    app.decorateRequest('caller', undefined);

    // A route without a policy would be reachable by every role: refuse to start instead.
    app.addHook('onRoute', (route) => {
      if (isOpenRoute(route.url)) return;
      for (const method of [route.method].flat()) {
        if (method !== 'HEAD' && !policyFor(method, route.url)) {
          throw new Error(`route ${method} ${route.url} has no entry in ROUTE_POLICY (src/plugins/roles.ts)`);
        }
      }
    });

    app.addHook('onRequest', async (request) => {
      const route = matchedRoute(request);
      if (isOpenRoute(route)) return;
      const caller = identify(request, tokens);
      request.caller = caller;
      if (route === undefined) return;
      const policy = policyFor(request.method, route);
      if (!policy || !permits(policy, caller.role)) {
        const needed = policy ? rolesNeeded(policy) : 'the admin role';
        throw new Forbidden(`${request.method} ${route} needs ${needed}; caller ${caller.name} has the ${caller.role} role`);
      }
    });
  },
  { name: 'auth' },
);
