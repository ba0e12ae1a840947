/**
 * The watch cache through a TCP relay the test can cut or freeze: while the
 * API server is unreachable the cache says it is not synced (so no
 * DELETE_COMPLETE or stale answer is trusted), and once it is back the cache
 * catches up with what changed meanwhile and says synced again. Frozen is
 * the silent kind of outage (a black-holing network, a proxy whose upstream
 * died): connections stay open and nothing arrives, no reset, no close.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { WatchCache } from '../../../src/kube/watch-cache.js';
import { kube } from '../harness/kube.js';

const NS = 'magnum-wc9f8e7d6c5b4a';

/**
 * A relay to the API server; `down()` drops every connection and refuses new
 * ones until `up()`; `freeze()` forwards nothing more (connections, new ones
 * too, stay open and silent) until `thaw()`, which drops them, as a healed
 * network finds its old flows dead.
 */
async function relay(target: URL) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  let frozen = false;
  const up = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.on('data', (d: Buffer) => frozen || upstream.write(d));
        upstream.on('data', (d: Buffer) => frozen || client.write(d));
        client.on('end', () => frozen || upstream.end());
        upstream.on('end', () => frozen || client.end());
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  const down = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server?.close(() => resolve());
    });
  const freeze = () => {
    frozen = true;
  };
  const thaw = () => {
    for (const s of sockets) s.destroy();
    frozen = false;
  };
  await up();
  return { up, down, freeze, thaw, url: () => `https://127.0.0.1:${port}` };
}

describe('WatchCache through an API outage', () => {
  const kubeconfig = inject('kubeconfig');
  const k = kube(kubeconfig);
  let cut: Awaited<ReturnType<typeof relay>>;
  let cache: WatchCache;

  beforeAll(async () => {
    await k.core.createNamespace({ body: { metadata: { name: NS } } }).catch((err: { code?: number }) => {
      if (err.code !== 409) throw err;
    });
    cut = await relay(new URL(k.kc.getCurrentCluster()!.server));
    const config = new KubeConfig();
    config.loadFromFile(kubeconfig);
    const cluster = config.getCurrentCluster()!;
    config.clusters = config.clusters.map((c) => (c.name === cluster.name ? { ...c, server: cut.url() } : c));
    cache = new WatchCache(config, { namespacePrefix: 'magnum', retryMs: 50, maxRetryMs: 200 });
    await cache.start();
    await vi.waitFor(() => expect(cache.synced().ok).toBe(true), { timeout: 20_000 });
  });
  afterAll(async () => {
    await cache.stop();
    await cut.down();
  });

  it('is not synced while cut off, and catches up once the API answers again', async () => {
    await cut.down();
    await expect.poll(() => cache.synced().reason, { timeout: 10_000 }).toMatch(/broken/);
    expect(cache.synced().ok).toBe(false);

    // Changes made while the cache cannot see them.
    await k.create('Cluster', NS, { apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'Cluster', metadata: { name: 'during-outage-abc', labels: { 'capi.stackhpc.com/cluster': 'during-outage-abc' } }, spec: { paused: true } });
    expect(cache.objectsFor(NS, 'during-outage-abc').cluster).toBeUndefined();

    await cut.up();
    await expect.poll(() => cache.synced().ok, { timeout: 15_000 }).toBe(true);
    await expect.poll(() => cache.objectsFor(NS, 'during-outage-abc').cluster?.metadata?.name, { timeout: 10_000 }).toBe('during-outage-abc');
  });

  it('is not synced while the connection is silently lost, and catches up once it is back', async () => {
    const config = new KubeConfig();
    config.loadFromFile(kubeconfig);
    const cluster = config.getCurrentCluster()!;
    config.clusters = config.clusters.map((c) => (c.name === cluster.name ? { ...c, server: cut.url() } : c));
    // Each watch asks the server to end it after 2-4 s; one still open 2 s later has lost its connection.
    const silent = new WatchCache(config, { namespacePrefix: 'magnum', retryMs: 50, maxRetryMs: 200, watchTimeoutSeconds: 2 });
    try {
      await silent.start();
      await vi.waitFor(() => expect(silent.synced().ok).toBe(true), { timeout: 20_000 });

      cut.freeze();
      await k.create('Cluster', NS, { apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'Cluster', metadata: { name: 'while-silent-abc', labels: { 'capi.stackhpc.com/cluster': 'while-silent-abc' } }, spec: { paused: true } });
      await expect.poll(() => silent.synced().ok, { timeout: 15_000 }).toBe(false);
      expect(silent.synced().reason).toMatch(/broken/);
      expect(silent.objectsFor(NS, 'while-silent-abc').cluster).toBeUndefined();

      cut.thaw();
      await expect.poll(() => silent.synced().ok, { timeout: 15_000 }).toBe(true);
      await expect.poll(() => silent.objectsFor(NS, 'while-silent-abc').cluster?.metadata?.name, { timeout: 10_000 }).toBe('while-silent-abc');
    } finally {
      await silent.stop();
    }
  });
});
