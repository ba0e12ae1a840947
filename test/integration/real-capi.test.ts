/**
 * A cluster's life through the sidecar on the real chart with the real Cluster
 * API controllers (core and kubeadm bootstrap; CAPO, the control plane's status,
 * the addons and the workload Nodes played by src/devcluster/player.ts): the
 * statuses Magnum receives are mapped from what those controllers write.
 * Every wait polls for a condition; nothing here writes a Cluster API status.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SpecInput } from '../../src/magnum/spec.js';
import { skipNotice } from '../support/chart-repo.js';
import { HELM_BINARIES, kube } from './harness/kube.js';
import { workloadNodes } from './harness/real-capi.js';
import { AUTH, startService } from './harness/service.js';
import { clusterSpec, withStack } from './harness/specs.js';

const REPO = inject('chartRepo');
const CAPI = inject('realCapi');
if (!REPO) console.warn(skipNotice('test/integration/real-capi.test.ts (the real Cluster API controllers on the real chart)'));
else console.info(`cluster-api ${CAPI.version}: real core and kubeadm bootstrap controllers in every namespace`);
/** The fixture's project. */
const NS = 'magnum-9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b';

/** Long enough for a MachineSet's preflight retry (15 s) and a rollout on a loaded 2-core machine; a hang guard only. */
const SLOW = { timeout: 100_000, interval: 500 };

interface Answer {
  cluster: { status: string; status_reason: string | null; api_address: string | null; coe_version?: string | null; node_addresses?: string[] };
  nodegroups: { name: string; status: string; node_count?: number; status_reason?: string | null }[];
  deleted_nodegroups: string[];
}

