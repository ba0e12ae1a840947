/**
 * Status you can trust (issue 14), against the real openstack-cluster chart
 * on the local management cluster with the real Cluster API controllers (a
 * test may hold the played providers): one case per numbered defect of the issue.
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { namespaceFor } from '../../src/magnum/names.js';
import type { SpecInput } from '../../src/magnum/spec.js';
import { skipNotice } from '../support/chart-repo.js';
import { playedProviders } from './harness/capi.js';
import { kube } from './harness/kube.js';
import { AUTH, READER_AUTH, realChart, startService } from './harness/service.js';
import { inProject, withStack } from './harness/specs.js';

/** A project of this file's own: a hold is the namespace's, and the tests here run one after another. */
const PROJECT = '7a057e5700000000000000000000c0de';
const NS = namespaceFor(PROJECT, 'magnum');
/** A hang guard for the real controllers on a loaded 2-core machine (a MachineSet's preflight retries every 15 s). */
const SLOW = { timeout: 100_000, interval: 300 };
const repo = inject('chartRepo');
if (!repo) console.warn(skipNotice('status-trust.test.ts'));

type Answer = { cluster: { status: string; status_reason: string | null }; nodegroups: { name: string; status: string; status_reason: string | null; node_count?: number }[] };

describe.skipIf(!repo)('status you can trust, on the real chart', () => {
  const kubeconfig = inject('kubeconfig');
  const k = kube(kubeconfig);
  let svc: Awaited<ReturnType<typeof startService>>;
  beforeAll(async () => {
    svc = await startService(kubeconfig, { config: { chart: realChart(repo) } });
    await svc.waitReady();
  }, 60_000);
  afterAll(() => svc?.close());
  const played = playedProviders(kubeconfig);
  afterEach(() => played.release(NS));
  const clusterSpec = inProject(PROJECT);

  // Reads of one cluster are for readers (and admins); the driver's token has the shim's routes only.
  const call = (method: 'POST' | 'PUT' | 'DELETE' | 'GET', url: string, payload?: object) => svc.app.inject({ method, url, headers: method === 'GET' ? READER_AUTH : AUTH, ...(payload ? { payload } : {}) });
  const status = async (spec: SpecInput): Promise<Answer> => {
    const res = await call('POST', `/v1/clusters/${spec.cluster.uuid}/status`, spec);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const create = async (spec: SpecInput & { cluster: { uuid: string } }) => {
    const res = await call('POST', '/v1/clusters', spec);
    expect(res.statusCode, res.body).toBe(201);
    return res.json().stack_id as string;
  };
  const runningWorkers = async (stack: string) =>
    (await k.list('Machine', NS)).filter((m) => m.metadata.labels?.['capi.stackhpc.com/cluster'] === stack && m.metadata.labels?.['capi.stackhpc.com/component'] === 'worker' && m.status?.phase === 'Running' && !m.metadata.deletionTimestamp).length;
  /** Polls until `done`, recording each answer beside the Machines running just before it: no COMPLETE may vouch for fewer than `want`. */
  const settles = async (s: SpecInput, stack: string, done: string, want: number) => {
    const seen: [string, number][] = [];
    await expect.poll(async () => {
      const running = await runningWorkers(stack);
      const answer = await status(s);
      seen.push([answer.cluster.status, running]);
      return answer.cluster.status;
    }, SLOW).toBe(done);
    expect(seen.filter(([state, running]) => state === done && running < want)).toEqual([]);
    return seen;
  };
  const group = (a: Answer, name: string) => a.nodegroups.find((n) => n.name === name);
  /** The spec as Magnum holds it: the cluster in `status`, every group in `groups`. */
  const held = (s: SpecInput, stack: string, cluster: NonNullable<SpecInput['cluster']['status']>, groups: NonNullable<SpecInput['cluster']['status']>) => ({
    ...withStack(s, stack, cluster),
    nodegroups: (s.nodegroups ?? []).map((g) => ({ ...g, status: groups })),
  });

  it('1: a node-group create carrying the old template cannot roll an upgraded control plane back', async () => {
    const spec = clusterSpec('downgrade');
    const stack = await create(spec);
    await expect.poll(async () => (await k.get('KubeadmControlPlane', NS, `${stack}-control-plane`))?.status?.version, SLOW).toBe('v1.31.4');
    await expect.poll(async () => (await call('GET', `/v1/clusters/${spec.cluster.uuid}`)).statusCode).toBe(200);

    const upgraded = held(spec, stack, 'UPDATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS');
    upgraded.resolved = { ...upgraded.resolved!, image: { ...upgraded.resolved!.image!, kube_version: 'v1.32.1' } };
    const up = await call('POST', `/v1/clusters/${spec.cluster.uuid}/actions/upgrade`, { spec: upgraded });
    expect(up.statusCode, up.body).toBe(202);
    expect((await k.get('KubeadmControlPlane', NS, `${stack}-control-plane`))?.spec.version).toBe('v1.32.1');
    // The watch cache has seen the upgraded spec (as it would have long before Magnum's next call).
    await expect.poll(() => svc.engine.cache.objectsFor(NS, stack).controlPlane?.spec?.version).toBe('v1.32.1');

    // Magnum sends the spec it holds: the old template's image, v1.31.4.
    const old = held(spec, stack, 'UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE');
    old.nodegroups = [...old.nodegroups!, { ...old.nodegroups![1]!, uuid: '7d0c1e7e-0000-4000-8000-00000000abcd', name: 'gpu', is_default: false, status: 'CREATE_IN_PROGRESS' }];
    const refused = await call('POST', `/v1/clusters/${spec.cluster.uuid}/nodegroups`, { spec: old, nodegroup: 'gpu' });
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.json().error).toMatchObject({ code: 'not_supported', message: expect.stringMatching(/^Kubernetes cannot be downgraded\. The cluster runs v1\.32\.1, the new template's image has v1\.31\.4$/) });
    expect((await k.get('KubeadmControlPlane', NS, `${stack}-control-plane`))?.spec.version).toBe('v1.32.1');
    expect(await k.get('MachineDeployment', NS, `${stack}-gpu`)).toBeNull();
  });

  it('2: DELETE_COMPLETE waits for the infrastructure the chart keeps, through the real Cluster controller\'s teardown', async () => {
    const spec = clusterSpec('kept');
    const stack = await create(spec);
    // CAPO's finalizer on the OpenStackCluster, which holds the network, router and load balancer.
    const osc = await k.get('OpenStackCluster', NS, stack);
    await k.custom.patchNamespacedCustomObject(
      { group: 'infrastructure.cluster.x-k8s.io', version: 'v1beta1', plural: 'openstackclusters', namespace: NS, name: stack, body: [{ op: 'add', path: '/metadata/finalizers', value: ['openstackcluster.infrastructure.cluster.x-k8s.io'] }] },
    );
    expect(osc?.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');

    const deleting = withStack(spec, stack, 'DELETE_IN_PROGRESS');
    expect((await call('DELETE', `/v1/clusters/${spec.cluster.uuid}`, deleting)).statusCode).toBe(202);
    // The real Cluster controller deletes the workers and the control plane, then the infrastructure,
    // and holds the Cluster by its finalizer until CAPO has let the OpenStackCluster go.
    let answer: Answer | undefined;
    await expect.poll(async () => (answer = await status(deleting)).cluster.status_reason ?? '', SLOW).toMatch(new RegExp(`OpenStackCluster ${NS}/${stack} \\(being deleted\\)`));
    expect(answer!.cluster.status).toBe('DELETE_IN_PROGRESS');
    expect(await k.get('KubeadmControlPlane', NS, `${stack}-control-plane`)).toBeNull();
    expect((await k.get('Cluster', NS, stack))?.metadata.deletionTimestamp).toBeTruthy();
    console.info(`while CAPO holds the OpenStackCluster: ${answer!.cluster.status_reason}`);

    // CAPO is done: the finalizer goes, the Cluster controller lets the Cluster go, and only now is the cluster gone.
    await k.custom.patchNamespacedCustomObject(
      { group: 'infrastructure.cluster.x-k8s.io', version: 'v1beta1', plural: 'openstackclusters', namespace: NS, name: stack, body: [{ op: 'remove', path: '/metadata/finalizers' }] },
    );
    await expect.poll(async () => (await status(deleting)).cluster.status, SLOW).toBe('DELETE_COMPLETE');
    expect(await k.get('Cluster', NS, stack)).toBeNull();
  });

  it('3: an update of node_count, Magnum\'s groups left COMPLETE, completes only once the MachineDeployment settles', async () => {
    const spec = clusterSpec('scale');
    const stack = await create(spec);
    await expect.poll(async () => (await status(withStack(spec, stack, 'CREATE_IN_PROGRESS'))).cluster.status, SLOW).toBe('CREATE_COMPLETE');

    const updating = held(spec, stack, 'UPDATE_IN_PROGRESS', 'CREATE_COMPLETE');
    updating.nodegroups = updating.nodegroups!.map((g) => (g.name === 'default-worker' ? { ...g, node_count: 3 } : g));
    const put = await call('PUT', `/v1/clusters/${spec.cluster.uuid}`, updating);
    expect(put.statusCode, put.body).toBe(202);
    expect(group(await status(updating), 'default-worker')?.node_count).toBe(3);
    // The real MachineSet adds the third Machine; until it runs, the update is in progress.
    const seen = await settles(updating, stack, 'UPDATE_COMPLETE', 3);
    expect(seen[0]).toEqual(['UPDATE_IN_PROGRESS', expect.any(Number)]);
  });

  it('4: health on a fresh create is not Ready about parts that reported nothing, and names a missing MachineDeployment', async () => {
    // CAPO and the control plane have not answered yet; the real Cluster controller has.
    await played.hold(NS, ['OpenStackCluster', 'KubeadmControlPlane']);
    const spec = clusterSpec('fresh');
    await create(spec);
    const health = async (query = '') => {
      const res = await call('GET', `/v1/clusters/${spec.cluster.uuid}/health${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { health_status: string; health_status_reason: Record<string, string> };
    };
    await expect.poll(async () => (await call('GET', `/v1/clusters/${spec.cluster.uuid}/health`)).statusCode).toBe(200);
    // The real Cluster controller's own words for what it waits on; the held control plane has said nothing.
    await expect.poll(async () => (await health()).health_status_reason.cluster, SLOW).toMatch(/InfrastructureReady \(WaitingForInfrastructure\)/);
    const fresh = await health();
    expect(fresh.health_status).toBe('UNHEALTHY');
    expect(fresh.health_status_reason).toMatchObject({ controlplane: 'Waiting on conditions (not reported yet)', infrastructure: 'Infrastructure not ready. Ready (not reported yet)' });
    const named = await health('?nodegroup=default-worker&nodegroup=gpu');
    expect(named.health_status_reason.nodegroup).toMatch(/gpu resource not found\./);
  });

  it('5: a create failed by the sidecar\'s deadline heals once everything is ready; one helm failed stays failed', async () => {
    const spec = clusterSpec('heal');
    const stack = await create(spec);
    const failed = (reason: string) => {
      const s = held(spec, stack, 'CREATE_FAILED', 'CREATE_FAILED');
      s.cluster = { ...s.cluster, status_reason: reason };
      return s;
    };
    await expect.poll(async () => (await status(failed('timed out after 60 minutes without progress; last seen: waiting on Ready'))).cluster, SLOW)
      .toMatchObject({ status: 'CREATE_COMPLETE', status_reason: expect.stringMatching(/^recovered: /) });
    const helmFailed = await status(failed('magnum-capi-sidecar: helm failed: UPGRADE FAILED: timed out waiting for the condition'));
    expect(helmFailed.cluster).toMatchObject({ status: 'CREATE_FAILED', status_reason: expect.stringMatching(/helm failed/) });
  });

  it('7: an autoscaled group reports the autoscaler\'s count and reads n/min..max', async () => {
    const spec = clusterSpec('autoscaled', (s) => {
      s.cluster.labels = { ...s.cluster.labels, auto_scaling_enabled: 'true', min_node_count: '1', max_node_count: '4' };
    });
    // No Machine can run while CAPO has not made the network: the group reads 0 of its count.
    await played.hold(NS, ['OpenStackCluster']);
    const stack = await create(spec);
    // The chart leaves spec.replicas out; Cluster API's defaulting webhook (real in this run) sets the min-size annotation's count.
    const md = await k.get('MachineDeployment', NS, `${stack}-default-worker`);
    expect(md?.spec.replicas).toBe(1);
    const creating = withStack(spec, stack, 'CREATE_IN_PROGRESS');
    await expect.poll(async () => group(await status(creating), 'default-worker')?.status_reason ?? '').toMatch(/^node group default-worker: 0\/1\.\.4 machines ready/);

    await played.release(NS);
    // The autoscaler scales through the scale subresource; the real MachineSet makes the Machines.
    await k.patchSpec('MachineDeployment', NS, `${stack}-default-worker`, { replicas: 3 });
    await settles(creating, stack, 'CREATE_COMPLETE', 3);
    expect(group(await status(creating), 'default-worker')).toMatchObject({ status: 'CREATE_COMPLETE', node_count: 3 });
  });
});
