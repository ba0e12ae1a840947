/**
 * One word for a cluster's state, for operators listing clusters. Anything
 * not recognised is Provisioning or Unknown, never Failed.
 */
import { computeHealth } from './health.js';
import { str, type ClusterObjects } from './objects.js';
import type { ClusterState } from './vocabulary.js';

export function determineClusterState(objects: ClusterObjects): { state: ClusterState; reason: string | null } {
  const cluster = objects.cluster;
  if (!cluster) return { state: 'Absent', reason: 'no Cluster object' };
  if (cluster.metadata?.deletionTimestamp) return { state: 'Deleting', reason: 'Cluster is being deleted' };
  const failure = str(objects.openstackCluster?.status?.failureReason);
  if (failure) return { state: 'Failed', reason: `${failure}: ${str(objects.openstackCluster?.status?.failureMessage) ?? ''}`.trim() };
  const failedAddon = objects.addons.find((a) => a.status?.phase === 'Failed');
  if (failedAddon) return { state: 'Failed', reason: `addon ${failedAddon.metadata?.name} failed` };
  const health = computeHealth(objects);
  if (health.health_status === 'HEALTHY') return { state: 'Ready', reason: null };
  const phase = str(cluster.status?.phase);
  const reason = Object.entries(health.health_status_reason).filter(([, v]) => v !== 'Ready').map(([k, v]) => `${k}: ${v}`).join('; ');
  if (phase === 'Provisioned') return { state: 'Degraded', reason };
  if (phase === 'Failed') return { state: 'Failed', reason };
  return { state: 'Provisioning', reason };
}
