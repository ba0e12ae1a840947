/**
 * Labels on everything the sidecar creates for a cluster. The keys are those
 * magnum-capi-helm uses, so secrets of clusters it created are found (and
 * cleaned up) by this driver after a migration.
 */
export const LABEL_PROJECT = 'magnum.openstack.org/project-id';
export const LABEL_USER = 'magnum.openstack.org/user-id';
export const LABEL_CLUSTER_UUID = 'magnum.openstack.org/cluster-uuid';
/** Cluster API's own cluster label: on its Machines, infrastructure machines and secrets, and on the driver's secrets. */
export const LABEL_CAPI_CLUSTER = 'cluster.x-k8s.io/cluster-name';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
/** Where the credential id is kept, so DELETE_COMPLETE can tell the shim which one to delete. */
export const ANNOTATION_APP_CRED_ID = 'magnum.openstack.org/application-credential-id';

const LABEL_VALUE = /[^A-Za-z0-9._-]/g;

/** A label value: at most 63 characters of [A-Za-z0-9._-], alphanumeric at both ends. */
export function labelValue(raw: string): string {
  return raw.replace(LABEL_VALUE, '').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

export interface ClusterIdentity {
  uuid: string;
  projectId: string;
  userId?: string | null | undefined;
  release: string;
}

export function clusterLabels(id: ClusterIdentity): Record<string, string> {
  const labels: Record<string, string> = {
    [LABEL_PROJECT]: labelValue(id.projectId),
    [LABEL_CLUSTER_UUID]: labelValue(id.uuid),
    [LABEL_CAPI_CLUSTER]: id.release,
    [LABEL_MANAGED_BY]: 'magnum-capi-sidecar',
  };
  if (id.userId) labels[LABEL_USER] = labelValue(id.userId);
  return labels;
}
