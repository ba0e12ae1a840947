/** Recovery before an apply, with an in-memory helm and release record: unlock under the lease, busy without it. */
import { describe, expect, it } from 'vitest';
import { ReleaseBusy } from '../../../src/errors.js';
import { baseRevision } from '../../../src/helm/get-manifest.js';
import { createReleaseManager, releasePreview } from '../../../src/helm/releases.js';
import type { Helm, ReleaseRevision, UpgradeRequest } from '../../../src/helm/types.js';

/** A release history in memory; `unlock` marks a revision failed as the record writer would. */
function fakeHelm(history: ReleaseRevision[]) {
  const calls: string[] = [];
  const helm: Helm = {
    history: async () => history,
    rollback: async (_ref, revision) => {
      calls.push(`rollback ${revision}`);
    },
    upgradeInstall: async (req: UpgradeRequest) => {
      calls.push('upgrade');
      return { release: req.release, namespace: req.namespace, revision: history.length + 1, status: 'deployed' };
    },
    uninstall: async () => {
      calls.push('uninstall');
      return { existed: true };
    },
    template: async () => '',
    dryRunUpgrade: async () => {
      calls.push('dry run');
      return '';
    },
    manifest: async (_ref, revision) => {
      calls.push(`get manifest ${revision}`);
      return `manifest of ${revision}`;
    },
    version: async () => ({ major: 3, full: 'v3.17.3' }),
  };
  const unlock = async (_ref: unknown, revision: number, from: string) => {
    calls.push(`unlock ${revision} ${from}`);
    history = history.map((r) => (r.revision === revision ? { ...r, status: 'failed' } : r));
  };
  return { helm, calls, unlock };
}

const rev = (revision: number, status: ReleaseRevision['status']): ReleaseRevision => ({ revision, status, chart: 'openstack-cluster-0.27.0' });
const plan = { release: 'demo-abcdefghij23', namespace: 'magnum-p1', chart: { repo: '', name: '/charts/openstack-cluster', version: '' }, values: {} };

describe('createReleaseManager recovery', () => {
  it('a pending-install under a held lease is unlocked and upgraded over: no uninstall', async () => {
    const { helm, calls, unlock } = fakeHelm([rev(1, 'pending-install')]);
    const manager = createReleaseManager(helm, 1, { unlock, holdsLease: () => true });
    await expect(manager.apply(plan)).resolves.toEqual({ revision: 2 });
    expect(calls).toEqual(['unlock 1 pending-install', 'upgrade']);
    expect(manager.unlocks).toBe(1);
  });

  it('a pending-upgrade under a held lease is unlocked, never rolled back', async () => {
    const { helm, calls, unlock } = fakeHelm([rev(1, 'deployed'), rev(2, 'pending-upgrade')]);
    const manager = createReleaseManager(helm, 1, { unlock, holdsLease: () => true });
    await manager.apply(plan);
    expect(calls).toEqual(['unlock 2 pending-upgrade', 'upgrade']);
  });

  it('a pending revision without the lease is ReleaseBusy, and helm does not run', async () => {
    const { helm, calls, unlock } = fakeHelm([rev(1, 'deployed'), rev(2, 'pending-upgrade')]);
    const manager = createReleaseManager(helm, 1, { unlock, holdsLease: () => false });
    await expect(manager.apply(plan)).rejects.toBeInstanceOf(ReleaseBusy);
    expect(calls).toEqual([]);
  });

  it('a deployed release is upgraded with nothing unlocked', async () => {
    const { helm, calls, unlock } = fakeHelm([rev(1, 'deployed')]);
    const manager = createReleaseManager(helm, 1, { unlock, holdsLease: () => true });
    await manager.apply(plan);
    expect(calls).toEqual(['upgrade']);
    expect(manager.unlocks).toBe(0);
  });
});

describe('the preview compares with the revision an upgrade is applied over', () => {
  it.each([
    { name: 'no history', history: [], base: null },
    { name: 'the latest, deployed', history: [rev(1, 'superseded'), rev(2, 'deployed')], base: 2 },
    { name: 'a failed upgrade over a deployed revision: the deployed one', history: [rev(1, 'superseded'), rev(2, 'deployed'), rev(3, 'failed')], base: 2 },
    { name: 'never deployed: the latest', history: [rev(1, 'failed')], base: 1 },
    { name: 'out of order', history: [rev(3, 'failed'), rev(1, 'superseded'), rev(2, 'deployed')], base: 2 },
  ])('$name', ({ history, base }) => {
    expect(baseRevision(history)).toBe(base);
  });

  it('reads that revision\'s manifest, and none for a release helm does not record', async () => {
    const withFailure = fakeHelm([rev(1, 'deployed'), rev(2, 'failed')]);
    await expect(releasePreview(withFailure.helm).recorded(plan)).resolves.toBe('manifest of 1');
    expect(withFailure.calls).toEqual(['get manifest 1']);
    const none = fakeHelm([]);
    await expect(releasePreview(none.helm).recorded(plan)).resolves.toBeNull();
    expect(none.calls).toEqual([]);
  });
});
