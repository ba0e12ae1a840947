import { describe, expect, it } from 'vitest';
import { decideRecovery } from '../../../src/helm/recovery.js';
import type { ReleaseRevision, ReleaseStatus } from '../../../src/helm/types.js';

const rev = (revision: number, status: ReleaseStatus): ReleaseRevision => ({ revision, status, chart: 'openstack-cluster-0.27.0' });

describe('decideRecovery', () => {
  it.each<[string, ReleaseRevision[], ReturnType<typeof decideRecovery>]>([
    ['no release', [], { kind: 'none' }],
    ['deployed', [rev(1, 'superseded'), rev(2, 'deployed')], { kind: 'none' }],
    ['failed (helm can upgrade a failed release)', [rev(1, 'deployed'), rev(2, 'failed')], { kind: 'none' }],
    ['pending-install with nothing before it', [rev(1, 'pending-install')], { kind: 'uninstall' }],
    ['pending-upgrade over a deployed revision', [rev(1, 'superseded'), rev(2, 'deployed'), rev(3, 'pending-upgrade')], { kind: 'rollback', revision: 2 }],
    ['pending-upgrade over a superseded one (deployed before)', [rev(1, 'superseded'), rev(2, 'failed'), rev(3, 'pending-upgrade')], { kind: 'rollback', revision: 1 }],
    ['pending-rollback', [rev(4, 'deployed'), rev(5, 'pending-rollback')], { kind: 'rollback', revision: 4 }],
    // A failed install's objects may be live: an uninstall would delete the cluster's infrastructure.
    ['pending-upgrade with only failures before it', [rev(1, 'failed'), rev(2, 'pending-upgrade')], { kind: 'rollback', revision: 1 }],
    ['pending-upgrade with several failures before it: the latest', [rev(1, 'failed'), rev(2, 'failed'), rev(3, 'pending-upgrade')], { kind: 'rollback', revision: 2 }],
    ['history out of order', [rev(3, 'pending-upgrade'), rev(2, 'deployed'), rev(1, 'superseded')], { kind: 'rollback', revision: 2 }],
  ])('%s', (_name, history, expected) => {
    expect(decideRecovery(history)).toEqual(expected);
  });
});
