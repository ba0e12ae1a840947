/**
 * Applying and removing releases: serialised per release with a global bound,
 * and a release left pending by an operation whose holder is gone is unlocked
 * before the next apply instead of failing with "another operation is in
 * progress".
 */
import type { Logger } from 'pino';
import type { ReleasePlan, ReleasePreview, Releases } from '../driver/ports.js';
import { ReleaseBusy } from '../errors.js';
import { baseRevision } from './get-manifest.js';
import { UNLOCKED_DESCRIPTION } from './record.js';
import { decideRecovery, type PendingStatus } from './recovery.js';
import { ReleaseQueue } from './release-queue.js';
import type { Helm, ReleaseRef, ReleaseRevision } from './types.js';

export interface ReleaseManagerOptions {
  /** Marks a pending revision failed in helm's release record (see `record.ts`). */
  unlock: (ref: ReleaseRef, revision: number, from: PendingStatus) => Promise<unknown>;
  /** Whether this replica holds the release's lease: only then is a pending revision its dead holder's. */
  holdsLease: (ref: ReleaseRef) => boolean;
  log?: Logger | undefined;
}

export interface ReleaseManager extends Releases, ReleasePreview {
  queue: ReleaseQueue;
  /** Pending revisions unlocked since start, for metrics and tests. */
  unlocks: number;
}

const key = (ref: ReleaseRef) => `${ref.namespace}/${ref.release}`;

/**
 * Read-only helm for the preview: the dry run, in the release's queue when
 * there is one (so a preview never reads a release this replica is applying;
 * it takes no lease, as it writes nothing), and the manifest of the revision
 * an upgrade would be applied over.
 */
export function releasePreview(helm: Helm, queue?: ReleaseQueue): ReleasePreview {
  return {
    dryRun: (plan: ReleasePlan) => (queue ? queue.run(key(plan), () => helm.dryRunUpgrade(plan)) : helm.dryRunUpgrade(plan)),
    recorded: async (ref: ReleaseRef) => {
      const revision = baseRevision(await helm.history(ref));
      return revision === null ? null : helm.manifest(ref, revision);
    },
  };
}

export function createReleaseManager(helm: Helm, concurrency: number, opts: ReleaseManagerOptions): ReleaseManager {
  const queue = new ReleaseQueue(concurrency);

  const manager: ReleaseManager = {
    queue,
    unlocks: 0,
    apply: (plan: ReleasePlan) =>
      queue.run(key(plan), async () => {
        const action = decideRecovery(await helm.history(plan), opts.holdsLease(plan));
        if (action.kind === 'busy') {
          throw new ReleaseBusy(`release ${key(plan)} is busy: revision ${action.revision} is ${action.from} and this replica does not hold its lease; retry later`, 5);
        }
        if (action.kind === 'unlock') {
          opts.log?.warn({ release: key(plan), revision: action.revision, from: action.from }, 'unlocking a release left pending by a holder that is gone');
          await opts.unlock(plan, action.revision, action.from);
          manager.unlocks++;
        }
        const info = await helm.upgradeInstall(plan);
        return { revision: info.revision };
      }),
    // helm uninstalls a pending release as it is (helm 3 and 4): rolling it back
    // first would re-apply an old spec to the infrastructure about to go.
    remove: (ref: ReleaseRef) => queue.run(key(ref), () => helm.uninstall(ref)),
    ...releasePreview(helm, queue),
    present: async (ref: ReleaseRef) => (await helm.history(ref)).length > 0,
    latest: async (ref: ReleaseRef) => {
      const latest = (await helm.history(ref)).reduce<ReleaseRevision | null>((a, r) => (a && a.revision > r.revision ? a : r), null);
      if (!latest) return null;
      const description = latest.description ?? '';
      return { revision: latest.revision, status: latest.status, description, unlocked: latest.status === 'failed' && description.startsWith(UNLOCKED_DESCRIPTION) };
    },
  };
  return manager;
}
