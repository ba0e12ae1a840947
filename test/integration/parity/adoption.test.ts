/**
 * Adoption: a cluster magnum-capi-helm 1.4.0 created — its release installed
 * by helm 3 with the values that driver sends (`magnum-capi-helm.ts`), its
 * secrets named and labelled as that driver names and labels them — is then
 * driven by this driver on the real chart: its status maps, a preview says
 * nothing rolls, a resize changes a replica count and nothing else, an upgrade
 * and a delete work, and DELETE_COMPLETE names the application credential so
 * the shim deletes it. The old driver's side is written here from its source
 * (driver.py `_k8s_resource_labels`, `_create_appcred_secret`,
 * `_ensure_certificate_secrets`; helm.py `install_or_upgrade`), not through
 * this project's code.
 */
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { compareManifests, parseManifest } from '../../../src/driver/manifest-diff.js';
import type { SpecInput } from '../../../src/magnum/spec.js';
import { skipNotice } from '../../support/chart-repo.js';
import { playedProviders } from '../harness/capi.js';
import { HELM_BINARIES, kube, type KubeKind } from '../harness/kube.js';
import { AUTH, READER_AUTH, startService } from '../harness/service.js';
import { clusterSpec, withStack } from '../harness/specs.js';
import { NAMESPACE, pythonDefault } from './magnum-capi-helm.js';
import { HELM3, seedRelease, seedSecrets, seedStackId } from './seed.js';

const REPO = inject('chartRepo');
if (!REPO) console.warn(skipNotice('test/integration/parity/adoption.test.ts (a magnum-capi-helm cluster driven by this driver)'));

const APP_CRED_ID = 'seed-ac-0a1b2c3d';
/** A hang guard for the real controllers on a loaded 2-core machine. */
const SLOW = { timeout: 100_000, interval: 300 };

const TEMPLATE_KINDS: KubeKind[] = ['OpenStackMachineTemplate', 'KubeadmConfigTemplate'];
const KEPT: KubeKind[] = ['OpenStackCluster', 'KubeadmControlPlane', ...TEMPLATE_KINDS];

