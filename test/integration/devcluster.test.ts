/** The local management cluster is real: its CRDs are installed and validate what is written. */
import { describe, expect, inject, it } from 'vitest';
import { kube } from './harness/kube.js';
import { ownCluster } from './harness/own-cluster.js';

describe('local management cluster', () => {
  const k = kube(inject('kubeconfig'));
  const ns = 'devcluster-test';

  it('serves every kind the sidecar reads and writes', async () => {
    const res = await k.kc.makeApiClient((await import('@kubernetes/client-node')).ApiextensionsV1Api).listCustomResourceDefinition();
    const names = res.items.map((c) => c.metadata!.name);
    expect(names).toEqual(expect.arrayContaining([
      'clusters.cluster.x-k8s.io', 'machinedeployments.cluster.x-k8s.io', 'machines.cluster.x-k8s.io',
      'kubeadmcontrolplanes.controlplane.cluster.x-k8s.io', 'kubeadmconfigtemplates.bootstrap.cluster.x-k8s.io',
      'openstackclusters.infrastructure.cluster.x-k8s.io', 'openstackmachinetemplates.infrastructure.cluster.x-k8s.io',
      'helmreleases.addons.stackhpc.com', 'manifests.addons.stackhpc.com',
    ]));
  });

  it('accepts a v1beta1 Cluster and a status written through the status subresource', async () => {
    await k.core.createNamespace({ body: { metadata: { name: ns } } });
    // Paused, so the real Cluster controller leaves its status to this test.
    await k.create('Cluster', ns, { apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'Cluster', metadata: { name: 'c1' }, spec: { paused: true } });
    await k.setStatus('Cluster', ns, 'c1', { phase: 'Provisioned', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] });
    const c = await k.get('Cluster', ns, 'c1');
    expect(c?.status).toMatchObject({ phase: 'Provisioned', conditions: [{ type: 'Ready', status: 'True' }] });
  });

  it('refuses an object its CRD schema forbids', async () => {
    // No webhook stands before an OpenStackCluster (CAPO is played): the schema answers.
    await expect(
      k.create('OpenStackCluster', ns, { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'OpenStackCluster', metadata: { name: 'bad' }, spec: { disableAPIServerFloatingIP: 'no' } }),
    ).rejects.toMatchObject({ code: 422 });
    // Cluster API's defaulting webhook cannot decode a MachineDeployment of the wrong shape and refuses it first.
    await expect(
      k.create('MachineDeployment', ns, { apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'MachineDeployment', metadata: { name: 'bad' }, spec: { clusterName: 'c1', replicas: 'three' } }),
    ).rejects.toMatchObject({ code: 400 });
  });

  it('reports the Kubernetes version it was built from (Cluster API refuses v0.0.0-master)', async () => {
    const { VersionApi } = await import('@kubernetes/client-node');
    const v = await k.kc.makeApiClient(VersionApi).getCode();
    expect(v.gitVersion).toMatch(/^v1\.\d+\.\d+$/);
    expect(v.major).toBe('1');
  });

  it('runs Cluster API\'s webhooks: an autoscaled MachineDeployment gets the min size as replicas', async () => {
    await k.create('MachineDeployment', ns, {
      apiVersion: 'cluster.x-k8s.io/v1beta1',
      kind: 'MachineDeployment',
      metadata: {
        name: 'autoscaled',
        annotations: { 'cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size': '2', 'cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size': '5' },
      },
      spec: {
        clusterName: 'c1',
        template: { spec: { clusterName: 'c1', version: 'v1.31.4', bootstrap: { dataSecretName: 'none' }, infrastructureRef: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'OpenStackMachineTemplate', name: 't' } } },
      },
    });
    expect((await k.get('MachineDeployment', ns, 'autoscaled'))?.spec.replicas).toBe(2);
  });

  it('serves custom resources as soon as a start or restart returns (no 429 "storage is (re)initializing")', async () => {
    const own = await ownCluster('restart');
    try {
      const listClusters = (kc: ReturnType<typeof kube>) =>
        kc.custom.listClusterCustomObject({ group: 'cluster.x-k8s.io', version: 'v1beta1', plural: 'clusters' });
      await expect(listClusters(kube(own.kubeconfigPath))).resolves.toMatchObject({ items: [] });
      await own.stopApiServer();
      await own.startApiServer();
      // A fresh client, as a sidecar restarted with the API server would have.
      await expect(listClusters(kube(own.kubeconfigPath))).resolves.toMatchObject({ items: [] });
      await expect(
        kube(own.kubeconfigPath).custom.listClusterCustomObject({ group: 'addons.stackhpc.com', version: 'v1alpha1', plural: 'helmreleases' }),
      ).resolves.toMatchObject({ items: [] });
    } finally {
      await own.stop();
    }
  });
});
