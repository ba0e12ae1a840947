/**
 * The Cluster API kinds the status code reads: where each is served, how each
 * object finds its Magnum cluster (the Helm release name), what the cache
 * keeps of it (its projection), and the label the API server selects it by.
 */
import type { CapiObject } from '../status/objects.js';
import { PROJECTIONS, type Projected, type ProjectedKind } from '../status/projections.js';
import { LABEL } from '../status/vocabulary.js';
import { LABEL_CAPI_CLUSTER } from './labels.js';

export type KindName = ProjectedKind;

export interface WatchedKind {
  kind: KindName;
  group: string;
  version: string;
  plural: string;
  /** The release this object belongs to, or undefined when it is not one of ours. */
  releaseOf(obj: CapiObject): string | undefined;
  /** What the cache keeps of an object of this kind. */
  project(obj: CapiObject): Projected;
  /**
   * Server-side selector: only objects carrying this label are listed and
   * watched. The chart labels all it renders `capi.stackhpc.com/cluster`,
   * and Cluster API copies its templates' labels onto the Machines; CAPI
   * labels every infrastructure machine with its cluster's name.
   */
  labelSelector?: string;
}

const spec = (obj: CapiObject, key: string) => {
  const v = obj.spec?.[key];
  return typeof v === 'string' ? v : undefined;
};

export function watchedKinds(capiVersion = 'v1beta1'): WatchedKind[] {
  const chart = { labelSelector: LABEL.cluster };
  return [
    { kind: 'Cluster', group: 'cluster.x-k8s.io', version: capiVersion, plural: 'clusters', releaseOf: (o) => o.metadata?.name, project: PROJECTIONS.Cluster, ...chart },
    {
      kind: 'KubeadmControlPlane',
      group: 'controlplane.cluster.x-k8s.io',
      version: capiVersion,
      plural: 'kubeadmcontrolplanes',
      releaseOf: (o) => o.metadata?.labels?.[LABEL.cluster] ?? o.metadata?.name?.replace(/-control-plane$/, ''),
      project: PROJECTIONS.KubeadmControlPlane,
      ...chart,
    },
    { kind: 'MachineDeployment', group: 'cluster.x-k8s.io', version: capiVersion, plural: 'machinedeployments', releaseOf: (o) => spec(o, 'clusterName'), project: PROJECTIONS.MachineDeployment, ...chart },
    { kind: 'Machine', group: 'cluster.x-k8s.io', version: capiVersion, plural: 'machines', releaseOf: (o) => spec(o, 'clusterName'), project: PROJECTIONS.Machine, ...chart },
    { kind: 'OpenStackCluster', group: 'infrastructure.cluster.x-k8s.io', version: 'v1beta1', plural: 'openstackclusters', releaseOf: (o) => o.metadata?.name, project: PROJECTIONS.OpenStackCluster, ...chart },
    {
      // CAPI labels every infrastructure machine with its cluster's name; it carries Nova's errors.
      kind: 'OpenStackMachine',
      group: 'infrastructure.cluster.x-k8s.io',
      version: 'v1beta1',
      plural: 'openstackmachines',
      releaseOf: (o) => o.metadata?.labels?.[LABEL_CAPI_CLUSTER] ?? o.metadata?.labels?.[LABEL.cluster],
      project: PROJECTIONS.OpenStackMachine,
      labelSelector: LABEL_CAPI_CLUSTER,
    },
    { kind: 'HelmRelease', group: 'addons.stackhpc.com', version: 'v1alpha1', plural: 'helmreleases', releaseOf: (o) => spec(o, 'clusterName'), project: PROJECTIONS.HelmRelease, ...chart },
    { kind: 'Manifests', group: 'addons.stackhpc.com', version: 'v1alpha1', plural: 'manifests', releaseOf: (o) => spec(o, 'clusterName'), project: PROJECTIONS.Manifests, ...chart },
  ];
}
