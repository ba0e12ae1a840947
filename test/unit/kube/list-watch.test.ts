/**
 * The list-and-watch loop against a scripted HTTP API: pages with continue,
 * an expired continue token, resume from the last resourceVersion (bookmarks
 * included), 410 Gone, a silently dead watch, and stop(). The real API server
 * case is in test/integration/status/.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { ListWatcher } from '../../../src/kube/list-watch.js';

const obj = (name: string, rv: string): KubernetesObject => ({ metadata: { name, namespace: 'magnum-x', resourceVersion: rv } });

interface Seen {
  url: URL;
  accept: string | undefined;
}

/** `onList(url)` answers each list page; `onWatch(url, res)` writes the watch stream. */
async function scripted(onList: (url: URL) => { status?: number; body: unknown }, onWatch: (url: URL, res: ServerResponse) => void) {
  const seen: Seen[] = [];
  const open = new Set<ServerResponse>();
  const server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push({ url, accept: req.headers.accept });
    if (url.searchParams.get('watch') === 'true') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      open.add(res);
      onWatch(url, res);
      return;
    }
    const answer = onList(url);
    res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return {
    config,
    seen,
    watches: () => seen.filter((s) => s.url.searchParams.get('watch') === 'true'),
    close: async () => {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function store() {
  const names = new Map<string, string>();
  const events: string[] = [];
  return {
    names,
    events,
    sink: {
      replace: (items: KubernetesObject[]) => {
        events.push(`replace ${items.map((o) => o.metadata?.name).join(',')}`);
        names.clear();
        for (const o of items) names.set(o.metadata!.name!, o.metadata!.resourceVersion!);
      },
      upsert: (o: KubernetesObject) => {
        events.push(`upsert ${o.metadata?.name}`);
        names.set(o.metadata!.name!, o.metadata!.resourceVersion!);
      },
      remove: (o: KubernetesObject) => {
        events.push(`remove ${o.metadata?.name}`);
        names.delete(o.metadata!.name!);
      },
    },
  };
}

const line = (res: ServerResponse, type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe('ListWatcher', () => {
  it('lists page by page with limit and continue, projecting each page, then watches from the list resourceVersion', async () => {
    const api = await scripted(
      (url) =>
        url.searchParams.get('continue') === 'p2'
          ? { body: { metadata: { resourceVersion: '10' }, items: [obj('c', '3')] } }
          : { body: { metadata: { resourceVersion: '10', continue: 'p2' }, items: [obj('a', '1'), obj('b', '2')] } },
      () => undefined,
    );
    cleanup.push(api.close);
    const s = store();
    const projected: string[] = [];
    const w = new ListWatcher(api.config, {
      path: '/apis/g/v1/things',
      labelSelector: 'capi.stackhpc.com/cluster',
      pageSize: 2,
      project: (o) => {
        projected.push(o.metadata!.name!);
        return o.metadata?.name === 'b' ? undefined : o;
      },
      sink: s.sink,
    });
    cleanup.push(() => w.stop());
    await w.start();
    expect(s.events).toEqual(['replace a,c']);
    expect(projected).toEqual(['a', 'b', 'c']);
    const lists = api.seen.filter((x) => !x.url.searchParams.has('watch'));
    expect(lists.map((x) => [x.url.searchParams.get('limit'), x.url.searchParams.get('continue'), x.url.searchParams.get('labelSelector')])).toEqual([
      ['2', null, 'capi.stackhpc.com/cluster'],
      ['2', 'p2', 'capi.stackhpc.com/cluster'],
    ]);
    await expect.poll(() => api.watches().length).toBe(1);
    const watch = api.watches()[0]!.url.searchParams;
    expect([watch.get('resourceVersion'), watch.get('allowWatchBookmarks'), watch.get('labelSelector')]).toEqual(['10', 'true', 'capi.stackhpc.com/cluster']);
    expect(w.requests).toEqual({ list: 2, watch: 1 });
    expect(w.state()).toMatchObject({ phase: 'watching', listed: true });
  });

  it('starts the list again when its continue token expired', async () => {
    let first = true;
    const api = await scripted((url) => {
      if (url.searchParams.get('continue') === 'old' && first) {
        first = false;
        return { status: 410, body: { kind: 'Status', code: 410, reason: 'Expired' } };
      }
      if (url.searchParams.get('continue')) return { body: { metadata: { resourceVersion: '20' }, items: [obj('b', '2')] } };
      return { body: { metadata: { resourceVersion: '20', continue: 'old' }, items: [obj('a', '1')] } };
    }, () => undefined);
    cleanup.push(api.close);
    const s = store();
    const w = new ListWatcher(api.config, { path: '/apis/g/v1/things', project: (o) => o, sink: s.sink });
    cleanup.push(() => w.stop());
    await w.start();
    expect(s.events).toEqual(['replace a,b']);
    expect(w.requests.list).toBe(4);
  });

  it('resumes a watch the server ended from the last resourceVersion it saw, a bookmark included, without listing again', async () => {
    let watches = 0;
    const api = await scripted(
      () => ({ body: { metadata: { resourceVersion: '5' }, items: [] } }),
      (_url, res) => {
        watches++;
        if (watches === 1) {
          line(res, 'ADDED', obj('a', '6'));
          line(res, 'BOOKMARK', { metadata: { resourceVersion: '9' } });
          res.end();
        }
      },
    );
    cleanup.push(api.close);
    const s = store();
    const w = new ListWatcher(api.config, { path: '/apis/g/v1/things', project: (o) => o, sink: s.sink });
    cleanup.push(() => w.stop());
    await w.start();
    await expect.poll(() => api.watches().length).toBe(2);
    expect(api.watches()[1]!.url.searchParams.get('resourceVersion')).toBe('9');
    expect(s.events).toEqual(['replace ', 'upsert a']);
    expect(w.requests.list).toBe(1);
  });

  it('lists afresh when the watch answers 410 Gone, and drops what was deleted meanwhile', async () => {
    let lists = 0;
    let watches = 0;
    const api = await scripted(
      () => {
        lists++;
        return { body: { metadata: { resourceVersion: String(lists * 100) }, items: lists === 1 ? [obj('a', '1'), obj('b', '2')] : [obj('b', '2')] } };
      },
      (_url, res) => {
        watches++;
        if (watches === 1) {
          line(res, 'ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' });
          res.end();
        }
      },
    );
    cleanup.push(api.close);
    const s = store();
    const errors: unknown[] = [];
    const w = new ListWatcher(api.config, { path: '/apis/g/v1/things', project: (o) => o, sink: s.sink, onError: (e) => errors.push(e) });
    cleanup.push(() => w.stop());
    await w.start();
    await expect.poll(() => api.watches().length).toBe(2);
    expect(s.events).toEqual(['replace a,b', 'replace b']);
    expect(api.watches()[1]!.url.searchParams.get('resourceVersion')).toBe('200');
    // Gone is the server's ordinary "list again", not a failure.
    expect(errors).toEqual([]);
  });

  it('passes ADDED, MODIFIED and DELETED through the projection to the sink', async () => {
    const api = await scripted(
      () => ({ body: { metadata: { resourceVersion: '1' }, items: [] } }),
      (_url, res) => {
        line(res, 'ADDED', obj('a', '2'));
        line(res, 'ADDED', obj('other', '3'));
        line(res, 'MODIFIED', obj('a', '4'));
        line(res, 'DELETED', obj('a', '5'));
      },
    );
    cleanup.push(api.close);
    const s = store();
    const w = new ListWatcher(api.config, { path: '/apis/g/v1/things', project: (o) => (o.metadata?.name === 'other' ? undefined : o), sink: s.sink });
    cleanup.push(() => w.stop());
    await w.start();
    await expect.poll(() => s.events.length).toBe(4);
    expect(s.events).toEqual(['replace ', 'upsert a', 'upsert a', 'remove a']);
    expect(w.lastEventAt).toBeInstanceOf(Date);
  });

  it('asks for metadata only when told, on the list and on the watch', async () => {
    const api = await scripted(() => ({ body: { metadata: { resourceVersion: '1' }, items: [] } }), () => undefined);
    cleanup.push(api.close);
    const w = new ListWatcher(api.config, { path: '/api/v1/secrets', metadataOnly: true, project: (o) => o, sink: store().sink });
    cleanup.push(() => w.stop());
    await w.start();
    await expect.poll(() => api.watches().length).toBe(1);
    expect(api.seen.map((x) => x.accept)).toEqual([
      'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1',
      'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1',
    ]);
  });

  it('finds a watch that stays open silently past its limit, reports it broken and resumes it', async () => {
    const api = await scripted(() => ({ body: { metadata: { resourceVersion: '1' }, items: [] } }), () => undefined);
    cleanup.push(api.close);
    const errors: unknown[] = [];
    // Asked to end within 1-2 s, allowed 1 s more: the silent server never ends it.
    const w = new ListWatcher(api.config, { path: '/apis/g/v1/things', project: (o) => o, sink: store().sink, watchTimeoutSeconds: 1, backoff: { baseMs: 10, maxMs: 10 }, onError: (e) => errors.push(e) });
    cleanup.push(() => w.stop());
    await w.start();
    await expect.poll(() => errors.length, { timeout: 6000 }).toBeGreaterThan(0);
    expect(String((errors[0] as Error).message)).toMatch(/connection lost/);
    expect(w.restarts).toBeGreaterThan(0);
    await expect.poll(() => api.watches().length, { timeout: 6000 }).toBeGreaterThan(1);
    expect(w.requests.list).toBe(1);
  });

  it('marks a failed list broken with the status, retries with back-off, and makes no request after stop()', async () => {
    const api = await scripted(() => ({ status: 503, body: { kind: 'Status', code: 503, message: 'etcd leader changed' } }), () => undefined);
    cleanup.push(api.close);
    const w = new ListWatcher(api.config, { path: '/apis/g/v1/things', project: (o) => o, sink: store().sink, backoff: { baseMs: 20, maxMs: 40 } });
    await w.start();
    expect(w.state()).toMatchObject({ phase: 'broken', listed: false, error: 'HTTP 503: etcd leader changed' });
    await expect.poll(() => api.seen.length).toBeGreaterThan(2);
    await w.stop();
    // Counted as the watcher makes them: one sent just before stop() can reach the server a moment after it.
    const made = () => w.requests.list + w.requests.watch;
    const atStop = made();
    await new Promise((r) => setTimeout(r, 200));
    expect(made()).toBe(atStop);
    // And none the watcher did not count (one aborted before it was written never arrives).
    expect(api.seen.length).toBeLessThanOrEqual(atStop);
    expect(w.state().phase).toBe('stopped');
  });
});
