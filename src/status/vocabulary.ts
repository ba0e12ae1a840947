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

/** Cluster API v1beta2 condition types (CAPI 1.11+ serves v1beta2), read when the v1beta1 block is gone. */
export const COND_V1BETA2 = {
  /** Cluster: control plane, workers and the conditions they summarise are available (replaces Ready). */
  Available: 'Available',
  /** Cluster: the control plane answers (replaces ControlPlaneReady). */
  ControlPlaneAvailable: 'ControlPlaneAvailable',
  /** Cluster: the infrastructure cluster is provisioned (same name as v1beta1). */
  InfrastructureReady: 'InfrastructureReady',
  /** Cluster: the worker MachineDeployments and MachinePools are available. */
  WorkersAvailable: 'WorkersAvailable',
  /** KubeadmControlPlane, MachineDeployment: every Machine is ready (same name as v1beta1). */
  MachinesReady: 'MachinesReady',
  /** KubeadmControlPlane: etcd members healthy (same name as v1beta1). */
  EtcdClusterHealthy: 'EtcdClusterHealthy',
  /** KubeadmControlPlane: API server, scheduler, controller manager healthy (same name as v1beta1). */
  ControlPlaneComponentsHealthy: 'ControlPlaneComponentsHealthy',
  /** Machine, MachineDeployment: the object is being deleted; its message says what it waits for. */
  Deleting: 'Deleting',
} as const;

/**
 * v1beta2 conditions whose normal value is False ("negative polarity"): a
 * healthy object reports them False, so health must not count them.
 */
export const V1BETA2_NEGATIVE = new Set(['Deleting', 'Paused', 'RollingOut', 'ScalingUp', 'ScalingDown', 'Remediating']);

/**
 * Where a v1beta1 condition's meaning lives on a v1beta2 object when the
 * deprecated v1beta1 block is gone.
 */
export const V1BETA2_EQUIVALENT: Record<string, string> = {
  [COND.Ready]: COND_V1BETA2.Available,
  [COND.ControlPlaneReady]: COND_V1BETA2.ControlPlaneAvailable,
  [COND.InfrastructureReady]: COND_V1BETA2.InfrastructureReady,
  [COND.MachinesReady]: COND_V1BETA2.MachinesReady,
  [COND.EtcdClusterHealthy]: COND_V1BETA2.EtcdClusterHealthy,
  [COND.ControlPlaneComponentsHealthy]: COND_V1BETA2.ControlPlaneComponentsHealthy,
};

/** Conditions CAPO sets with the clearest failure messages. */
export const COND_CAPO = {
  /** OpenStackCluster: network, router, load balancer and bastion are ready. */
  Ready: 'Ready',
  /** OpenStackMachine: the server exists and is ACTIVE; the message carries Nova's error otherwise. */
  InstanceReady: 'InstanceReady',
} as const;

/** Magnum's status values, as the Python driver moves them. */
export const MAGNUM = {
  /** An operation is running; only the driver moves a cluster out of it (Magnum never times out). */
  CREATE_IN_PROGRESS: 'CREATE_IN_PROGRESS',
  /** The cluster came up: conditions ready, no group in progress, every addon Deployed. */
  CREATE_COMPLETE: 'CREATE_COMPLETE',
  /** An addon failed, or the create timed out. Moves only to CREATE_COMPLETE, once everything turns ready. */
  CREATE_FAILED: 'CREATE_FAILED',
  /** Resize, upgrade, node-group change in progress. */
  UPDATE_IN_PROGRESS: 'UPDATE_IN_PROGRESS',
  /** The update settled. */
  UPDATE_COMPLETE: 'UPDATE_COMPLETE',
  /** An addon failed, or the update timed out. Moves only to UPDATE_COMPLETE, once everything turns ready. */
  UPDATE_FAILED: 'UPDATE_FAILED',
  /** Helm uninstalled the release; Cluster API is tearing the cluster down. */
  DELETE_IN_PROGRESS: 'DELETE_IN_PROGRESS',
  /** A fresh read confirmed the Cluster object gone: Magnum removes its rows. */
  DELETE_COMPLETE: 'DELETE_COMPLETE',
} as const;

