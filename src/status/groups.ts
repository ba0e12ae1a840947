/**
 * The state of each node group as Cluster API shows it: the control plane
 * from its KubeadmControlPlane, a worker group from its MachineDeployment and
 * Machines. Pure; unknown phases are Pending, never Failed.
 */
import { derivedName, sanitise } from '../magnum/names.js';
import type { NodeGroup } from '../magnum/spec.js';
import { COND, LABEL, MD_PHASE, type GroupState } from './vocabulary.js';
import { instanceProblem, isTrue, machineAddresses, machineFailure, num, replicas, str, unmet, unobservedGeneration, type CapiObject, type ClusterObjects } from './objects.js';

export interface GroupView {
  state: GroupState;
  /** Why it is not Ready, for status_reason. */
  reason: string | null;
  /** Replicas Cluster API aims for (the autoscaler may have changed them). */
  desired?: number;
  addresses: string[];
}

const CONTROL_PLANE_READY = [COND.MachinesReady, COND.Ready, COND.EtcdClusterHealthy, COND.ControlPlaneComponentsHealthy] as const;

export function controlPlaneMachines(objects: ClusterObjects): CapiObject[] {
  return objects.machines.filter((m) => m.metadata?.labels?.[LABEL.controlPlane] !== undefined || m.metadata?.labels?.[LABEL.component] === 'control-plane');
}

export function groupMachines(objects: ClusterObjects, group: string): CapiObject[] {
  const name = sanitise(group);
  return objects.machines.filter((m) => m.metadata?.labels?.[LABEL.nodeGroup] === name && m.metadata?.labels?.[LABEL.component] === 'worker');
}

export function controlPlaneView(objects: ClusterObjects): GroupView {
  const kcp = objects.controlPlane;
  const machines = controlPlaneMachines(objects);
  const addresses = machineAddresses(machines);
  if (!kcp) return { state: 'Absent', reason: 'control plane not created yet', addresses };
  const r = replicas(kcp);
  const waiting = unmet(kcp, CONTROL_PLANE_READY);
  // A status for an older spec (right after helm applies an upgrade) has every count agreeing with the old one.
  const behind = unobservedGeneration(kcp);
  const settled = behind === undefined && r.desired !== undefined && r.desired === r.current && r.current === r.updated && r.updated === r.ready;
  const desired = r.desired;
  if (waiting.length === 0 && settled) return { state: 'Ready', reason: null, desired, addresses };
  const failure = machines.map(machineFailure).find(Boolean) ?? instanceProblem(objects, machines);
  const counts = `${r.ready ?? 0}/${r.desired ?? '?'} machines ready`;
  const stale = behind !== undefined ? `; KubeadmControlPlane has not yet observed generation ${behind}` : '';
  const reason = `control plane: ${counts}${stale}${waiting.length ? `; waiting on ${waiting.join(', ')}` : ''}${failure ? `; ${failure}` : ''}`;
  return { state: 'Pending', reason, ...(desired !== undefined ? { desired } : {}), addresses };
}

/**
 * Whether a MachineDeployment's status has settled on its spec. Phase
 * Running alone is no proof: CAPI 1.10 sets it whenever spec.replicas ==
 * readyReplicas (also mid-rollout, and before the controller has seen a new
 * spec), CAPI 1.11+ as soon as the Machines exist, ready or not. Settled is
 * the KubeadmControlPlane rule: the status describes the current spec, and
 * the replica counts it reports (replicas, updated/upToDate, ready) all equal
 * spec.replicas. A count the status leaves out says nothing.
 */
function settled(md: CapiObject, desired: number | undefined): boolean {
  if (unobservedGeneration(md) !== undefined) return false;
  if (desired === undefined) return true;
  const r = replicas(md);
  return [r.current, r.updated, r.ready].every((n) => n === undefined || n === desired);
}

/** `R/D machines ready`, with the up-to-date and total counts when they differ from the desired count. */
function workerCounts(md: CapiObject, desired: number | undefined): string {
  const r = replicas(md);
  const want = desired ?? '?';
  const parts = [`${r.ready ?? 0}/${want} machines ready`];
  if (r.updated !== undefined && r.updated !== desired) parts.push(`${r.updated}/${want} up to date`);
  if (r.current !== undefined && r.current !== desired) parts.push(`${r.current} machines`);
  return parts.join(', ');
}

export function workerView(objects: ClusterObjects, release: string, group: NodeGroup): GroupView {
  const name = derivedName(release, sanitise(group.name));
  const md = objects.machineDeployments.find((d) => d.metadata?.name === name);
  const machines = groupMachines(objects, group.name);
  const addresses = machineAddresses(machines);
  if (!md) {
    // A deleted MachineDeployment vanishes at once while its Machines drain.
    if (machines.length > 0) return { state: 'Pending', reason: `node group ${group.name}: MachineDeployment ${name} gone, ${machines.length} machines remain`, addresses };
    return { state: 'Absent', reason: `node group ${group.name}: MachineDeployment ${name} not found`, addresses };
  }
  const desired = num(md.spec?.replicas);
  const counts = desired !== undefined ? { desired } : {};
  const phase = str(md.status?.phase);
  const failure = machines.map(machineFailure).find(Boolean) ?? instanceProblem(objects, machines);
  // As magnum-capi-helm, Running decides, once the counts agree with it. A
  // leftover failed Machine (remediation will replace it) does not hold the group.
  if (phase === MD_PHASE.Running && settled(md, desired)) return { state: 'Ready', reason: null, ...counts, addresses };
  if (phase === MD_PHASE.Failed) {
    return { state: 'Failed', reason: `node group ${group.name}: ${failure ?? (unmet(md, [COND.Ready]).join(', ') || 'MachineDeployment failed')}`, ...counts, addresses };
  }
  // Running but not settled, and every other phase (ScalingUp, ScalingDown, Unknown, one we have never seen), is Pending, never Failed.
  const behind = unobservedGeneration(md);
  const waiting = behind !== undefined ? `MachineDeployment has not yet observed generation ${behind}` : null;
  const detail = failure ?? waiting ?? (isTrue(md, COND.Ready) ? `phase ${phase ?? 'unknown'}` : unmet(md, [COND.Ready]).join(', '));
  return { state: 'Pending', reason: `node group ${group.name}: ${workerCounts(md, desired)}; ${detail}`, ...counts, addresses };
}
