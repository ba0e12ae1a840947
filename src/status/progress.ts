/**
 * Step 1 of a create/update status: where the cluster stands, from Cluster
 * API objects, node-group outcomes and addon verdicts alone, before Magnum's
 * status or the clock is considered (STYLE item 7). Anything not recognised
 * is Provisioning, never Failed.
 */
import type { AddonVerdict } from './addons.js';
import { controlPlaneView } from './groups.js';
import { isTrue, str, unmet, type ClusterObjects } from './objects.js';
import { COND, type GroupState } from './vocabulary.js';

export type Progress =
  /** No Cluster object yet (helm has not applied it, or the cache has not seen it). */
  | { state: 'Absent'; reason: string }
  /** Not all ready; `reason` says what is awaited, in CAPI's and CAPO's words. */
  | { state: 'Provisioning'; reason: string | null }
  /** Conditions True, control plane and every group settled, every addon Deployed; `reason` names a failed group, if any. */
  | { state: 'Ready'; reason: string | null }
  /** A permanent failure (an addon Failed, or Unknown past its grace). */
  | { state: 'Failed'; reason: string };

/** What the node groups came to in this same status call. */
export interface GroupOutcome {
  /** The Magnum status the call gives the group. */
  status: string;
  status_reason: string | null;
  /** What Cluster API shows of it, whatever Magnum's status says (Magnum leaves a resized group COMPLETE). */
  state: GroupState;
}

/**
 * A group the operation still waits for: one Magnum has in progress (a
 * group being deleted included), or one Cluster API has not settled yet.
 * A failed group does not hold the cluster (magnum-capi-helm neither): its
 * outcome is known and shows in the reason.
 */
function waitingOn(g: GroupOutcome): boolean {
  if (g.status.endsWith('_IN_PROGRESS')) return true;
  if (g.status.startsWith('DELETE_')) return false;
  return g.state === 'Pending' || g.state === 'Absent';
}

/** Why the cluster is not ready yet: the first unmet thing, with CAPI's and CAPO's own words. */
function clusterWaiting(objects: ClusterObjects): string | null {
  const osc = objects.openstackCluster;
  const failure = [str(osc?.status?.failureReason), str(osc?.status?.failureMessage)].filter(Boolean).join(': ');
  if (failure) return `OpenStackCluster: ${failure}`;
  const infra = unmet(objects.cluster, [COND.InfrastructureReady]);
  if (infra.length) {
    const oscReady = unmet(osc, [COND.Ready]);
    return `waiting for infrastructure: ${oscReady.length ? `OpenStackCluster ${oscReady.join(', ')}` : infra.join(', ')}`;
  }
  const rest = unmet(objects.cluster, [COND.ControlPlaneReady, COND.Ready]);
  return rest.length ? `waiting on ${rest.join(', ')}` : null;
}

export function determineProgress(objects: ClusterObjects, groups: readonly GroupOutcome[], addons: AddonVerdict): Progress {
  const capi = objects.cluster;
  // In v1beta1 the Cluster's Ready covers neither the workers nor a control
  // plane mid-rollout: each must have settled on its current spec itself.
  const controlPlane = controlPlaneView(objects);
  const inProgress = groups.find(waitingOn);
  const failedGroup = groups.find((n) => n.status.endsWith('_FAILED'));
  if (addons.failed) return { state: 'Failed', reason: addons.failed };
  if (!capi) return { state: 'Absent', reason: 'waiting for the Cluster object to be created' };
  const conditionsReady = isTrue(capi, COND.InfrastructureReady) && isTrue(capi, COND.ControlPlaneReady) && isTrue(capi, COND.Ready);
  const controlPlaneSettled = controlPlane.state === 'Ready';
  if (conditionsReady && controlPlaneSettled && !inProgress && addons.waiting === null) return { state: 'Ready', reason: failedGroup?.status_reason ?? null };
  const waitingFor =
    clusterWaiting(objects) ?? (controlPlaneSettled ? null : controlPlane.reason) ?? (inProgress ? inProgress.status_reason : null) ?? addons.waiting ?? failedGroup?.status_reason ?? null;
  return { state: 'Provisioning', reason: waitingFor };
}
