/**
 * Magnum's rules for a Kubernetes cluster, with the messages Magnum and
 * magnum-capi-helm users already know. Each throws MagnumRuleViolation (422)
 * naming the field to blame. Magnum's API shows a message up to its first
 * full stop as the title: the reason comes first, flavor names (often
 * dotted, m1.medium) after it.
 */
import type { Config } from '../config.js';
import { MagnumRuleViolation } from '../errors.js';
import type { FlavorFacts, NodeGroup } from './spec.js';

export function checkFlavor(
  flavorId: string | null | undefined,
  flavors: Record<string, FlavorFacts>,
  limits: Config['limits'],
  field: string,
): void {
  if (!flavorId) throw new MagnumRuleViolation('a flavor is required for every node', field);
  const flavor = flavors[flavorId] ?? Object.values(flavors).find((f) => f.id === flavorId || f.name === flavorId);
  if (!flavor) {
    throw new MagnumRuleViolation(`A flavor of the cluster was not resolved by the shim. Flavor ${flavorId}: the shim must resolve every flavor the cluster uses`, field);
  }
  if (flavor.ram < limits.minFlavorRamMb) {
    throw new MagnumRuleViolation(
      `The flavor does not have enough RAM to run Kubernetes. Flavor ${flavorId}: minimum ${limits.minFlavorRamMb} MB required.`,
      field,
    );
  }
  if (flavor.vcpus < limits.minFlavorVcpus) {
    throw new MagnumRuleViolation(
      `The flavor does not have enough CPU to run Kubernetes. Flavor ${flavorId}: minimum ${limits.minFlavorVcpus} vcpus required.`,
      field,
    );
  }
}

/** etcd needs a majority: an even control plane buys no extra failure tolerance. */
export function checkMasterCount(count: number, field = 'cluster.master_count'): void {
  if (count < 1 || count % 2 === 0) {
    throw new MagnumRuleViolation(`master nodegroup size of ${count} is invalid, size cannot be an even number.`, field);
  }
}

export interface NodeCounts {
  min: number;
  max: number;
}

/**
 * Autoscaling bounds of a worker group: node_count unless the group sets
 * min/max; on the default worker group Magnum stores min_node_count=1 when
 * the user gave none, so 1 there means unset, and the min/max labels apply.
 */
export function nodeCounts(
  group: NodeGroup,
  isDefaultWorker: boolean,
  labels: { min: number | undefined; max: number | undefined },
): NodeCounts {
  let min = group.min_node_count ?? group.node_count;
  let max = group.max_node_count ?? group.node_count;
  if (isDefaultWorker) {
    if (group.min_node_count === 1) min = group.node_count;
    min = labels.min ?? min;
    max = labels.max ?? max;
  }
  return { min, max };
}

export function checkNodeCounts(group: NodeGroup, counts: NodeCounts, field: string): void {
  // Cluster API Provider OpenStack cannot scale a group to zero.
  if (counts.min < 1) {
    throw new MagnumRuleViolation('Min node count must be greater than or equal to 1 for all node groups.', `${field}.min_node_count`);
  }
  if (counts.min > group.node_count) {
    throw new MagnumRuleViolation('Min node count must be less than or equal to current node count', `${field}.min_node_count`);
  }
  if (counts.max < counts.min) {
    throw new MagnumRuleViolation('Max node count must be greater than or equal to min node count', `${field}.max_node_count`);
  }
}
