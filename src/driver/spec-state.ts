/**
 * What a spec says about the cluster's state, for the operations and the
 * preview alike: which node groups the release should hold, and whether the
 * cluster has a release an operation may change. Pure.
 */
import { Conflict } from '../errors.js';
import type { NodeGroup, Spec } from '../magnum/spec.js';

export const isDeleting = (status: string | null | undefined) => status?.startsWith('DELETE_') ?? false;

/** A node group named by its name or uuid. */
export function matches(ng: NodeGroup, key: string): boolean {
  return ng.name === key || ng.uuid === key;
}

/** The node groups the release should hold: those being deleted are already gone from Magnum's point of view. */
export function liveSpec(spec: Spec, without?: string): Spec {
  return { ...spec, nodegroups: spec.nodegroups.filter((ng) => !isDeleting(ng.status) && (without === undefined || !matches(ng, without))) };
}

/** Refuses (409) an operation on a cluster with no release yet, or one being deleted. */
export function requireRelease(spec: Spec, operation: string): void {
  if (!spec.cluster.stack_id) {
    throw new Conflict(`cannot ${operation}: the cluster has no release yet (stack_id is empty); create it first`, 'cluster.stack_id');
  }
  if (isDeleting(spec.cluster.status)) {
    throw new Conflict(`cannot ${operation}: the cluster is being deleted`, 'cluster.status');
  }
}
