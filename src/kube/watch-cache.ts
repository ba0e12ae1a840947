/**
 * One list+watch per Cluster API kind across all namespaces, feeding an
 * in-memory index by (namespace, release). Status calls read the index and
 * cost the management cluster nothing; the number of watches does not grow
 * with the number of clusters. A broken watch re-lists after a back-off, and
 * `synced()` is false until every kind has listed and none is broken.
 */
import { CustomObjectsApi, KubeConfig, ListWatch, Watch, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { CapiObject, ClusterObjects } from '../status/objects.js';
import { describeError as describe, isNotFound, managementError } from './errors.js';
import { watchedKinds, type KindName, type WatchedKind } from './watch-kinds.js';

interface Entry {
  cluster?: CapiObject;
  openstackCluster?: CapiObject;
  controlPlane?: CapiObject;
  machineDeployments: Map<string, CapiObject>;
  machines: Map<string, CapiObject>;
  addons: Map<string, CapiObject>;
}

type KindState = { phase: 'listing' | 'watching' | 'broken'; error?: string };

export interface WatchCacheOptions {
  namespacePrefix: string;
  retryMs?: number;
  onError?: (kind: KindName, err: unknown) => void;
}

export interface ClusterObjectSource {
  objectsFor(namespace: string, release: string): ClusterObjects;
  synced(): { ok: boolean; reason: string };
}

export class WatchCache implements ClusterObjectSource {
  private readonly index = new Map<string, Entry>();
  private readonly states = new Map<KindName, KindState>();
  private readonly informers: ListWatch<KubernetesObject>[] = [];
  private readonly custom: CustomObjectsApi;
  private stopped = false;
  /** Requests made to the management API: lists and watch connections. */
  readonly requests = { list: 0, watch: 0, get: 0 };

  constructor(
    private readonly config: KubeConfig,
    private readonly opts: WatchCacheOptions,
    private readonly kinds: WatchedKind[] = watchedKinds(),
  ) {
    this.custom = config.makeApiClient(CustomObjectsApi);
  }

  private key(namespace: string, release: string): string {
    return `${namespace}/${release}`;
  }

  private entry(namespace: string, release: string): Entry {
    const k = this.key(namespace, release);
    let e = this.index.get(k);
    if (!e) {
      e = { machineDeployments: new Map(), machines: new Map(), addons: new Map() };
      this.index.set(k, e);
    }
    return e;
  }

  private ours(obj: CapiObject): boolean {
    return obj.metadata?.namespace?.startsWith(`${this.opts.namespacePrefix}-`) ?? false;
  }

  private put(kind: WatchedKind, obj: CapiObject, present: boolean): void {
    if (!this.ours(obj)) return;
    const release = kind.releaseOf(obj);
    const ns = obj.metadata?.namespace;
    const name = obj.metadata?.name;
    if (!release || !ns || !name) return;
    const e = this.entry(ns, release);
    const set = <K extends 'cluster' | 'openstackCluster' | 'controlPlane'>(field: K) => {
      if (present) e[field] = obj;
      else if (e[field]?.metadata?.name === name) delete e[field];
    };
    const map = (m: Map<string, CapiObject>) => (present ? m.set(name, obj) : m.delete(name));
    switch (kind.kind) {
      case 'Cluster': set('cluster'); break;
      case 'OpenStackCluster': set('openstackCluster'); break;
      case 'KubeadmControlPlane': set('controlPlane'); break;
      case 'MachineDeployment': map(e.machineDeployments); break;
      case 'Machine': map(e.machines); break;
      case 'HelmRelease':
      case 'Manifests': map(e.addons); break;
    }
  }

  async start(): Promise<void> {
    const watch = new Watch(this.config);
    await Promise.all(this.kinds.map((kind) => this.startKind(kind, watch)));
  }

  private async startKind(kind: WatchedKind, watch: Watch): Promise<void> {
    const path = `/apis/${kind.group}/${kind.version}/${kind.plural}`;
    const list = async () => {
      this.requests.list++;
      this.states.set(kind.kind, { phase: 'listing' });
      const result = (await this.custom.listClusterCustomObject({ group: kind.group, version: kind.version, plural: kind.plural })) as KubernetesListObject<KubernetesObject>;
      // Listed: the cache holds every object; the watch opens right after, and an error there marks it broken.
      this.states.set(kind.kind, { phase: 'watching' });
      return result;
    };
    const informer = new ListWatch<KubernetesObject>(path, watch, list, false);
    // The cache reads objects through the loose CapiObject view (status fields are untyped here).
    informer.on('add', (o) => this.put(kind, o as CapiObject, true));
    informer.on('update', (o) => this.put(kind, o as CapiObject, true));
    informer.on('delete', (o) => this.put(kind, o as CapiObject, false));
    informer.on('connect', () => {
      this.requests.watch++;
    });
    const restart = () => {
      setTimeout(() => {
        if (!this.stopped) void informer.start().catch((e) => fail(e));
      }, this.opts.retryMs ?? 1000).unref();
    };
    const fail = (err: unknown) => {
      this.states.set(kind.kind, { phase: 'broken', error: describe(err) });
      this.opts.onError?.(kind.kind, err);
      if (!this.stopped) restart();
    };
    // ListWatch reports a failed list or a dropped watch here, then waits to be started again.
    informer.on('error', fail);
    this.informers.push(informer);
    try {
      await informer.start();
    } catch (err) {
      fail(err);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.informers.map((i) => i.stop()));
  }

  synced(): { ok: boolean; reason: string } {
    const problems = this.kinds
      .map((k) => [k.kind, this.states.get(k.kind)] as const)
      .filter(([, s]) => s?.phase !== 'watching')
      .map(([k, s]) => `${k} ${s ? `${s.phase}${s.error ? `: ${s.error}` : ''}` : 'not started'}`);
    return problems.length === 0 ? { ok: true, reason: 'all watches synced' } : { ok: false, reason: `watches not synced: ${problems.join('; ')}` };
  }

  objectsFor(namespace: string, release: string): ClusterObjects {
    const e = this.index.get(this.key(namespace, release));
    if (!e) return { machineDeployments: [], machines: [], addons: [] };
    return {
      cluster: e.cluster,
      openstackCluster: e.openstackCluster,
      controlPlane: e.controlPlane,
      machineDeployments: [...e.machineDeployments.values()],
      machines: [...e.machines.values()],
      addons: [...e.addons.values()],
    };
  }

  /** Releases the cache knows objects of, for the benchmark and operators. */
  size(): number {
    return this.index.size;
  }

  /** A fresh GET of the Cluster, bypassing the cache: true only when the API says 404. */
  async confirmClusterAbsent(namespace: string, release: string): Promise<boolean> {
    const kind = this.kinds.find((k) => k.kind === 'Cluster')!;
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
