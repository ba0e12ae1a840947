/**
 * What the driver needs from the rest of the service, as narrow interfaces.
 * The real implementations are wired in `engine.ts`; unit tests pass fakes.
 */
import type { Certificates, Credentials, Spec } from '../magnum/spec.js';
import type { ClusterIdentity } from '../kube/labels.js';
import type { StatusAnswer } from '../status/cluster.js';
import type { ReleaseRemains, RemainingObject } from '../status/deletion.js';
import type { HealthReport } from '../status/health.js';
import type { RecordedRevision } from '../status/helm-outcome.js';
import type { ReleasePlan, RenderedRelease } from '../values/index.js';

export interface ReleaseRef {
  release: string;
  namespace: string;
}

/** One definition each, the translation's own: what helm applies, and a render's full answer. */
export type { ReleasePlan, RenderedRelease } from '../values/index.js';

/** Pure translation: spec → chart values (throws 422 errors on broken Magnum rules). */
export interface Planner {
  plan(spec: Spec): RenderedRelease;
  /** The helm argv an apply of this plan runs, for dry runs. */
  helmArgs(plan: ReleasePlan): string[];
}

/** Helm, serialised per release, with a stuck release recovered before the next operation. */
export interface Releases {
  apply(plan: ReleasePlan): Promise<{ revision: number | null }>;
  remove(ref: ReleaseRef): Promise<{ existed: boolean }>;
  /** Whether helm still records the release (any revision). */
  present(ref: ReleaseRef): Promise<boolean>;
  /** helm's latest revision of the release, or null when helm records none. */
  latest(ref: ReleaseRef): Promise<RecordedRevision | null>;
}

/** What a deleted release left behind, read fresh (never the cache), and deletion of its orphans. */
export interface Remnants {
  /** Throws when the management cluster or helm cannot answer: a delete never completes on an error. */
  find(ref: ReleaseRef): Promise<ReleaseRemains>;
  remove(objects: readonly RemainingObject[]): Promise<void>;
}

/** A release's lease while one operation holds it. */
export interface HeldLease {
  /**
   * The uuid of the Magnum cluster whose delete reached this release, if
   * any: a tombstone kept on the Lease, which every replica reads.
   */
  readonly deletedUuid: string | null;
  /** Records the tombstone before the delete runs, so a create queued behind it cannot resurrect the cluster. */
  markDeleted(uuid: string): Promise<void>;
}

/** One operation per release across all replicas, through a Lease in the release's namespace. */
export interface ReleaseLeases {
  /**
   * Runs `op` holding the release's lease, renewed while it runs and
   * released after. Waits a bounded time for a lease held elsewhere, then
   * throws ReleaseBusy (503).
   */
  hold<T>(ref: ReleaseRef, op: (lease: HeldLease) => Promise<T>): Promise<T>;
  /** Whether this replica holds the release's lease now: only then may a pending revision be unlocked. */
  holds(ref: ReleaseRef): boolean;
}

export interface ClusterSecretsInput {
  namespace: string;
  identity: ClusterIdentity;
  credentials?: Credentials | undefined;
  certificates?: Certificates | undefined;
}

/** The cluster's namespace and secrets in the management cluster. */
export interface SecretStore {
  ensureNamespace(namespace: string): Promise<void>;
  applyClusterSecrets(input: ClusterSecretsInput): Promise<void>;
  deleteClusterSecrets(namespace: string, uuid: string): Promise<void>;
  readApplicationCredentialId(ref: ReleaseRef): Promise<string | null>;
  readKubeconfig(ref: ReleaseRef): Promise<string | null>;
}

/** Where a Magnum cluster lives, learnt from the labels on its secrets. */
export interface ClusterLocation extends ReleaseRef {
  uuid: string;
  projectId: string | null;
}

export interface ClusterIndex {
  lookup(uuid: string): ClusterLocation | undefined;
  all(): ClusterLocation[];
}

/** What the status engine reports for one cluster, before DELETE_COMPLETE is confirmed. */
export interface ObservedStatus {
  response: StatusAnswer;
  /** The cache holds no Cluster object: a delete may be complete, pending a fresh read. */
  clusterAbsent: boolean;
  /** This answer fails a create or update on its deadline (for metrics). */
  timedOut?: 'CREATE' | 'UPDATE' | null;
}

/** Cluster API objects as the watch cache sees them, mapped through the pure status code. */
export interface Observer {
  /** Whether every watch has listed; answers from an unsynced cache are refused. */
  synced(): { ok: boolean; reason: string };
  status(spec: Spec, ref: ReleaseRef, now: Date, absenceConfirmed: boolean): ObservedStatus;
  /** `nodegroups`: Magnum's worker groups by name, each expected to have its MachineDeployment. */
  health(ref: ReleaseRef, nodegroups?: readonly string[]): HealthReport;
  state(ref: ReleaseRef): { state: string; reason: string | null };
  /** The control plane's Kubernetes version, the higher of what Cluster API reports and what it was last asked for, if known. */
  controlPlaneVersion(ref: ReleaseRef): string | null;
}
