/**
 * Magnum's health monitor (`poll_health_status`): HEALTHY only when the
 * Cluster, its OpenStackCluster, the control plane and every worker group are
 * ready. The reason has magnum-capi-helm's four parts (cluster,
 * infrastructure, controlplane, nodegroup), each "Ready" or what is wrong,
 * with the underlying condition reasons and messages, which the Python driver
 * leaves out. v1beta2 objects are read through `healthConditions`, so their
 * normally-False conditions (Deleting, Paused, ...) do not count as unhealthy.
 */
import { healthConditions, isTrue, str, unmet, type CapiObject, type ClusterObjects } from './objects.js';
import { notObserved, type Unobserved } from './observed.js';
import { COND, HEALTH_READY, LABEL, NOT_REPORTED } from './vocabulary.js';

/** How a part whose kinds cannot be read begins. */
const UNKNOWN_PART = 'Unknown: ';

/**
 * Conditions that are not True; an object whose controller has reported no
 * condition at all (a fresh create) says nothing about its health, so that
 * counts as waiting too, never as Ready.
 */
function notTrue(obj: CapiObject): string[] {
  const conditions = healthConditions(obj);
  if (conditions.length === 0) return [`conditions (${NOT_REPORTED})`];
  return conditions
    .filter((c) => c.status !== 'True')
    .map((c) => {
      const detail = [c.reason, c.message].filter(Boolean).join(': ');
      return detail ? `${c.type} (${detail})` : c.type;
    });
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

/**
 * With the worker groups Magnum knows (`groups`: name and MachineDeployment
 * name), a missing deployment is reported as the Python driver does;
 * without them, every deployment in the cache is judged.
 */
function nodeGroupPart(objects: ClusterObjects, groups?: readonly WorkerGroupRef[]): string {
  const judge = (name: string, md: CapiObject) => {
    const waiting = notTrue(md);
    return waiting.length ? [`${name} waiting on ${waiting.join(', ')}`] : [];
  };
  const reasons = groups
    ? groups.flatMap((g) => {
        const md = objects.machineDeployments.find((d) => d.metadata?.name === g.machineDeployment);
        return md ? judge(g.name, md) : [`${g.name} resource not found.`];
      })
    : objects.machineDeployments.flatMap((md) => judge(md.metadata?.labels?.[LABEL.nodeGroup] ?? md.metadata?.name ?? 'node group', md));
  return reasons.length ? reasons.join(',') : HEALTH_READY;
}

export interface WorkerGroupRef {
  /** Magnum's node-group name, as shown in the reason. */
  name: string;
  /** Its MachineDeployment's name (`<release>-<sanitised group>`). */
  machineDeployment: string;
}

/** What `poll_health_status` gets; the HTTP route maps it onto its response schema. */
export interface HealthReport {
  health_status: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
  health_status_reason: Record<string, string>;
}

/**
 * `unobserved`: kinds the cache cannot read now; a part that needs one is
 * Unknown (and so the whole), never judged from an empty cache.
 */
export function computeHealth(objects: ClusterObjects, groups?: readonly WorkerGroupRef[], unobserved?: Unobserved): HealthReport {
  const unknown = (kinds: string[]) => {
    const why = notObserved(unobserved, kinds);
    return why ? `${UNKNOWN_PART}${why}` : null;
  };
  const reason = {
    cluster: unknown(['Cluster']) ?? clusterPart(objects),
    infrastructure: unknown(['OpenStackCluster']) ?? infrastructurePart(objects),
    controlplane: unknown(['KubeadmControlPlane']) ?? controlPlanePart(objects),
    nodegroup: unknown(['MachineDeployment']) ?? nodeGroupPart(objects, groups),
  };
  const parts = Object.values(reason);
  const status = parts.some((r) => r.startsWith(UNKNOWN_PART)) ? 'UNKNOWN' : parts.every((r) => r === HEALTH_READY) ? 'HEALTHY' : 'UNHEALTHY';
  return { health_status: status, health_status_reason: reason };
}
