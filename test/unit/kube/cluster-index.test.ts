import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { KubeConfig, type V1Secret } from '@kubernetes/client-node';
import { MemoryClusterIndex, locationOf, watchClusterIndex } from '../../../src/kube/cluster-index.js';

function secret(name: string, namespace: string, labels: Record<string, string>): V1Secret {
  return { metadata: { name, namespace, labels } };
}

const labels = {
  'magnum.openstack.org/cluster-uuid': 'u-1',
  'magnum.openstack.org/project-id': 'p1',
  'cluster.x-k8s.io/cluster-name': 'demo-abcdefabcdef',
};

describe('cluster index', () => {
  it.each([
    ['the credentials secret', secret('demo-abcdefabcdef-cloud-credentials', 'magnum-p1', labels), { uuid: 'u-1', release: 'demo-abcdefabcdef', namespace: 'magnum-p1', projectId: 'p1' }],
    ['a CA secret of the same cluster', secret('demo-abcdefabcdef-ca', 'magnum-p1', labels), undefined],
    ['a secret without the uuid label', secret('x-cloud-credentials', 'magnum-p1', { 'cluster.x-k8s.io/cluster-name': 'x' }), undefined],
    ['a secret without the release label', secret('x-cloud-credentials', 'magnum-p1', { 'magnum.openstack.org/cluster-uuid': 'u' }), undefined],
  ])('%s → %j', (_name, s, expected) => {
    expect(locationOf(s)).toEqual(expected);
  });

  it('adds, updates and drops clusters as their secrets come and go', () => {
    const index = new MemoryClusterIndex();
    const s = secret('demo-abcdefabcdef-cloud-credentials', 'magnum-p1', labels);
    index.put(s);
    index.put(secret('b-cloud-credentials', 'magnum-p2', { ...labels, 'magnum.openstack.org/cluster-uuid': 'u-2', 'cluster.x-k8s.io/cluster-name': 'b' }));
    expect(index.all().map((l) => l.uuid)).toEqual(['u-1', 'u-2']);
    index.drop(s);
    expect(index.lookup('u-1')).toBeUndefined();
    expect(index.lookup('u-2')?.release).toBe('b');
  });
});

/** A management API that answers secret lists with `listStatus` and holds watches open. */
async function fakeApi(listStatus: number, items: V1Secret[] = []) {
  const open = new Set<ServerResponse>();
  const requests = { count: 0 };
  const server = createServer((req, res) => {
    requests.count++;
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.searchParams.get('watch') === 'true') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      open.add(res);
      return;
    }
    res.writeHead(listStatus, { 'content-type': 'application/json' });
    res.end(JSON.stringify(listStatus === 200 ? { kind: 'SecretList', apiVersion: 'v1', metadata: { resourceVersion: '7' }, items } : { kind: 'Status', code: listStatus, message: 'unavailable' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return {
    config,
    requests,
    close: async () => {
      for (const res of open) res.end();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('watched cluster index', () => {
  it('is not synced when its first list failed, and a failure does not throw from start', async () => {
    const api = await fakeApi(503);
    const errors: unknown[] = [];
    const index = watchClusterIndex(api.config, (err) => errors.push(err), 60_000);
    try {
      await index.start();
      expect(errors.length).toBeGreaterThan(0);
      expect(index.synced()).toBe(false);
      expect(index.all()).toEqual([]);
    } finally {
      await index.stop();
      await api.close();
    }
  });

  it('is synced once its list succeeded, with the clusters it listed', async () => {
    const api = await fakeApi(200, [secret('demo-abcdefabcdef-cloud-credentials', 'magnum-p1', labels)]);
    const index = watchClusterIndex(api.config, () => undefined, 60_000);
    try {
      await index.start();
      expect(index.synced()).toBe(true);
      expect(index.lookup('u-1')?.release).toBe('demo-abcdefabcdef');
    } finally {
      await index.stop();
      await api.close();
    }
  });

  it('reports no error when stop() ends its watch', async () => {
    const api = await fakeApi(200, [secret('demo-abcdefabcdef-cloud-credentials', 'magnum-p1', labels)]);
    const errors: unknown[] = [];
    const index = watchClusterIndex(api.config, (err) => errors.push(err), 60_000);
    try {
      await index.start();
      await expect.poll(() => api.requests.count).toBeGreaterThanOrEqual(2); // the list, then the watch
      await index.stop();
      await new Promise((r) => setTimeout(r, 100));
      expect(errors).toEqual([]);
    } finally {
      await api.close();
    }
  });

  it('retries a failed list', async () => {
    const api = await fakeApi(503);
    const index = watchClusterIndex(api.config, () => undefined, 20);
    try {
      await index.start();
      await expect.poll(() => api.requests.count, { timeout: 5000 }).toBeGreaterThan(2);
    } finally {
      await index.stop();
      await api.close();
    }
  });

  it('a retry pending at stop() never runs: a stopped index stays stopped', async () => {
    const api = await fakeApi(503);
    const index = watchClusterIndex(api.config, () => undefined, 200);
    try {
      await index.start(); // the list failed; a retry is due in 200 ms
      await index.stop();
      const atStop = api.requests.count;
      await new Promise((r) => setTimeout(r, 600));
      expect(api.requests.count).toBe(atStop);
    } finally {
      await index.stop();
      await api.close();
    }
  });
});
