/**
 * The status endpoint against the real API server, the real openstack-cluster
 * chart and the real Cluster API controllers (core and kubeadm bootstrap; CAPO,
 * the control plane's status and the addons played by the dev cluster's player,
 * which a test may hold): what Magnum's update_cluster_status receives at each
 * step from create to DELETE_COMPLETE.
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { namespaceFor } from '../../src/magnum/names.js';
import type { SpecInput } from '../../src/magnum/spec.js';
import { skipNotice } from '../support/chart-repo.js';
import { playedProviders } from './harness/capi.js';
import { kube, type KubeKind } from './harness/kube.js';
import { AUTH, READER_AUTH, startService } from './harness/service.js';
import { inProject, withStack } from './harness/specs.js';

/** A project of this file's own: a hold is the namespace's, and the tests here run one after another. */
const PROJECT = '5a7a7e5000000000000000000000c0de';
const NS = namespaceFor(PROJECT, 'magnum');
const REPO = inject('chartRepo');
if (!REPO) console.warn(skipNotice('test/integration/status.test.ts (status through create, resize and delete on the real chart)'));

/** A hang guard for the controllers' work on a loaded 2-core machine (a MachineSet's preflight retries every 15 s). */
const SLOW = { timeout: 100_000, interval: 300 };

interface Answer {
  cluster: { status: string; status_reason: string | null; api_address?: string | null; coe_version?: string | null; node_addresses?: string[] };
  nodegroups: { name: string; status: string; node_count?: number }[];
  application_credential_id?: string | null;
}

