/**
 * The in-memory index the watch cache feeds: every Cluster API object of a
 * Magnum cluster under its (namespace, release). Pure bookkeeping, no I/O, so
 * it is tested on its own; `WatchCache` only routes watch events here.
 *
 * Built for ten thousand clusters: one small record of a fixed shape per
 * cluster, its lists plain arrays (a cluster has a few dozen objects, so a
 * scan by name is cheaper than a Map's table), filed by namespace and then by
 * release (no key string per cluster). The arrays are replaced, never changed
 * in place, so `objectsFor` hands them out without copying and what a caller
 * holds does not change under it.
 */
import { isManagedNamespace } from '../magnum/names.js';
import type { CapiObject, ClusterObjects } from '../status/objects.js';
import type { WatchedKind } from './watch-kinds.js';

interface Entry {
  cluster: CapiObject | undefined;
  openstackCluster: CapiObject | undefined;
  controlPlane: CapiObject | undefined;
  machineDeployments: readonly CapiObject[];
  machines: readonly CapiObject[];
  openstackMachines: readonly CapiObject[];
  addons: readonly CapiObject[];
}

type Single = 'cluster' | 'openstackCluster' | 'controlPlane';
type Many = 'machineDeployments' | 'machines' | 'openstackMachines' | 'addons';

/** Where each kind's objects go in `ClusterObjects`. */
const SLOT: Record<WatchedKind['kind'], Single | Many> = {
  Cluster: 'cluster',
  OpenStackCluster: 'openstackCluster',
  KubeadmControlPlane: 'controlPlane',
  MachineDeployment: 'machineDeployments',
  Machine: 'machines',
  OpenStackMachine: 'openstackMachines',
  // HelmRelease and Manifests may share a name: the kind keeps them apart.
  HelmRelease: 'addons',
  Manifests: 'addons',
};

const MANY: ReadonlySet<Single | Many> = new Set(['machineDeployments', 'machines', 'openstackMachines', 'addons']);
const isMany = (slot: Single | Many): slot is Many => MANY.has(slot);

const NONE: readonly CapiObject[] = Object.freeze([]);

const newEntry = (): Entry => ({ cluster: undefined, openstackCluster: undefined, controlPlane: undefined, machineDeployments: NONE, machines: NONE, openstackMachines: NONE, addons: NONE });

const isEmpty = (e: Entry) => !e.cluster && !e.openstackCluster && !e.controlPlane && e.machineDeployments.length + e.machines.length + e.openstackMachines.length + e.addons.length === 0;

/** The same object as `b`: same name, and (HelmRelease and Manifests sharing a list) same kind. */
const same = (a: CapiObject, b: CapiObject) => a.metadata?.name === b.metadata?.name && a.kind === b.kind;

export class ClusterObjectIndex {
  /** namespace → release → entry. */
  private readonly namespaces = new Map<string, Map<string, Entry>>();
  private entryCount = 0;

  /** `namespacePrefix` is Magnum's namespace prefix: only `<prefix>-…` namespaces are ours. */
  constructor(private readonly namespacePrefix: string) {}

  /** The namespace and release an object is filed under, or undefined when it is not one of ours. */
  private locate(kind: WatchedKind, obj: CapiObject): { namespace: string; release: string } | undefined {
    const namespace = obj.metadata?.namespace;
    if (!namespace || !obj.metadata?.name || !isManagedNamespace(namespace, this.namespacePrefix)) return undefined;
    const release = kind.releaseOf(obj);
    return release ? { namespace, release } : undefined;
  }

  private entry(namespace: string, release: string): Entry | undefined {
    return this.namespaces.get(namespace)?.get(release);
  }

  private drop(namespace: string, release: string): void {
    const releases = this.namespaces.get(namespace);
    if (!releases?.delete(release)) return;
    this.entryCount--;
    if (releases.size === 0) this.namespaces.delete(namespace);
  }

