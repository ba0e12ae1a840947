/**
 * stop() ends every watch the cache opened, counted by the API server itself
 * (its apiserver_longrunning_requests gauge), including a stop() that comes
 * while the first lists are still running.
 */
import { request } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, inject, it, vi } from 'vitest';
import { WatchCache } from '../../../src/kube/watch-cache.js';
import { watchedKinds } from '../../../src/kube/watch-kinds.js';

const GROUPS = new Set(watchedKinds().map((k) => k.group));

/** Watches open now on the kinds the cache watches, as the API server counts them. */
async function openWatches(config: KubeConfig): Promise<number> {
  const url = new URL(`${config.getCurrentCluster()!.server}/metrics`);
  const options: import('node:https').RequestOptions = { hostname: url.hostname, port: url.port, path: url.pathname, method: 'GET', headers: {} };
  await config.applyToHTTPSOptions(options);
  const text = await new Promise<string>((resolve, reject) => {
    const req = request(options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`GET /metrics: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
  let n = 0;
  for (const m of text.matchAll(/^apiserver_longrunning_requests\{([^}]*)\} (\d+)$/gm)) {
    const group = /group="([^"]*)"/.exec(m[1]!)?.[1] ?? '';
    if (GROUPS.has(group) && m[1]!.includes('verb="WATCH"')) n += Number(m[2]);
  }
  return n;
}

describe('WatchCache stop()', () => {
  const config = new KubeConfig();
  config.loadFromFile(inject('kubeconfig'));

  it('ends the watches a started cache holds', async () => {
    const baseline = await openWatches(config);
    const cache = new WatchCache(config, { namespacePrefix: 'magnum' });
    await cache.start();
    await vi.waitFor(() => expect(cache.synced().ok).toBe(true), { timeout: 20_000 });
    expect(await openWatches(config)).toBe(baseline + watchedKinds().length);
    await cache.stop();
    await expect.poll(() => openWatches(config), { timeout: 10_000 }).toBe(baseline);
  });

  it('opens no watch when stop() comes while the lists are running', async () => {
    const baseline = await openWatches(config);
    const cache = new WatchCache(config, { namespacePrefix: 'magnum' });
    const started = cache.start();
    await cache.stop();
    // start() returns once every kind has listed and gone on to its watch.
    await started;
    expect(cache.requests.list).toBe(watchedKinds().length);
    await expect.poll(() => openWatches(config), { timeout: 10_000 }).toBe(baseline);
  });
});
