/**
 * Magnum's health monitor (`poll_health_status`): HEALTHY only when the
 * Cluster, its OpenStackCluster, the control plane and every worker group are
 * ready. The reason has magnum-capi-helm's four parts, each "Ready" or what
 * is wrong, with the underlying condition messages.
 */
import type { HealthResponse } from '../api/schemas.js';
import { isTrue, str, unmet, type CapiObject, type ClusterObjects } from './objects.js';
import { COND, HEALTH_READY, LABEL } from './vocabulary.js';

function notTrue(obj: CapiObject): string[] {
  return (obj.status?.conditions ?? []).filter((c) => c.status !== 'True').map((c) => (c.message ? `${c.type} (${c.message})` : c.type));
}

function clusterPart(objects: ClusterObjects): string {
  if (!objects.cluster) return 'Cluster resource not found.';
  const waiting = notTrue(objects.cluster);
  return waiting.length ? `Waiting on ${waiting.join(', ')}` : HEALTH_READY;
}

function infrastructurePart(objects: ClusterObjects): string {
  const osc = objects.openstackCluster;
  if (!osc) return 'Infrastructure resource not found.';
  const reason = str(osc.status?.failureReason);
  if (reason) return `${reason}: ${str(osc.status?.failureMessage) ?? ''}`.trim();
  const ready = osc.status?.ready === true || isTrue(osc, COND.Ready);
  if (!ready) {
    const why = unmet(osc, [COND.Ready]);
    return `Infrastructure not ready.${why.length ? ` ${why.join(', ')}` : ''}`;
  }
  return HEALTH_READY;
}

function controlPlanePart(objects: ClusterObjects): string {
  if (!objects.controlPlane) return 'Control plane resource not found.';
  const waiting = notTrue(objects.controlPlane);
  return waiting.length ? `Waiting on ${waiting.join(', ')}` : HEALTH_READY;
}

function nodeGroupPart(objects: ClusterObjects): string {
  const reasons = objects.machineDeployments.flatMap((md) => {
    const name = md.metadata?.labels?.[LABEL.nodeGroup] ?? md.metadata?.name ?? 'node group';
    const waiting = notTrue(md);
    return waiting.length ? [`${name} waiting on ${waiting.join(', ')}`] : [];
  });
  return reasons.length ? reasons.join(',') : HEALTH_READY;
}

export function computeHealth(objects: ClusterObjects): HealthResponse {
  const reason = {
    cluster: clusterPart(objects),
    infrastructure: infrastructurePart(objects),
    controlplane: controlPlanePart(objects),
    nodegroup: nodeGroupPart(objects),
  };
  const healthy = Object.values(reason).every((r) => r === HEALTH_READY);
  return { health_status: healthy ? 'HEALTHY' : 'UNHEALTHY', health_status_reason: reason };
}
