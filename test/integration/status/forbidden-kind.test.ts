/**
 * Issue 14, defect 6: a kind the sidecar may not read (RBAC without it, as a
 * site that never installed the addon provider's Manifests would have)
 * degrades only the parts that need it. Before, one forbidden kind made
 * `synced()` false and every status call 503. A second sidecar runs as a
 * service account that may read everything but Manifests, beside one with
 * full rights that installs the real chart.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { skipNotice } from '../../support/chart-repo.js';
import { kube } from '../harness/kube.js';
import { AUTH, READER_AUTH, realChart, startService } from '../harness/service.js';
import { clusterSpec, withStack } from '../harness/specs.js';

const SA = 'mcs-no-manifests';
const repo = inject('chartRepo');
if (!repo) console.warn(skipNotice('status/forbidden-kind.test.ts'));

/** A kubeconfig for a service account allowed every kind the sidecar reads except the addon provider's Manifests. */
async function kubeconfigWithoutManifests(kubeconfig: string): Promise<string> {
  const k = kube(kubeconfig);
  const rbac = k.kc.makeApiClient(RbacAuthorizationV1Api);
  await k.core.createNamespacedServiceAccount({ namespace: 'default', body: { metadata: { name: SA } } });
  const all = ['cluster.x-k8s.io', 'controlplane.cluster.x-k8s.io', 'bootstrap.cluster.x-k8s.io', 'infrastructure.cluster.x-k8s.io', 'coordination.k8s.io'];
  await rbac.createClusterRole({
    body: {
      metadata: { name: SA },
      rules: [
        { apiGroups: [''], resources: ['*'], verbs: ['*'] },
        { apiGroups: all, resources: ['*'], verbs: ['*'] },
        // HelmReleases, but not Manifests.
        { apiGroups: ['addons.stackhpc.com'], resources: ['helmreleases', 'helmreleases/status'], verbs: ['*'] },
      ],
    },
  });
  await rbac.createClusterRoleBinding({
    body: { metadata: { name: SA }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: SA }, subjects: [{ kind: 'ServiceAccount', name: SA, namespace: 'default' }] },
  });
  const issued = await k.core.createNamespacedServiceAccountToken({ name: SA, namespace: 'default', body: { spec: { audiences: ['https://kubernetes.default.svc'], expirationSeconds: 3600 } } });
  const token = issued.status?.token;
  if (!token) throw new Error('no service-account token issued');
  const path = join(mkdtempSync(join(tmpdir(), 'mcs-forbidden-')), 'kubeconfig');
  writeFileSync(path, readFileSync(kubeconfig, 'utf8').replace(/^(\s*token:\s*)\S+\s*$/m, `$1${token}`), { mode: 0o600 });
  return path;
}

describe.skipIf(!repo)('a forbidden kind, and helm\'s record of what it refused (real chart)', () => {
  const kubeconfig = inject('kubeconfig');
  let full: Awaited<ReturnType<typeof startService>>;
  let limited: Awaited<ReturnType<typeof startService>>;
  beforeAll(async () => {
    full = await startService(kubeconfig, { config: { chart: realChart(repo) } });
    await full.waitReady();
    limited = await startService(await kubeconfigWithoutManifests(kubeconfig), { config: { chart: realChart(repo) } });
  }, 120_000);
  afterAll(async () => {
    await limited?.close();
    await full?.close();
  });

  it('answers status and health, ready, naming the kind it cannot read, and completes without it', async () => {
    // Ready although Manifests cannot be listed: /readyz names the kind instead of failing the service.
    await expect.poll(async () => (await limited.app.inject({ method: 'GET', url: '/readyz' })).statusCode, { timeout: 30_000 }).toBe(200);
    const readyz = (await limited.app.inject({ method: 'GET', url: '/readyz' })).body;
    expect(readyz).toMatch(/Manifests not observed/);

    const spec = clusterSpec('forbidden');
    const created = await full.app.inject({ method: 'POST', url: '/v1/clusters', headers: AUTH, payload: spec });
    expect(created.statusCode, created.body).toBe(201);
    const stack = created.json().stack_id as string;

    const held = { ...withStack(spec, stack, 'CREATE_IN_PROGRESS'), nodegroups: spec.nodegroups!.map((g) => ({ ...g, status: 'CREATE_IN_PROGRESS' as const })) };
    const poll = async () => {
      const res = await limited.app.inject({ method: 'POST', url: `/v1/clusters/${spec.cluster.uuid}/status`, headers: AUTH, payload: held });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { cluster: { status: string; status_reason: string | null } };
    };
    // The real controllers bring it up; the limited replica cannot see the Manifests and says so.
    await expect.poll(async () => (await poll()).cluster.status, { timeout: 100_000, interval: 300 }).toBe('CREATE_COMPLETE');
    expect((await poll()).cluster.status_reason).toMatch(/addons are not observed: .*Manifests/);

    const health = await limited.app.inject({ method: 'GET', url: `/v1/clusters/${spec.cluster.uuid}/health`, headers: READER_AUTH });
    expect(health.statusCode, health.body).toBe(200);
    // Health reads no addon: it is whole.
    expect(health.json().health_status).toBe('HEALTHY');

    const deleted = await full.app.inject({ method: 'DELETE', url: `/v1/clusters/${spec.cluster.uuid}`, headers: AUTH, payload: withStack(spec, stack, 'CREATE_COMPLETE') });
    expect(deleted.statusCode, deleted.body).toBe(202);
  });

  // Issue 14: an operation whose answer the shim lost is decided with helm's own record too.
  it('fails an update whose answer was lost, in helm\'s words, when helm recorded its revision failed', async () => {
    const spec = clusterSpec('lost-update');
    const created = await full.app.inject({ method: 'POST', url: '/v1/clusters', headers: AUTH, payload: spec });
    expect(created.statusCode, created.body).toBe(201);
    const stack = created.json().stack_id as string;

    // An update run by the replica that may not touch Manifests: helm records revision 2 failed.
    const updating = { ...withStack(spec, stack, 'UPDATE_IN_PROGRESS'), nodegroups: spec.nodegroups!.map((g) => (g.name === 'default-worker' ? { ...g, node_count: 3 } : g)) };
    const failed = await limited.app.inject({ method: 'PUT', url: `/v1/clusters/${spec.cluster.uuid}`, headers: AUTH, payload: updating });
    expect(failed.statusCode, failed.body).toBe(502);

    // The shim never got that answer (it timed out): the cluster is in progress, the outcome unknown.
    const lost = { ...updating, cluster: { ...updating.cluster, status_reason: 'outcome unknown: update: ReadTimeout; the status poll decides from the management cluster' } };
    const res = await full.app.inject({ method: 'POST', url: `/v1/clusters/${spec.cluster.uuid}/status`, headers: AUTH, payload: lost });
    expect(res.statusCode, res.body).toBe(200);
    const answer = res.json() as { cluster: { status: string; status_reason: string } };
    expect(answer.cluster.status).toBe('UPDATE_FAILED');
    expect(answer.cluster.status_reason).toMatch(/^helm failed the update \(revision 2\): .*manifests/is);

    await full.app.inject({ method: 'DELETE', url: `/v1/clusters/${spec.cluster.uuid}`, headers: AUTH, payload: withStack(spec, stack, 'UPDATE_FAILED') });
  });
});
