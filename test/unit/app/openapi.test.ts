import { describe, expect, it } from 'vitest';
import { testApp } from '../../support/app.js';

/** DESIGN.md section 2: one endpoint per Magnum driver method, plus operator and platform routes. */
const CONTRACT = [
  'POST /v1/clusters',
  'PUT /v1/clusters/{uuid}',
  'POST /v1/clusters/{uuid}/actions/resize',
  'POST /v1/clusters/{uuid}/actions/upgrade',
  'DELETE /v1/clusters/{uuid}',
  'POST /v1/clusters/{uuid}/nodegroups',
  'PUT /v1/clusters/{uuid}/nodegroups/{name}',
  'DELETE /v1/clusters/{uuid}/nodegroups/{name}',
  'POST /v1/clusters/{uuid}/status',
  'GET /v1/clusters/{uuid}/health',
  'POST /v1/clusters/{uuid}/actions/rotate-credential',
  'GET /v1/clusters',
  'GET /v1/clusters/{uuid}',
  'GET /v1/clusters/{uuid}/kubeconfig',
  'POST /v1/values',
  'POST /v1/clusters/{uuid}/diff',
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'GET /docs',
  'GET /docs/json',
];

describe('the OpenAPI document', () => {
  it('lists every route of the contract, each /v1 route with bearer security and the error shape', async () => {
    const { app } = await testApp();
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    await app.close();
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown> }>> };
    const listed = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(listed.sort()).toEqual([...CONTRACT].sort());
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!path.startsWith('/v1')) continue;
      for (const op of Object.values(ops)) {
        expect(op.security).toEqual([{ bearer: [] }]);
        expect(op.responses).toHaveProperty('401');
      }
    }
  });
});
