/**
 * Where the bench's sizes above `--api-max` come from: a recording of the
 * real API server's own answers for one cluster, replayed for N clusters
 * through a loopback HTTP API that speaks list (limit/continue) and watch
 * (bookmarks), so 5,000 and 10,000 clusters reach the cache through its own
 * ingest path without holding them all in the local API server.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { watchedKinds } from '../src/kube/watch-kinds.js';
import { BENCH_NAMESPACE, releaseOf, uuidOf } from './fixtures.js';

/** What the API server answers for one cluster, per collection path the sidecar watches: whole objects, managedFields and all. */
export interface Recording {
  /** path → the JSON of that cluster's items, with its release and uuid as placeholders. */
  items: Map<string, string[]>;
}

const RELEASE_MARK = '@@RELEASE@@';
const UUID_MARK = '@@UUID@@';

/** Records cluster `i`'s objects as the API server serves them to the sidecar's lists and watches. */
export async function record(kubeconfig: string, i: number): Promise<Recording> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  const items = new Map<string, string[]>();
  const mark = (o: unknown) => JSON.stringify(o).replaceAll(releaseOf(i), RELEASE_MARK).replaceAll(uuidOf(i), UUID_MARK);
  for (const k of watchedKinds()) {
    const path = `/apis/${k.group}/${k.version}/${k.plural}`;
    const selector = k.kind === 'OpenStackMachine' ? `cluster.x-k8s.io/cluster-name=${releaseOf(i)}` : `capi.stackhpc.com/cluster=${releaseOf(i)}`;
    const list = (await custom.listNamespacedCustomObject({ group: k.group, version: k.version, namespace: BENCH_NAMESPACE, plural: k.plural, labelSelector: selector })) as { items: unknown[] };
    items.set(path, list.items.map(mark));
  }
  // The secret watch asks for metadata only: that is what the server would send.
  const secrets = await core.listNamespacedSecret({ namespace: BENCH_NAMESPACE, labelSelector: `magnum.openstack.org/cluster-uuid=${uuidOf(i)}` });
  items.set('/api/v1/secrets', secrets.items.map((s) => mark({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: s.metadata })));
  return { items };
}

/**
 * A loopback API serving `clusters` copies of a recording: paginated lists
 * (the `continue` token is the next offset), and watches that send a
 * bookmark and stay open until their timeout. Counts every request.
 */
export async function replay(recording: Recording, clusters: number) {
  const requests = { list: 0, watch: 0 };
  const open = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const per = recording.items.get(url.pathname);
    if (!per) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', code: 404, message: `${url.pathname} not recorded` }));
      return;
    }
    if (url.searchParams.get('watch') === 'true') {
      requests.watch++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Status', metadata: { resourceVersion: '2' } } })}\n`);
      open.add(res);
      const timer = setTimeout(() => res.end(), Number(url.searchParams.get('timeoutSeconds') ?? 300) * 1000);
      res.on('close', () => {
        clearTimeout(timer);
        open.delete(res);
      });
      return;
    }
    requests.list++;
    const total = per.length * clusters;
    const limit = Number(url.searchParams.get('limit') ?? total) || total;
    const start = Number(url.searchParams.get('continue') ?? 0);
    const end = Math.min(total, start + limit);
    const parts: string[] = [];
    for (let n = start; n < end; n++) {
      const i = Math.floor(n / per.length);
      parts.push(per[n % per.length]!.replaceAll(RELEASE_MARK, releaseOf(i)).replaceAll(UUID_MARK, uuidOf(i)));
    }
    const meta = end < total ? { resourceVersion: '1', continue: String(end) } : { resourceVersion: '1' };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`{"kind":"List","apiVersion":"v1","metadata":${JSON.stringify(meta)},"items":[${parts.join(',')}]}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    requests,
    url: `http://127.0.0.1:${port}`,
    /** A kubeconfig file for this API (plain HTTP on loopback, so TLS verification is off). */
    writeKubeconfig(path: string) {
      writeFileSync(path, JSON.stringify({ apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'replay', cluster: { server: `http://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true } }], users: [{ name: 'u', user: { token: 'replay' } }], contexts: [{ name: 'replay', context: { cluster: 'replay', user: 'u' } }], 'current-context': 'replay' }));
    },
    close: async () => {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
