/**
 * Step 1 of a create/update status: where the cluster stands, from Cluster
 * API objects, node-group outcomes and addon verdicts alone, before Magnum's
 * status or the clock is considered (STYLE item 7). Anything not recognised
 * is Provisioning, never Failed.
 */
import type { AddonVerdict } from './addons.js';
import { isTrue, str, unmet, type ClusterObjects } from './objects.js';
import { COND } from './vocabulary.js';

export type Progress =
  /** No Cluster object yet (helm has not applied it, or the cache has not seen it). */
  | { state: 'Absent'; reason: string }
  /** Not all ready; `reason` says what is awaited, in CAPI's and CAPO's words. */
  | { state: 'Provisioning'; reason: string | null }
  /** Conditions True, no group in progress, every addon Deployed; `reason` names a failed group, if any. */
  | { state: 'Ready'; reason: string | null }
  /** A permanent failure (an addon Failed, or Unknown past its grace). */
  | { state: 'Failed'; reason: string };

/** What the node groups came to in this same status call. */
export interface GroupOutcome {
  status: string;
  status_reason: string | null;
}

/** Why the cluster is not ready yet: the first unmet thing, with CAPI's and CAPO's own words. */
export function clusterWaiting(objects: ClusterObjects): string | null {
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
  const inProgress = groups.find((n) => n.status.endsWith('_IN_PROGRESS'));
  const failedGroup = groups.find((n) => n.status.endsWith('_FAILED'));
  if (addons.failed) return { state: 'Failed', reason: addons.failed };
  if (!capi) return { state: 'Absent', reason: 'waiting for the Cluster object to be created' };
  const conditionsReady = isTrue(capi, COND.InfrastructureReady) && isTrue(capi, COND.ControlPlaneReady) && isTrue(capi, COND.Ready);
  if (conditionsReady && !inProgress && addons.waiting === null) return { state: 'Ready', reason: failedGroup?.status_reason ?? null };
  const waitingFor = clusterWaiting(objects) ?? (inProgress ? inProgress.status_reason : null) ?? addons.waiting ?? failedGroup?.status_reason ?? null;
  return { state: 'Provisioning', reason: waitingFor };
}
