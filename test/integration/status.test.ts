/**
 * The status endpoint against the real API server and the real
 * openstack-cluster chart, with the tests playing the Cluster API controllers
 * and the addon provider: what Magnum's update_cluster_status receives at each
 * step from create to DELETE_COMPLETE.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SpecInput } from '../../src/magnum/spec.js';
import { skipNotice } from '../support/chart-repo.js';
import { capiPlayer } from './harness/capi.js';
import { kube, type KubeKind } from './harness/kube.js';
import { AUTH, READER_AUTH, startService } from './harness/service.js';
import { clusterSpec, withStack } from './harness/specs.js';

const NS = 'magnum-9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b';
const REPO = inject('chartRepo');
if (!REPO) console.warn(skipNotice('test/integration/status.test.ts (status through create, resize and delete on the real chart)'));

/** Kinds whose objects the real chart marks `helm.sh/resource-policy: keep`, so they outlive `helm uninstall`. */
const KEPT: KubeKind[] = ['OpenStackCluster', 'KubeadmControlPlane', 'OpenStackMachineTemplate', 'KubeadmConfigTemplate'];

describe.skipIf(!REPO)('status from the watch cache', () => {
  const kubeconfig = inject('kubeconfig');
  const k = kube(kubeconfig);
  let svc: Awaited<ReturnType<typeof startService>>;
  beforeAll(async () => {
    svc = await startService(kubeconfig);
    await svc.waitReady();
  });
  afterAll(() => svc.close());

  const status = async (spec: SpecInput) => {
    const res = await svc.app.inject({ method: 'POST', url: `/v1/clusters/${spec.cluster.uuid}/status`, headers: AUTH, payload: spec });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('follows a cluster from create to CREATE_COMPLETE, resize, and delete to DELETE_COMPLETE', async () => {
    const spec = clusterSpec('lifecycle');
    const created = await svc.app.inject({ method: 'POST', url: '/v1/clusters', headers: AUTH, payload: spec });
    expect(created.statusCode).toBe(201);
    const stack = created.json().stack_id as string;
    const play = capiPlayer(kubeconfig, NS, stack);
    const creating = withStack(spec, stack, 'CREATE_IN_PROGRESS');

    await expect.poll(async () => (await status(creating)).cluster.status_reason).toMatch(/waiting for infrastructure/);

    await play.infrastructureFailed('CreateError', 'quota exceeded for networks');
    await expect.poll(async () => (await status(creating)).cluster.status_reason).toMatch(/OpenStackCluster: CreateError: quota exceeded for networks/);

    await play.allReady({ 'default-worker': 2 });
    await play.machine('default-worker', 1, '10.0.0.11');
    await expect.poll(async () => (await status(creating)).cluster.status, { timeout: 10_000 }).toBe('CREATE_COMPLETE');
    const done = await status(creating);
    expect(done.cluster).toMatchObject({ api_address: 'https://203.0.113.10:6443', coe_version: 'v1.31.4', node_addresses: ['10.0.0.11'] });
    expect(done.nodegroups.map((n: { status: string }) => n.status)).toEqual(['CREATE_COMPLETE', 'CREATE_COMPLETE']);

    const health = await svc.app.inject({ method: 'GET', url: `/v1/clusters/${spec.cluster.uuid}/health`, headers: AUTH });
    expect(health.json().health_status).toBe('HEALTHY');
    const listed = await svc.app.inject({ method: 'GET', url: '/v1/clusters', headers: READER_AUTH });
    expect(listed.json().clusters).toContainEqual(expect.objectContaining({ uuid: spec.cluster.uuid, stack_id: stack, state: 'Ready' }));

    // Resize: the autoscaler-style replica change reaches node_count.
    const live = withStack(spec, stack, 'UPDATE_IN_PROGRESS');
    const resized = await svc.app.inject({ method: 'POST', url: `/v1/clusters/${spec.cluster.uuid}/actions/resize`, headers: AUTH, payload: { spec: live, node_count: 3, nodegroup: 'default-worker' } });
    expect(resized.statusCode).toBe(202);
    const worker = (answer: { nodegroups: { name: string; node_count?: number; status: string }[] }) => answer.nodegroups.find((n) => n.name === 'default-worker');
    // The API server bumped the MachineDeployment's generation; its status (Running, 2 of 2) describes the old spec.
    await expect.poll(async () => worker(await status(live))?.node_count).toBe(3);
    expect((await status(live)).cluster.status).toBe('UPDATE_IN_PROGRESS');
    await play.workersRunning('default-worker', 3);
    await expect.poll(async () => (await status(live)).cluster.status).toBe('UPDATE_COMPLETE');
    expect(worker(await status(live))?.status).toBe('UPDATE_COMPLETE');

    // Delete: helm uninstalls; Cluster API would finish the teardown; secrets go at DELETE_COMPLETE.
    const deleting = withStack(spec, stack, 'DELETE_IN_PROGRESS');
    expect((await svc.app.inject({ method: 'DELETE', url: `/v1/clusters/${spec.cluster.uuid}`, headers: AUTH, payload: deleting })).statusCode).toBe(202);
    // The real chart leaves the OpenStackCluster behind on purpose (resource-policy keep): Cluster API
    // deletes it as part of the Cluster's teardown, and the player does the same here.
    const left = (await Promise.all(KEPT.map(async (kind) => (await ofRelease(kind, stack)).map((name) => ({ kind, name }))))).flat();
    expect(left).toContainEqual({ kind: 'OpenStackCluster', name: stack });
    await k.remove('Machine', NS, `${stack}-default-worker-1`);
    for (const o of left) await k.remove(o.kind, NS, o.name);
    await expect.poll(async () => (await status(deleting)).cluster.status, { timeout: 10_000 }).toBe('DELETE_COMPLETE');
    expect((await k.secrets(NS)).filter((s) => s.labels['magnum.openstack.org/cluster-uuid'] === spec.cluster.uuid)).toEqual([]);
  });

  const ofRelease = async (kind: KubeKind, stack: string) =>
    (await k.list(kind, NS)).filter((o) => o.metadata.labels?.['capi.stackhpc.com/cluster'] === stack).map((o) => o.metadata.name as string);

  it('with monitoring and keystone auth, CREATE_COMPLETE waits for every addon the chart renders', async () => {
    const spec = clusterSpec('addons', (s) => {
      s.cluster.labels = { monitoring_enabled: 'true', keystone_auth_enabled: 'true' };
    });
    const created = await svc.app.inject({ method: 'POST', url: '/v1/clusters', headers: AUTH, payload: spec });
    expect(created.statusCode, created.body).toBe(201);
    const stack = created.json().stack_id as string;
    const play = capiPlayer(kubeconfig, NS, stack);
    const creating = withStack(spec, stack, 'CREATE_IN_PROGRESS');
    const helmReleases = await ofRelease('HelmRelease', stack);
    const manifests = await ofRelease('Manifests', stack);
    // 0.27.0 with calico: 9 addons by default, monitoring adds 3 and keystone auth 1; monitoring adds 5 Manifests to 3.
    expect([helmReleases.length, manifests.length]).toEqual([13, 8]);
    expect(helmReleases).toEqual(expect.arrayContaining([`${stack}-kube-prometheus-stack`, `${stack}-loki-stack`, `${stack}-blackbox-exporter`, `${stack}-k8s-keystone-auth`]));

    await play.allReady({ 'default-worker': 2 }, { except: `${stack}-loki-stack-dashboards` });
    await expect.poll(async () => (await status(creating)).cluster.status_reason, { timeout: 10_000 }).toMatch(/loki-stack-dashboards/);
    expect((await status(creating)).cluster.status).toBe('CREATE_IN_PROGRESS');
    const marked = await play.addonsDeployed();
    expect(marked).toEqual({ helmReleases, manifests });
    await expect.poll(async () => (await status(creating)).cluster.status, { timeout: 10_000 }).toBe('CREATE_COMPLETE');
  });

  it('returns the application credential id at DELETE_COMPLETE, read before the secrets go', async () => {
    const spec = clusterSpec('appcred');
    const created = await svc.app.inject({ method: 'POST', url: '/v1/clusters', headers: AUTH, payload: spec });
    const stack = created.json().stack_id as string;
    const deleting = withStack(spec, stack, 'DELETE_IN_PROGRESS');
    await svc.app.inject({ method: 'DELETE', url: `/v1/clusters/${spec.cluster.uuid}`, headers: AUTH, payload: deleting });
    let answer: { cluster: { status: string }; application_credential_id?: string | null } | undefined;
    await expect
      .poll(async () => (answer = await status(deleting)).cluster.status, { timeout: 10_000 })
      .toBe('DELETE_COMPLETE');
    // The answer that completes the delete names the credential (from the secret, before it went).
    expect(answer?.application_credential_id).toBe('0f1e2d3c4b5a');
    // The secrets are gone now, so a repeated status call completes again without an id.
    expect((await status(deleting)).application_credential_id).toBeNull();
  });
});