describe.skipIf(!REPO).each(HELM_BINARIES)('a magnum-capi-helm 1.4.0 cluster driven by this driver with %s', (label, helm) => {
  const kubeconfig = inject('kubeconfig');
  const k = kube(kubeconfig);
  const tag = label.replace(/\W/g, '');
  let svc: Awaited<ReturnType<typeof startService>>;
  let spec: SpecInput & { cluster: { uuid: string } };
  let stack: string;

  const played = playedProviders(kubeconfig);
  beforeAll(async () => {
    spec = clusterSpec(`adopted-${tag}`);
    stack = seedStackId(`adopted-${tag}`);
    // CAPO waits until the first status check has seen the seeded cluster still coming up.
    await played.hold(NAMESPACE, [`OpenStackCluster/${stack}`]);
    await seedSecrets(kubeconfig, spec, stack, APP_CRED_ID);
    await seedRelease(kubeconfig, REPO, stack, { ...pythonDefault(), cloudCredentialsSecretName: `${stack}-cloud-credentials` });
    svc = await startService(kubeconfig, { helm });
    await svc.waitReady();
  });
  afterAll(async () => {
    await played.release(NAMESPACE);
    await svc?.close();
  });

  const at = (status: NonNullable<SpecInput['cluster']['status']>, change: (s: SpecInput) => void = () => {}) => {
    const s = withStack(spec, stack, status);
    change(s);
    return s;
  };
  const call = (method: 'POST' | 'DELETE', url: string, payload: unknown) => svc.app.inject({ method, url: `/v1/clusters/${spec.cluster.uuid}${url}`, headers: AUTH, payload: payload as object });
  const status = async (s: SpecInput) => {
    const res = await call('POST', '/status', s);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const recorded = async () => parseManifest((await execa(HELM3, ['get', 'manifest', stack, '--namespace', NAMESPACE, '--kubeconfig', kubeconfig])).stdout);
  const templates = async () =>
    (await Promise.all(TEMPLATE_KINDS.map(async (kind) => (await k.list(kind, NAMESPACE)).filter((o) => o.metadata.labels?.['capi.stackhpc.com/cluster'] === stack).map((o) => `${kind}/${o.metadata.name}`)))).flat().sort();

  it('is found by its secrets and its status maps to CREATE_COMPLETE', async () => {
    await expect.poll(async () => (await svc.app.inject({ method: 'GET', url: `/v1/clusters/${spec.cluster.uuid}`, headers: READER_AUTH })).json().stack_id).toBe(stack);
    const creating = at('CREATE_IN_PROGRESS');
    expect((await status(creating)).cluster.status).toBe('CREATE_IN_PROGRESS');
    await played.release(NAMESPACE);
    await expect.poll(async () => (await status(creating)).cluster.status, SLOW).toBe('CREATE_COMPLETE');
    const endpoint = (await k.get('Cluster', NAMESPACE, stack))?.spec.controlPlaneEndpoint;
    expect((await status(creating)).cluster).toMatchObject({ api_address: `https://${endpoint.host}:${endpoint.port}`, coe_version: 'v1.31.4' });
  });

  it('the preview of the switch says nothing changes and nothing rolls', async () => {
    const res = await call('POST', '/diff', at('CREATE_COMPLETE'));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ stack_id: stack, namespace: NAMESPACE, created: [], changed: [], deleted: [], rolls: [], summary: 'nothing rolls' });
  });

  it('a resize changes the replica count and nothing else: no template renamed', async () => {
    const before = await recorded();
    const names = await templates();
    // Two machine templates (control plane, default-worker) and the workers' bootstrap config.
    expect(names).toHaveLength(3);
    const res = await call('POST', '/actions/resize', { spec: at('UPDATE_IN_PROGRESS'), node_count: 3, nodegroup: 'default-worker' });
    expect(res.statusCode, res.body).toBe(202);
    expect(compareManifests(before, await recorded())).toEqual({
      created: [],
      deleted: [],
      changed: [{ kind: 'MachineDeployment', name: `${stack}-default-worker`, paths: ['spec.replicas'] }],
    });
    expect((await k.get('MachineDeployment', NAMESPACE, `${stack}-default-worker`))?.spec.replicas).toBe(3);
    expect(await templates()).toEqual(names);
  });

  it('an upgrade moves the control plane and the workers to the new Kubernetes', async () => {
    const upgraded = at('UPDATE_IN_PROGRESS', (s) => {
      s.nodegroups = s.nodegroups!.map((g) => (g.role === 'master' ? g : { ...g, node_count: 3 }));
      s.resolved!.image = { ...s.resolved!.image, id: '7c2f1d55-64d3-4d3d-8a5f-1f1f3c6c6c2b', kube_version: 'v1.32.2' };
    });
    const res = await call('POST', '/actions/upgrade', { spec: upgraded });
    expect(res.statusCode, res.body).toBe(202);
    expect((await k.get('KubeadmControlPlane', NAMESPACE, `${stack}-control-plane`))?.spec.version).toBe('v1.32.2');
    expect((await k.get('MachineDeployment', NAMESPACE, `${stack}-default-worker`))?.spec.template.spec.version).toBe('v1.32.2');
  });

  it('a delete uninstalls the release; DELETE_COMPLETE removes the old driver\'s secrets and names its application credential', async () => {
    const deleting = at('DELETE_IN_PROGRESS');
    const res = await call('DELETE', '', deleting);
    expect(res.statusCode, res.body).toBe(202);
    // The real Cluster controller tears down what the chart keeps.
    let answer: { cluster: { status: string }; application_credential_id?: string | null } | undefined;
    await expect.poll(async () => (answer = await status(deleting)).cluster.status, SLOW).toBe('DELETE_COMPLETE');
    for (const kind of KEPT.filter((kind) => !TEMPLATE_KINDS.includes(kind))) {
      expect((await k.list(kind, NAMESPACE)).filter((o) => o.metadata.labels?.['capi.stackhpc.com/cluster'] === stack), kind).toEqual([]);
    }
    expect(answer?.application_credential_id).toBe(APP_CRED_ID);
    // The old driver's secrets go with DELETE_COMPLETE; Cluster API's (kubeconfig, bootstrap data) with their owners, by garbage collection.
    expect((await k.secrets(NAMESPACE)).filter((s) => s.labels['magnum.openstack.org/cluster-uuid'] === spec.cluster.uuid)).toEqual([]);
    await expect.poll(async () => (await k.secrets(NAMESPACE)).filter((s) => s.name.startsWith(`${stack}-`)).map((s) => s.name), SLOW).toEqual([]);
  });
});