describe.skipIf(!REPO).each(HELM_BINARIES)('real Cluster API with %s', (label, helm) => {
  const kubeconfig = inject('kubeconfig');
  const k = kube(kubeconfig);
  let svc: Awaited<ReturnType<typeof startService>>;
  const tag = label.replace(/\W/g, '');
  let spec: ReturnType<typeof clusterSpec>;
  let stack = '';

  beforeAll(async () => {
    svc = await startService(kubeconfig, { helm });
    await svc.waitReady();
  });
  afterAll(() => svc.close());

  const status = async (s: SpecInput): Promise<Answer> => {
    const res = await svc.call('POST', `/v1/clusters/${s.cluster.uuid}/status`, s);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Answer;
  };
  /** The release's Machines of one node group as the real MachineSet controller made them. */
  const machines = async (group: string) =>
    (await k.list('Machine', NS)).filter((m) => m.metadata.labels?.['capi.stackhpc.com/cluster'] === stack && m.metadata.labels?.['capi.stackhpc.com/node-group'] === group);
  const running = async (group: string) => (await machines(group)).filter((m) => m.status?.phase === 'Running' && !m.metadata.deletionTimestamp);

  it('create: the real MachineSet makes the Machines, they run, and the cluster is CREATE_COMPLETE', async () => {
    spec = clusterSpec(`real-${tag}`);
    const res = await svc.call('POST', '/v1/clusters', spec);
    expect(res.statusCode, res.body).toBe(201);
    stack = res.json().stack_id as string;
    const creating = withStack(spec, stack, 'CREATE_IN_PROGRESS');
    await expect.poll(async () => (await status(creating)).cluster.status, SLOW).toBe('CREATE_COMPLETE');
    const workers = await running('default-worker');
    expect(workers).toHaveLength(2);
    for (const m of workers) expect(m.status.nodeRef?.name).toBe(m.spec.infrastructureRef.name);
    const done = await status(creating);
    expect(done.cluster.api_address).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(done.cluster.coe_version).toBe('v1.31.4');
    const addresses = workers.map((m) => m.status.addresses.find((a: { type: string }) => a.type === 'InternalIP').address).sort();
    expect([...(done.cluster.node_addresses ?? [])].sort()).toEqual(addresses);
    expect(done.nodegroups.map((g) => [g.name, g.status])).toEqual([['default-master', 'CREATE_COMPLETE'], ['default-worker', 'CREATE_COMPLETE']]);
    // The Cluster's conditions are the core controller's, not a test's.
    const cluster = await k.get('Cluster', NS, stack);
    expect(cluster?.status.phase).toBe('Provisioned');
    expect(cluster?.status.conditions.map((c: { type: string }) => c.type)).toEqual(expect.arrayContaining(['Ready', 'ControlPlaneInitialized', 'ControlPlaneReady', 'InfrastructureReady']));
  });

  it('resize up: the real MachineSet adds a Machine before UPDATE_COMPLETE', async () => {
    const live = withStack(spec, stack, 'UPDATE_IN_PROGRESS');
    const res = await svc.call('POST', `/v1/clusters/${spec.cluster.uuid}/actions/resize`, { spec: live, node_count: 3, nodegroup: 'default-worker' });
    expect(res.statusCode, res.body).toBe(202);
    await expect.poll(async () => (await status(live)).cluster.status, SLOW).toBe('UPDATE_COMPLETE');
    expect(await running('default-worker')).toHaveLength(3);
  });

  it('resize down with nodes_to_remove: the real MachineSet deletes exactly the named node', async () => {
    const before = (await running('default-worker')).map((m) => m.metadata.name as string).sort();
    const victim = before[1]!;
    const live = withStack(spec, stack, 'UPDATE_IN_PROGRESS');
    const res = await svc.call('POST', `/v1/clusters/${spec.cluster.uuid}/actions/resize`, { spec: live, node_count: 2, nodegroup: 'default-worker', nodes_to_remove: [victim] });
    expect(res.statusCode, res.body).toBe(202);
    await expect.poll(async () => (await machines('default-worker')).map((m) => m.metadata.name as string).sort(), SLOW).toEqual(before.filter((n) => n !== victim));
    await expect.poll(async () => (await status(live)).cluster.status, SLOW).toBe('UPDATE_COMPLETE');
  });

  it('node-group create and delete: a MachineDeployment whose Machines come and go', async () => {
    const live = withStack(spec, stack, 'UPDATE_IN_PROGRESS');
    const gpu = { uuid: '33333333-3333-4333-8333-333333333333', name: 'gpu', role: 'worker', node_count: 1, min_node_count: 1, max_node_count: null, flavor_id: 'm1.large', labels: {}, is_default: false, status: 'CREATE_IN_PROGRESS' as const };
    const withGpu = { ...live, nodegroups: [...(live.nodegroups ?? []), gpu] };
    expect((await svc.call('POST', `/v1/clusters/${spec.cluster.uuid}/nodegroups`, { spec: withGpu, nodegroup: 'gpu' })).statusCode).toBe(202);
    const group = async (s: SpecInput) => (await status(s)).nodegroups.find((g) => g.name === 'gpu');
    await expect.poll(async () => (await group(withGpu))?.status, SLOW).toBe('CREATE_COMPLETE');
    expect(await running('gpu')).toHaveLength(1);
    const deleting = { ...withGpu, nodegroups: withGpu.nodegroups.map((g) => (g.name === 'gpu' ? { ...g, status: 'DELETE_IN_PROGRESS' as const } : g)) };
    expect((await svc.call('DELETE', `/v1/clusters/${spec.cluster.uuid}/nodegroups/gpu`, deleting)).statusCode).toBe(202);
    // The group is reported deleted once its MachineDeployment is gone, which its finalizer holds until its Machines are.
    await expect.poll(async () => (await status(deleting)).deleted_nodegroups, SLOW).toEqual(['gpu']);
    expect(await machines('gpu')).toEqual([]);
  });

  it('upgrade: a real MachineDeployment rollout replaces every worker Machine with one at the new version', async () => {
    const before = new Set((await machines('default-worker')).map((m) => m.metadata.name as string));
    const next = withStack(spec, stack, 'UPDATE_IN_PROGRESS');
    next.resolved.image = { ...next.resolved.image, id: '7c2f1d55-64d3-4d3d-8a5f-1f1f3c6c6c2b', kube_version: 'v1.32.2' };
    const res = await svc.call('POST', `/v1/clusters/${spec.cluster.uuid}/actions/upgrade`, { spec: next });
    expect(res.statusCode, res.body).toBe(202);
    await expect.poll(async () => (await status(next)).cluster.status, SLOW).toBe('UPDATE_COMPLETE');
    const after = await running('default-worker');
    expect(after).toHaveLength(2);
    for (const m of after) {
      expect(before.has(m.metadata.name)).toBe(false);
      expect(m.spec.version).toBe('v1.32.2');
    }
    expect((await status(next)).cluster.coe_version).toBe('v1.32.2');
    spec = next;
  });

  it('delete: the real Cluster controller tears everything down behind its finalizer, then DELETE_COMPLETE', async () => {
    const deleting = withStack(spec, stack, 'DELETE_IN_PROGRESS');
    const res = await svc.call('DELETE', `/v1/clusters/${spec.cluster.uuid}`, deleting);
    expect(res.statusCode, res.body).toBe(202);
    await expect.poll(async () => (await status(deleting)).cluster.status, SLOW).toBe('DELETE_COMPLETE');
    const ofRelease = async (kind: Parameters<typeof k.list>[0]) => (await k.list(kind, NS)).filter((o) => o.metadata.labels?.['capi.stackhpc.com/cluster'] === stack || o.metadata.name === stack);
    for (const kind of ['Cluster', 'MachineDeployment', 'Machine', 'KubeadmControlPlane', 'OpenStackCluster'] as const) {
      expect(await ofRelease(kind), kind).toEqual([]);
    }
    expect((await k.secrets(NS)).filter((s) => s.labels['magnum.openstack.org/cluster-uuid'] === spec.cluster.uuid)).toEqual([]);
  });
});

