/**
 * The state of each node group as Cluster API shows it: the control plane
 * from its KubeadmControlPlane, a worker group from its MachineDeployment and
 * Machines. Pure; unknown phases are Pending, never Failed.
 */
import { derivedName, sanitise } from '../magnum/names.js';
import type { NodeGroup } from '../magnum/spec.js';
import { COND, LABEL, MD_PHASE, type GroupState } from './vocabulary.js';
import { autoscaleBounds, instanceProblem, isTrue, machineAddresses, machineFailure, num, replicas, str, unmet, unobservedGeneration, type CapiObject, type ClusterObjects } from './objects.js';

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
 * What a worker group's MachineDeployment aims for: a fixed count from
 * spec.replicas, or, for an autoscaled group (the chart leaves spec.replicas
 * out and writes the autoscaler's bounds as annotations), whatever count the
 * autoscaler has set, within min..max. Cluster API's defaulting webhook fills
 * spec.replicas from the min-size annotation on create and the autoscaler
 * moves it through the scale subresource, so spec.replicas is that count;
 * status.replicas stands in only where no webhook ran.
 */
type Target = { kind: 'fixed'; desired: number | undefined } | { kind: 'autoscaled'; current: number | undefined; min: number; max: number };

function targetOf(md: CapiObject): Target {
  const desired = num(md.spec?.replicas);
  const bounds = autoscaleBounds(md);
  if (bounds) return { kind: 'autoscaled', current: desired ?? replicas(md).current, ...bounds };
  return { kind: 'fixed', desired };
}

/** The node count Magnum should show: the fixed count, or the autoscaler's current one. */
function nodeCount(target: Target): number | undefined {
  return target.kind === 'fixed' ? target.desired : target.current;
}

/**
 * Whether a MachineDeployment's status has settled on its spec. Phase
 * Running alone is no proof: CAPI 1.10 sets it whenever spec.replicas ==
 * readyReplicas (also mid-rollout, and before the controller has seen a new
 * spec), CAPI 1.11+ as soon as the Machines exist, ready or not. Settled is
 * the KubeadmControlPlane rule: the status describes the current spec, and
 * the replica counts it reports (replicas, updated/upToDate, ready) all equal
 * spec.replicas. A count the status leaves out says nothing. An autoscaled
 * group has settled when its count is within its bounds and every machine of
 * it is up to date and ready.
 */
function settled(md: CapiObject, target: Target): boolean {
  if (unobservedGeneration(md) !== undefined) return false;
  const r = replicas(md);
  if (target.kind === 'autoscaled') {
    const n = target.current;
    return n !== undefined && n >= target.min && n <= target.max && r.ready === n && (r.updated === undefined || r.updated === n);
  }
  if (target.desired === undefined) return true;
  return [r.current, r.updated, r.ready].every((n) => n === undefined || n === target.desired);
}

/** `R/D machines ready` (`R/min..max` when autoscaled), with the up-to-date and total counts when they differ from the desired count. */
function workerCounts(md: CapiObject, target: Target): string {
  const r = replicas(md);
  if (target.kind === 'autoscaled') {
    const parts = [`${r.ready ?? 0}/${target.min}..${target.max} machines ready`];
    if (r.current !== undefined) parts.push(`${r.current} machines`);
    return parts.join(', ');
  }
  const { desired } = target;
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
  const target = targetOf(md);
  const desired = nodeCount(target);
  const counts = desired !== undefined ? { desired } : {};
  const phase = str(md.status?.phase);
  const failure = machines.map(machineFailure).find(Boolean) ?? instanceProblem(objects, machines);
  // As magnum-capi-helm, Running decides, once the counts agree with it. A
  // leftover failed Machine (remediation will replace it) does not hold the group.
  if (phase === MD_PHASE.Running && settled(md, target)) return { state: 'Ready', reason: null, ...counts, addresses };
  if (phase === MD_PHASE.Failed) {
    return { state: 'Failed', reason: `node group ${group.name}: ${failure ?? (unmet(md, [COND.Ready]).join(', ') || 'MachineDeployment failed')}`, ...counts, addresses };
  }
  // Running but not settled, and every other phase (ScalingUp, ScalingDown, Unknown, one we have never seen), is Pending, never Failed.
  const behind = unobservedGeneration(md);
  const waiting = behind !== undefined ? `MachineDeployment has not yet observed generation ${behind}` : null;
  const detail = failure ?? waiting ?? (isTrue(md, COND.Ready) ? `phase ${phase ?? 'unknown'}` : unmet(md, [COND.Ready]).join(', '));
  return { state: 'Pending', reason: `node group ${group.name}: ${workerCounts(md, target)}; ${detail}`, ...counts, addresses };
}
