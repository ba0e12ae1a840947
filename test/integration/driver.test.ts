/**
 * The driver operations through the HTTP routes, against the real API server,
 * the real helm (3 and 4) and the real openstack-cluster chart pulled from the
 * loopback repository: what each Magnum call leaves in the management cluster.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SpecInput } from '../../src/magnum/spec.js';
import { skipNotice } from '../support/chart-repo.js';
import { HELM_BINARIES, kube } from './harness/kube.js';
import { AUTH, startService } from './harness/service.js';
import { clusterSpec, withStack } from './harness/specs.js';

const NS = 'magnum-9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b';
const REPO = inject('chartRepo');
if (!REPO) console.warn(skipNotice('test/integration/driver.test.ts (the driver operations on the real chart)'));

describe.skipIf(!REPO).each(HELM_BINARIES)('driver with %s', (label, helm) => {
  const kubeconfig = inject('kubeconfig');
  const k = kube(kubeconfig);
  let svc: Awaited<ReturnType<typeof startService>>;
  const tag = label.replace(/\W/g, '');

  beforeAll(async () => {
    // The longest wait for a lease the configuration allows: one helm upgrade of the real chart waits out another,
    // which on a loaded machine can take longer than the default 20 s.
    svc = await startService(kubeconfig, { helm, config: { lease: { waitSeconds: 50 } } });
    await svc.waitReady();
  });
  afterAll(() => svc.close());


  async function create(name: string, change?: (s: SpecInput) => void) {
    const spec = clusterSpec(`${name}-${tag}`, change);
    const res = await svc.call('POST', '/v1/clusters', spec);
    expect(res.statusCode, res.body).toBe(201);
    const stack = res.json().stack_id as string;
    return { spec, stack, live: withStack(spec, stack, 'CREATE_COMPLETE') };
  }

  it('create makes the namespace, the labelled secrets and the Cluster API objects', async () => {
    const { spec, stack } = await create('create');
    expect(stack).toMatch(new RegExp(`^create-${tag}-[a-z2-7]{12}$`));
    // The chart renders Secrets of its own (addon configs); these are the driver's.
    const secrets = (await k.secrets(NS)).filter((s) => s.labels['magnum.openstack.org/cluster-uuid'] === spec.cluster.uuid);
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

  /** The checksum-named machine template and bootstrap config each group's machines come from: a change rolls its nodes. */
  async function machineSources(stack: string) {
    const md = await k.get('MachineDeployment', NS, `${stack}-default-worker`);
    const kcp = await k.get('KubeadmControlPlane', NS, `${stack}-control-plane`);
    return {
      worker: md?.spec.template.spec.infrastructureRef.name as string,
      workerBootstrap: md?.spec.template.spec.bootstrap.configRef.name as string,
      controlPlane: kcp?.spec.machineTemplate.infrastructureRef.name as string,
    };
  }

  it('resize changes the MachineDeployment replicas and rolls no node', async () => {
    const { spec, stack, live } = await create('resize');
    const before = await machineSources(stack);
    expect(before.worker).toMatch(new RegExp(`^${stack}-default-worker-[0-9a-f]{8}$`));
    const res = await svc.call('POST', `/v1/clusters/${spec.cluster.uuid}/actions/resize`, { spec: live, node_count: 5, nodegroup: 'default-worker' });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().revision).toBe(2);
    expect((await k.get('MachineDeployment', NS, `${stack}-default-worker`))?.spec.replicas).toBe(5);
    expect(await machineSources(stack)).toEqual(before);
  });

  it('credential rotation replaces the cloud credentials, names the replaced credential and rolls no node', async () => {
    const { spec, stack, live } = await create('rotate');
    const before = await machineSources(stack);
    const clouds = spec.credentials!.clouds_yaml.replace(/0f1e2d3c4b5a/g, 'ac-rotated-0001').replace('example-not-a-secret', 'example-not-a-secret-2');
    const rotating = { ...live, credentials: { clouds_yaml: clouds, cacert: null, application_credential_id: 'ac-rotated-0001' } };
    const res = await svc.call('POST', `/v1/clusters/${spec.cluster.uuid}/actions/rotate-credential`, rotating);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ stack_id: stack, replaced_application_credential_id: '0f1e2d3c4b5a' });
    const secret = await k.core.readNamespacedSecret({ namespace: NS, name: `${stack}-cloud-credentials` });
    expect(Buffer.from(secret.data!['clouds.yaml']!, 'base64').toString()).toContain('application_credential_id: ac-rotated-0001');
    expect(await machineSources(stack)).toEqual(before);
  });

  it('node-group create adds a MachineDeployment and delete removes it', async () => {
    const { spec, stack, live } = await create('groups');
    const withGpu = { ...live, nodegroups: [...(live.nodegroups ?? []), { uuid: 'gpu-group-uuid', name: 'gpu', role: 'worker', node_count: 1, flavor_id: 'm1.large', labels: {}, is_default: false, status: 'CREATE_IN_PROGRESS' as const }] };
    expect((await svc.call('POST', `/v1/clusters/${spec.cluster.uuid}/nodegroups`, { spec: withGpu, nodegroup: 'gpu' })).statusCode).toBe(202);
    expect((await k.get('MachineDeployment', NS, `${stack}-gpu`))?.spec.replicas).toBe(1);
    const res = await svc.call('DELETE', `/v1/clusters/${spec.cluster.uuid}/nodegroups/gpu`, withGpu);
    expect(res.statusCode, res.body).toBe(202);
    // Deleted by helm; the real MachineDeployment controller's finalizer may hold it until its Machines are gone.
    expect(await k.deleted('MachineDeployment', NS, `${stack}-gpu`)).toBe(true);
    expect(await k.deleted('MachineDeployment', NS, `${stack}-default-worker`)).toBe(false);
  });

  it('upgrade changes the Kubernetes version; a skipped minor is refused and changes nothing', async () => {
    const { spec, stack, live } = await create('upgrade');
    const skip = structuredClone(live);
    skip.resolved.image.kube_version = 'v1.33.0';
    const refused = await svc.call('POST', `/v1/clusters/${spec.cluster.uuid}/actions/upgrade`, { spec: skip });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('not_supported');
    const next = structuredClone(live);
    // A new template brings a new image: the machine templates, named by checksum, change with it.
    next.resolved.image = { ...next.resolved.image, id: '7c2f1d55-64d3-4d3d-8a5f-1f1f3c6c6c2b', kube_version: 'v1.32.2' };
    const before = await machineSources(stack);
    const res = await svc.call('POST', `/v1/clusters/${spec.cluster.uuid}/actions/upgrade`, { spec: next });
    expect(res.statusCode, res.body).toBe(202);
    expect((await k.get('KubeadmControlPlane', NS, `${stack}-control-plane`))?.spec.version).toBe('v1.32.2');
    expect((await k.get('MachineDeployment', NS, `${stack}-default-worker`))?.spec.template.spec.version).toBe('v1.32.2');
    // The upgrade rolls the nodes onto the new image: new checksum-named machine templates.
    const after = await machineSources(stack);
    expect(after.worker).not.toBe(before.worker);
    expect(after.controlPlane).not.toBe(before.controlPlane);
  });

  it('a helm failure (the chart\'s own `fail` check) is a 502 naming the cause and changes nothing else', async () => {
    const { spec, stack, live } = await create('failure');
    // An operator overlay the real chart refuses: a custom addon of a kind it does not know.
    const overlay = join(tmpdir(), `mcs-fail-${tag}.yaml`);
    writeFileSync(overlay, 'addons:\n  custom:\n    broken:\n      kind: NoSuchKind\n');
    const failing = await startService(kubeconfig, { helm, config: { valuesOverlays: [overlay] } });
    try {
      const res = await failing.app.inject({ method: 'POST', url: `/v1/clusters/${spec.cluster.uuid}/actions/resize`, headers: AUTH, payload: { spec: live, node_count: 7, nodegroup: 'default-worker' } });
      expect(res.statusCode).toBe(502);
      expect(res.json().error).toMatchObject({ code: 'helm_failed' });
      expect(res.json().error.message).toMatch(/Unrecognised addon kind - NoSuchKind/);
    } finally {
      await failing.close();
    }
    expect((await k.get('MachineDeployment', NS, `${stack}-default-worker`))?.spec.replicas).toBe(2);
  });

  it('two concurrent operations on one cluster run one after the other', async () => {
    const { spec, stack, live } = await create('concurrent');
    const resize = (n: number) => svc.call('POST', `/v1/clusters/${spec.cluster.uuid}/actions/resize`, { spec: live, node_count: n, nodegroup: 'default-worker' });
    const [a, b] = await Promise.all([resize(3), resize(4)]);
    expect([a.statusCode, b.statusCode]).toEqual([202, 202]);
    expect([a.json().revision, b.json().revision]).toEqual([2, 3]);
    expect((await k.get('MachineDeployment', NS, `${stack}-default-worker`))?.spec.replicas).toBe(4);
  });

  it('delete uninstalls the release', async () => {
    const { spec, stack, live } = await create('delete');
    const res = await svc.call('DELETE', `/v1/clusters/${spec.cluster.uuid}`, withStack(live, stack, 'DELETE_IN_PROGRESS'));
    expect(res.statusCode, res.body).toBe(202);
    // Deleted by helm; the real controllers' finalizers hold them while Cluster API tears the cluster down.
    expect(await k.deleted('Cluster', NS, stack)).toBe(true);
    expect(await k.deleted('MachineDeployment', NS, `${stack}-default-worker`)).toBe(true);
  });
});
