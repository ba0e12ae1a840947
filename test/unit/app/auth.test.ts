import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ADMIN_TOKEN, READER_TOKEN, TOKEN, adminAuth, auth, readerAuth, testApp } from '../../support/app.js';
import { TokenStore, parseTokens } from '../../../src/plugins/tokens.js';
import { buildApp } from '../../../src/app.js';
import { parseConfig } from '../../../src/config.js';
import { recordingDriver } from '../../support/fake-driver.js';
import { captureLogs } from '../../support/app.js';
import { CLUSTER_UUID } from '../../support/spec.js';

type Role = 'driver' | 'reader' | 'admin';

/**
 * Who may call each /v1 route, written out here rather than read from
 * ROUTE_POLICY, so the table and the code check each other. The OpenAPI
 * document must list exactly these routes: a new one fails this test until
 * someone decides who may call it.
 */
const EXPECTED: Record<string, readonly Role[]> = {
  'POST /v1/clusters': ['driver', 'admin'],
  'PUT /v1/clusters/{uuid}': ['driver', 'admin'],
  'DELETE /v1/clusters/{uuid}': ['driver', 'admin'],
  'POST /v1/clusters/{uuid}/actions/resize': ['driver', 'admin'],
  'POST /v1/clusters/{uuid}/actions/upgrade': ['driver', 'admin'],
  'POST /v1/clusters/{uuid}/actions/rotate-credential': ['driver', 'admin'],
  'POST /v1/clusters/{uuid}/nodegroups': ['driver', 'admin'],
  'PUT /v1/clusters/{uuid}/nodegroups/{name}': ['driver', 'admin'],
  'DELETE /v1/clusters/{uuid}/nodegroups/{name}': ['driver', 'admin'],
  'POST /v1/clusters/{uuid}/status': ['driver', 'reader', 'admin'],
  'GET /v1/clusters/{uuid}/health': ['driver', 'reader', 'admin'],
  'POST /v1/values': ['driver', 'reader', 'admin'],
  // Runs helm against the management cluster: the shim's role and admin, not dashboards.
  'POST /v1/clusters/{uuid}/diff': ['driver', 'admin'],
  'GET /v1/clusters': ['reader', 'admin'],
  'GET /v1/clusters/{uuid}': ['reader', 'admin'],
  'GET /v1/clusters/{uuid}/kubeconfig': ['admin'],
};

const TOKENS: Record<Role, string> = { driver: TOKEN, reader: READER_TOKEN, admin: ADMIN_TOKEN };

describe('roles on every route, from the OpenAPI document', () => {
  let app: FastifyInstance;
  let routes: [string, string][];
  beforeAll(async () => {
    ({ app } = await testApp());
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
    routes = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/v1'))
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => [m.toUpperCase(), path] as [string, string]));
  });
  afterAll(() => app.close());

  it('the document lists exactly the routes this test has a row for', () => {
    expect(routes.map(([m, p]) => `${m} ${p}`).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('each role reaches the routes of its row and gets 403 naming the role needed elsewhere; no token stays 401', async () => {
    const outcomes: string[] = [];
    for (const [method, path] of routes) {
      const allowed = EXPECTED[`${method} ${path}`] ?? [];
      const url = path.replace('{uuid}', CLUSTER_UUID).replace('{name}', 'default-worker');
      const inject = (headers: Record<string, string>) =>
        app.inject({ method: method as 'GET', url, headers, ...(method === 'GET' ? {} : { payload: {} }) });
      expect((await inject({})).statusCode, `${method} ${path} without a token`).toBe(401);
      expect((await inject({ authorization: 'Bearer wrong-token-0123456789abcdef' })).statusCode).toBe(401);
      for (const role of ['driver', 'reader', 'admin'] as const) {
        const res = await inject({ authorization: `Bearer ${TOKENS[role]}` });
        if (allowed.includes(role)) {
          // Past the role check: the body ({}) is then refused, or a GET answered.
          expect([200, 400], `${role} on ${method} ${path}`).toContain(res.statusCode);
        } else {
          expect(res.statusCode, `${role} on ${method} ${path}`).toBe(403);
          expect(res.json().error.code).toBe('forbidden');
          const needed = allowed.filter((r) => r !== 'admin');
          expect(res.json().error.message).toContain(needed.length > 0 ? `needs the ${needed.join(', ')} or admin role` : 'needs the admin role');
          expect(res.json().error.message).toContain(`has the ${role} role`);
        }
        outcomes.push(`${role} ${method} ${path} ${res.statusCode}`);
      }
    }
    expect(outcomes).toHaveLength(Object.keys(EXPECTED).length * 3);
  });

  it('a route added without an entry in ROUTE_POLICY stops the app from being built', async () => {
    const extra = await buildApp({ config: parseConfig({}), driver: recordingDriver(), tokens: new TokenStore([TOKEN]), logger: captureLogs('silent').logger });
    expect(() => extra.get('/v1/clusters/:uuid/secrets', async () => ({}))).toThrow(/GET \/v1\/clusters\/:uuid\/secrets has no entry in ROUTE_POLICY/);
    await extra.close();
  });
});

describe('a tokens file without roles (every token bare)', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await testApp({ tokens: new TokenStore(parseTokens(`# as before roles\n${TOKEN}\n`, 'old file')) }));
  });
  afterAll(() => app.close());

  it('keeps serving the shim: a bare token is driver', async () => {
    const res = await app.inject({ method: 'GET', url: `/v1/clusters/${CLUSTER_UUID}/health`, headers: auth });
    expect(res.statusCode).toBe(200);
  });

  it('no longer hands out a kubeconfig: that needs admin now', async () => {
    const res = await app.inject({ method: 'GET', url: `/v1/clusters/${CLUSTER_UUID}/kubeconfig`, headers: auth });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toBe('GET /v1/clusters/:uuid/kubeconfig needs the admin role; caller line-2 has the driver role');
  });
});

