/**
 * Deciding what to do with a release a killed helm left pending, kept apart
 * from doing it (so the decision is table-tested). helm refuses any new
 * operation on a pending release, so without this a crash would wedge the
 * cluster until an operator stepped in.
 */
import type { ReleaseRevision } from './types.js';

export type RecoveryAction =
  | { kind: 'none' }
  /** Nothing was ever deployed: remove the half-installed release, then install afresh. */
  | { kind: 'uninstall' }
  /** Roll back to the last revision that was deployed (or superseded, i.e. deployed before). */
  | { kind: 'rollback'; revision: number };

const PENDING = new Set(['pending-install', 'pending-upgrade', 'pending-rollback']);

export function decideRecovery(history: ReleaseRevision[]): RecoveryAction {
  if (history.length === 0) return { kind: 'none' };
  const latest = history.reduce((a, b) => (b.revision > a.revision ? b : a));
  if (!PENDING.has(latest.status)) return { kind: 'none' };
  const good = history
    .filter((r) => r.revision < latest.revision && (r.status === 'deployed' || r.status === 'superseded'))
    .sort((a, b) => b.revision - a.revision)[0];
  return good ? { kind: 'rollback', revision: good.revision } : { kind: 'uninstall' };
}
