import { describe, expect, it } from 'vitest';
import { decideRecovery, type RecoveryAction } from '../../../src/helm/recovery.js';
import type { ReleaseRevision, ReleaseStatus } from '../../../src/helm/types.js';

const rev = (revision: number, status: ReleaseStatus): ReleaseRevision => ({ revision, status, chart: 'openstack-cluster-0.27.0' });

describe('decideRecovery', () => {
  // GIVEN helm's history and whether this replica holds the release's lease, THEN what to do before the operation.
  it.each<[string, ReleaseRevision[], boolean, RecoveryAction]>([
    ['no release', [], true, { kind: 'none' }],
    ['deployed', [rev(1, 'superseded'), rev(2, 'deployed')], true, { kind: 'none' }],
    ['failed (helm upgrades over a failed release)', [rev(1, 'deployed'), rev(2, 'failed')], true, { kind: 'none' }],
    ['a deployed release, lease not held: nothing to unlock', [rev(1, 'deployed')], false, { kind: 'none' }],
    // helm applies every object before it records "deployed": the objects may carry a live cluster, never uninstall.
    ['pending-install, nothing before it', [rev(1, 'pending-install')], true, { kind: 'unlock', revision: 1, from: 'pending-install' }],
    ['pending-upgrade over a deployed revision', [rev(1, 'superseded'), rev(2, 'deployed'), rev(3, 'pending-upgrade')], true, { kind: 'unlock', revision: 3, from: 'pending-upgrade' }],
    ['pending-upgrade over failures only', [rev(1, 'failed'), rev(2, 'pending-upgrade')], true, { kind: 'unlock', revision: 2, from: 'pending-upgrade' }],
    ['pending-rollback', [rev(4, 'deployed'), rev(5, 'pending-rollback')], true, { kind: 'unlock', revision: 5, from: 'pending-rollback' }],
    ['history out of order', [rev(3, 'pending-upgrade'), rev(2, 'deployed'), rev(1, 'superseded')], true, { kind: 'unlock', revision: 3, from: 'pending-upgrade' }],
    // Without the lease the pending revision may be another replica's helm, running now.
    ['pending-upgrade, lease not held', [rev(1, 'deployed'), rev(2, 'pending-upgrade')], false, { kind: 'busy', revision: 2, from: 'pending-upgrade' }],
    ['pending-install, lease not held', [rev(1, 'pending-install')], false, { kind: 'busy', revision: 1, from: 'pending-install' }],
    ['an old pending revision under a deployed one is history, not a lock', [rev(1, 'pending-upgrade'), rev(2, 'deployed')], false, { kind: 'none' }],
  ])('%s', (_name, history, leaseHeld, expected) => {
    expect(decideRecovery(history, leaseHeld)).toEqual(expected);
  });

  it('never decides an uninstall or a rollback, whatever the history', () => {
    const statuses: ReleaseStatus[] = ['deployed', 'failed', 'pending-install', 'pending-upgrade', 'pending-rollback', 'uninstalling', 'superseded', 'uninstalled', 'unknown'];
    for (const a of statuses) for (const b of statuses) for (const held of [true, false]) {
      expect(['none', 'unlock', 'busy']).toContain(decideRecovery([rev(1, a), rev(2, b)], held).kind);
    }
  });
});
