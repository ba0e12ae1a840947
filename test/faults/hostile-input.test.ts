/**
 * Hostile input at the HTTP edge: every refusal is a 4xx with the error shape
 * and a field, and the engine is never called with anything the schema
 * refuses. The engine here records calls; the integration suites show what a
 * valid-but-nasty spec does to a real management cluster.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Spec } from '../../src/magnum/spec.js';
import { TOKEN, auth, testApp } from '../support/app.js';
import { recordingDriver, type RecordingDriver } from '../support/fake-driver.js';
import { CLUSTER_UUID, minimalSpec } from '../support/spec.js';

const MUTATING: { method: 'POST' | 'PUT' | 'DELETE'; url: string }[] = [
  { method: 'POST', url: '/v1/clusters' },
  { method: 'PUT', url: `/v1/clusters/${CLUSTER_UUID}` },
  { method: 'DELETE', url: `/v1/clusters/${CLUSTER_UUID}` },
  { method: 'POST', url: `/v1/clusters/${CLUSTER_UUID}/actions/resize` },
  { method: 'POST', url: `/v1/clusters/${CLUSTER_UUID}/actions/upgrade` },
  { method: 'POST', url: `/v1/clusters/${CLUSTER_UUID}/actions/rotate-credential` },
  { method: 'POST', url: `/v1/clusters/${CLUSTER_UUID}/nodegroups` },
  { method: 'PUT', url: `/v1/clusters/${CLUSTER_UUID}/nodegroups/default-worker` },
  { method: 'DELETE', url: `/v1/clusters/${CLUSTER_UUID}/nodegroups/default-worker` },
  { method: 'POST', url: `/v1/clusters/${CLUSTER_UUID}/status` },
  { method: 'POST', url: '/v1/values' },
];

const NASTY_STRINGS = [
  '$(rm -rf /)', '`id`', '; shutdown -h now', '| cat /etc/passwd', '&& curl x', "' OR 1=1 --",
  '../../etc/passwd', '..\\..\\windows', '/absolute/path', 'name\nwith\nnewlines', 'nul\u0000byte',
  '--kubeconfig=/tmp/evil', '-n kube-system', '\u202egnp.exe', 'ｆｕｌｌｗｉｄｔｈ', '🚀🔥', 'ß'.repeat(10),
  'x'.repeat(4096), '{{ .Values.secret }}', '${HOME}',
];

function expectErrorShape(res: { statusCode: number; json(): unknown }): void {
  expect(res.statusCode).toBeGreaterThanOrEqual(400);
  expect(res.statusCode).toBeLessThan(500);
  const body = res.json() as { error: { code: unknown; message: unknown } };
  expect(typeof body.error.code).toBe('string');
  expect(typeof body.error.message).toBe('string');
}

describe('hostile input', () => {
  let app: FastifyInstance;
  let driver: RecordingDriver;
  beforeAll(async () => {
    driver = recordingDriver();
    ({ app } = await testApp({ driver, logLevel: 'silent', config: { limits: { bodyLimitBytes: 256 * 1024 } } }));
  });
  afterAll(() => app.close());

  it.each(MUTATING)('$method $url: any JSON body is answered 2xx or 4xx, never 5xx, and the engine sees only valid specs', async ({ method, url }) => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (body) => {
        driver.calls.length = 0;
        const res = await app.inject({ method, url, headers: { ...auth, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
        expect(res.statusCode).toBeLessThan(500);
        if (res.statusCode >= 400) expectErrorShape(res);
        else expect(driver.calls.length).toBe(1);
      }),
      { numRuns: 60 },
    );
  });

  it('a valid spec with one field replaced by arbitrary JSON is either still valid or refused naming a field', async () => {
    const base = minimalSpec();
    const paths: string[][] = [
      ['cluster', 'name'], ['cluster', 'node_count'], ['cluster', 'labels'], ['cluster', 'project_id'],
      ['cluster_template', 'image_id'], ['cluster_template', 'labels'], ['nodegroups'], ['resolved', 'flavors'],
      ['resolved', 'image'], ['credentials', 'clouds_yaml'], ['cluster', 'status'],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 3 }), async (path, value) => {
        const spec = structuredClone(base) as Record<string, unknown>;
        let node = spec;
        for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
        node[path.at(-1)!] = value;
        driver.calls.length = 0;
        const res = await app.inject({ method: 'POST', url: '/v1/clusters', headers: auth, payload: spec });
        const valid = Spec.safeParse(spec).success;
        if (valid) {
          expect(res.statusCode).toBe(201);
        } else {
          expectErrorShape(res);
          expect((res.json() as { error: { field?: string } }).error.field).toMatch(/^body\./);
          expect(driver.calls).toEqual([]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it.each(NASTY_STRINGS.map((s) => [JSON.stringify(s).slice(0, 40), s]))(
    'a nasty string %s in the path is refused or routed harmlessly, never 5xx',
    async (_label, nasty) => {
      const url = `/v1/clusters/${encodeURIComponent(nasty)}/status`;
      const res = await app.inject({ method: 'POST', url, headers: auth, payload: minimalSpec() });
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
    },
  );

  it('refuses duplicate node groups by name', async () => {
    const spec = minimalSpec();
    spec.nodegroups = [...(spec.nodegroups ?? []), { ...(spec.nodegroups ?? [])[1]!, uuid: '33333333-3333-3333-3333-333333333333' }];
    driver.calls.length = 0;
    const res = await app.inject({ method: 'POST', url: '/v1/clusters', headers: auth, payload: spec });
    expectErrorShape(res);
    expect(res.json().error.field).toBe('body.nodegroups.2.name');
    expect(driver.calls).toEqual([]);
  });

  it.each([
    ['no token', {}],
    ['a wrong token', { authorization: 'Bearer wrong-token-wrong-token' }],
    ['the token in the wrong header', { 'x-auth-token': TOKEN }],
    ['the token as a query parameter', {}, `?token=${TOKEN}`],
  ])('refuses %s with 401 before reading the body', async (_name, headers, query = '') => {
    driver.calls.length = 0;
    const res = await app.inject({ method: 'POST', url: `/v1/clusters${query}`, headers, payload: minimalSpec() });
    expect(res.statusCode).toBe(401);
    expect(driver.calls).toEqual([]);
  });
});
