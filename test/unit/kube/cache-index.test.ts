import { describe, expect, it } from 'vitest';
import { ClusterObjectIndex } from '../../../src/kube/cache-index.js';
import { staticObjectSource } from '../../../src/kube/cache-static.js';
import { watchedKinds, type KindName } from '../../../src/kube/watch-kinds.js';
import type { CapiObject } from '../../../src/status/objects.js';

const NS = 'magnum-abc123';
const REL = 'demo-abcdefghij23';
const kinds = new Map(watchedKinds().map((k) => [k.kind, k]));
const kind = (k: KindName) => kinds.get(k)!;

/** An object of `k` in `ns`, named and linked to its release the way the chart does it. */
function obj(k: KindName, name: string, opts: { ns?: string; release?: string; labels?: Record<string, string> } = {}): CapiObject {
  const release = opts.release ?? REL;
  const byName = k === 'Cluster' || k === 'OpenStackCluster';
  return {
    kind: k,
    metadata: { name, namespace: opts.ns ?? NS, labels: { 'capi.stackhpc.com/cluster': release, ...opts.labels } },
    spec: byName ? {} : { clusterName: release },
  };
}

describe('ClusterObjectIndex', () => {
  it.each<[KindName, string, keyof ReturnType<ClusterObjectIndex['objectsFor']>]>([
    ['Cluster', REL, 'cluster'],
    ['OpenStackCluster', REL, 'openstackCluster'],
    ['KubeadmControlPlane', `${REL}-control-plane`, 'controlPlane'],
    ['MachineDeployment', `${REL}-default-worker`, 'machineDeployments'],
    ['Machine', `${REL}-default-worker-x1`, 'machines'],
    ['OpenStackMachine', `${REL}-default-worker-x1`, 'openstackMachines'],
    ['HelmRelease', `${REL}-cni-calico`, 'addons'],
    ['Manifests', `${REL}-cloud-config`, 'addons'],
  ])('files a %s under its release', (k, name, slot) => {
    const index = new ClusterObjectIndex('magnum');
    const o = obj(k, name);
    index.put(kind(k), o);
    const got = index.objectsFor(NS, REL)[slot];
    expect(Array.isArray(got) ? got : [got]).toEqual([o]);
    index.remove(kind(k), o);
    expect(index.size()).toBe(0);
  });

  it.each([
    ['a namespace without the prefix', obj('Cluster', REL, { ns: 'kube-system' })],
    ['a namespace that only starts with the prefix word', obj('Cluster', REL, { ns: 'magnumx-1' })],
    ['a MachineDeployment without spec.clusterName', { ...obj('MachineDeployment', 'x'), spec: {} }],
    ['an object without a namespace', { kind: 'Cluster', metadata: { name: REL } }],
  ])('ignores %s', (_, o) => {
    const index = new ClusterObjectIndex('magnum');
    index.put(kind(o.kind as KindName), o);
    expect(index.size()).toBe(0);
  });

  it('keeps clusters of the same release name in different namespaces apart', () => {
    const index = new ClusterObjectIndex('magnum');
    index.put(kind('Cluster'), obj('Cluster', REL, { ns: 'magnum-p1' }));
    index.put(kind('Machine'), obj('Machine', 'm1', { ns: 'magnum-p2' }));
    expect(index.objectsFor('magnum-p1', REL).machines).toEqual([]);
    expect(index.objectsFor('magnum-p2', REL).cluster).toBeUndefined();
    expect(index.size()).toBe(2);
  });

  it('an update replaces the object; a HelmRelease and Manifests of one name are both kept', () => {
    const index = new ClusterObjectIndex('magnum');
    const before = obj('HelmRelease', 'same');
    const after = { ...before, status: { phase: 'Deployed' } };
    index.put(kind('HelmRelease'), before);
    index.put(kind('HelmRelease'), after);
    index.put(kind('Manifests'), obj('Manifests', 'same'));
    expect(index.objectsFor(NS, REL).addons.map((a) => `${a.kind}:${String(a.status?.phase)}`).sort()).toEqual(['HelmRelease:Deployed', 'Manifests:undefined']);
  });

  it('a snapshot does not change under later events', () => {
    const index = new ClusterObjectIndex('magnum');
    index.put(kind('Machine'), obj('Machine', 'm1'));
    const snapshot = index.objectsFor(NS, REL);
    index.put(kind('Machine'), obj('Machine', 'm2'));
    expect(snapshot.machines).toHaveLength(1);
    expect(index.objectsFor(NS, REL).machines).toHaveLength(2);
  });

  it('counts objects per kind over every cluster, HelmReleases and Manifests apart', () => {
    const index = new ClusterObjectIndex('magnum');
    for (const release of [REL, 'other-abcdefghij23']) {
      index.put(kind('Cluster'), obj('Cluster', release, { release }));
      for (const m of ['m1', 'm2', 'm3']) index.put(kind('Machine'), obj('Machine', m, { release }));
      index.put(kind('HelmRelease'), obj('HelmRelease', 'cni', { release }));
      index.put(kind('Manifests'), obj('Manifests', 'cni', { release }));
    }
    index.remove(kind('Machine'), obj('Machine', 'm3'));
    expect(Object.fromEntries(index.countsByKind())).toEqual({ Cluster: 2, Machine: 5, HelmRelease: 2, Manifests: 2 });
  });

  it('deleting the Cluster keeps the Machines still draining', () => {
    const index = new ClusterObjectIndex('magnum');
    index.put(kind('Cluster'), obj('Cluster', REL));
    index.put(kind('Machine'), obj('Machine', 'm1'));
    index.remove(kind('Cluster'), obj('Cluster', REL));
    const left = index.objectsFor(NS, REL);
    expect(left.cluster).toBeUndefined();
    expect(left.machines).toHaveLength(1);
  });

  it('an unknown release reads as no objects', () => {
    expect(new ClusterObjectIndex('magnum').objectsFor(NS, 'nope')).toEqual({ machineDeployments: [], machines: [], addons: [] });
  });
});

describe('staticObjectSource', () => {
  it('answers from its map and reports the sync state it was given', () => {
    const objects = { cluster: obj('Cluster', REL), machineDeployments: [], machines: [], addons: [] };
    const source = staticObjectSource({ [`${NS}/${REL}`]: objects }, { ok: false, reason: 'Machine broken' });
    expect(source.objectsFor(NS, REL)).toBe(objects);
    expect(source.objectsFor(NS, 'other').cluster).toBeUndefined();
    expect(source.synced()).toEqual({ ok: false, reason: 'Machine broken' });
  });
});
