/**
 * One list+watch per Cluster API kind across all namespaces, feeding an
 * in-memory index by (namespace, release). Status calls read the index and
 * cost the management cluster nothing; the number of watches does not grow
 * with the number of clusters.
 *
 * A watch that ends cleanly is resumed at once from its last resourceVersion
 * (client-node re-lists when the server answers 410 Gone). A failed list or
 * watch marks the kind broken and retries after a doubling back-off; the
 * retry resumes the watch, or re-lists when no resourceVersion is held yet.
 * `synced()` is true only when every kind has listed and none is broken, so
 * a missing CRD (list answers 404) shows as "not synced" with the reason.
 *
 * A connection can also die silently (a network that drops packets, a proxy
 * whose upstream went): no error, no close, and no event ever again, while
 * TCP keepalive, answered by whatever holds the other end, may never tell.
 * So each watch asks the server to end it after `watchTimeoutSeconds`
 * (randomised up to twice that, as client-go does) and is then resumed; one
 * still open well past that has lost its connection and is aborted as broken.
 * Connection attempts and lists are bounded too.
 */
import { CustomObjectsApi, KubeConfig, ListWatch, Watch, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import { isManagedNamespace } from '../magnum/names.js';
import type { CapiObject, ClusterObjects } from '../status/objects.js';
import type { KindState as ObservedKind } from '../status/observed.js';
import { ClusterObjectIndex } from './cache-index.js';
import { describeError as describe, isNotFound, managementError } from './errors.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './watch-backoff.js';
import { watchedKinds, type KindName, type WatchedKind } from './watch-kinds.js';

type KindState = { phase: 'listing' | 'watching' | 'broken'; listed: boolean; failures: number; error?: string };

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
}

const DEFAULT_WATCH_TIMEOUT_SECONDS = 300;

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

export class WatchCache implements ClusterObjectSource {
  private readonly index: ClusterObjectIndex;
  private readonly states = new Map<KindName, KindState>();
  private readonly informers: ListWatch<KubernetesObject>[] = [];
  private readonly informerOf = new Map<KindName, ListWatch<KubernetesObject>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly custom: CustomObjectsApi;
  private readonly kinds: WatchedKind[];
  private readonly backoff: BackoffPolicy;
  private readonly watchSeconds: number;
  /** The config the watches use: the same, with a bound on each connection attempt. */
  private readonly watchConfig: KubeConfig;
  private stopped = false;
  /** Requests made to the management API: lists, watch connections, fresh GETs. */
  readonly requests = { list: 0, watch: 0, get: 0 };

  constructor(
    private readonly config: KubeConfig,
    private readonly opts: WatchCacheOptions,
    kinds?: WatchedKind[],
  ) {
    this.custom = config.makeApiClient(CustomObjectsApi);
    this.kinds = kinds ?? watchedKinds(opts.capiVersion);
    this.index = new ClusterObjectIndex(opts.namespacePrefix);
    this.backoff = { baseMs: opts.retryMs ?? DEFAULT_BACKOFF.baseMs, maxMs: opts.maxRetryMs ?? DEFAULT_BACKOFF.maxMs };
    this.watchSeconds = opts.watchTimeoutSeconds ?? DEFAULT_WATCH_TIMEOUT_SECONDS;
    // Watch takes its fetch options from the config, and node-fetch's `timeout` bounds a request up to its response headers.
    const bounded = Object.create(config) as KubeConfig;
    bounded.applyToFetchOptions = (o) => config.applyToFetchOptions({ ...o, timeout: this.graceMs() });
    this.watchConfig = bounded;
  }

  /** How long past the asked-for timeout a watch may stay open, and how long a connection attempt may take. */
  private graceMs(): number {
    return Math.min(30, this.watchSeconds) * 1000;
  }

  /** How long a list may take: longer, since a large management cluster's list is megabytes. */
  private listTimeoutMs(): number {
    return Math.max(this.graceMs(), 120_000);
  }

  /** The server's limit for one watch: between once and twice the configured time, so watches do not all end together. */
  private watchLimitSeconds(): number {
    return Math.ceil(this.watchSeconds * (1 + Math.random()));
  }

  async start(): Promise<void> {
    this.stopped = false;
    await Promise.all(this.kinds.map((kind) => this.startKind(kind)));
  }

  /**
   * Objects of Magnum's namespaces. The API cannot select namespaces by
   * prefix, so the lists and watches see every namespace; the rest (another
   * product's clusters on a shared management cluster) is dropped before
   * ListWatch stores it, so memory follows Magnum's clusters only.
   */
  private managed(obj: KubernetesObject): boolean {
    return isManagedNamespace(obj.metadata?.namespace, this.opts.namespacePrefix);
  }

  private state(kind: KindName): KindState {
    let s = this.states.get(kind);
    if (!s) {
      s = { phase: 'listing', listed: false, failures: 0 };
      this.states.set(kind, s);
    }
    return s;
  }

