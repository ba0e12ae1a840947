/**
 * The audit trail of the real service: real helm installing the real chart
 * into the real API server, and a kubeconfig secret as Cluster API writes
 * it. The lines name who did what with helm's release and revision, and
 * never hold a token, a kubeconfig or a secret (the harness scans the whole
 * trail when the service closes; this suite adds the workload kubeconfig).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { skipNotice } from '../support/chart-repo.js';
import { kube } from './harness/kube.js';
import { ADMIN_AUTH, AUTH, READER_AUTH, realChart, startService } from './harness/service.js';
import { clusterSpec, withStack } from './harness/specs.js';

const repo = inject('chartRepo');
const WORKLOAD_KEY = 'S3CRET-WORKLOAD-CLIENT-KEY';

describe.skipIf(!repo)('the audit trail against the real chart and API server', () => {
  const kubeconfig = inject('kubeconfig');
  const k = kube(kubeconfig);
  let svc: Awaited<ReturnType<typeof startService>>;
  beforeAll(async () => {
    svc = await startService(kubeconfig, { config: { chart: realChart(repo) } });
    await svc.waitReady();
  });
  afterAll(() => svc?.close());

  it('audits create, update, the kubeconfig read and the refusals, with helm\'s revisions and no secret', async () => {
    const spec = clusterSpec('audited');
    const uuid = spec.cluster.uuid;
    const project = spec.cluster.project_id;
    const created = await svc.app.inject({ method: 'POST', url: '/v1/clusters', headers: AUTH, payload: spec });
    expect(created.statusCode, created.body).toBe(201);
    const { stack_id: stack, namespace } = created.json() as { stack_id: string; namespace: string };
    const live = withStack(spec, stack, 'UPDATE_IN_PROGRESS');
    const updated = await svc.app.inject({ method: 'PUT', url: `/v1/clusters/${uuid}`, headers: AUTH, payload: live });
    expect(updated.statusCode, updated.body).toBe(202);
    expect((await svc.app.inject({ method: 'DELETE', url: `/v1/clusters/${uuid}`, headers: READER_AUTH, payload: live })).statusCode).toBe(403);

    // As Cluster API writes it once the control plane is up (over the one the played control plane may have written already).
    const text = `apiVersion: v1\nkind: Config\nusers: [{name: admin, user: {client-key-data: ${WORKLOAD_KEY}}}]\n`;
    const kubeconfigSecret = { metadata: { name: `${stack}-kubeconfig`, labels: { 'cluster.x-k8s.io/cluster-name': stack } }, type: 'cluster.x-k8s.io/secret', data: { value: Buffer.from(text).toString('base64') } };
    await k.core.createNamespacedSecret({ namespace, body: kubeconfigSecret }).catch(async (err: { code?: number }) => {
      if (err.code !== 409) throw err;
      await k.core.replaceNamespacedSecret({ namespace, name: kubeconfigSecret.metadata.name, body: kubeconfigSecret });
    });
    expect((await svc.app.inject({ method: 'GET', url: `/v1/clusters/${uuid}/kubeconfig`, headers: AUTH })).statusCode).toBe(403);
    const read = await svc.app.inject({ method: 'GET', url: `/v1/clusters/${uuid}/kubeconfig`, headers: ADMIN_AUTH });
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json().kubeconfig).toBe(text);

    const deleted = await svc.app.inject({ method: 'DELETE', url: `/v1/clusters/${uuid}`, headers: AUTH, payload: withStack(spec, stack, 'DELETE_IN_PROGRESS') });
    expect(deleted.statusCode, deleted.body).toBe(202);

    const lines = svc.audit.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.cluster_uuid === uuid);
    const pick = ({ caller, role, operation, code, release, revision, project_id }: Record<string, unknown>) => ({ caller, role, operation, code, release, revision, project_id });
    expect(lines.map(pick)).toEqual([
      { caller: 'line-2', role: 'driver', operation: 'create_cluster', code: 201, release: stack, revision: 1, project_id: project },
      { caller: 'line-2', role: 'driver', operation: 'update_cluster', code: 202, release: stack, revision: 2, project_id: project },
      // Refused before its body is read: only the path's uuid is known.
      { caller: 'dashboard', role: 'reader', operation: 'delete_cluster', code: 403, release: null, revision: null, project_id: null },
      { caller: 'line-2', role: 'driver', operation: 'get_kubeconfig', code: 403, release: null, revision: null, project_id: null },
      { caller: 'ops', role: 'admin', operation: 'get_kubeconfig', code: 200, release: null, revision: null, project_id: null },
      { caller: 'line-2', role: 'driver', operation: 'delete_cluster', code: 202, release: stack, revision: expect.toBeOneOf([null, expect.any(Number)]), project_id: project },
    ]);
    for (const line of lines) expect(line).toMatchObject({ audit: true, method: expect.any(String), route: expect.stringMatching(/^\/v1\//), duration_ms: expect.any(Number) });
    const trail = svc.audit.join('');
    expect(trail).not.toContain(WORKLOAD_KEY);
    expect(trail).not.toContain(Buffer.from(text).toString('base64'));
  });
});

if (!repo) process.stderr.write(`${skipNotice('the audit trail suite')}\n`);
