import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { TOKEN, testApp } from '../../support/app.js';
import { TokenStore } from '../../../src/plugins/tokens.js';

describe('bearer-token authentication', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await testApp());
  });
  afterAll(() => app.close());

  it.each([
    ['no header', {}, 401],
    ['wrong token', { authorization: 'Bearer not-the-token-at-all-xx' }, 401],
    ['right token with another scheme', { authorization: `Basic ${TOKEN}` }, 401],
    ['right token in the wrong header', { 'x-auth-token': TOKEN }, 401],
    ['right token with trailing junk', { authorization: `Bearer ${TOKEN} x` }, 401],
    ['a prefix of the right token', { authorization: `Bearer ${TOKEN.slice(0, -1)}` }, 401],
    ['right token', { authorization: `Bearer ${TOKEN}` }, 200],
  ])('GET /v1/clusters with %s → %i', async (_name, headers, status) => {
    const res = await app.inject({ method: 'GET', url: '/v1/clusters', headers });
    expect(res.statusCode).toBe(status);
    if (status === 401) expect(res.json().error.code).toBe('unauthorized');
  });

  it('401s before validating a body, so an unauthenticated caller learns nothing of the schema', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/clusters', payload: { nope: 1 } });
    expect(res.statusCode).toBe(401);
  });

  it.each(['/healthz', '/readyz', '/metrics', '/docs/json'])('%s needs no token', async (url) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
  });

  // Spellings the router resolves to a /v1 route: each must still ask for the token.
  it.each([
    ['a percent-escaped letter', '/%761/clusters'],
    ['an escaped slash-free path', '/%76%31/clusters'],
    ['a dot segment', '/./v1/clusters'],
    ['a trailing slash', '/v1/clusters/'],
    ['a query string', '/v1/clusters?x=1'],
  ])('%s (%s) reaching a /v1 route still needs the token', async (_name, url) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(401);
    const authed = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(authed.statusCode).not.toBe(401);
  });

  it('an unknown path asks for the token before saying it does not exist', async () => {
    expect((await app.inject({ method: 'GET', url: '/nowhere' })).statusCode).toBe(401);
    const authed = await app.inject({ method: 'GET', url: '/nowhere', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(authed.statusCode).toBe(404);
    expect(authed.json().error.code).toBe('not_found');
  });
});

describe('TokenStore', () => {
  it('accepts any configured token and nothing else', () => {
    const store = new TokenStore(['a'.repeat(20), 'b'.repeat(20)]);
    expect(store.verify('a'.repeat(20))).toBe(true);
    expect(store.verify('b'.repeat(20))).toBe(true);
    expect(store.verify('c'.repeat(20))).toBe(false);
    expect(store.verify('')).toBe(false);
  });

  it('accepts nothing when empty', () => {
    expect(new TokenStore([]).verify('')).toBe(false);
  });
});
