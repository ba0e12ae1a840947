/**
 * Faults of the management cluster, on a cluster of this file's own (it is
 * stopped and started) with the real Cluster API controllers: no false
 * DELETE_COMPLETE, clear 503s, recovery when the API returns, and nothing lost
 * across a sidecar restart.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ownCluster, type OwnClusterWithCapi } from '../integration/harness/own-cluster.js';
import type { SpecInput } from '../../src/magnum/spec.js';
import { kube } from '../integration/harness/kube.js';
import { AUTH, startService } from '../integration/harness/service.js';
import { clusterSpec, withStack } from '../integration/harness/specs.js';
import { skipNotice } from '../support/chart-repo.js';

const NS = 'magnum-9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b';
const REPO = inject('chartRepo');
/** A hang guard for the real controllers on a loaded 2-core machine (a MachineSet's preflight retries every 15 s). */
const SLOW = { timeout: 100_000, interval: 300 };
if (!REPO) console.warn(skipNotice('test/faults/management-outage.test.ts (management cluster outages on the real chart)'));

describe.skipIf(!REPO)('management cluster outages', () => {
  let cluster: OwnClusterWithCapi;
  let svc: Awaited<ReturnType<typeof startService>>;

  beforeAll(async () => {
    cluster = await ownCluster('outage');
    svc = await startService(cluster.kubeconfigPath);
    await svc.waitReady();
  });
  afterAll(async () => {
    await svc?.close();
    await cluster?.stop();
  });

  const status = (spec: SpecInput) => svc.app.inject({ method: 'POST', url: `/v1/clusters/${spec.cluster.uuid}/status`, headers: AUTH, payload: spec });

  async function created(name: string) {
    const spec = clusterSpec(name, () => {}, cluster.clusterCa);
    const res = await svc.app.inject({ method: 'POST', url: '/v1/clusters', headers: AUTH, payload: spec });
    expect(res.statusCode, res.body).toBe(201);
    return { spec, stack: res.json().stack_id as string };
  }

  it('never reports DELETE_COMPLETE while the API server is down mid-delete, and completes once it is back', async () => {
    const { spec, stack } = await created('outage-delete');
    const k = kube(cluster.kubeconfigPath);
    // The real Cluster controller keeps the Cluster (by its finalizer) until the infrastructure is gone,
    // and CAPO (played by this test) keeps the OpenStackCluster until the cloud's resources are.
    const osc = { group: 'infrastructure.cluster.x-k8s.io', version: 'v1beta1', plural: 'openstackclusters', namespace: NS, name: stack };
    await k.custom.patchNamespacedCustomObject({ ...osc, body: [{ op: 'add', path: '/metadata/finalizers', value: ['openstackcluster.infrastructure.cluster.x-k8s.io'] }] });
    await expect.poll(async () => (await k.get('Cluster', NS, stack))?.metadata.finalizers, SLOW).toContain('cluster.cluster.x-k8s.io');
    const deleting = withStack(spec, stack, 'DELETE_IN_PROGRESS');
    expect((await svc.app.inject({ method: 'DELETE', url: `/v1/clusters/${spec.cluster.uuid}`, headers: AUTH, payload: deleting })).statusCode).toBe(202);
    expect((await status(deleting)).json().cluster.status).toBe('DELETE_IN_PROGRESS');

    await cluster.stopApiServer();
    // While it is down: a clear 503 (watches broken), never a completed delete.
    await expect.poll(async () => (await status(deleting)).statusCode, { timeout: 20_000 }).toBe(503);
    const down = (await status(deleting)).json();
    expect(down.error.code).toBe('management_cluster_unavailable');
    const createWhileDown = await svc.app.inject({ method: 'POST', url: '/v1/clusters', headers: AUTH, payload: clusterSpec('while-down') });
    expect(createWhileDown.statusCode).toBe(503);
    expect(createWhileDown.json().error.message).toMatch(/management cluster unreachable|helm/);

    await cluster.startApiServer();
    await svc.waitReady();
    expect((await status(deleting)).json().cluster.status).toBe('DELETE_IN_PROGRESS');
    // The create refused while the API was away goes through once it is back: nothing was wedged.
    const createAfter = await svc.app.inject({ method: 'POST', url: '/v1/clusters', headers: AUTH, payload: clusterSpec('while-down') });
    expect(createAfter.statusCode, createAfter.body).toBe(201);
    expect((await k.secrets(NS)).some((s) => s.name === `${stack}-cloud-credentials`)).toBe(true);

    // CAPO finishes: its finalizer goes, then the real Cluster controller lets the Cluster go.
    expect(await k.get('Cluster', NS, stack)).not.toBeNull();
    await k.custom.patchNamespacedCustomObject({ ...osc, body: [{ op: 'remove', path: '/metadata/finalizers' }] });
    await expect.poll(async () => (await status(deleting)).json().cluster.status, SLOW).toBe('DELETE_COMPLETE');
    expect(await k.get('Cluster', NS, stack)).toBeNull();
    // The sidecar's secrets go with DELETE_COMPLETE; Cluster API's (kubeconfig, bootstrap data) go with their owners, by garbage collection.
    expect((await k.secrets(NS)).filter((s) => s.labels['magnum.openstack.org/cluster-uuid'] === spec.cluster.uuid)).toEqual([]);
    await expect.poll(async () => (await k.secrets(NS)).filter((s) => s.name.startsWith(stack)).map((s) => s.name), SLOW).toEqual([]);
  });

  it('a sidecar restarted between create and the next status call loses nothing', async () => {
    const { spec, stack } = await created('restart');
    await svc.close();
    svc = await startService(cluster.kubeconfigPath);
    await svc.waitReady();
    await expect
      .poll(async () => (await status(withStack(spec, stack, 'CREATE_IN_PROGRESS'))).json().cluster.status, SLOW)
      .toBe('CREATE_COMPLETE');
  });

  it('after a dropped watch the cache re-lists and shows what changed', async () => {
    const { spec, stack } = await created('rewatch');
    await cluster.stopApiServer();
    await cluster.startApiServer();
    // What the controllers do once the API is back must reach the cache (by the re-list or the new watch).
    await svc.waitReady();
    await expect
      .poll(async () => (await status(withStack(spec, stack, 'CREATE_IN_PROGRESS'))).json().cluster.status, SLOW)
      .toBe('CREATE_COMPLETE');
  });
});