/**
 * The real MachineHealthCheck (the chart's, with a site overlay that shortens its 5-minute
 * timeouts) sees a Node go NotReady; the sidecar's health reasons say so, and the real
 * MachineSet's remediation replaces the Machine until the cluster is healthy again.
 * helm 3 only: what is tested is the controllers' remediation, not the install.
 */
describe.skipIf(!REPO)('real MachineHealthCheck remediation', () => {
  const kubeconfig = inject('kubeconfig');
  const k = kube(kubeconfig);
  let svc: Awaited<ReturnType<typeof startService>>;
  const overlay = join(tmpdir(), `mcs-mhc-${process.pid}.yaml`);

  beforeAll(async () => {
    writeFileSync(overlay, [
      'nodeGroupDefaults:',
      '  healthCheck:',
      '    spec:',
      '      unhealthyConditions:',
      '        - {type: Ready, status: "False", timeout: 1s}',
      '        - {type: Ready, status: Unknown, timeout: 1s}',
      '',
    ].join('\n'));
    svc = await startService(kubeconfig, { config: { valuesOverlays: [overlay] } });
    await svc.waitReady();
  });
  afterAll(() => svc.close());

  it('a NotReady node makes the cluster UNHEALTHY with the controllers\' reason, and remediation heals it', async () => {
    const spec = clusterSpec('mhc', (s) => {
      s.cluster.node_count = 1;
      s.nodegroups = (s.nodegroups ?? []).map((g) => (g.role === 'worker' ? { ...g, node_count: 1 } : g));
    });
    const created = await svc.call('POST', '/v1/clusters', spec);
    expect(created.statusCode, created.body).toBe(201);
    const stack = created.json().stack_id as string;
    const creating = withStack(spec, stack, 'CREATE_IN_PROGRESS');
    const status = async () => (await svc.call('POST', `/v1/clusters/${spec.cluster.uuid}/status`, creating)).json() as Answer;
    const health = async () => (await svc.app.inject({ method: 'GET', url: `/v1/clusters/${spec.cluster.uuid}/health`, headers: AUTH })).json() as { health_status: string; health_status_reason: Record<string, string> };
    await expect.poll(async () => (await status()).cluster.status, SLOW).toBe('CREATE_COMPLETE');
    await expect.poll(async () => (await health()).health_status, SLOW).toBe('HEALTHY');
    const workers = async () => (await k.list('Machine', NS)).filter((m) => m.metadata.labels?.['capi.stackhpc.com/cluster'] === stack && m.metadata.labels?.['capi.stackhpc.com/component'] === 'worker');
    const [sick] = await workers();
    const node = sick!.status.nodeRef.name as string;

    await workloadNodes().setReady(node, 'False');
    // The MachineHealthCheck marks the Machine; the MachineSet's and MachineDeployment's conditions carry it up.
    let seen: { health_status: string; health_status_reason: Record<string, string> } | undefined;
    await expect.poll(async () => (seen = await health()).health_status_reason.nodegroup, SLOW)
      .toMatch(new RegExp(`^default-worker waiting on MachineSetReady \\(UnhealthyNode @ Machine/${sick!.metadata.name}`));
    expect(seen?.health_status).toBe('UNHEALTHY');
    console.info(`health while ${node} is NotReady: ${JSON.stringify(seen?.health_status_reason)}`);

    // Remediation: the unhealthy Machine is deleted and the MachineSet makes a healthy one.
    await expect.poll(async () => (await workers()).filter((m) => m.status?.phase === 'Running' && !m.metadata.deletionTimestamp).map((m) => m.metadata.name), SLOW)
      .toEqual([expect.not.stringMatching(`^${sick!.metadata.name}$`)]);
    await expect.poll(async () => (await health()).health_status, SLOW).toBe('HEALTHY');

    const deleting = withStack(spec, stack, 'DELETE_IN_PROGRESS');
    expect((await svc.call('DELETE', `/v1/clusters/${spec.cluster.uuid}`, deleting)).statusCode).toBe(202);
    await expect.poll(async () => (await svc.call('POST', `/v1/clusters/${spec.cluster.uuid}/status`, deleting)).json().cluster.status, SLOW).toBe('DELETE_COMPLETE');
  });
});
