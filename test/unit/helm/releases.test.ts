/** Recovery before an apply, with an in-memory helm: what happens when the recovery rollback itself is refused. */
import { describe, expect, it } from 'vitest';
import { HelmFailed } from '../../../src/errors.js';
import { createReleaseManager } from '../../../src/helm/releases.js';
import type { Helm, ReleaseRevision, UpgradeRequest } from '../../../src/helm/types.js';

/** A release history in memory; `rollbackLeaves` is what a refused rollback leaves behind (helm's own bookkeeping). */
function fakeHelm(history: ReleaseRevision[], rollbackLeaves: ReleaseRevision[]) {
  const calls: string[] = [];
  const helm: Helm = {
    history: async () => history,
    rollback: async (_ref, revision) => {
      calls.push(`rollback ${revision}`);
      history = rollbackLeaves;
      throw new HelmFailed('helm rollback exit 1: Error: failed to create resource: the server refused it');
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
    version: async () => ({ major: 3, full: 'v3.17.3' }),
  };
  return { helm, calls };
}

const rev = (revision: number, status: ReleaseRevision['status']): ReleaseRevision => ({ revision, status, chart: 'openstack-cluster-0.27.0' });
const plan = { release: 'demo-abcdefghij23', namespace: 'magnum-p1', chart: { repo: '', name: '/charts/openstack-cluster', version: '' }, values: {} };

describe('createReleaseManager recovery', () => {
  it('upgrades over a release a refused rollback left no longer pending', async () => {
    const { helm, calls } = fakeHelm([rev(1, 'failed'), rev(2, 'pending-upgrade')], [rev(1, 'failed'), rev(2, 'superseded'), rev(3, 'failed')]);
    const manager = createReleaseManager(helm, 1);
    await expect(manager.apply(plan)).resolves.toEqual({ revision: 4 });
    expect(calls).toEqual(['rollback 1', 'upgrade']);
  });

  it('stops with the rollback error when the release is still pending after it', async () => {
    const stillPending = [rev(1, 'deployed'), rev(2, 'pending-upgrade')];
    const { helm, calls } = fakeHelm(stillPending, stillPending);
    const manager = createReleaseManager(helm, 1);
    await expect(manager.apply(plan)).rejects.toThrow(/helm rollback exit 1/);
    expect(calls).toEqual(['rollback 1']);
  });
});