describe.skipIf(!REPO)('status from the watch cache, on the real Cluster API controllers', () => {
  const kubeconfig = inject('kubeconfig');
  const k = kube(kubeconfig);
  const played = playedProviders(kubeconfig);
  let svc: Awaited<ReturnType<typeof startService>>;
  beforeAll(async () => {
    svc = await startService(kubeconfig);
    await svc.waitReady();
  });
  afterAll(() => svc.close());
  afterEach(() => played.release(NS));

  const spec = inProject(PROJECT);
  const status = async (s: SpecInput): Promise<Answer> => {
    const res = await svc.call('POST', `/v1/clusters/${s.cluster.uuid}/status`, s);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Answer;
  };
  const create = async (s: SpecInput & { cluster: { uuid: string } }) => {
    const res = await svc.call('POST', '/v1/clusters', s);
    expect(res.statusCode, res.body).toBe(201);
    return res.json().stack_id as string;
  };
  const ofRelease = async (kind: KubeKind, stack: string) =>
    (await k.list(kind, NS)).filter((o) => o.metadata.labels?.['capi.stackhpc.com/cluster'] === stack || o.metadata.name === stack);
  const runningWorkers = async (stack: string, group: string) =>
    (await ofRelease('Machine', stack)).filter((m) => m.metadata.labels?.['capi.stackhpc.com/node-group'] === group && m.status?.phase === 'Running' && !m.metadata.deletionTimestamp);

  it('follows a cluster from create to CREATE_COMPLETE, resize, and delete to DELETE_COMPLETE', async () => {
    await played.hold(NS, ['OpenStackCluster']);
    const s = spec('lifecycle');
    const stack = await create(s);
    const creating = withStack(s, stack, 'CREATE_IN_PROGRESS');
    await expect.poll(async () => (await status(creating)).cluster.status_reason, SLOW).toMatch(/waiting for infrastructure/);
    expect((await status(creating)).cluster.status).toBe('CREATE_IN_PROGRESS');

    await played.release(NS);
    await expect.poll(async () => (await status(creating)).cluster.status, SLOW).toBe('CREATE_COMPLETE');
    const workers = await runningWorkers(stack, 'default-worker');
    expect(workers).toHaveLength(2);
    const done = await status(creating);
    const endpoint = (await k.get('Cluster', NS, stack))?.spec.controlPlaneEndpoint;
    expect(done.cluster).toMatchObject({ api_address: `https://${endpoint.host}:${endpoint.port}`, coe_version: 'v1.31.4' });
    const addresses = workers.map((m) => m.status.addresses.find((a: { type: string }) => a.type === 'InternalIP').address).sort();
    expect([...(done.cluster.node_addresses ?? [])].sort()).toEqual(addresses);
    expect(done.nodegroups.map((n) => n.status)).toEqual(['CREATE_COMPLETE', 'CREATE_COMPLETE']);

    await expect.poll(async () => (await svc.app.inject({ method: 'GET', url: `/v1/clusters/${s.cluster.uuid}/health`, headers: AUTH })).json().health_status, SLOW).toBe('HEALTHY');
    const listed = await svc.app.inject({ method: 'GET', url: '/v1/clusters', headers: READER_AUTH });
    expect(listed.json().clusters).toContainEqual(expect.objectContaining({ uuid: s.cluster.uuid, stack_id: stack, state: 'Ready' }));

    // Resize: never UPDATE_COMPLETE before the real MachineSet has the third Machine running.
    const live = withStack(s, stack, 'UPDATE_IN_PROGRESS');
    const resized = await svc.call('POST', `/v1/clusters/${s.cluster.uuid}/actions/resize`, { spec: live, node_count: 3, nodegroup: 'default-worker' });
    expect(resized.statusCode, resized.body).toBe(202);
    const worker = (a: Answer) => a.nodegroups.find((n) => n.name === 'default-worker');
    expect(worker(await status(live))?.node_count).toBe(3);
    const seen: [string, number][] = [];
    await expect.poll(async () => {
      // Machines first: a COMPLETE answer must come after the count it vouches for.
      const running = (await runningWorkers(stack, 'default-worker')).length;
      const answer = await status(live);
      seen.push([answer.cluster.status, running]);
      return answer.cluster.status;
    }, SLOW).toBe('UPDATE_COMPLETE');
    expect(seen.filter(([state, running]) => state === 'UPDATE_COMPLETE' && running < 3)).toEqual([]);
    expect(seen[0]).toEqual(['UPDATE_IN_PROGRESS', expect.any(Number)]);
    expect(worker(await status(live))?.status).toBe('UPDATE_COMPLETE');

    // Delete: helm uninstalls; the real Cluster controller tears down, the kept objects included; secrets go at DELETE_COMPLETE.
    const deleting = withStack(s, stack, 'DELETE_IN_PROGRESS');
    expect((await svc.call('DELETE', `/v1/clusters/${s.cluster.uuid}`, deleting)).statusCode).toBe(202);
    await expect.poll(async () => (await status(deleting)).cluster.status, SLOW).toBe('DELETE_COMPLETE');
    for (const kind of ['Cluster', 'MachineDeployment', 'Machine', 'KubeadmControlPlane', 'OpenStackCluster', 'OpenStackMachine'] as const) {
      expect(await ofRelease(kind, stack), kind).toEqual([]);
    }
    expect((await k.secrets(NS)).filter((x) => x.labels['magnum.openstack.org/cluster-uuid'] === s.cluster.uuid)).toEqual([]);
  });

  it('names CAPO\'s failure in the reason, and a failed cluster still deletes to DELETE_COMPLETE', async () => {
    await played.hold(NS, ['OpenStackCluster']);
    const s = spec('infra-failed');
    const stack = await create(s);
    const creating = withStack(s, stack, 'CREATE_IN_PROGRESS');
    await expect.poll(async () => (await status(creating)).cluster.status_reason, SLOW).toMatch(/waiting for infrastructure/);
    await played.infrastructureFailed(NS, stack, 'CreateError', 'quota exceeded for networks');
    await played.release(NS);
    await expect.poll(async () => (await status(creating)).cluster.status_reason, SLOW).toMatch(/OpenStackCluster: CreateError: quota exceeded for networks/);
    const failed = await status(creating);
    console.info(`after CAPO's terminal failure: ${failed.cluster.status}: ${failed.cluster.status_reason}; Cluster phase ${(await k.get('Cluster', NS, stack))?.status?.phase}`);
    // Terminal for CAPO and, up to v1.10, for the Cluster controller (phase Failed); the sidecar fails the create at its deadline, with this reason.
    expect(failed.cluster.status).toBe('CREATE_IN_PROGRESS');

    const deleting = withStack(s, stack, 'DELETE_IN_PROGRESS');
    expect((await svc.call('DELETE', `/v1/clusters/${s.cluster.uuid}`, deleting)).statusCode).toBe(202);
    await expect.poll(async () => (await status(deleting)).cluster.status, SLOW).toBe('DELETE_COMPLETE');
    expect(await ofRelease('OpenStackCluster', stack)).toEqual([]);
  });

  it('with monitoring and keystone auth, CREATE_COMPLETE waits for every addon the chart renders', async () => {
    await played.hold(NS, ['OpenStackCluster']);
    const s = spec('addons', (x) => {
      x.cluster.labels = { monitoring_enabled: 'true', keystone_auth_enabled: 'true' };
    });
    const stack = await create(s);
    const creating = withStack(s, stack, 'CREATE_IN_PROGRESS');
    const names = async (kind: 'HelmRelease' | 'Manifests') => (await ofRelease(kind, stack)).map((o) => o.metadata.name as string).sort();
    const [helmReleases, manifests] = [await names('HelmRelease'), await names('Manifests')];
    // 0.27.0 with calico: 9 addons by default, monitoring adds 3 and keystone auth 1; monitoring adds 5 Manifests to 3.
    expect([helmReleases.length, manifests.length]).toEqual([13, 8]);
    expect(helmReleases).toEqual(expect.arrayContaining([`${stack}-kube-prometheus-stack`, `${stack}-loki-stack`, `${stack}-blackbox-exporter`, `${stack}-k8s-keystone-auth`]));

    // The addon provider installs every addon but one; the rest of the cluster comes up for real.
    await played.hold(NS, [`Manifests/${stack}-loki-stack-dashboards`]);
    await expect.poll(async () => (await status(creating)).cluster.status_reason, SLOW).toMatch(/loki-stack-dashboards/);
    expect((await status(creating)).cluster.status).toBe('CREATE_IN_PROGRESS');
    const deployed = async (kind: 'HelmRelease' | 'Manifests') => (await ofRelease(kind, stack)).filter((a) => a.status?.phase === 'Deployed').map((a) => a.metadata.name as string).sort();
    expect({ helmReleases: await deployed('HelmRelease'), manifests: await deployed('Manifests') })
      .toEqual({ helmReleases, manifests: manifests.filter((m) => m !== `${stack}-loki-stack-dashboards`) });

    await played.release(NS);
    await expect.poll(async () => (await status(creating)).cluster.status, SLOW).toBe('CREATE_COMPLETE');
    const deleting = withStack(s, stack, 'DELETE_IN_PROGRESS');
    expect((await svc.call('DELETE', `/v1/clusters/${s.cluster.uuid}`, deleting)).statusCode).toBe(202);
    await expect.poll(async () => (await status(deleting)).cluster.status, SLOW).toBe('DELETE_COMPLETE');
  });

  it('returns the application credential id at DELETE_COMPLETE, read before the secrets go', async () => {
    const s = spec('appcred');
    const stack = await create(s);
    const deleting = withStack(s, stack, 'DELETE_IN_PROGRESS');
    expect((await svc.call('DELETE', `/v1/clusters/${s.cluster.uuid}`, deleting)).statusCode).toBe(202);
    let answer: Answer | undefined;
    await expect.poll(async () => (answer = await status(deleting)).cluster.status, SLOW).toBe('DELETE_COMPLETE');
    // The answer that completes the delete names the credential (from the secret, before it went).
    expect(answer?.application_credential_id).toBe('0f1e2d3c4b5a');
    // The secrets are gone now, so a repeated status call completes again without an id.
    expect((await status(deleting)).application_credential_id).toBeNull();
  });
});
