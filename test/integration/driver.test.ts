/**
 * The driver operations through the HTTP routes, against the real API server
 * and the real helm (3 and 4): what each Magnum call leaves in the
 * management cluster.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SpecInput } from '../../src/magnum/spec.js';
import { HELM_BINARIES, kube } from './harness/kube.js';
import { AUTH, startService } from './harness/service.js';
import { clusterSpec, withStack } from './harness/specs.js';

const NS = 'magnum-9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b';

describe.each(HELM_BINARIES)('driver with %s', (label, helm) => {
  const kubeconfig = inject('kubeconfig');
  const k = kube(kubeconfig);
  let svc: Awaited<ReturnType<typeof startService>>;
  const tag = label.replace(/\W/g, '');

  beforeAll(async () => {
    svc = await startService(kubeconfig, { helm });
    await svc.waitReady();
  });
  afterAll(() => svc.close());

  const call = (method: 'POST' | 'PUT' | 'DELETE', url: string, payload: unknown) =>
    svc.app.inject({ method, url, headers: AUTH, payload: payload as object });

  async function create(name: string, change?: (s: SpecInput) => void) {
    const spec = clusterSpec(`${name}-${tag}`, change);
    const res = await call('POST', '/v1/clusters', spec);
    expect(res.statusCode, res.body).toBe(201);
    const stack = res.json().stack_id as string;
    return { spec, stack, live: withStack(spec, stack, 'CREATE_COMPLETE') };
  }

  it('create makes the namespace, the labelled secrets and the Cluster API objects', async () => {
    const { spec, stack } = await create('create');
    expect(stack).toMatch(new RegExp(`^create-${tag}-[a-z2-7]{12}$`));
    const secrets = (await k.secrets(NS)).filter((s) => s.name.startsWith(stack));
    expect(secrets.map((s) => [s.name, s.type]).sort()).toEqual([
      [`${stack}-ca`, 'cluster.x-k8s.io/secret'],
      [`${stack}-cloud-credentials`, 'Opaque'],
      [`${stack}-etcd`, 'cluster.x-k8s.io/secret'],
      [`${stack}-proxy`, 'cluster.x-k8s.io/secret'],
      [`${stack}-sa`, 'cluster.x-k8s.io/secret'],
    ]);
    for (const s of secrets) {
      expect(s.labels).toMatchObject({
        'magnum.openstack.org/cluster-uuid': spec.cluster.uuid,
        'magnum.openstack.org/project-id': '9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b',
        'cluster.x-k8s.io/cluster-name': stack,
      });
    }
    const osc = await k.get('OpenStackCluster', NS, stack);
    expect(osc?.spec.identityRef).toEqual({ name: `${stack}-cloud-credentials`, cloudName: 'openstack' });
    expect((await k.get('KubeadmControlPlane', NS, `${stack}-control-plane`))?.spec).toMatchObject({ replicas: 1, version: 'v1.31.4' });
    expect((await k.get('MachineDeployment', NS, `${stack}-default-worker`))?.spec.replicas).toBe(2);
    expect((await k.get('Cluster', NS, stack))?.metadata.labels['capi.stackhpc.com/cluster']).toBe(stack);
  });

  it('resize changes the MachineDeployment replicas', async () => {
    const { spec, stack, live } = await create('resize');
    const res = await call('POST', `/v1/clusters/${spec.cluster.uuid}/actions/resize`, { spec: live, node_count: 5, nodegroup: 'default-worker' });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().revision).toBe(2);
    expect((await k.get('MachineDeployment', NS, `${stack}-default-worker`))?.spec.replicas).toBe(5);
  });

  it('node-group create adds a MachineDeployment and delete removes it', async () => {
    const { spec, stack, live } = await create('groups');
    const withGpu = { ...live, nodegroups: [...(live.nodegroups ?? []), { uuid: 'gpu-group-uuid', name: 'gpu', role: 'worker', node_count: 1, flavor_id: 'm1.large', labels: {}, is_default: false, status: 'CREATE_IN_PROGRESS' as const }] };
    expect((await call('POST', `/v1/clusters/${spec.cluster.uuid}/nodegroups`, { spec: withGpu, nodegroup: 'gpu' })).statusCode).toBe(202);
    expect((await k.get('MachineDeployment', NS, `${stack}-gpu`))?.spec.replicas).toBe(1);
    const res = await call('DELETE', `/v1/clusters/${spec.cluster.uuid}/nodegroups/gpu`, withGpu);
    expect(res.statusCode, res.body).toBe(202);
    expect(await k.get('MachineDeployment', NS, `${stack}-gpu`)).toBeNull();
    expect(await k.get('MachineDeployment', NS, `${stack}-default-worker`)).not.toBeNull();
  });

  it('upgrade changes the Kubernetes version; a skipped minor is refused and changes nothing', async () => {
    const { spec, stack, live } = await create('upgrade');
    const skip = structuredClone(live);
    skip.resolved.image.kube_version = 'v1.33.0';
    const refused = await call('POST', `/v1/clusters/${spec.cluster.uuid}/actions/upgrade`, { spec: skip });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('not_supported');
    const next = structuredClone(live);
    next.resolved.image.kube_version = 'v1.32.2';
    const res = await call('POST', `/v1/clusters/${spec.cluster.uuid}/actions/upgrade`, { spec: next });
    expect(res.statusCode, res.body).toBe(202);
    expect((await k.get('KubeadmControlPlane', NS, `${stack}-control-plane`))?.spec.version).toBe('v1.32.2');
    expect((await k.get('MachineDeployment', NS, `${stack}-default-worker`))?.spec.template.spec.version).toBe('v1.32.2');
  });

  it('a helm failure is a 502 naming the cause and changes nothing else', async () => {
    const { spec, stack, live } = await create('failure');
    const overlay = join(tmpdir(), `mcs-fail-${tag}.yaml`);
    writeFileSync(overlay, 'testFailRender: true\n');
    const failing = await startService(kubeconfig, { helm, config: { valuesOverlays: [overlay] } });
    try {
      const res = await failing.app.inject({ method: 'POST', url: `/v1/clusters/${spec.cluster.uuid}/actions/resize`, headers: AUTH, payload: { spec: live, node_count: 7, nodegroup: 'default-worker' } });
      expect(res.statusCode).toBe(502);
      expect(res.json().error).toMatchObject({ code: 'helm_failed' });
      expect(res.json().error.message).toMatch(/testFailRender: values refused by the chart/);
    } finally {
      await failing.close();
    }
    expect((await k.get('MachineDeployment', NS, `${stack}-default-worker`))?.spec.replicas).toBe(2);
  });

  it('two concurrent operations on one cluster run one after the other', async () => {
    const { spec, stack, live } = await create('concurrent');
    const resize = (n: number) => call('POST', `/v1/clusters/${spec.cluster.uuid}/actions/resize`, { spec: live, node_count: n, nodegroup: 'default-worker' });
    const [a, b] = await Promise.all([resize(3), resize(4)]);
    expect([a.statusCode, b.statusCode]).toEqual([202, 202]);
    expect([a.json().revision, b.json().revision]).toEqual([2, 3]);
    expect((await k.get('MachineDeployment', NS, `${stack}-default-worker`))?.spec.replicas).toBe(4);
  });

  it('delete uninstalls the release', async () => {
    const { spec, stack, live } = await create('delete');
    const res = await call('DELETE', `/v1/clusters/${spec.cluster.uuid}`, withStack(live, stack, 'DELETE_IN_PROGRESS'));
    expect(res.statusCode, res.body).toBe(202);
    expect(await k.get('Cluster', NS, stack)).toBeNull();
    expect(await k.get('MachineDeployment', NS, `${stack}-default-worker`)).toBeNull();
  });
});
