/**
 * Applying and removing releases: serialised per release with a global bound,
 * and a release left pending by a crash is recovered before the next apply
 * instead of failing with "another operation is in progress".
 */
import type { Logger } from 'pino';
import type { ReleasePlan, Releases } from '../driver/ports.js';
import { HelmFailed } from '../errors.js';
import { decideRecovery } from './recovery.js';
import { ReleaseQueue } from './release-queue.js';
import type { Helm, ReleaseRef } from './types.js';

export interface ReleaseManager extends Releases {
  queue: ReleaseQueue;
  /** Recoveries done since start, by kind, for metrics and tests. */
  recoveries: { rollback: number; uninstall: number };
}

export function createReleaseManager(helm: Helm, concurrency: number, log?: Logger): ReleaseManager {
  const queue = new ReleaseQueue(concurrency);
  const recoveries = { rollback: 0, uninstall: 0 };
  const key = (ref: ReleaseRef) => `${ref.namespace}/${ref.release}`;

  async function recover(ref: ReleaseRef): Promise<void> {
    const action = decideRecovery(await helm.history(ref));
    if (action.kind === 'none') return;
    log?.warn({ release: key(ref), action }, 'recovering a release left pending by an interrupted helm');
    if (action.kind === 'rollback') {
      try {
        await helm.rollback(ref, action.revision);
      } catch (err) {
        // A rollback the cluster refuses still ends the pending state (helm
        // marks the pending revision superseded and the rollback failed), and
        // an upgrade over a failed release can proceed. Only a release still
        // pending (or a helm that did not run) stops the operation.
        if (!(err instanceof HelmFailed) || decideRecovery(await helm.history(ref)).kind !== 'none') throw err;
        log?.warn({ release: key(ref), err: err.message }, 'recovery rollback failed, but the release is no longer pending: upgrading over it');
      }
      recoveries.rollback++;
    } else {
      await helm.uninstall(ref);
      recoveries.uninstall++;
    }
  }

  return {
    queue,
    recoveries,
    apply: (plan: ReleasePlan) =>
      queue.run(key(plan), async () => {
        await recover(plan);
        const info = await helm.upgradeInstall(plan);
        return { revision: info.revision };
      }),
    // helm uninstalls a pending release as it is (helm 3 and 4): rolling it back
    // first would re-apply an old spec to the infrastructure about to go, and a
    // rollback the cluster refuses (a version downgrade, say) would fail the delete.
    remove: (ref: ReleaseRef) => queue.run(key(ref), () => helm.uninstall(ref)),
    present: async (ref: ReleaseRef) => (await helm.history(ref)).length > 0,
  };
}
