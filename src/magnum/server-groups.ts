/**
 * Nova server groups (label `server_group_policies`, vexxhost's
 * magnum-cluster-api name): which group a machine joins, under which policy,
 * and what the group is called in Nova.
 *
 * The cluster's label (then the template's, then the site default) places the
 * control plane; a node group's own label places that group, falling back to
 * the control plane's. No label, no server group: magnum-capi-helm renders
 * none, and a default here would roll every node of a cluster switched over
 * from it (vexxhost defaults to soft-anti-affinity).
 */
import { InvalidInput, InvalidLabel, NotSupported } from '../errors.js';
import type { LabelReader } from './labels.js';
import { derivedName, sanitise } from './names.js';
import type { NodeGroup, Spec } from './spec.js';

export const SERVER_GROUP_LABEL = 'server_group_policies';
export const SERVER_GROUP_POLICIES = ['affinity', 'anti-affinity', 'soft-affinity', 'soft-anti-affinity'] as const;
export type ServerGroupPolicy = (typeof SERVER_GROUP_POLICIES)[number];

const EXPECTED = `one of ${SERVER_GROUP_POLICIES.join(', ')}`;

/**
 * One policy. vexxhost reads a comma list (dropping unknown words silently);
 * Nova takes exactly one policy per group, so a list of one is accepted and
 * anything else refused, naming the word that is wrong.
 */
export function parsePolicy(raw: string, label: string, field: string): ServerGroupPolicy {
  const words = [...new Set(raw.split(',').map((w) => w.trim().toLowerCase()).filter((w) => w !== ''))];
  const unknown = words.find((w) => !(SERVER_GROUP_POLICIES as readonly string[]).includes(w));
  if (unknown !== undefined) throw new InvalidLabel(label, `${EXPECTED}; ${JSON.stringify(unknown)} is not one`, raw, field);
  if (words.length !== 1) throw new InvalidLabel(label, `${EXPECTED} (Nova takes one policy per server group)`, raw, field);
  return words[0] as ServerGroupPolicy;
}

/** The control plane's policy: cluster over template over site default; undefined for none. */
export function controlPlanePolicy(labels: LabelReader): ServerGroupPolicy | undefined {
  const raw = labels.raw(SERVER_GROUP_LABEL);
  return raw === undefined ? undefined : parsePolicy(raw, SERVER_GROUP_LABEL, `labels.${SERVER_GROUP_LABEL}`);
}

/** A worker group's policy: its own label (an empty one is unset), else the control plane's. */
export function nodeGroupPolicy(group: NodeGroup, index: number, fallback: ServerGroupPolicy | undefined): ServerGroupPolicy | undefined {
  const own = group.labels[SERVER_GROUP_LABEL]?.trim();
  if (own === undefined || own === '') return fallback;
  return parsePolicy(own, `${SERVER_GROUP_LABEL} of node group ${JSON.stringify(group.name)}`, `nodegroups.${index}.labels.${SERVER_GROUP_LABEL}`);
}

/**
 * Nova names the groups after what they hold, the KubeadmControlPlane or the
 * MachineDeployment, so a retried create finds its own group by name instead
 * of making a second one, and the names stay unique within a cluster (the
 * node-group name rules already keep those apart).
 */
export function controlPlaneServerGroupName(release: string): string {
  return derivedName(release, 'control-plane');
}

export function nodeGroupServerGroupName(release: string, nodeGroupName: string): string {
  return derivedName(release, sanitise(nodeGroupName));
}

/** A server group the labels ask for. */
export interface ServerGroupPlan {
  /** Its name in Nova. */
  name: string;
  policy: ServerGroupPolicy;
  /** The Magnum node group it holds, or null for the control plane. */
  nodegroup: string | null;
  /** Nova's id as the shim sent it; null while the shim has not resolved server groups (a dry run). */
  id: string | null;
}

function holder(nodegroup: string | null): string {
  return nodegroup === null ? 'the control plane' : `node group ${JSON.stringify(nodegroup)}`;
}

/**
 * The id the shim sent for a wanted group. The group the shim found may be
 * one an earlier render created under another policy; Nova cannot change a
 * group's policy, and moving live machines to a new group would replace them
 * all, so that change is refused (reason first: Magnum shows the first
 * sentence only).
 */
function resolvedId(spec: Spec, want: Omit<ServerGroupPlan, 'id'>): string | null {
  const sent = spec.resolved.server_groups;
  if (sent === undefined) return null;
  const found = sent[want.name];
  if (found === undefined) {
    throw new InvalidInput(`server group ${want.name} of ${holder(want.nodegroup)} was not resolved: the shim must send its id in resolved.server_groups`, `resolved.server_groups`);
  }
  if (found.policy !== want.policy) {
    throw new NotSupported(
      `${SERVER_GROUP_LABEL} of ${holder(want.nodegroup)} cannot change from ${found.policy} to ${want.policy}, as Nova cannot change the policy of its server group ${want.name}; ` +
        `keep ${found.policy}${want.nodegroup === null ? ' (a new cluster may have another)' : ', or put the machines in a new node group'}`,
      `resolved.server_groups`,
    );
  }
  return found.id;
}

/** Every server group the labels ask for, control plane first; the master group of Magnum is the control plane's. */
export function planServerGroups(spec: Spec, labels: LabelReader, release: string): ServerGroupPlan[] {
  const controlPlane = controlPlanePolicy(labels);
  const wanted: Omit<ServerGroupPlan, 'id'>[] = [];
  if (controlPlane) wanted.push({ name: controlPlaneServerGroupName(release), policy: controlPlane, nodegroup: null });
  spec.nodegroups.forEach((g, i) => {
    if (g.role === 'master') return;
    const policy = nodeGroupPolicy(g, i, controlPlane);
    if (policy) wanted.push({ name: nodeGroupServerGroupName(release, g.name), policy, nodegroup: g.name });
  });
  return wanted.map((w) => ({ ...w, id: resolvedId(spec, w) }));
}

/**
 * The groups to delete once what they held is gone: every name the cluster's
 * groups could have had (labels may have changed since), or those of node
 * groups just deleted. The shim deletes the ones Nova has.
 */
export function serverGroupNames(release: string, nodegroups: readonly string[], controlPlane: boolean): string[] {
  return [...(controlPlane ? [controlPlaneServerGroupName(release)] : []), ...nodegroups.map((n) => nodeGroupServerGroupName(release, n))];
}

/**
 * A write needs every id: rendering without one would place the machines
 * with no group at all, silently. Only a dry run may go without.
 */
export function requireResolvedServerGroups(plans: readonly ServerGroupPlan[]): void {
  const missing = plans.filter((p) => p.id === null).map((p) => p.name);
  if (missing.length === 0) return;
  throw new InvalidInput(
    `${SERVER_GROUP_LABEL} asks for Nova server groups the shim did not send (${missing.join(', ')}): it creates them and sends their ids in resolved.server_groups, so the shim may be older than the sidecar`,
    'resolved.server_groups',
  );
}
