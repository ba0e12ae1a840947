/**
 * The in-memory index the watch cache feeds: every Cluster API object of a
 * Magnum cluster under one (namespace, release) key. Pure bookkeeping, no
 * I/O, so it is tested on its own; `WatchCache` only routes watch events here.
 */
import { isManagedNamespace } from '../magnum/names.js';
import type { CapiObject, ClusterObjects } from '../status/objects.js';
import type { WatchedKind } from './watch-kinds.js';

interface Entry {
  cluster?: CapiObject;
  openstackCluster?: CapiObject;
  controlPlane?: CapiObject;
  machineDeployments: Map<string, CapiObject>;
  machines: Map<string, CapiObject>;
  openstackMachines: Map<string, CapiObject>;
  addons: Map<string, CapiObject>;
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

const isMany = (slot: Single | Many): slot is Many => slot === 'machineDeployments' || slot === 'machines' || slot === 'openstackMachines' || slot === 'addons';

const isEmpty = (e: Entry) => !e.cluster && !e.openstackCluster && !e.controlPlane && e.machineDeployments.size + e.machines.size + e.openstackMachines.size + e.addons.size === 0;

/** Manifests are filed as `Manifests/<name>` so a HelmRelease of the same name stays apart. */
const addonKind = (name: string) => (name.startsWith('Manifests/') ? 'Manifests' : 'HelmRelease');

export class ClusterObjectIndex {
  private readonly entries = new Map<string, Entry>();

  /** `namespacePrefix` is Magnum's namespace prefix: only `<prefix>-…` namespaces are ours. */
  constructor(private readonly namespacePrefix: string) {}

  private static key(namespace: string, release: string): string {
    return `${namespace}/${release}`;
  }

  /** The index key of an object, or undefined when it is not one of ours. */
  private locate(kind: WatchedKind, obj: CapiObject): { key: string; name: string } | undefined {
    const ns = obj.metadata?.namespace;
    const name = obj.metadata?.name;
    if (!ns || !name || !isManagedNamespace(ns, this.namespacePrefix)) return undefined;
    const release = kind.releaseOf(obj);
    if (!release) return undefined;
    return { key: ClusterObjectIndex.key(ns, release), name: kind.kind === 'Manifests' ? `Manifests/${name}` : name };
  }

  /** An object was added or changed. */
  put(kind: WatchedKind, obj: CapiObject): void {
    const at = this.locate(kind, obj);
    if (!at) return;
    let e = this.entries.get(at.key);
    if (!e) {
      e = { machineDeployments: new Map(), machines: new Map(), openstackMachines: new Map(), addons: new Map() };
      this.entries.set(at.key, e);
    }
    const slot = SLOT[kind.kind];
    if (isMany(slot)) e[slot].set(at.name, obj);
    else e[slot] = obj;
  }

  /** An object was deleted. Empty entries go, so the index does not grow with deleted clusters. */
  remove(kind: WatchedKind, obj: CapiObject): void {
    const at = this.locate(kind, obj);
    const e = at && this.entries.get(at.key);
    if (!at || !e) return;
    const slot = SLOT[kind.kind];
    if (isMany(slot)) e[slot].delete(at.name);
    else if (e[slot]?.metadata?.name === obj.metadata?.name) delete e[slot];
    if (isEmpty(e)) this.entries.delete(at.key);
  }

  /**
   * A fresh list of one kind: every object of that kind is replaced by
   * `objects` (what was deleted while no watch ran goes), the other kinds stay.
   */
  replace(kind: WatchedKind, objects: CapiObject[]): void {
    const slot = SLOT[kind.kind];
    for (const [key, e] of this.entries) {
      if (isMany(slot)) {
        // HelmRelease and Manifests share the addons slot: drop only this kind's.
        if (slot === 'addons') {
          for (const [name, o] of e.addons) if (addonKind(name) === kind.kind) e.addons.delete(name);
        } else e[slot].clear();
      } else delete e[slot];
      if (isEmpty(e)) this.entries.delete(key);
    }
    for (const o of objects) this.put(kind, o);
  }

  /** Objects held, per slot, for metrics and the benchmark. */
  counts(): Record<Single | Many, number> {
    const out = { cluster: 0, openstackCluster: 0, controlPlane: 0, machineDeployments: 0, machines: 0, openstackMachines: 0, addons: 0 };
    for (const e of this.entries.values()) {
      if (e.cluster) out.cluster++;
      if (e.openstackCluster) out.openstackCluster++;
      if (e.controlPlane) out.controlPlane++;
      out.machineDeployments += e.machineDeployments.size;
      out.machines += e.machines.size;
      out.openstackMachines += e.openstackMachines.size;
      out.addons += e.addons.size;
    }
    return out;
  }

  /** Every object held, for tests that prove what never reaches the cache. */
  *contents(): Iterable<CapiObject> {
    for (const e of this.entries.values()) {
      for (const o of [e.cluster, e.openstackCluster, e.controlPlane]) if (o) yield o;
      for (const m of [e.machineDeployments, e.machines, e.openstackMachines, e.addons]) yield* m.values();
    }
  }

  /** A snapshot: later events do not change what a caller already holds. */
  objectsFor(namespace: string, release: string): ClusterObjects {
    const e = this.entries.get(ClusterObjectIndex.key(namespace, release));
    if (!e) return { machineDeployments: [], machines: [], addons: [] };
    return {
      cluster: e.cluster,
      openstackCluster: e.openstackCluster,
      controlPlane: e.controlPlane,
      machineDeployments: [...e.machineDeployments.values()],
      machines: [...e.machines.values()],
      openstackMachines: [...e.openstackMachines.values()],
      addons: [...e.addons.values()],
    };
  }

  /** How many (namespace, release) pairs have objects. */
  size(): number {
    return this.entries.size;
  }
}
