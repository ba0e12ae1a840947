/**
 * One list+watch per Cluster API kind across all namespaces, feeding an
 * in-memory index by (namespace, release). Status calls read the index and
 * cost the management cluster nothing; the number of watches does not grow
 * with the number of clusters.
 *
 * Every watch runs on the one list-and-watch loop (`list-watch.ts`: paginated
 * lists, resume from resourceVersion with bookmarks, back-off, dead-connection
 * detection, stop). Each object is reduced to its projection (`status/
 * projections.ts`) as it arrives, so the cache holds a few KB per cluster,
 * not the chart's whole objects. Lists and watches are label-selected on the
 * server (`watch-kinds.ts`), and objects outside Magnum's namespaces are
 * dropped before they are stored.
 *
 * `synced()` is true only when every kind has listed and none is broken, so
 * a missing CRD (list answers 404) shows as "not synced" with the reason.
 */
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { isManagedNamespace } from '../magnum/names.js';
import type { CapiObject, ClusterObjects } from '../status/objects.js';
import type { KindState as ObservedKind } from '../status/observed.js';
import { ClusterObjectIndex } from './cache-index.js';
import { ListWatcher } from './list-watch.js';
import { DEFAULT_BACKOFF } from './watch-backoff.js';
import { watchedKinds, type KindName, type WatchedKind } from './watch-kinds.js';

export interface WatchCacheOptions {
  /** Magnum's namespace prefix: objects outside `<prefix>-…` namespaces are ignored. */
  namespacePrefix: string;
  /** Cluster API version the management cluster serves (v1beta1 by default; v1beta2 on CAPI 1.11+). */
  capiVersion?: string;
  /** First retry delay after a failure; doubles up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
  onError?: (kind: KindName, err: unknown) => void;
  /** Told of every object the cache takes in (listed, added, changed or deleted), for metrics. */
  onEvent?: (kind: KindName) => void;
  /** How long the server is asked to keep each watch open (default 300 s, randomised up to twice that). */
  watchTimeoutSeconds?: number;
  /** Objects per list page (default 100: a page of the chart's Manifests is then under 3 MB of JSON). */
  pageSize?: number;
}

export interface SyncState {
  ok: boolean;
  reason: string;
}

/** What status code reads: the objects of one cluster, and whether they can be trusted. */
export interface ClusterObjectSource {
  objectsFor(namespace: string, release: string): ClusterObjects;
  synced(): SyncState;
  /** Each kind's state, so a missing or forbidden kind degrades only the parts that need it. */
  kindStates?(): ObservedKind[];
}

/** One kind's watch, for metrics: objects held, restarts after failures, the last event seen. */
export interface KindStats {
  kind: KindName;
  objects: number;
  restarts: number;
  lastEventAt: Date | null;
  requests: { list: number; watch: number };
}

export class WatchCache implements ClusterObjectSource {
  private readonly index: ClusterObjectIndex;
  private readonly watchers = new Map<KindName, ListWatcher<CapiObject>>();
  private readonly kinds: WatchedKind[];
  private readonly gets = { count: 0 };

  constructor(
    config: KubeConfig,
    private readonly opts: WatchCacheOptions,
    kinds?: WatchedKind[],
  ) {
    this.kinds = kinds ?? watchedKinds(opts.capiVersion);
    this.index = new ClusterObjectIndex(opts.namespacePrefix);
    const backoff = { baseMs: opts.retryMs ?? DEFAULT_BACKOFF.baseMs, maxMs: opts.maxRetryMs ?? DEFAULT_BACKOFF.maxMs };
    for (const kind of this.kinds) {
      this.watchers.set(
        kind.kind,
        new ListWatcher<CapiObject>(config, {
          path: `/apis/${kind.group}/${kind.version}/${kind.plural}`,
          labelSelector: kind.labelSelector,
          project: (raw) => this.project(kind, raw),
          sink: {
            replace: (items) => {
              this.index.replace(kind, items);
              if (items.length > 0) this.seen(kind.kind);
            },
            upsert: (o) => {
              this.index.put(kind, o);
              this.seen(kind.kind);
            },
            remove: (o) => {
              this.index.remove(kind, o);
              this.seen(kind.kind);
            },
          },
          pageSize: opts.pageSize,
          backoff,
          watchTimeoutSeconds: opts.watchTimeoutSeconds,
          onError: (err) => opts.onError?.(kind.kind, err),
        }),
      );
    }
  }

  /**
   * Objects of Magnum's namespaces, projected. The API cannot select
   * namespaces by prefix, so the lists and watches see every namespace; the
   * rest (another product's clusters on a shared management cluster) is
   * dropped here, so memory follows Magnum's clusters only.
   */
  private project(kind: WatchedKind, raw: KubernetesObject): CapiObject | undefined {
    if (!isManagedNamespace(raw.metadata?.namespace, this.opts.namespacePrefix)) return undefined;
    return kind.project(raw as CapiObject);
  }

  private seen(kind: KindName): void {
    this.opts.onEvent?.(kind);
  }

  /** Requests made to the management API: list pages, watch connections, fresh GETs. */
  get requests(): { list: number; watch: number; get: number } {
    let list = 0;
    let watch = 0;
    for (const w of this.watchers.values()) {
      list += w.requests.list;
      watch += w.requests.watch;
    }
    return { list, watch, get: this.gets.count };
  }

  /** Counts a fresh read made beside the cache (the delete's remnant lists), so `requests` tells the whole cost. */
  countFreshRead(): void {
    this.gets.count++;
  }

  async start(): Promise<void> {
    await Promise.all([...this.watchers.values()].map((w) => w.start()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.watchers.values()].map((w) => w.stop()));
  }

  synced(): SyncState {
    const problems = this.kinds.flatMap((k) => {
      const s = this.watchers.get(k.kind)!.state();
      if (s.phase === 'idle' || s.phase === 'stopped') return [`${k.kind} not started`];
      if (s.phase === 'broken') return [`${k.kind} broken: ${s.error ?? 'unknown error'}`];
      if (!s.listed) return [`${k.kind} listing`];
      return [];
    });
    return problems.length === 0 ? { ok: true, reason: 'all watches synced' } : { ok: false, reason: `watches not synced: ${problems.join('; ')}` };
  }

  objectsFor(namespace: string, release: string): ClusterObjects {
    return this.index.objectsFor(namespace, release);
  }

  kindStates(): ObservedKind[] {
    return this.kinds.map((k) => {
      const s = this.watchers.get(k.kind)!.state();
      return { kind: k.kind, listed: s.listed, broken: s.phase === 'broken', error: s.error };
    });
  }

  /** Objects held per kind (Magnum's namespaces only), for metrics. */
  objectCounts(): Record<KindName, number> {
    const counts = {} as Record<KindName, number>;
    for (const k of this.stats()) counts[k.kind] = k.objects;
    return counts;
  }

  /** Releases the cache knows objects of, for the benchmark and operators. */
  size(): number {
    return this.index.size();
  }

  /** Per kind: objects held, restarts, last event, requests. For a scrape, not a status call. */
  stats(): KindStats[] {
    const perKind = this.index.countsByKind();
    return this.kinds.map((k) => {
      const w = this.watchers.get(k.kind)!;
      return { kind: k.kind, objects: perKind.get(k.kind) ?? 0, restarts: w.restarts, lastEventAt: w.lastEventAt, requests: { ...w.requests } };
    });
  }

  /** Every object the cache holds, as held: for tests that prove what never reaches it. */
  contents(): CapiObject[] {
    return [...this.index.contents()];
  }
}
