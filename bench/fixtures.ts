/** N clusters' worth of Cluster API objects, written to the real API server as the controllers would leave them. */
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';

const T = '2026-01-01T00:00:00Z';
const ok = (...types: string[]) => types.map((type) => ({ type, status: 'True', lastTransitionTime: T }));
const IMAGE = '6a1e0b44-53c8-4c2e-9f4e-0e0e2b7f5b1a';

interface Obj {
  group: string;
  version: string;
  plural: string;
  body: Record<string, unknown>;
  status: Record<string, unknown>;
}

function objectsOf(release: string): Obj[] {
  const capi = { group: 'cluster.x-k8s.io', version: 'v1beta1' };
  const labels = { 'capi.stackhpc.com/cluster': release };
  return [
    {
      ...capi, plural: 'clusters',
      body: { apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'Cluster', metadata: { name: release, labels }, spec: { controlPlaneEndpoint: { host: '203.0.113.9', port: 6443 } } },
      status: { phase: 'Provisioned', conditions: ok('InfrastructureReady', 'ControlPlaneReady', 'Ready') },
    },
    {
      group: 'infrastructure.cluster.x-k8s.io', version: 'v1beta1', plural: 'openstackclusters',
      body: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'OpenStackCluster', metadata: { name: release, labels }, spec: { identityRef: { name: `${release}-cloud-credentials`, cloudName: 'openstack' } } },
      status: { ready: true, conditions: ok('Ready') },
    },
    {
      group: 'controlplane.cluster.x-k8s.io', version: 'v1beta1', plural: 'kubeadmcontrolplanes',
      body: {
        apiVersion: 'controlplane.cluster.x-k8s.io/v1beta1', kind: 'KubeadmControlPlane', metadata: { name: `${release}-control-plane`, labels },
        spec: { replicas: 1, version: 'v1.31.4', machineTemplate: { infrastructureRef: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'OpenStackMachineTemplate', name: `${release}-control-plane` } }, kubeadmConfigSpec: {} },
      },
      status: { replicas: 1, updatedReplicas: 1, readyReplicas: 1, version: 'v1.31.4', conditions: ok('MachinesReady', 'Ready', 'EtcdClusterHealthy', 'ControlPlaneComponentsHealthy') },
    },
    {
      ...capi, plural: 'machinedeployments',
      body: {
        apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'MachineDeployment', metadata: { name: `${release}-default-worker`, labels: { ...labels, 'capi.stackhpc.com/node-group': 'default-worker' } },
        spec: {
          clusterName: release, replicas: 2, selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { clusterName: release, version: 'v1.31.4', bootstrap: { dataSecretName: 'x' }, infrastructureRef: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'OpenStackMachineTemplate', name: 'x' } } },
        },
      },
      status: { phase: 'Running', replicas: 2, readyReplicas: 2, conditions: ok('Ready') },
    },
    ...['cni-calico', 'csi-cinder'].map((a) => ({
      group: 'addons.stackhpc.com', version: 'v1alpha1', plural: 'helmreleases',
      body: { apiVersion: 'addons.stackhpc.com/v1alpha1', kind: 'HelmRelease', metadata: { name: `${release}-${a}`, labels: { ...labels, 'addons.stackhpc.com/cluster': release } }, spec: { clusterName: release } },
      status: { phase: 'Deployed' },
    })),
  ];
}

export const BENCH_NAMESPACE = 'magnum-bench';
export const releaseOf = (i: number) => `bench-${String(i).padStart(5, '0')}-abcdefghij23`;
export { IMAGE };

/** Writes clusters [from, to) with `parallel` requests in flight. */
export async function writeClusters(kubeconfig: string, from: number, to: number, parallel = 16): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: BENCH_NAMESPACE } } }).catch(() => undefined);
  let next = from;
  const worker = async () => {
    while (next < to) {
      const release = releaseOf(next++);
      for (const o of objectsOf(release)) {
        const ref = { group: o.group, version: o.version, plural: o.plural, namespace: BENCH_NAMESPACE };
        const created = (await custom.createNamespacedCustomObject({ ...ref, body: o.body })) as Record<string, unknown>;
        await custom.replaceNamespacedCustomObjectStatus({ ...ref, name: (o.body.metadata as { name: string }).name, body: { ...created, status: o.status } });
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}
