/**
 * The Cluster API kinds the status code reads, and how each object finds its
 * Magnum cluster (the Helm release name).
 */
import type { CapiObject } from '../status/objects.js';

export type KindName = 'Cluster' | 'KubeadmControlPlane' | 'MachineDeployment' | 'Machine' | 'OpenStackCluster' | 'OpenStackMachine' | 'HelmRelease' | 'Manifests';

export interface WatchedKind {
  kind: KindName;
  group: string;
  version: string;
  plural: string;
  /** The release this object belongs to, or undefined when it is not one of ours. */
  releaseOf(obj: CapiObject): string | undefined;
}

const spec = (obj: CapiObject, key: string) => {
  const v = obj.spec?.[key];
  return typeof v === 'string' ? v : undefined;
};

export function watchedKinds(capiVersion = 'v1beta1'): WatchedKind[] {
  return [
    { kind: 'Cluster', group: 'cluster.x-k8s.io', version: capiVersion, plural: 'clusters', releaseOf: (o) => o.metadata?.name },
    {
      kind: 'KubeadmControlPlane',
      group: 'controlplane.cluster.x-k8s.io',
      version: capiVersion,
      plural: 'kubeadmcontrolplanes',
      releaseOf: (o) => o.metadata?.labels?.['capi.stackhpc.com/cluster'] ?? o.metadata?.name?.replace(/-control-plane$/, ''),
    },
    { kind: 'MachineDeployment', group: 'cluster.x-k8s.io', version: capiVersion, plural: 'machinedeployments', releaseOf: (o) => spec(o, 'clusterName') },
    { kind: 'Machine', group: 'cluster.x-k8s.io', version: capiVersion, plural: 'machines', releaseOf: (o) => spec(o, 'clusterName') },
    { kind: 'OpenStackCluster', group: 'infrastructure.cluster.x-k8s.io', version: 'v1beta1', plural: 'openstackclusters', releaseOf: (o) => o.metadata?.name },
    {
      // CAPI labels every infrastructure machine with its cluster's name; it carries Nova's errors.
      kind: 'OpenStackMachine',
      group: 'infrastructure.cluster.x-k8s.io',
      version: 'v1beta1',
      plural: 'openstackmachines',
      releaseOf: (o) => o.metadata?.labels?.['cluster.x-k8s.io/cluster-name'] ?? o.metadata?.labels?.['capi.stackhpc.com/cluster'],
    },
    { kind: 'HelmRelease', group: 'addons.stackhpc.com', version: 'v1alpha1', plural: 'helmreleases', releaseOf: (o) => spec(o, 'clusterName') },
    { kind: 'Manifests', group: 'addons.stackhpc.com', version: 'v1alpha1', plural: 'manifests', releaseOf: (o) => spec(o, 'clusterName') },
  ];
}
