/**
 * The watch cache against the real API server (kube-apiserver + etcd with the
 * CAPI, CAPO and addon CRDs): it sees objects appear, change and go, answers
 * status reads from memory with no request, confirms absence with a fresh
 * GET, and reports a kind whose CRD is missing as not synced.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { WatchCache } from '../../../src/kube/watch-cache.js';
import { watchedKinds } from '../../../src/kube/watch-kinds.js';
import { kube } from '../harness/kube.js';

const NS = 'magnum-wc0a1b2c3d4e5f';
const OTHER_NS = 'elsewhere-wc';
const RELEASE = 'watched-abcdefghij23';

describe('WatchCache against a real API server', () => {
  const kubeconfig = inject('kubeconfig');
  const k = kube(kubeconfig);
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  const errors: unknown[] = [];
  // Pages larger than any kind's list in the shared cluster, whatever earlier files left there,
  // so each list is one request here; paging has a test of its own below.
  const cache = new WatchCache(config, { namespacePrefix: 'magnum', pageSize: 5_000, retryMs: 100, maxRetryMs: 500, onError: (_, err) => errors.push(err) });

  beforeAll(async () => {
    for (const name of [NS, OTHER_NS]) {
      await k.core.createNamespace({ body: { metadata: { name } } }).catch((err: { code?: number }) => {
        if (err.code !== 409) throw err;
      });
    }
    await cache.start();
    await vi.waitFor(() => expect(cache.synced().ok).toBe(true), { timeout: 20_000 });
  });
  afterAll(() => cache.stop());

  // Labelled as the chart labels what it renders: the watches select on it.
  // Paused: the real Cluster controller of this run leaves them alone, so only this test writes their status.
  const clusterBody = (name: string) => ({ apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'Cluster', metadata: { name, labels: { 'capi.stackhpc.com/cluster': name } }, spec: { paused: true } });

  it('opens one list and one watch per kind, however many clusters there are', () => {
    const kinds = watchedKinds().length;
    // A fresh API server may answer 429 while its storage initialises: each such failure costs one more list.
    expect(cache.requests.list).toBe(kinds + errors.length);
    expect(cache.requests.watch).toBe(kinds);
  });

  it('ignores objects without the label the chart puts on everything it renders', async () => {
    await k.create('Cluster', NS, { apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'Cluster', metadata: { name: 'unlabelled-abcdefghij23' }, spec: {} });
    await k.create('Cluster', NS, clusterBody('marker0-abcdefghij23'));
    await expect.poll(() => cache.objectsFor(NS, 'marker0-abcdefghij23').cluster).toBeDefined();
    expect(cache.objectsFor(NS, 'unlabelled-abcdefghij23').cluster).toBeUndefined();
  });

  it('lists in pages and resumes watching from where the list ended', async () => {
    for (let i = 0; i < 5; i++) await k.create('Cluster', NS, clusterBody(`paged${i}-abcdefghij23`));
    const paged = new WatchCache(config, { namespacePrefix: 'magnum', pageSize: 2 });
    try {
      await paged.start();
      await vi.waitFor(() => expect(paged.synced().ok).toBe(true), { timeout: 20_000 });
      for (let i = 0; i < 5; i++) expect(paged.objectsFor(NS, `paged${i}-abcdefghij23`).cluster?.metadata?.name).toBe(`paged${i}-abcdefghij23`);
      const clusters = paged.stats().find((s) => s.kind === 'Cluster')!;
      expect(clusters.requests.list).toBeGreaterThanOrEqual(3);
      expect(clusters.requests.watch).toBe(1);
    } finally {
      await paged.stop();
    }
  });

  it('sees a cluster appear, its status change, and answers reads with no request', async () => {
    const before = { ...cache.requests };
    await k.create('Cluster', NS, clusterBody(RELEASE));
    await k.create('HelmRelease', NS, {
      apiVersion: 'addons.stackhpc.com/v1alpha1',
      kind: 'HelmRelease',
      metadata: { name: `${RELEASE}-cni`, labels: { 'capi.stackhpc.com/cluster': RELEASE } },
      spec: { clusterName: RELEASE },
    });
    await expect.poll(() => cache.objectsFor(NS, RELEASE).addons.length).toBe(1);
    expect(cache.objectsFor(NS, RELEASE).cluster?.metadata?.name).toBe(RELEASE);

    await k.setStatus('Cluster', NS, RELEASE, { phase: 'Provisioned', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] });
    await expect.poll(() => cache.objectsFor(NS, RELEASE).cluster?.status?.phase).toBe('Provisioned');

    for (let i = 0; i < 1000; i++) cache.objectsFor(NS, RELEASE);
    expect(cache.requests).toEqual(before);
  });

  it('ignores namespaces without the Magnum prefix', async () => {
    await k.create('Cluster', OTHER_NS, clusterBody(RELEASE));
    // A second object in our namespace proves the events after it were processed.
    await k.create('Cluster', NS, clusterBody('marker-abcdefghij23'));
    await expect.poll(() => cache.objectsFor(NS, 'marker-abcdefghij23').cluster).toBeDefined();
    expect(cache.objectsFor(OTHER_NS, RELEASE).cluster).toBeUndefined();
  });

  it('keeps nothing of other namespaces in memory, listed or watched', async () => {
    await k.create('Cluster', OTHER_NS, clusterBody('listed-elsewhere'));
    const fresh = new WatchCache(config, { namespacePrefix: 'magnum', retryMs: 100, maxRetryMs: 500 });
    try {
      await fresh.start();
      await vi.waitFor(() => expect(fresh.synced().ok).toBe(true), { timeout: 20_000 });
      await k.create('Cluster', OTHER_NS, clusterBody('watched-elsewhere'));
      await k.create('Cluster', NS, clusterBody('marker2-abcdefghij23'));
      await expect.poll(() => fresh.objectsFor(NS, 'marker2-abcdefghij23').cluster).toBeDefined();
      const stored = fresh.contents();
      expect(stored.map((o) => o.metadata?.namespace).filter((ns) => !ns?.startsWith('magnum-'))).toEqual([]);
      expect(stored.map((o) => o.metadata?.name)).toContain('marker2-abcdefghij23');
    } finally {
      await fresh.stop();
    }
  });

  it('reports a kind whose CRD is not installed as not synced, with the reason', async () => {
    const kinds = watchedKinds().map((kind) => (kind.kind === 'Manifests' ? { ...kind, group: 'absent.example.com' } : kind));
    const partial = new WatchCache(config, { namespacePrefix: 'magnum', retryMs: 50, maxRetryMs: 200 }, kinds);
    try {
      await partial.start();
      await expect.poll(() => partial.synced().reason).toMatch(/Manifests broken: HTTP 404/);
      expect(partial.synced().ok).toBe(false);
      // The other kinds still serve reads.
      await expect.poll(() => partial.objectsFor(NS, 'marker-abcdefghij23').cluster).toBeDefined();
    } finally {
      await partial.stop();
    }
  });
});
