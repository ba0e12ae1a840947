/**
 * Worker node groups: one chart node group per non-master Magnum group, with
 * autoscaling bounds when `auto_scaling_enabled`. Names are sanitised as the
 * chart expects and checked for collisions, so two groups can never render
 * one MachineDeployment.
 */
import { MagnumRuleViolation } from '../errors.js';
import { derivedName, sanitise } from '../magnum/names.js';
import { nodeLabelsOf, nodeTaintsOf } from '../magnum/node-attrs.js';
import { checkFlavor, checkNodeCounts, nodeCounts } from '../magnum/rules.js';
import type { NodeGroup } from '../magnum/spec.js';
import type { RenderContext } from './context.js';
import type { Values } from './merge.js';
import { nodeGroupServerGroupId, serverGroupPlans } from './server-groups.js';

/**
 * The chart fails the whole render unless a node-group name matches
 * `^[a-z][a-z0-9-]+[a-z0-9]$` (at least 3 characters, a letter first).
 */
const MIN_NAME = 3;
/** The name is also a label value (`capi.stackhpc.com/node-group`), which Kubernetes caps at 63. */
const MAX_NAME = 63;
/** Components of the chart's own that share resource kinds with node groups (the MachineHealthCheck). */
const RESERVED = ['control-plane'];
export const MASTER_ROLE = 'master';

export function workerGroups(groups: NodeGroup[]): NodeGroup[] {
  return groups.filter((g) => g.role !== MASTER_ROLE);
}

function defaultWorker(groups: NodeGroup[]): NodeGroup | undefined {
  return workerGroups(groups).find((g) => g.is_default);
}

export function checkNodeGroupNames(groups: NodeGroup[], release: string): void {
  const byName = new Map<string, string>();
  const byResource = new Map<string, string>();
  groups.forEach((g, i) => {
    if (g.role === MASTER_ROLE) return;
    const name = sanitise(g.name);
    const field = `nodegroups.${i}.name`;
    if (name.length < MIN_NAME) {
      throw new MagnumRuleViolation(`node group name ${JSON.stringify(g.name)} must have at least ${MIN_NAME} letters or digits`, field);
    }
    if (!/^[a-z]/.test(name)) {
      throw new MagnumRuleViolation(`node group name ${JSON.stringify(g.name)} must start with a letter`, field);
    }
    if (name.length > MAX_NAME) {
      throw new MagnumRuleViolation(`node group name ${JSON.stringify(g.name)} must have at most ${MAX_NAME} characters once lower-cased and cleaned (${name.length})`, field);
    }
    if (RESERVED.includes(name)) {
      throw new MagnumRuleViolation(`node group name ${JSON.stringify(g.name)} is reserved for the control plane's resources`, field);
    }
    const clash = byName.get(name);
    if (clash !== undefined) {
      throw new MagnumRuleViolation(`node groups ${JSON.stringify(clash)} and ${JSON.stringify(g.name)} both become ${JSON.stringify(name)}; rename one`, field);
    }
    byName.set(name, g.name);
    // Long names are cut to 63 characters: two groups may differ only past the cut.
    const resource = derivedName(release, name);
    const cut = byResource.get(resource);
    if (cut !== undefined) {
      throw new MagnumRuleViolation(`node groups ${JSON.stringify(cut)} and ${JSON.stringify(g.name)} both become MachineDeployment ${resource}; shorten one`, field);
    }
    byResource.set(resource, g.name);
  });
}

export function nodeGroupValues(ctx: RenderContext): Values {
  const { spec, site, labels, release } = ctx;
  checkNodeGroupNames(spec.nodegroups, release);
  const autoscale = labels.bool('auto_scaling_enabled', false);
  // Parsed even with autoscaling off, so a malformed bound is caught before someone turns it on.
  const labelCounts = { min: labels.int('min_node_count', undefined), max: labels.int('max_node_count', undefined) };
  const fallbackDefault = defaultWorker(spec.nodegroups);
  const serverGroups = serverGroupPlans(ctx);
  const nodeGroups = spec.nodegroups.flatMap((g, i) => {
    const field = `nodegroups.${i}`;
    // Checked on master groups too, where Magnum forbids both.
    const nodeLabels = nodeLabelsOf(g, field);
    const taints = nodeTaintsOf(g, field);
    if (g.role === MASTER_ROLE) return [];
    checkFlavor(g.flavor_id ?? spec.cluster.flavor_id, spec.resolved.flavors, site.limits, `${field}.flavor_id`);
    const item: Values = { name: sanitise(g.name), machineFlavor: g.flavor_id ?? spec.cluster.flavor_id, machineCount: g.node_count };
    if (Object.keys(nodeLabels).length > 0) item.nodeLabels = { ...nodeLabels };
    const serverGroupId = nodeGroupServerGroupId(serverGroups, g.name);
    if (serverGroupId) item.serverGroupId = serverGroupId;
    // The chart has no key for taints: they go into the group's own join configuration, which it merges over nodeGroupDefaults.
    if (taints.length > 0) item.kubeadmConfigSpec = { joinConfiguration: { nodeRegistration: { taints } } };
    if (autoscale) {
      const counts = nodeCounts(g, g === fallbackDefault, labelCounts);
      checkNodeCounts(g, counts, field);
      // The chart treats any string as true, so `autoscale` is omitted rather than "false".
      if (counts.min !== counts.max) Object.assign(item, { autoscale: 'true', machineCountMin: counts.min, machineCountMax: counts.max });
    }
    return [item];
  });
  return { nodeGroups };
}