  /** An object was added or changed. */
  put(kind: WatchedKind, obj: CapiObject): void {
    const at = this.locate(kind, obj);
    if (!at) return;
    let releases = this.namespaces.get(at.namespace);
    if (!releases) this.namespaces.set(at.namespace, (releases = new Map()));
    let e = releases.get(at.release);
    if (!e) {
      releases.set(at.release, (e = newEntry()));
      this.entryCount++;
    }
    const slot = SLOT[kind.kind];
    if (!isMany(slot)) {
      e[slot] = obj;
      return;
    }
    const list = e[slot];
    const i = list.findIndex((o) => same(o, obj));
    e[slot] = i < 0 ? [...list, obj] : list.map((o, n) => (n === i ? obj : o));
  }

  /** An object was deleted. Empty entries go, so the index does not grow with deleted clusters. */
  remove(kind: WatchedKind, obj: CapiObject): void {
    const at = this.locate(kind, obj);
    const e = at && this.entry(at.namespace, at.release);
    if (!at || !e) return;
    const slot = SLOT[kind.kind];
    if (isMany(slot)) {
      const kept = e[slot].filter((o) => !same(o, obj));
      e[slot] = kept.length ? kept : NONE;
    } else if (e[slot]?.metadata?.name === obj.metadata?.name) e[slot] = undefined;
    if (isEmpty(e)) this.drop(at.namespace, at.release);
  }

  /**
   * A fresh list of one kind: every object of that kind is replaced by
   * `objects` (what was deleted while no watch ran goes), the other kinds stay.
   */
  replace(kind: WatchedKind, objects: CapiObject[]): void {
    const slot = SLOT[kind.kind];
    for (const [namespace, releases] of [...this.namespaces]) {
      for (const [release, e] of [...releases]) {
        if (isMany(slot)) {
          // HelmRelease and Manifests share the addons list: drop only this kind's.
          const kept = e[slot].filter((o) => o.kind !== kind.kind);
          e[slot] = kept.length ? kept : NONE;
        } else e[slot] = undefined;
        if (isEmpty(e)) this.drop(namespace, release);
      }
    }
    for (const o of objects) this.put(kind, o);
  }

  private *entries(): Iterable<Entry> {
    for (const releases of this.namespaces.values()) yield* releases.values();
  }

  /**
   * Objects held per kind, for metrics. Walks the clusters, not every object:
   * a scrape at ten thousand clusters must not hold up status calls.
   */
  countsByKind(): Map<string, number> {
    const out = new Map<string, number>();
    const add = (kind: string | undefined, n: number) => {
      if (kind !== undefined && n > 0) out.set(kind, (out.get(kind) ?? 0) + n);
    };
    for (const e of this.entries()) {
      add(e.cluster?.kind, 1);
      add(e.openstackCluster?.kind, 1);
      add(e.controlPlane?.kind, 1);
      // One kind per list, but HelmRelease and Manifests share the addons list.
      for (const list of [e.machineDeployments, e.machines, e.openstackMachines]) add(list[0]?.kind, list.length);
      for (const a of e.addons) add(a.kind, 1);
    }
    return out;
  }

  /** Every object held, for tests that prove what never reaches the cache. */
  *contents(): Iterable<CapiObject> {
    for (const e of this.entries()) {
      for (const o of [e.cluster, e.openstackCluster, e.controlPlane]) if (o) yield o;
      for (const list of [e.machineDeployments, e.machines, e.openstackMachines, e.addons]) yield* list;
    }
  }

  /** A snapshot: later events replace the index's lists, never the ones a caller already holds. */
  objectsFor(namespace: string, release: string): ClusterObjects {
    const e = this.entry(namespace, release);
    if (!e) return { machineDeployments: [], machines: [], addons: [] };
    return {
      cluster: e.cluster,
      openstackCluster: e.openstackCluster,
      controlPlane: e.controlPlane,
      machineDeployments: e.machineDeployments,
      machines: e.machines,
      openstackMachines: e.openstackMachines,
      addons: e.addons,
    };
  }

  /** How many (namespace, release) pairs have objects. */
  size(): number {
    return this.entryCount;
  }
}
