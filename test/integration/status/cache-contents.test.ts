/**
 * What the caches hold after a real cluster: the real openstack-cluster chart
 * (monitoring on) applied through the service with every secret the driver
 * writes (clouds.yaml, the four CA key pairs), Cluster API's kubeconfig secret
 * beside them, the statuses written as the controllers would. Every object in
 * the watch cache and the cluster index is listed: no Secret data, no
 * managedFields, no template or values, only the projections.
 */
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { ListWatcher } from '../../../src/kube/list-watch.js';
import { skipNotice } from '../../support/chart-repo.js';
import { kube } from '../harness/kube.js';
import { ADMIN_AUTH, AUTH, realChart, SECRETS, startService } from '../harness/service.js';
import { clusterSpec, withStack } from '../harness/specs.js';

const repo = inject('chartRepo');
if (!repo) process.stderr.write(`${skipNotice('cache-contents.test.ts')}\n`);


describe.skipIf(!repo)('the caches after a real chart with every secret', () => {
  const kubeconfig = inject('kubeconfig');
  const k = kube(kubeconfig);
  let service: Awaited<ReturnType<typeof startService>>;
  const spec = clusterSpec('contents', (s) => {
    s.cluster.labels = { monitoring_enabled: 'true' };
  });
  let stack = '';
  let namespace = '';
  let workloadKubeconfig = '';

  beforeAll(async () => {
    service = await startService(kubeconfig, { config: { chart: realChart(repo) } });
    await service.waitReady();
    const res = await service.app.inject({ method: 'POST', url: '/v1/clusters', headers: AUTH, payload: spec });
    expect(res.statusCode, res.body).toBe(201);
    stack = res.json().stack_id as string;
    namespace = `magnum-${spec.cluster.project_id.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
    // The workload cluster's admin kubeconfig, as its control plane writes it (the player here).
    await vi.waitFor(async () => {
      const secret = await k.core.readNamespacedSecret({ namespace, name: `${stack}-kubeconfig` });
      workloadKubeconfig = Buffer.from(secret.data!.value!, 'base64').toString();
    }, { timeout: 60_000, interval: 300 });
  }, 120_000);
  afterAll(async () => {
    await service?.close();
  });

  it('holds projections only: no secret value, no managedFields, no template or values', async () => {
    const cache = service.engine.cache;
    const deployed = () => cache.objectsFor(namespace, stack).addons.filter((a) => a.status?.phase === 'Deployed').length;
    await expect.poll(deployed, { timeout: 100_000, interval: 300 }).toBe(cache.objectsFor(namespace, stack).addons.length);
    expect(deployed()).toBeGreaterThan(10);
    const status = async () => (await service.app.inject({ method: 'POST', url: `/v1/clusters/${spec.cluster.uuid}/status`, headers: AUTH, payload: withStack(spec, stack, 'CREATE_IN_PROGRESS') })).json().cluster.status;
    await expect.poll(status, { timeout: 100_000, interval: 300 }).toBe('CREATE_COMPLETE');

    const held = cache.contents();
    const kinds = new Set(held.map((o) => o.kind));
    // The Machines and OpenStackMachines are the real MachineSet's and the played CAPO's.
    expect([...kinds].sort()).toEqual(['Cluster', 'HelmRelease', 'KubeadmControlPlane', 'Machine', 'MachineDeployment', 'Manifests', 'OpenStackCluster', 'OpenStackMachine']);
    const text = JSON.stringify(held);
    const index = JSON.stringify(service.engine.index.contents());
    for (const secret of [...SECRETS, workloadKubeconfig, 'application_credential_secret', 'clouds.yaml']) {
      expect(text).not.toContain(secret);
      expect(index).not.toContain(secret);
    }
    // Annotations: only the autoscaler's bounds, only on MachineDeployments (an autoscaled group's counts read them).
    const AUTOSCALER = ['cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size', 'cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size'];
    for (const o of held) {
      const kept = Object.keys(o.metadata?.annotations ?? {});
      expect(kept.filter((a) => o.kind !== 'MachineDeployment' || !AUTOSCALER.includes(a)), `${o.kind} ${o.metadata?.name}`).toEqual([]);
    }
    expect(text).not.toContain('kubectl.kubernetes.io/last-applied-configuration');
    for (const bulk of ['managedFields', 'kubeadmConfigSpec', 'manifests', 'values', 'valuesSources', 'template', 'dashboards.json', 'helm.sh/chart']) expect(text).not.toContain(bulk);
    expect(service.engine.index.lookup(spec.cluster.uuid)).toEqual({ uuid: spec.cluster.uuid, release: stack, namespace, projectId: spec.cluster.project_id });
    // Few hundred bytes per object, whatever the chart wrote (its Manifests alone are ~200 KB).
    expect(text.length / held.length).toBeLessThan(700);
  });

  it('receives secrets as metadata only from the real API server', async () => {
    const config = new KubeConfig();
    config.loadFromFile(kubeconfig);
    const received: KubernetesObject[] = [];
    const watcher = new ListWatcher<KubernetesObject>(config, {
      path: '/api/v1/secrets',
      metadataOnly: true,
      project: (raw) => {
        received.push(raw);
        return undefined;
      },
      sink: { replace: () => undefined, upsert: () => undefined, remove: () => undefined },
    });
    try {
      await watcher.start();
      expect(watcher.state().listed).toBe(true);
      const ours = received.filter((s) => s.metadata?.namespace === namespace);
      expect(ours.map((s) => s.metadata?.name)).toEqual(expect.arrayContaining([`${stack}-cloud-credentials`, `${stack}-ca`, `${stack}-kubeconfig`]));
      expect(ours.every((s) => s.kind === 'PartialObjectMetadata' && !('data' in s) && !('stringData' in s))).toBe(true);
      expect(JSON.stringify(received)).not.toContain(Buffer.from(workloadKubeconfig).toString('base64'));
    } finally {
      await watcher.stop();
    }
  });

  it('fetches the kubeconfig and the application credential id only when asked', async () => {
    const res = await service.app.inject({ method: 'GET', url: `/v1/clusters/${spec.cluster.uuid}/kubeconfig`, headers: ADMIN_AUTH });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().kubeconfig).toBe(workloadKubeconfig);
    // Read, answered, and still never cached.
    expect(JSON.stringify(service.engine.cache.contents())).not.toContain(workloadKubeconfig);
  });
});
