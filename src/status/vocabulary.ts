/** The words the status code reads and writes, each in one place. */

/** Cluster API v1beta1 condition types we read. */
export const COND = {
  /** Cluster: the OpenStackCluster (network, load balancer) is provisioned. */
  InfrastructureReady: 'InfrastructureReady',
  /** Cluster: the control plane answers. */
  ControlPlaneReady: 'ControlPlaneReady',
  /** Any object: its summary condition. */
  Ready: 'Ready',
  /** KubeadmControlPlane: every control-plane machine is ready. */
  MachinesReady: 'MachinesReady',
  /** KubeadmControlPlane: etcd members healthy. */
  EtcdClusterHealthy: 'EtcdClusterHealthy',
  /** KubeadmControlPlane: API server, scheduler, controller manager healthy. */
  ControlPlaneComponentsHealthy: 'ControlPlaneComponentsHealthy',
} as const;

/**
 * Where a v1beta1 condition's meaning lives on a v1beta2 object when the
 * deprecated v1beta1 block is gone (CAPI 1.11+ serves v1beta2).
 */
export const V1BETA2_EQUIVALENT: Record<string, string> = {
  Ready: 'Available',
  ControlPlaneReady: 'ControlPlaneAvailable',
  InfrastructureReady: 'InfrastructureReady',
  MachinesReady: 'MachinesReady',
  EtcdClusterHealthy: 'EtcdClusterHealthy',
  ControlPlaneComponentsHealthy: 'ControlPlaneComponentsHealthy',
};

/** Labels the openstack-cluster chart (and CAPI) put on the objects we index. */
export const LABEL = {
  cluster: 'capi.stackhpc.com/cluster',
  component: 'capi.stackhpc.com/component',
  nodeGroup: 'capi.stackhpc.com/node-group',
  /** The addon provider's own cluster label (the chart's is `cluster` above). */
  addonCluster: 'addons.stackhpc.com/cluster',
  /** CAPI puts this on every control-plane Machine. */
  controlPlane: 'cluster.x-k8s.io/control-plane',
} as const;

/** Addon phases of the addon provider's HelmRelease and Manifests. */
export const ADDON_PHASE = { Deployed: 'Deployed', Failed: 'Failed', Unknown: 'Unknown' } as const;

/** A node group's state as Cluster API shows it. */
export type GroupState = 'Absent' | 'Pending' | 'Ready' | 'Failed';

/** The cluster's state for operators (`GET /v1/clusters`). */
export type ClusterState = 'Absent' | 'Provisioning' | 'Ready' | 'Degraded' | 'Deleting' | 'Failed' | 'Unknown';

/** What `poll_health_status` reports per part, as magnum-capi-helm does. */
export const HEALTH_READY = 'Ready';