/** Labels the openstack-cluster chart (and CAPI) put on the objects we index. */
export const LABEL = {
  /** The chart's: the Helm release (Magnum's stack_id) an object belongs to. */
  cluster: 'capi.stackhpc.com/cluster',
  /** The chart's: `control-plane` or `worker` on Machines. */
  component: 'capi.stackhpc.com/component',
  /** The chart's: the sanitised node-group name on worker Machines and MachineDeployments. */
  nodeGroup: 'capi.stackhpc.com/node-group',
  /** The addon provider's own cluster label (the chart's is `cluster` above). */
  addonCluster: 'addons.stackhpc.com/cluster',
  /** CAPI puts this on every control-plane Machine. */
  controlPlane: 'cluster.x-k8s.io/control-plane',
} as const;

/** Annotations the chart writes on an autoscaled group's MachineDeployment, read by the cluster autoscaler. */
export const ANNOTATION = {
  /** The fewest machines the autoscaler may leave. */
  autoscalerMin: 'cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size',
  /** The most machines the autoscaler may add. */
  autoscalerMax: 'cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size',
} as const;

/**
 * How the reasons of failures of our own making begin: the sidecar's
 * create/update deadline, and an outcome the shim could not learn (a
 * timeout, a connection lost after sending). Cluster API may finish what
 * they gave up on, so a cluster failed for one of them returns to
 * _COMPLETE once everything is ready; a failure Cluster API, CAPO, an addon
 * or helm reported stays until an operator acts. The shim writes the
 * second prefix itself (shim/magnum_capi_sidecar/driver.py).
 */
export const HEALABLE_REASON_PREFIX = ['timed out after ', 'outcome unknown: '] as const;

/** What health and status say about an object whose controller has written no conditions yet. */
export const NOT_REPORTED = 'not reported yet';

/** Addon phases of the addon provider's HelmRelease and Manifests. */
export const ADDON_PHASE = {
  /** Installed and up to date. */
  Deployed: 'Deployed',
  /** A permanent error (install timeouts retry forever and never show here). */
  Failed: 'Failed',
  /** The provider lost track; transient, fails the cluster only past the grace period. */
  Unknown: 'Unknown',
} as const;

/** MachineDeployment phases that decide a worker group; any other phase is Pending. */
export const MD_PHASE = {
  /** Replicas match spec (CAPI 1.10: ready ones; 1.11+: existing ones); READY only once the counts settle too. */
  Running: 'Running',
  /** The MachineDeployment reports a failure. */
  Failed: 'Failed',
} as const;

/**
 * A node group's state as Cluster API shows it: Absent (no MachineDeployment
 * or control plane, and no Machines left), Pending (anything else, including
 * phases we do not know), Ready (MachineDeployment Running with its status on
 * the current spec and replicas settled; control plane all conditions True and
 * replicas settled), Failed (MachineDeployment phase Failed).
 */
export type GroupState = 'Absent' | 'Pending' | 'Ready' | 'Failed';

/**
 * The cluster's state for operators (`GET /v1/clusters`):
 * Absent (no Cluster object), Provisioning (not ready yet, nothing failed),
 * Ready (healthy), Degraded (was provisioned, now not all ready),
 * Deleting (deletionTimestamp set), Failed (CAPO failure or an addon Failed),
 * Unknown (reserved for an unreadable cache).
 */
export const CLUSTER_STATES = ['Absent', 'Provisioning', 'Ready', 'Degraded', 'Deleting', 'Failed', 'Unknown'] as const;
export type ClusterState = (typeof CLUSTER_STATES)[number];

/** What `poll_health_status` reports per part, as magnum-capi-helm does. */
export const HEALTH_READY = 'Ready';
