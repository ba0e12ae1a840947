/**
 * The release Lease against the real API server: two lease managers with
 * different identities play two replicas. Mutual exclusion, the bounded wait
 * ending in ReleaseBusy, renewal outlasting the duration, takeover of an
 * expired holder, the delete's tombstone, a namespace made on first use.
 */
import { CoordinationV1Api, V1MicroTime } from '@kubernetes/client-node';
import { describe, expect, inject, it } from 'vitest';
import type { HeldLease, ReleaseRef } from '../../src/driver/ports.js';
import { ReleaseBusy } from '../../src/errors.js';
import { kubeClients } from '../../src/kube/client.js';
import { leaseMetrics } from '../../src/kube/lease-metrics.js';
import { leaseNameFor } from '../../src/kube/lease-state.js';
import { ANNOTATION_DELETED_UUID, createReleaseLeases } from '../../src/kube/release-lease.js';
import { ensureNamespace } from '../../src/kube/secrets.js';
import { createRegistry } from '../../src/plugins/metrics.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('release leases on the real API server', () => {
  const kubeconfig = inject('kubeconfig');
  const k = kubeClients(kubeconfig);
  const coordination = k.config.makeApiClient(CoordinationV1Api);
  let n = 0;
  const freshRef = (): ReleaseRef => ({ namespace: `lease-test-${process.pid}-${++n}`, release: `lease-abcdefghij${String(n).padStart(2, '0')}` });

  function replica(identity: string, opts: { durationSeconds?: number; waitSeconds?: number } = {}) {
    const registry = createRegistry(false);
    const leases = createReleaseLeases(k.config, {
      identity,
      durationSeconds: opts.durationSeconds ?? 2,
      waitSeconds: opts.waitSeconds ?? 1,
      ensureNamespace: (ns) => ensureNamespace(k, ns),
      metrics: leaseMetrics(registry),
      pollMs: 50,
    });
    const outcomes = async () => {
      const metric = await registry.getSingleMetric('mcs_lease_acquisitions_total')!.get();
      // Every outcome's series starts at 0: the ones that happened are the test's subject.
      return Object.fromEntries(metric.values.filter((v) => v.value > 0).map((v) => [v.labels.outcome, v.value]));
    };
    return { leases, outcomes };
  }
  const readLease = (ref: ReleaseRef) => coordination.readNamespacedLease({ name: leaseNameFor(ref.release), namespace: ref.namespace });

  it('a lease in a namespace that does not exist yet makes the namespace, and names its holder', async () => {
    const ref = freshRef();
    const a = replica('replica-a/1');
    const holder = await a.leases.hold(ref, async () => (await readLease(ref)).spec?.holderIdentity);
    expect(holder).toBe('replica-a/1');
    expect((await readLease(ref)).spec?.holderIdentity).toBeFalsy();
    expect(await a.outcomes()).toEqual({ acquired: 1 });
  });

  it('a second replica waits its bounded time, then is ReleaseBusy with a Retry-After; nothing of its op runs', async () => {
    const ref = freshRef();
    const a = replica('replica-a/1');
    const b = replica('replica-b/2', { waitSeconds: 1 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = a.leases.hold(ref, () => gate);
    await expect.poll(async () => (await readLease(ref).catch(() => null))?.spec?.holderIdentity).toBe('replica-a/1');
    let ran = false;
    const started = Date.now();
    const err = await b.leases.hold(ref, async () => {
      ran = true;
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReleaseBusy);
    expect((err as ReleaseBusy).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect((err as ReleaseBusy).message).toMatch(/holder replica-a\/1/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(ran).toBe(false);
    expect(await b.outcomes()).toEqual({ busy: 1 });
    release();
    await first;
  });

  it('the holder renews while it runs, so an operation longer than the duration keeps others out until it ends', async () => {
    const ref = freshRef();
    const a = replica('replica-a/1', { durationSeconds: 1 });
    const b = replica('replica-b/2', { durationSeconds: 1, waitSeconds: 10 });
    const order: string[] = [];
    const first = a.leases.hold(ref, async () => {
      order.push('a start');
      await sleep(3000);
      order.push('a end');
    });
    await expect.poll(() => order).toEqual(['a start']);
    await b.leases.hold(ref, async () => {
      order.push('b start');
      expect(b.leases.holds(ref)).toBe(true);
      expect(a.leases.holds(ref)).toBe(false);
    });
    await first;
    expect(order).toEqual(['a start', 'a end', 'b start']);
    expect(await b.outcomes()).toEqual({ acquired: 1 });
  });

  it('a holder that stopped renewing is taken over after its duration', async () => {
    const ref = freshRef();
    await ensureNamespace(k, ref.namespace);
    // What a replica killed with -9 leaves: its name, a renew time, no release.
    await coordination.createNamespacedLease({
      namespace: ref.namespace,
      body: { metadata: { name: leaseNameFor(ref.release) }, spec: { holderIdentity: 'dead/9', leaseDurationSeconds: 2, renewTime: new V1MicroTime(Date.now()), acquireTime: new V1MicroTime(Date.now()) } },
    });
    const b = replica('replica-b/2', { durationSeconds: 2, waitSeconds: 10 });
    const started = Date.now();
    await b.leases.hold(ref, async () => {
      expect(b.leases.holds(ref)).toBe(true);
      expect((await readLease(ref)).spec?.holderIdentity).toBe('replica-b/2');
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(await b.outcomes()).toEqual({ taken_over: 1 });
    expect((await readLease(ref)).spec?.leaseTransitions).toBe(1);
  });

  it('a tombstone set by one replica is seen by the next holder on another', async () => {
    const ref = freshRef();
    const a = replica('replica-a/1');
    const b = replica('replica-b/2');
    await a.leases.hold(ref, (lease: HeldLease) => lease.markDeleted('5d12f6fd-a196-4bf0-ae4c-1f639a523a52'));
    expect(await b.leases.hold(ref, async (lease) => lease.deletedUuid)).toBe('5d12f6fd-a196-4bf0-ae4c-1f639a523a52');
    expect((await readLease(ref)).metadata?.annotations?.[ANNOTATION_DELETED_UUID]).toBe('5d12f6fd-a196-4bf0-ae4c-1f639a523a52');
  });

  it('calls on one replica queue in-process, and the one that outwaits its bound is busy', async () => {
    const ref = freshRef();
    const a = replica('replica-a/1', { waitSeconds: 1 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = a.leases.hold(ref, () => gate);
    await expect(a.leases.hold(ref, async () => 'ran')).rejects.toBeInstanceOf(ReleaseBusy);
    release();
    await first;
    expect(await a.leases.hold(ref, async () => 'ran')).toBe('ran');
  });
});
