import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { auth, testApp } from '../../support/app.js';
import { CLUSTER_UUID, minimalSpec } from '../../support/spec.js';
import { recordingDriver, type RecordingDriver } from '../../support/fake-driver.js';
import type { SpecInput } from '../../../src/magnum/spec.js';

type Wrap = (spec: unknown) => unknown;
const bare: Wrap = (spec) => spec;

/** Every mutating route, with how its body wraps the spec and where the spec sits in error fields. */
const routes: { method: 'POST' | 'PUT' | 'DELETE'; url: string; wrap: Wrap; at: string }[] = [
  { method: 'POST', url: '/v1/clusters', wrap: bare, at: 'body' },
  { method: 'PUT', url: `/v1/clusters/${CLUSTER_UUID}`, wrap: bare, at: 'body' },
  { method: 'DELETE', url: `/v1/clusters/${CLUSTER_UUID}`, wrap: bare, at: 'body' },
  { method: 'POST', url: `/v1/clusters/${CLUSTER_UUID}/actions/resize`, wrap: (spec) => ({ spec, node_count: 3, nodegroup: 'default-worker' }), at: 'body.spec' },
  { method: 'POST', url: `/v1/clusters/${CLUSTER_UUID}/actions/upgrade`, wrap: (spec) => ({ spec }), at: 'body.spec' },
  { method: 'POST', url: `/v1/clusters/${CLUSTER_UUID}/actions/rotate-credential`, wrap: bare, at: 'body' },
  { method: 'POST', url: `/v1/clusters/${CLUSTER_UUID}/nodegroups`, wrap: (spec) => ({ spec, nodegroup: 'default-worker' }), at: 'body.spec' },
  { method: 'PUT', url: `/v1/clusters/${CLUSTER_UUID}/nodegroups/default-worker`, wrap: bare, at: 'body' },
  { method: 'DELETE', url: `/v1/clusters/${CLUSTER_UUID}/nodegroups/default-worker`, wrap: bare, at: 'body' },
  { method: 'POST', url: `/v1/clusters/${CLUSTER_UUID}/status`, wrap: bare, at: 'body' },
  { method: 'POST', url: '/v1/values', wrap: bare, at: 'body' },
  { method: 'POST', url: `/v1/clusters/${CLUSTER_UUID}/diff`, wrap: bare, at: 'body' },
];

function withCluster(patch: Record<string, unknown>): SpecInput {
  const spec = minimalSpec();
  return { ...spec, cluster: { ...spec.cluster, ...patch } as SpecInput['cluster'] };
}

const badSpecs: { name: string; spec: () => unknown; field: string; status: number }[] = [
  { name: 'a wrong type', spec: () => withCluster({ node_count: '3' }), field: 'cluster.node_count', status: 400 },
  { name: 'an unknown field', spec: () => withCluster({ flavour_id: 'x' }), field: 'cluster.flavour_id', status: 400 },
  { name: 'a missing field', spec: () => ({ ...minimalSpec(), cluster_template: undefined }), field: 'cluster_template', status: 400 },
  { name: 'a negative count', spec: () => withCluster({ master_count: -1 }), field: 'cluster.master_count', status: 400 },
  { name: 'a label that is not a string', spec: () => withCluster({ labels: { monitoring_enabled: true } }), field: 'cluster.labels.monitoring_enabled', status: 400 },
];

describe('bad input on every mutating route', () => {
  let app: FastifyInstance;
  let driver: RecordingDriver;
  beforeAll(async () => {
    driver = recordingDriver();
    ({ app } = await testApp({ driver, config: { limits: { bodyLimitBytes: 64 * 1024 } } }));
  });
  afterAll(() => app.close());

  describe.each(routes)('$method $url', ({ method, url, wrap, at }) => {
    it.each(badSpecs)('rejects $name naming the field, and the engine never sees it', async ({ spec, field, status }) => {
      driver.calls.length = 0;
      const res = await app.inject({ method, url, headers: auth, payload: wrap(spec()) as object });
      expect(res.statusCode).toBe(status);
      const body = res.json();
      expect(body.error.code).toBe('invalid_input');
      expect(body.error.field).toBe(`${at}.${field}`);
      expect(body.error.message).toContain(field);
      expect(driver.calls).toEqual([]);
    });

    it('rejects malformed JSON with 400 invalid_json', async () => {
      const res = await app.inject({ method, url, headers: { ...auth, 'content-type': 'application/json' }, payload: '{"cluster":' });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'invalid_json', field: 'body' });
    });

    it('rejects a body over the size limit with 413', async () => {
      const huge = wrap(withCluster({ labels: { big: 'x'.repeat(4000) }, name: 'n' }));
      const padded = { ...(huge as object), padding: 'y'.repeat(70 * 1024) };
      const res = await app.inject({ method, url, headers: auth, payload: padded });
      expect(res.statusCode).toBe(413);
      expect(res.json().error.code).toBe('body_too_large');
      expect(driver.calls).toEqual([]);
    });

    it('accepts a valid body', async () => {
      const res = await app.inject({ method, url, headers: auth, payload: wrap(minimalSpec()) as object });
      expect(res.statusCode).toBeLessThan(300);
    });
  });

  it.each(routes.filter((r) => r.url.includes(CLUSTER_UUID)))(
    '$method $url refuses a body for another cluster',
    async ({ method, url, wrap, at }) => {
      driver.calls.length = 0;
      const other = url.replace(CLUSTER_UUID, '00000000-0000-0000-0000-000000000000');
      const res = await app.inject({ method, url: other, headers: auth, payload: wrap(minimalSpec()) as object });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.field).toBe(`${at}.cluster.uuid`);
      expect(driver.calls).toEqual([]);
    },
  );

  it('refuses a resize of a node group the spec does not have', async () => {
    const res = await app.inject({
      method: 'POST',
      url: `/v1/clusters/${CLUSTER_UUID}/actions/resize`,
      headers: auth,
      payload: { spec: minimalSpec(), node_count: 3, nodegroup: 'nope' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ field: 'body.nodegroup' });
  });

  it('answers an unknown route with the same error shape', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/nothing', headers: auth });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });

  it.each<[string, string, unknown[]]>([
    ['no node groups', '', [CLUSTER_UUID]],
    ['one node group', '?nodegroup=default-worker', [CLUSTER_UUID, ['default-worker']]],
    ['several, a name with a comma and a slash kept whole', '?nodegroup=a%2Cb&nodegroup=gpu%2Fx', [CLUSTER_UUID, ['a,b', 'gpu/x']]],
  ])('health passes Magnum\'s worker groups on: %s', async (_name, query, args) => {
    driver.calls.length = 0;
    const res = await app.inject({ method: 'GET', url: `/v1/clusters/${CLUSTER_UUID}/health${query}`, headers: auth });
    expect(res.statusCode).toBe(200);
    expect(driver.calls).toEqual([{ method: 'clusterHealth', args }]);
  });

  it('health refuses an unknown query parameter, naming it', async () => {
    const res = await app.inject({ method: 'GET', url: `/v1/clusters/${CLUSTER_UUID}/health?nodegroups=x`, headers: auth });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toMatch(/nodegroups/);
  });
});
