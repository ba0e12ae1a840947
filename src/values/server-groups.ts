/**
 * The chart's `serverGroupId`s: the control plane's here, each node group's
 * in nodegroups.ts (node groups are a list, which the merge concatenates).
 * magnum/server-groups.ts decides which groups there are.
 */
import { planServerGroups, type ServerGroupPlan } from '../magnum/server-groups.js';
import type { RenderContext } from './context.js';
import type { Values } from './merge.js';

export function serverGroupPlans({ spec, labels, release }: RenderContext): ServerGroupPlan[] {
  return planServerGroups(spec, labels, release);
}

export function controlPlaneServerGroupValues(ctx: RenderContext): Values {
  const id = serverGroupPlans(ctx).find((p) => p.nodegroup === null)?.id;
  return id ? { controlPlane: { serverGroupId: id } } : {};
}

/** The id of a worker group's server group, when it has one and the shim resolved it. */
export function nodeGroupServerGroupId(plans: readonly ServerGroupPlan[], nodegroup: string): string | undefined {
  return plans.find((p) => p.nodegroup === nodegroup)?.id ?? undefined;
}
