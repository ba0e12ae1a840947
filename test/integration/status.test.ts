/**
 * The status endpoint against the real API server, with the tests playing
 * the Cluster API controllers: what Magnum's update_cluster_status receives
 * at each step from create to DELETE_COMPLETE.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SpecInput } from '../../src/magnum/spec.js';
import { capiPlayer } from './harness/capi.js';
import { kube } from './harness/kube.js';
import { AUTH, READER_AUTH, startService } from './harness/service.js';
import { clusterSpec, withStack } from './harness/specs.js';

const NS = 'magnum-9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b';

describe('status from the watch cache', () => {
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
    await k.remove('Machine', NS, `${stack}-default-worker-1`);
    await expect.poll(async () => (await status(deleting)).cluster.status, { timeout: 10_000 }).toBe('DELETE_COMPLETE');
    expect((await k.secrets(NS)).filter((s) => s.labels['magnum.openstack.org/cluster-uuid'] === spec.cluster.uuid)).toEqual([]);
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
