/**
 * Deciding what to do with a release a killed helm left pending, kept apart
 * from doing it (so the decision is table-tested). helm refuses any new
 * operation on a pending release, so without this a crash would wedge the
 * cluster until an operator stepped in.
 */
import type { ReleaseRevision } from './types.js';

export type RecoveryAction =
  | { kind: 'none' }
  /** Nothing was ever released before the pending one: remove the half-installed release, then install afresh. */
  | { kind: 'uninstall' }
  /** Roll back to an earlier revision: the last deployed (or superseded) one, else the latest earlier one. */
  | { kind: 'rollback'; revision: number };

const PENDING = new Set(['pending-install', 'pending-upgrade', 'pending-rollback']);

export function decideRecovery(history: ReleaseRevision[]): RecoveryAction {
  if (history.length === 0) return { kind: 'none' };
  const latest = history.reduce((a, b) => (b.revision > a.revision ? b : a));
  if (!PENDING.has(latest.status)) return { kind: 'none' };
  const earlier = history.filter((r) => r.revision < latest.revision).sort((a, b) => b.revision - a.revision);
  // superseded: replaced by a later revision. helm marks a failed revision so
  // too once an upgrade over it succeeds, so it is a preference, not a proof.
  const good = earlier.find((r) => r.status === 'deployed' || r.status === 'superseded');
  // Only failures before: still roll back. Their objects may be live (a failed
  // install applies what it can, and CAPI builds on it), and an uninstall
  // would delete the cluster's infrastructure.
  const target = good ?? earlier[0];
  return target ? { kind: 'rollback', revision: target.revision } : { kind: 'uninstall' };
}