  /** A Watch whose connections are counted, and which tells when one is established. */
  private countingWatch(kind: KindName): Watch {
    const watch = new Watch(this.watchConfig);
    const open = watch.watch.bind(watch);
    watch.watch = async (path, params, callback, done) => {
      // ListWatch opens its watch when a list returns, even if stop() came
      // while it ran (and stop() cannot abort what is not open yet): nothing
      // may outlive stop(), or the process keeps watching until the API
      // server ends the watch.
      if (this.stopped) return new AbortController();
      this.requests.watch++;
      const limit = this.watchLimitSeconds();
      let failed = false;
      let ended = false;
      let lost = false;
      let deadline: NodeJS.Timeout | undefined;
      const onEvent = (phase: string, obj: KubernetesObject, raw: unknown) => {
        if ((phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED') && !this.managed(obj)) {
          // Not ours: ListWatch keeps only its resourceVersion, so a resumed watch starts after it.
          callback('BOOKMARK', { metadata: { resourceVersion: obj.metadata?.resourceVersion } }, raw);
          return;
        }
        callback(phase, obj, raw);
      };
      const controller = await open(path, { ...params, timeoutSeconds: limit }, onEvent, (err: unknown) => {
        ended = true;
        if (deadline) {
          clearTimeout(deadline);
          this.timers.delete(deadline);
        }
        const why = lost ? new Error(`watch still open ${limit + this.graceMs() / 1000} s after it asked the server to end it at ${limit} s: connection lost`) : err;
        if (why) failed = true;
        done(why);
      });
      if (this.stopped) {
        controller.abort();
        return controller;
      }
      if (!ended) {
        deadline = setTimeout(() => {
          this.timers.delete(deadline!);
          lost = true;
          controller.abort();
        }, limit * 1000 + this.graceMs());
        deadline.unref();
        this.timers.add(deadline);
      }
      if (!failed) {
        const s = this.state(kind);
        s.phase = 'watching';
        s.failures = 0;
        delete s.error;
      }
      return controller;
    };
    return watch;
  }

  private async startKind(kind: WatchedKind): Promise<void> {
    const path = `/apis/${kind.group}/${kind.version}/${kind.plural}`;
    const list = async () => {
      this.requests.list++;
      this.state(kind.kind).phase = 'listing';
      const result = (await this.bounded(
        this.custom.listClusterCustomObject({ group: kind.group, version: kind.version, plural: kind.plural }),
        `list ${kind.plural}`,
      )) as KubernetesListObject<KubernetesObject>;
      // ListWatch stores every object it is given: only ours may reach it.
      result.items = result.items.filter((o) => this.managed(o));
      const s = this.state(kind.kind);
      s.listed = true;
      // Listed: the index holds every object; the watch opens next and an error there marks it broken again.
      s.phase = 'watching';
      return result;
    };
    const informer = new ListWatch<KubernetesObject>(path, this.countingWatch(kind.kind), list, false);
    // The index reads objects through the loose CapiObject view (status fields are untyped here).
    const seen = () => this.opts.onEvent?.(kind.kind);
    informer.on('add', (o) => {
      this.index.put(kind, o as CapiObject);
      seen();
    });
    informer.on('update', (o) => {
      this.index.put(kind, o as CapiObject);
      seen();
    });
    informer.on('delete', (o) => {
      this.index.remove(kind, o as CapiObject);
      seen();
    });
    const fail = (err: unknown) => {
      if (this.stopped) return;
      const s = this.state(kind.kind);
      s.phase = 'broken';
      s.failures++;
      s.error = describe(err);
      this.opts.onError?.(kind.kind, err);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (!this.stopped) informer.start().catch(fail);
      }, backoffDelay(s.failures, this.backoff));
      timer.unref();
      this.timers.add(timer);
    };
    // ListWatch reports a failed list or a broken watch here, then waits to be started again.
    informer.on('error', fail);
    this.informers.push(informer);
    this.informerOf.set(kind.kind, informer);
    this.state(kind.kind);
    try {
      await informer.start();
    } catch (err) {
      fail(err);
    }
  }

  /** A list that has not answered in time fails (its connection is taken for lost), so the kind retries. */
  private bounded<T>(request: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const ms = this.listTimeoutMs();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
      timer.unref();
    });
    return Promise.race([request, timeout]).finally(() => clearTimeout(timer));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.all(this.informers.map((i) => i.stop()));
  }

  synced(): SyncState {
    const problems = this.kinds.flatMap((k) => {
      const s = this.states.get(k.kind);
      if (!s) return [`${k.kind} not started`];
      if (s.phase === 'broken') return [`${k.kind} broken: ${s.error ?? 'unknown error'}`];
      if (!s.listed) return [`${k.kind} listing`];
      return [];
    });
    return problems.length === 0 ? { ok: true, reason: 'all watches synced' } : { ok: false, reason: `watches not synced: ${problems.join('; ')}` };
  }

  objectsFor(namespace: string, release: string): ClusterObjects {
    return this.index.objectsFor(namespace, release);
  }

  /** Objects held per kind (Magnum's namespaces only), for metrics. */
  objectCounts(): Record<KindName, number> {
    const counts = {} as Record<KindName, number>;
    for (const k of this.kinds) counts[k.kind] = this.informerOf.get(k.kind)?.list().length ?? 0;
    return counts;
  }

  kindStates(): ObservedKind[] {
    return this.kinds.map((k) => {
      const s = this.states.get(k.kind);
      return { kind: k.kind, listed: s?.listed ?? false, broken: s?.phase === 'broken', error: s?.error };
    });
  }

  /** Releases the cache knows objects of, for the benchmark and operators. */
  size(): number {
    return this.index.size();
  }

  /**
   * A fresh GET of the Cluster, bypassing the cache, to back DELETE_COMPLETE:
   * true only when the API answers 404; false when it exists; any other
   * failure throws (a delete must never complete on an error).
   */
  async confirmClusterAbsent(namespace: string, release: string): Promise<boolean> {
    const kind = this.kinds.find((k) => k.kind === 'Cluster');
    if (!kind) throw new Error('watch cache has no Cluster kind');
    this.requests.get++;
    try {
      await this.custom.getNamespacedCustomObject({ group: kind.group, version: kind.version, namespace, plural: kind.plural, name: release });
      return false;
    } catch (err) {
      if (isNotFound(err)) return true;
      throw managementError(err, `read Cluster ${namespace}/${release}`);
    }
  }
}