describe('bearer-token authentication', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await testApp());
  });
  afterAll(() => app.close());

  it.each([
    ['no header', {}, 401],
    ['wrong token', { authorization: 'Bearer not-the-token-at-all-xx' }, 401],
    ['right token with another scheme', { authorization: `Basic ${READER_TOKEN}` }, 401],
    ['right token in the wrong header', { 'x-auth-token': READER_TOKEN }, 401],
    ['right token with trailing junk', { authorization: `Bearer ${READER_TOKEN} x` }, 401],
    ['a prefix of the right token', { authorization: `Bearer ${READER_TOKEN.slice(0, -1)}` }, 401],
    ['the driver token', auth, 403],
    ['the reader token', readerAuth, 200],
    ['the admin token', adminAuth, 200],
  ])('GET /v1/clusters with %s → %i', async (_name, headers, status) => {
    const res = await app.inject({ method: 'GET', url: '/v1/clusters', headers });
    expect(res.statusCode).toBe(status);
    if (status === 401) expect(res.json().error.code).toBe('unauthorized');
  });

  it('401s before validating a body, so an unauthenticated caller learns nothing of the schema', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/clusters', payload: { nope: 1 } });
    expect(res.statusCode).toBe(401);
  });

  it('403s before validating a body, too', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/clusters', headers: readerAuth, payload: { nope: 1 } });
    expect(res.statusCode).toBe(403);
  });

  it.each(['/healthz', '/readyz', '/metrics', '/docs/json'])('%s needs no token', async (url) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
  });

  // Spellings the router resolves to a /v1 route: each must still ask for the token, and the role.
  it.each([
    ['a percent-escaped letter', '/%761/clusters'],
    ['an escaped slash-free path', '/%76%31/clusters'],
    ['a dot segment', '/./v1/clusters'],
    ['a trailing slash', '/v1/clusters/'],
    ['a query string', '/v1/clusters?x=1'],
  ])('%s (%s) reaching a /v1 route still needs the token and the role', async (_name, url) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url, headers: auth })).statusCode).toBe(403);
    const authed = await app.inject({ method: 'GET', url, headers: readerAuth });
    expect([401, 403]).not.toContain(authed.statusCode);
  });

  it('a HEAD of a GET route needs the role of the GET', async () => {
    expect((await app.inject({ method: 'HEAD', url: `/v1/clusters/${CLUSTER_UUID}/kubeconfig`, headers: readerAuth })).statusCode).toBe(403);
    expect((await app.inject({ method: 'HEAD', url: `/v1/clusters/${CLUSTER_UUID}/kubeconfig`, headers: adminAuth })).statusCode).toBe(200);
  });

  it('an unknown path asks for the token before saying it does not exist', async () => {
    expect((await app.inject({ method: 'GET', url: '/nowhere' })).statusCode).toBe(401);
    const authed = await app.inject({ method: 'GET', url: '/nowhere', headers: auth });
    expect(authed.statusCode).toBe(404);
    expect(authed.json().error.code).toBe('not_found');
  });
});

describe('TokenStore', () => {
  it('finds the caller of any configured token and of nothing else', () => {
    const store = new TokenStore(parseTokens(`${'a'.repeat(20)} reader dash\n${'b'.repeat(20)}\n`, 'f'));
    expect(store.verify('a'.repeat(20))).toEqual({ name: 'dash', role: 'reader', via: 'token' });
    expect(store.verify('b'.repeat(20))).toEqual({ name: 'line-2', role: 'driver', via: 'token' });
    expect(store.verify('c'.repeat(20))).toBeUndefined();
    expect(store.verify('')).toBeUndefined();
  });

  it('finds nobody when empty', () => {
    expect(new TokenStore([]).verify('')).toBeUndefined();
  });

  it('maps a certificate subject whatever the order of its attributes', () => {
    const store = new TokenStore(parseTokens('subject:O=Example%20Cloud,CN=magnum driver conductor\n', 'f'));
    expect(store.bySubject({ CN: 'magnum', O: 'Example Cloud' })).toEqual({ name: 'conductor', role: 'driver', via: 'certificate' });
    expect(store.bySubject({ CN: 'magnum' })).toBeUndefined();
    expect(store.bySubject({ CN: 'magnum', O: 'Example Cloud', OU: 'x' })).toBeUndefined();
  });
});
