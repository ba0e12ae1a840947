/**
 * Deciding what to do with a release left pending, kept apart from doing it
 * (so the decision is table-tested). helm refuses any new operation on a
 * pending release, so without this a crash would wedge the cluster until an
 * operator stepped in.
 *
 * The way Flux's helm-controller unlocks a stuck release: the pending
 * revision is marked failed in helm's own record, then the requested
 * operation runs, carrying the full desired state anyway. Never an uninstall
 * and never a rollback: helm applies every object before it records a
 * revision as deployed, so a "pending-install" may already carry a live
 * cluster, and a rollback re-applies a spec Magnum no longer wants.
 */
import type { ReleaseRevision, ReleaseStatus } from './types.js';

export type RecoveryAction =
  | { kind: 'none' }
  /** Mark this pending revision failed in helm's release record; the operation then upgrades over it. */
  | { kind: 'unlock'; revision: number; from: PendingStatus }
  /** Pending while this replica does not hold the release's lease: its holder may still be running helm. */
  | { kind: 'busy'; revision: number; from: PendingStatus };

export type PendingStatus = Extract<ReleaseStatus, 'pending-install' | 'pending-upgrade' | 'pending-rollback'>;

const PENDING: ReadonlySet<ReleaseStatus> = new Set<PendingStatus>(['pending-install', 'pending-upgrade', 'pending-rollback']);

const isPending = (s: ReleaseStatus): s is PendingStatus => PENDING.has(s);

/**
 * `leaseHeld`: this replica holds the release's lease, so whoever left the
 * revision pending is gone (the lease was free or had expired when taken).
 */
export function decideRecovery(history: ReleaseRevision[], leaseHeld: boolean): RecoveryAction {
  if (history.length === 0) return { kind: 'none' };
  const latest = history.reduce((a, b) => (b.revision > a.revision ? b : a));
  if (!isPending(latest.status)) return { kind: 'none' };
  return { kind: leaseHeld ? 'unlock' : 'busy', revision: latest.revision, from: latest.status };
}