describe.skipIf(!REPO)('a magnum-capi-helm 1.4.0 cluster\'s credential rotated by this driver', () => {
  const kubeconfig = inject('kubeconfig');
  const k = kube(kubeconfig);
  let svc: Awaited<ReturnType<typeof startService>>;
  const spec = clusterSpec('adopted-rotate');
  const stack = seedStackId('adopted-rotate');

  beforeAll(async () => {
    await seedSecrets(kubeconfig, spec, stack, APP_CRED_ID);
    await seedRelease(kubeconfig, REPO, stack, { ...pythonDefault(), cloudCredentialsSecretName: `${stack}-cloud-credentials` });
    svc = await startService(kubeconfig);
    await svc.waitReady();
  });
  afterAll(() => svc?.close());

  it('names the old driver\'s credential for deletion, writes the new one over its secret, and rolls no node', async () => {
    const templates = async () => (await k.list('OpenStackMachineTemplate', NAMESPACE)).filter((o) => o.metadata.labels?.['capi.stackhpc.com/cluster'] === stack).map((o) => o.metadata.name).sort();
    const before = await templates();
    const live = withStack(spec, stack, 'UPDATE_IN_PROGRESS');
    const clouds = spec.credentials!.clouds_yaml.replace(/0f1e2d3c4b5a/g, 'ac-rotated-0002');
    const res = await svc.app.inject({
      method: 'POST',
      url: `/v1/clusters/${spec.cluster.uuid}/actions/rotate-credential`,
      headers: AUTH,
      payload: { ...live, credentials: { clouds_yaml: clouds, cacert: null, application_credential_id: 'ac-rotated-0002' } },
    });
    expect(res.statusCode, res.body).toBe(202);
    // Read from the clouds.yaml magnum-capi-helm wrote (its secret has no annotation): the shim deletes it.
    expect(res.json().replaced_application_credential_id).toBe(APP_CRED_ID);
    const secret = await k.core.readNamespacedSecret({ namespace: NAMESPACE, name: `${stack}-cloud-credentials` });
    expect(Buffer.from(secret.data!['clouds.yaml']!, 'base64').toString()).toContain('application_credential_id: ac-rotated-0002');
    // Still found by the labels the old driver put there.
    expect(secret.metadata?.labels).toMatchObject({ 'magnum.openstack.org/cluster-uuid': spec.cluster.uuid, 'cluster.x-k8s.io/cluster-name': stack });
    expect(await templates()).toEqual(before);
  });
});

describe.skipIf(!REPO)('a magnum-capi-helm 1.4.0 cluster on a site with [cinder] boot volume defaults', () => {
  const kubeconfig = inject('kubeconfig');
  let svc: Awaited<ReturnType<typeof startService>>;
  const spec = clusterSpec('adopted-cinder');
  const stack = seedStackId('adopted-cinder');

  beforeAll(async () => {
    // magnum-capi-helm's own test of [cinder] default_boot_volume_type = nvme, default_boot_volume_size = 12, with ssd and 30 here.
    const values = { ...pythonDefault(), cloudCredentialsSecretName: `${stack}-cloud-credentials` } as Record<string, any>;
    values.controlPlane.machineRootVolume = { volumeType: 'ssd', diskSize: 30 };
    values.nodeGroupDefaults.machineRootVolume = { volumeType: 'ssd', diskSize: 30 };
    await seedSecrets(kubeconfig, spec, stack, APP_CRED_ID);
    await seedRelease(kubeconfig, REPO, stack, values);
    svc = await startService(kubeconfig);
    await svc.waitReady();
  });
  afterAll(() => svc?.close());

  const preview = async (resolved: Record<string, unknown>) => {
    const s = withStack(spec, stack, 'CREATE_COMPLETE');
    s.resolved = { ...s.resolved!, ...resolved };
    const res = await svc.app.inject({ method: 'POST', url: `/v1/clusters/${spec.cluster.uuid}/diff`, headers: AUTH, payload: s });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('with the defaults the shim sends, nothing rolls; without them, every machine would leave its volume', async () => {
    expect((await preview({ default_boot_volume_type: 'ssd', default_boot_volume_size: 30 })).summary).toBe('nothing rolls');
    const bare = await preview({});
    expect(bare.rolls.map((r: { name: string }) => r.name)).toEqual(['control-plane', 'default-worker']);
    expect(bare.summary).toMatch(/its spec changed at spec\.template\.spec\.rootVolume/);
  });
});
