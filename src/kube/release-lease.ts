/**
 * One operation per release across every replica: a coordination.k8s.io/v1
 * Lease per release in the release's namespace, taken before an operation's
 * first write, renewed while it runs, released after. Calls on this replica
 * queue in-process first, so only the head of the queue polls the API; the
 * whole wait, queue and Lease, is bounded by `waitSeconds`.
 */
import { CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { HeldLease, ReleaseLeases, ReleaseRef } from '../driver/ports.js';
import { ReleaseBusy } from '../errors.js';
import { SerialByKey } from '../serial-by-key.js';
import { describeError, managementError, statusCodeOf } from './errors.js';
import { LABEL_MANAGED_BY } from './labels.js';
import type { AcquireOutcome, LeaseMetrics } from './lease-metrics.js';
import { judgeLease, leaseNameFor, secondsUntilExpiry, type LeaseRecord } from './lease-state.js';

/** Tombstone: the uuid of the Magnum cluster whose delete reached this release. */
export const ANNOTATION_DELETED_UUID = 'magnum-capi-sidecar.openstack.org/deleted-cluster-uuid';
export const ANNOTATION_DELETED_AT = 'magnum-capi-sidecar.openstack.org/deleted-at';

export interface ReleaseLeaseOptions {
  /** holderIdentity of this replica. */
  identity: string;
  durationSeconds: number;
  waitSeconds: number;
  /** Creates the namespace when the first lease of a project finds none. */
  ensureNamespace: (namespace: string) => Promise<void>;
  metrics?: LeaseMetrics;
  log?: Logger;
  /** Between two reads of a lease held elsewhere. */
  pollMs?: number;
  now?: () => Date;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function recordOf(lease: V1Lease): LeaseRecord {
  const renew = lease.spec?.renewTime;
  return {
    holder: lease.spec?.holderIdentity || null,
    renewTime: renew ? new Date(renew) : null,
    durationSeconds: lease.spec?.leaseDurationSeconds ?? null,
  };
}

export function createReleaseLeases(kc: KubeConfig, opts: ReleaseLeaseOptions): ReleaseLeases {
  const api = kc.makeApiClient(CoordinationV1Api);
  const now = opts.now ?? (() => new Date());
  const pollMs = opts.pollMs ?? 250;
  const local = new SerialByKey();
  /** Leases this replica holds now, by `namespace/release`, with whether a renewal found them taken. */
  const held = new Map<string, { lost: boolean }>();
  const keyOf = (ref: ReleaseRef) => `${ref.namespace}/${ref.release}`;

  const read = async (ref: ReleaseRef): Promise<V1Lease | null> => {
    try {
      return await api.readNamespacedLease({ name: leaseNameFor(ref.release), namespace: ref.namespace });
    } catch (err) {
      if (statusCodeOf(err) === 404) return null;
      throw managementError(err, `read lease ${ref.namespace}/${leaseNameFor(ref.release)}`);
    }
  };

  /** Writes `lease` with our identity; null when another writer got there first (409). */
  const claim = async (ref: ReleaseRef, current: V1Lease | null): Promise<V1Lease | null> => {
    const at = new V1MicroTime(now().getTime());
    const previous = current?.spec?.holderIdentity;
    const body: V1Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: current?.metadata ?? { name: leaseNameFor(ref.release), namespace: ref.namespace, labels: { [LABEL_MANAGED_BY]: 'magnum-capi-sidecar' } },
      spec: {
        ...current?.spec,
        holderIdentity: opts.identity,
        leaseDurationSeconds: opts.durationSeconds,
        acquireTime: at,
        renewTime: at,
        leaseTransitions: (current?.spec?.leaseTransitions ?? 0) + (previous && previous !== opts.identity ? 1 : 0),
      },
    };
    try {
      return current
        ? await api.replaceNamespacedLease({ name: leaseNameFor(ref.release), namespace: ref.namespace, body })
        : await api.createNamespacedLease({ namespace: ref.namespace, body });
    } catch (err) {
      const code = statusCodeOf(err);
      if (code === 409) return null;
      if (code === 404 && !current) {
        await opts.ensureNamespace(ref.namespace);
        return null;
      }
      throw managementError(err, `take lease ${ref.namespace}/${leaseNameFor(ref.release)}`);
    }
  };

  async function acquire(ref: ReleaseRef, deadline: number): Promise<{ lease: V1Lease; outcome: AcquireOutcome }> {
    for (;;) {
      const current = await read(ref);
      const verdict = current ? judgeLease(recordOf(current), opts.identity, now(), opts.durationSeconds) : 'free';
      if (verdict !== 'held') {
        const lease = await claim(ref, current);
        if (lease) {
          if (verdict === 'expired') opts.log?.warn({ release: keyOf(ref), holder: current?.spec?.holderIdentity }, 'took over the lease of a holder that stopped renewing');
          return { lease, outcome: verdict === 'expired' ? 'taken_over' : 'acquired' };
        }
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        const rec = recordOf(current!);
        throw new ReleaseBusy(
          `release ${keyOf(ref)} is busy: another operation holds its lease (holder ${rec.holder}); retry later`,
          Math.min(5, secondsUntilExpiry(rec, now(), opts.durationSeconds)),
        );
      }
      await sleep(Math.min(left, pollMs / 2 + Math.random() * pollMs));
    }
  }

  async function renew(ref: ReleaseRef, state: { lease: V1Lease; lost: boolean }): Promise<void> {
    const body: V1Lease = { ...state.lease, spec: { ...state.lease.spec, renewTime: new V1MicroTime(now().getTime()) } };
    try {
      state.lease = await api.replaceNamespacedLease({ name: leaseNameFor(ref.release), namespace: ref.namespace, body });
    } catch (err) {
      if (statusCodeOf(err) === 409) {
        const current = await read(ref).catch(() => null);
        if (current && current.spec?.holderIdentity === opts.identity) {
          state.lease = current;
          return renew(ref, state);
        }
        state.lost = true;
        opts.metrics?.renewalFailed(true);
        opts.log?.error({ release: keyOf(ref), holder: current?.spec?.holderIdentity }, 'lease lost while an operation ran: another replica took it over');
        return;
      }
      opts.metrics?.renewalFailed(false);
      opts.log?.warn({ release: keyOf(ref), err: describeError(err) }, 'lease renewal failed; retrying');
    }
  }

  async function release(ref: ReleaseRef, state: { lease: V1Lease; lost: boolean }): Promise<void> {
    if (state.lost) return;
    const { holderIdentity: _holder, ...spec } = state.lease.spec ?? {};
    try {
      await api.replaceNamespacedLease({ name: leaseNameFor(ref.release), namespace: ref.namespace, body: { ...state.lease, spec } });
    } catch (err) {
      // Left held, it expires after durationSeconds; the next caller takes it over then.
      opts.log?.warn({ release: keyOf(ref), err: describeError(err) }, 'lease not released; it will expire');
    }
  }

  async function runHeld<T>(ref: ReleaseRef, deadline: number, started: number, op: (lease: HeldLease) => Promise<T>): Promise<T> {
    let acquired: { lease: V1Lease; outcome: AcquireOutcome };
    try {
      acquired = await acquire(ref, deadline);
    } catch (err) {
      opts.metrics?.acquired(err instanceof ReleaseBusy ? 'busy' : 'error', (Date.now() - started) / 1000);
      throw err;
    }
    opts.metrics?.acquired(acquired.outcome, (Date.now() - started) / 1000);
    const state = { lease: acquired.lease, lost: false };
    const key = keyOf(ref);
    held.set(key, state);
    let renewing = Promise.resolve();
    const timer = setInterval(() => {
      renewing = renewing.then(() => renew(ref, state));
    }, (opts.durationSeconds * 1000) / 3);
    const handle: HeldLease = {
      deletedUuid: state.lease.metadata?.annotations?.[ANNOTATION_DELETED_UUID] ?? null,
      markDeleted: async (uuid) => {
        await renewing;
        const metadata = { ...state.lease.metadata, annotations: { ...state.lease.metadata?.annotations, [ANNOTATION_DELETED_UUID]: uuid, [ANNOTATION_DELETED_AT]: now().toISOString() } };
        try {
          state.lease = await api.replaceNamespacedLease({ name: leaseNameFor(ref.release), namespace: ref.namespace, body: { ...state.lease, metadata } });
        } catch (err) {
          throw managementError(err, `mark lease ${ref.namespace}/${leaseNameFor(ref.release)} deleted`);
        }
      },
    };
    try {
      return await op(handle);
    } finally {
      clearInterval(timer);
      await renewing;
      held.delete(key);
      await release(ref, state);
    }
  }

  return {
    hold<T>(ref: ReleaseRef, op: (lease: HeldLease) => Promise<T>): Promise<T> {
      const started = Date.now();
      const deadline = started + opts.waitSeconds * 1000;
      return new Promise<T>((resolve, reject) => {
        let phase: 'queued' | 'running' | 'gave-up' = 'queued';
        const timer = setTimeout(() => {
          if (phase !== 'queued') return;
          phase = 'gave-up';
          opts.metrics?.acquired('busy', opts.waitSeconds);
          reject(new ReleaseBusy(`release ${keyOf(ref)} is busy: other operations on it are queued on this replica; retry later`, Math.min(5, opts.durationSeconds)));
        }, opts.waitSeconds * 1000);
        void local.run(keyOf(ref), async () => {
          if (phase === 'gave-up') return;
          phase = 'running';
          clearTimeout(timer);
          try {
            resolve(await runHeld(ref, deadline, started, op));
          } catch (err) {
            reject(err);
          }
        });
      });
    },
    holds: (ref) => {
      const state = held.get(keyOf(ref));
      return state !== undefined && !state.lost;
    },
  };
}
