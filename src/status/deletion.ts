/**
 * Whether a deleted cluster is really gone, from fresh reads (never the
 * cache): every object labelled with the release, of every Cluster API and
 * addon kind, whatever its namespace, and helm's record of the release.
 * Pure; the reads and the deletes are the caller's.
 *
 * The chart marks the KubeadmControlPlane, the OpenStackCluster and the
 * machine templates `helm.sh/resource-policy: keep`, so helm's uninstall
 * leaves them; Cluster API deletes them through their owner, the Cluster.
 * A create quickly followed by a delete removes the Cluster before Cluster
 * API set those owner references: nothing would ever delete them, and the
 * OpenStackCluster's network, router and load balancer would stay. Objects
 * left without an owner once the release is gone are deleted, so their
 * controllers tear the cloud resources down.
 */
import { str, type CapiObject, type ClusterObjects } from './objects.js';

/** One object of the release a fresh list found. */
export interface RemainingObject {
  kind: string;
  namespace: string;
  name: string;
  /** It has an owner reference: its owner's controller (or the garbage collector) removes it. */
  owned: boolean;
  /** Its deletion has begun (deletionTimestamp): finalizers are tearing down what it holds. */
  deleting: boolean;
}

/** What the fresh reads found of one release. */
export interface ReleaseRemains {
  /** helm still records the release (any revision, uninstalling included). */
  releasePresent: boolean;
  objects: RemainingObject[];
  /** Kinds whose list could not be read (a 404 for a kind proves nothing by itself). */
  unreadable: string[];
}

export type DeletionVerdict =
  | { gone: true }
  | { gone: false; reason: string; orphans: RemainingObject[] };

const SHOWN = 5;

/**
 * Kinds the chart renders, which helm's uninstall or its keep policy may
 * leave without an owner. Machines, MachineSets and OpenStackMachines are
 * created by controllers with their owner set, and the sidecar's role may
 * not delete them (deploy/sidecar.yaml): they are waited for, never deleted.
 */
const RENDERED_KINDS = new Set(['Cluster', 'KubeadmControlPlane', 'MachineDeployment', 'OpenStackCluster', 'HelmRelease', 'Manifests']);

function named(objects: RemainingObject[]): string {
  const names = objects.slice(0, SHOWN).map((o) => `${o.kind} ${o.namespace}/${o.name}${o.deleting ? ' (being deleted)' : ''}`);
  const more = objects.length > SHOWN ? ` and ${objects.length - SHOWN} more` : '';
  return `${names.join(', ')}${more}`;
}

export function judgeDeletion(remains: ReleaseRemains): DeletionVerdict {
  if (remains.unreadable.length > 0) {
    return { gone: false, reason: `deleting: cannot confirm the cluster is gone: ${remains.unreadable.join('; ')}`, orphans: [] };
  }
  if (remains.releasePresent) {
    return { gone: false, reason: 'deleting: the helm release is still recorded', orphans: [] };
  }
  if (remains.objects.length === 0) return { gone: true };
  // Only once helm is done: until then helm itself is deleting what it owns.
  const orphans = remains.objects.filter((o) => !o.owned && !o.deleting && RENDERED_KINDS.has(o.kind));
  const deleted = orphans.length > 0 ? `; deleting ${orphans.length} left without an owner` : '';
  return { gone: false, reason: `deleting: waiting for ${remains.objects.length} objects of the release to go: ${named(remains.objects)}${deleted}`, orphans };
}

/**
 * What Cluster API's teardown waits on while the Cluster still exists, from
 * the cache. The Cluster controller deletes the workers, then the control
 * plane, then the infrastructure, and lets the Cluster go last; what is left
 * is named in that order. The creation conditions say nothing true here: an
 * OpenStackCluster being deleted is not "waiting to be Ready".
 */
export function teardownWaiting(objects: ClusterObjects): string {
  const ref = (o: CapiObject) => `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}${o.metadata?.deletionTimestamp ? ' (being deleted)' : ''}`;
  const count = (n: number, kind: string) => (n === 0 ? [] : [`${n} ${kind}${n === 1 ? '' : 's'}`]);
  const left = [
    ...count(objects.machines.length, 'Machine'),
    ...count(objects.machineDeployments.length, 'MachineDeployment'),
    ...[objects.controlPlane, objects.openstackCluster].filter((o): o is CapiObject => o !== undefined).map(ref),
  ];
  const osc = objects.openstackCluster;
  const failure = [str(osc?.status?.failureReason), str(osc?.status?.failureMessage)].filter(Boolean).join(': ');
  const waiting = left.length ? `Cluster API is removing the cluster: waiting for ${left.join(', ')}` : 'Cluster API is removing the cluster';
  return failure ? `${waiting}; OpenStackCluster: ${failure}` : waiting;
}
