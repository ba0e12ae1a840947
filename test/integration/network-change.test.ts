/**
 * A live cluster's pod range, Service range and DNS domain never change,
 * judged by what the real API server holds: the Cluster the real chart
 * rendered (helm 3, the real openstack-cluster chart from the loopback
 * repository). A refused call changes nothing: no helm revision, the same
 * Cluster.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SpecInput } from '../../src/magnum/spec.js';
import { skipNotice } from '../support/chart-repo.js';
import { HELM_BINARIES, kube } from './harness/kube.js';
import { startService } from './harness/service.js';
import { clusterSpec, withStack } from './harness/specs.js';

const NS = 'magnum-9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b';
const REPO = inject('chartRepo');
if (!REPO) console.warn(skipNotice('test/integration/network-change.test.ts (live network changes on the real chart)'));

describe.skipIf(!REPO)('a live cluster keeps its networks', () => {
  const kubeconfig = inject('kubeconfig');
  const k = kube(kubeconfig);
  let svc: Awaited<ReturnType<typeof startService>>;

  beforeAll(async () => {
    svc = await startService(kubeconfig, { helm: HELM_BINARIES[0][1] });
    await svc.waitReady();
  });
  afterAll(() => svc.close());

  const labelled = (labels: Record<string, string>) => (s: SpecInput) => {
    s.cluster.labels = labels;
  };
  const revisions = async (release: string) => (await k.core.listNamespacedSecret({ namespace: NS, labelSelector: `owner=helm,name=${release}` })).items.length;

  async function create(name: string, labels: Record<string, string>) {
    const spec = clusterSpec(name, labelled(labels));
    const res = await svc.call('POST', '/v1/clusters', spec);
    expect(res.statusCode, res.body).toBe(201);
    const stack = res.json().stack_id as string;
    return { stack, live: withStack(spec, stack, 'CREATE_COMPLETE') };
  }

  const update = (live: SpecInput, labels: Record<string, string>) =>
    svc.call('PUT', `/v1/clusters/${live.cluster.uuid}`, { ...live, cluster: { ...live.cluster, labels } });

  it('refuses new pod, Service and DNS values on the Cluster the chart made, and changes nothing', async () => {
    const labels = { calico_ipv4pool: '10.100.0.0/16', service_cluster_ip_range: '10.254.0.0/16', dns_cluster_domain: 'k8s.example' };
    const { stack, live } = await create('netlive', labels);
    const before = await k.get('Cluster', NS, stack);
    expect(before?.spec.clusterNetwork).toEqual({ pods: { cidrBlocks: ['10.100.0.0/16'] }, services: { cidrBlocks: ['10.254.0.0/16'] }, serviceDomain: 'k8s.example' });
    const revisionsBefore = await revisions(stack);

    for (const [change, message, field] of [
      [{ calico_ipv4pool: '10.200.0.0/16' }, 'The pod network of a live cluster cannot change: it has 10.100.0.0/16, this call asks for 10.200.0.0/16', 'labels.calico_ipv4pool'],
      [{ service_cluster_ip_range: '10.96.0.0/16' }, 'The Service network of a live cluster cannot change: it has 10.254.0.0/16, this call asks for 10.96.0.0/16', 'labels.service_cluster_ip_range'],
      [{ dns_cluster_domain: 'cluster.local' }, 'The cluster DNS domain of a live cluster cannot change: it has k8s.example, this call asks for cluster.local', 'labels.dns_cluster_domain'],
    ] as const) {
      const res = await update(live, { ...labels, ...change });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().error).toEqual({ code: 'not_supported', message, field });
    }
    // A resize that carries a changed label is judged the same way.
    const resized = await svc.call('POST', `/v1/clusters/${live.cluster.uuid}/actions/resize`, {
      spec: { ...live, cluster: { ...live.cluster, labels: { ...labels, calico_ipv4pool: '10.200.0.0/16' } } },
      node_count: 3,
      nodegroup: 'default-worker',
    });
    expect(resized.statusCode, resized.body).toBe(422);

    expect(await revisions(stack)).toBe(revisionsBefore);
    // Its networks unchanged (the real Cluster controller writes its status, and the endpoint into its spec, meanwhile).
    const after = await k.get('Cluster', NS, stack);
    expect(after?.spec.clusterNetwork).toEqual(before?.spec.clusterNetwork);

    // The same networks, with something else changed, go through.
    const same = await update(live, { ...labels, monitoring_enabled: 'true' });
    expect(same.statusCode, same.body).toBe(202);
    expect(await revisions(stack)).toBe(revisionsBefore + 1);
  });

  it('a cluster made before the labels keeps the chart defaults it runs on', async () => {
    const { stack, live } = await create('netold', {});
    expect((await k.get('Cluster', NS, stack))?.spec.clusterNetwork.pods).toEqual({ cidrBlocks: ['172.16.0.0/13'] });
    const res = await update(live, { calico_ipv4pool: '10.100.0.0/16' });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error.message).toBe('The pod network of a live cluster cannot change: it has 172.16.0.0/13, this call asks for 10.100.0.0/16');
    // Other labels of this issue may change on a live cluster.
    const placed = await update(live, { availability_zone: 'az1', api_server_cert_sans: 'api.example.com' });
    expect(placed.statusCode, placed.body).toBe(202);
    expect((await k.get('KubeadmControlPlane', NS, `${stack}-control-plane`))?.spec.kubeadmConfigSpec.clusterConfiguration.apiServer.certSANs).toEqual(['api.example.com']);
  });
});
