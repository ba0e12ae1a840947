/**
 * The cache's projections against the status code's reads. Each scenario
 * holds whole objects as the API server serves them (managedFields, kubeadm
 * config, templates, values); the status, health and state code runs over
 * them through a proxy that records every field it reads. Every field read
 * must have the same value in the projection, and every answer must be the
 * same from the projections as from the whole objects. A field the status
 * code starts to read fails here until its projection keeps it.
 */
import { describe, expect, it } from 'vitest';
import { Spec } from '../../../src/magnum/spec.js';
import { watchedKinds, type KindName } from '../../../src/kube/watch-kinds.js';
import { computeStatus } from '../../../src/status/cluster.js';
import { computeHealth } from '../../../src/status/health.js';
import type { CapiObject, ClusterObjects, Condition } from '../../../src/status/objects.js';
import { PROJECTIONS, statusWrittenAt } from '../../../src/status/projections.js';
import { determineClusterState } from '../../../src/status/state.js';
import { ANNOTATION } from '../../../src/status/vocabulary.js';
import { minimalSpec } from '../../support/spec.js';
import { RELEASE, addon, cluster, cond, kcp, machine, md, osc, osm, readyObjects, v1beta2 } from './builders.js';

const T = '2026-01-01T00:00:00Z';
const NS = 'magnum-9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b';

/** What the API server adds to every object, and the bulk the chart puts in spec: none of it is read. */
function whole(o: CapiObject, kind: KindName): CapiObject {
  return {
    ...o,
    kind,
    metadata: {
      namespace: NS,
      uid: '0b5e1d2c-0000-4000-8000-00000000000a',
      resourceVersion: '4711',
      creationTimestamp: T,
      generation: 3,
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"spec":{"big":true}}', 'meta.helm.sh/release-name': RELEASE },
      ownerReferences: [{ apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'Cluster', name: RELEASE, uid: 'x' }],
      finalizers: ['cluster.cluster.x-k8s.io'],
      managedFields: [
        { manager: 'helm', operation: 'Update', time: T, fieldsV1: { 'f:spec': {} } },
        { manager: 'capi-controller', operation: 'Update', subresource: 'status', time: '2026-01-01T00:05:00Z', fieldsV1: { 'f:status': {} } },
      ],
      ...o.metadata,
      labels: { 'helm.sh/chart': 'openstack-cluster-0.27.0', 'capi.stackhpc.com/cluster': RELEASE, 'app.kubernetes.io/managed-by': 'Helm', ...o.metadata?.labels },
    } as CapiObject['metadata'],
    spec: {
      kubeadmConfigSpec: { files: [{ path: '/etc/kubernetes/x', content: 'a'.repeat(2000) }] },
      template: { metadata: { labels: { a: 'b' } }, spec: { bootstrap: { configRef: { name: 'x' } } } },
      values: { huge: 'v'.repeat(5000) },
      manifests: { 'dashboard.json': 'd'.repeat(20000) },
      ...o.spec,
    },
    status: { observedGeneration: 3, ...o.status, v1beta2: { conditions: [{ type: 'Extra', status: 'True', lastTransitionTime: T, observedGeneration: 3 }] } } as CapiObject['status'],
  };
}

function wholeObjects(objects: ClusterObjects): ClusterObjects {
  return {
    cluster: objects.cluster && whole(objects.cluster, 'Cluster'),
    openstackCluster: objects.openstackCluster && whole(objects.openstackCluster, 'OpenStackCluster'),
    controlPlane: objects.controlPlane && whole(objects.controlPlane, 'KubeadmControlPlane'),
    machineDeployments: objects.machineDeployments.map((o) => whole(o, 'MachineDeployment')),
    machines: objects.machines.map((o) => whole(o, 'Machine')),
    openstackMachines: (objects.openstackMachines ?? []).map((o) => whole(o, 'OpenStackMachine')),
    addons: objects.addons.map((o) => whole(o, (o.kind as KindName | undefined) ?? 'HelmRelease')),
  };
}

function projected(objects: ClusterObjects): ClusterObjects {
  const p = (o: CapiObject) => PROJECTIONS[o.kind as KindName](o);
  return {
    cluster: objects.cluster && p(objects.cluster),
    openstackCluster: objects.openstackCluster && p(objects.openstackCluster),
    controlPlane: objects.controlPlane && p(objects.controlPlane),
    machineDeployments: objects.machineDeployments.map(p),
    machines: objects.machines.map(p),
    openstackMachines: (objects.openstackMachines ?? []).map(p),
    addons: objects.addons.map(p),
  };
}

/** A deep proxy recording the path of every field read (array indices included). */
function recording<T extends object>(target: T, path: string, reads: Set<string>): T {
  return new Proxy(target, {
    get(t, key, receiver) {
      const v: unknown = Reflect.get(t, key, receiver);
      if (typeof key === 'symbol' || typeof v === 'function') return v;
      const at = path ? `${path}.${key}` : key;
      reads.add(at);
      return v !== null && typeof v === 'object' ? recording(v as object, at, reads) : v;
    },
  });
}

function at(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const k of path.split('.')) v = v === null || v === undefined ? undefined : (v as Record<string, unknown>)[k];
  return v;
}

/** A leaf read compares by value; an object or array read only needs to be there (its own reads are leaves). */
function sameRead(whole: unknown, projection: unknown): boolean {
  if (whole !== null && typeof whole === 'object') return projection !== null && typeof projection === 'object' && Array.isArray(whole) === Array.isArray(projection);
  return Object.is(whole, projection);
}

/**
 * Read on whole objects, kept in another form: managedFields are reduced to
 * the one time the addon code reads (`statusWrittenAt`), which the status
 * code prefers when present.
 */
const DERIVED = [/^metadata\.managedFields(\.|$)/, /^statusWrittenAt$/];

const spec = (status: string, extra: Record<string, unknown> = {}) =>
  Spec.parse({ ...minimalSpec(), cluster: { ...minimalSpec().cluster, stack_id: RELEASE, status, updated_at: T, ...extra } });

const notReadyKcp = () => {
  const o = kcp({ replicas: 3, ready: 1, updated: 2, conditions: [cond('MachinesReady', 'False', { reason: 'Waiting', message: '1 of 3 ready' }), cond('Ready', 'False'), cond('EtcdClusterHealthy'), cond('ControlPlaneComponentsHealthy', 'Unknown')] });
  return { ...o, metadata: { ...o.metadata, generation: 4 }, status: { ...o.status, observedGeneration: 3 } };
};

const failingMachine = machine('default-worker', '10.0.0.9', { failureReason: 'CreateError', failureMessage: 'quota exceeded' });
const instance: Condition = { type: 'InstanceReady', status: 'False', reason: 'InstanceCreateFailed', message: 'No valid host was found', lastTransitionTime: T };

const v1beta2Md = (): CapiObject => {
  const o = v1beta2(md('default-worker', 'ScalingUp', 3));
  return { ...o, status: { phase: 'ScalingUp', replicas: 3, upToDateReplicas: 2, readyReplicas: 1, conditions: [cond('Available', 'False', { reason: 'NotEnough', message: '1 of 3' }), cond('RollingOut', 'True')], deprecated: { v1beta1: { conditions: [cond('Ready', 'False', { reason: 'WaitingForAvailableMachines' })], readyReplicas: 1, updatedReplicas: 2 } } } };
};

const SCENARIOS: [string, ClusterObjects][] = [
  ['every object ready', { ...readyObjects(), addons: [addon('cni-calico', 'Deployed'), { ...addon('cloud-config', 'Deployed'), kind: 'Manifests' }] }],
  [
    'provisioning: control plane behind, a failed machine, Nova refusing, an addon Unknown without conditions',
    readyObjects({
      cluster: cluster([cond('InfrastructureReady'), cond('ControlPlaneReady', 'False', { reason: 'WaitingForControlPlane', message: 'scaling' }), cond('Ready', 'False')]),
      controlPlane: notReadyKcp(),
      machineDeployments: [md('default-worker', 'ScalingUp', 3, [cond('Ready', 'False', { reason: 'WaitingForAvailableMachines', message: 'minimum not met' })])],
      machines: [machine('control-plane', '10.0.0.5'), failingMachine, machine('default-worker', '10.0.0.8')],
      openstackMachines: [osm('default-worker', '10.0.0.8', instance)],
      addons: [addon('cni-calico', 'Unknown'), addon('csi-cinder', 'Installing', { conditions: [cond('Ready', 'False', { message: 'pulling', lastTransitionTime: T })] })],
    }),
  ],
  [
    'infrastructure failed, an addon failed',
    readyObjects({
      cluster: cluster([cond('InfrastructureReady', 'False', { reason: 'OpenStackError' }), cond('ControlPlaneReady', 'False'), cond('Ready', 'False')], { status: { phase: 'Failed' } } as Partial<CapiObject>),
      openstackCluster: osc(false, { failureReason: 'CreateError', failureMessage: 'network not found' }),
      addons: [addon('cni-calico', 'Failed', { failureMessage: 'chart not found' })],
    }),
  ],
  [
    'v1beta2 objects with and without their v1beta1 block',
    readyObjects({
      cluster: v1beta2(cluster([cond('Available', 'False', { reason: 'Waiting' }), cond('Paused', 'False')])),
      controlPlane: { ...v1beta2(kcp()), status: { replicas: 1, upToDateReplicas: 1, readyReplicas: 1, version: 'v1.31.4', conditions: [cond('Available'), cond('EtcdClusterHealthy')], deprecated: { v1beta1: { conditions: [cond('Ready'), cond('MachinesReady')], readyReplicas: 1, updatedReplicas: 1 } } } },
      machineDeployments: [v1beta2Md()],
      machines: [{ ...v1beta2(machine('default-worker', '10.0.0.7')), status: { addresses: [{ type: 'ExternalIP', address: '198.51.100.7' }, { type: 'InternalIP', address: '10.0.0.7' }], deprecated: { v1beta1: { failureReason: 'BootstrapFailed', failureMessage: 'cloud-init' } } } }],
    }),
  ],
  ['deleting', readyObjects({ cluster: cluster(undefined, { metadata: { name: RELEASE, deletionTimestamp: T } }) })],
  ['tearing down: the control plane and the infrastructure being deleted', readyObjects({
    cluster: cluster(undefined, { metadata: { name: RELEASE, deletionTimestamp: T } }),
    controlPlane: { ...kcp(), metadata: { name: `${RELEASE}-control-plane`, deletionTimestamp: T } },
    openstackCluster: { ...osc(), metadata: { name: RELEASE, deletionTimestamp: T } },
    machineDeployments: [],
    machines: [],
  })],
];

/** Everything the sidecar computes from the cache, for one set of objects. */
function answers(objects: ClusterObjects) {
  const now = new Date('2026-01-01T01:00:00Z');
  const options = { addonUnknownGraceSeconds: 600, defaultCreateTimeoutMinutes: 60 };
  const kinds = watchedKinds();
  const all = [objects.cluster, objects.openstackCluster, objects.controlPlane, ...objects.machineDeployments, ...objects.machines, ...(objects.openstackMachines ?? []), ...objects.addons].filter((o): o is CapiObject => !!o);
  return {
    statuses: ['CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'UPDATE_FAILED', 'DELETE_IN_PROGRESS'].map((s) => computeStatus({ spec: spec(s), release: RELEASE, objects, now, absenceConfirmed: false, options })),
    health: computeHealth(objects),
    healthByGroup: computeHealth(objects, [{ name: 'default-worker', machineDeployment: `${RELEASE}-default-worker` }]),
    state: determineClusterState(objects),
    // The cache index files each object under the release its kind names.
    releases: all.map((o) => kinds.filter((k) => k.kind === o.kind).map((k) => k.releaseOf(o))),
  };
}

describe('cache projections against the status code', () => {
  it.each(SCENARIOS)('%s: every field read is kept, and every answer is the same', (_name, objects) => {
    const full = wholeObjects(objects);
    const reads = new Map<CapiObject, Set<string>>();
    const watch = (o: CapiObject) => {
      const r = new Set<string>();
      reads.set(o, r);
      return recording(o, '', r);
    };
    const watched: ClusterObjects = {
      cluster: full.cluster && watch(full.cluster),
      openstackCluster: full.openstackCluster && watch(full.openstackCluster),
      controlPlane: full.controlPlane && watch(full.controlPlane),
      machineDeployments: full.machineDeployments.map(watch),
      machines: full.machines.map(watch),
      openstackMachines: (full.openstackMachines ?? []).map(watch),
      addons: full.addons.map(watch),
    };
    const fromWhole = answers(watched);
    const fromProjection = answers(projected(full));
    expect(fromProjection).toEqual(fromWhole);

    let checked = 0;
    for (const [o, paths] of reads) {
      const p = PROJECTIONS[o.kind as KindName](o);
      for (const path of paths) {
        if (DERIVED.some((d) => d.test(path))) continue;
        checked++;
        expect({ kind: o.kind, path, value: sameRead(at(o, path), at(p, path)) }).toEqual({ kind: o.kind, path, value: true });
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('keeps no managedFields, templates, values, manifests, annotations or unread labels', () => {
    const full = wholeObjects(SCENARIOS[1]![1]);
    const all = [full.cluster!, full.openstackCluster!, full.controlPlane!, ...full.machineDeployments, ...full.machines, ...full.openstackMachines!, ...full.addons];
    for (const o of all) {
      const p = PROJECTIONS[o.kind as KindName](o);
      const text = JSON.stringify(p);
      expect(p.metadata).not.toHaveProperty('managedFields');
      // Only the autoscaler's bounds, on MachineDeployments (an autoscaled group's counts read them).
      const kept = Object.keys(p.metadata.annotations ?? {});
      expect(kept.filter((a) => o.kind !== 'MachineDeployment' || (a !== ANNOTATION.autoscalerMin && a !== ANNOTATION.autoscalerMax))).toEqual([]);
      if (o.kind !== 'MachineDeployment') expect(p.metadata).not.toHaveProperty('annotations');
      for (const bulk of ['kubeadmConfigSpec', 'template', 'values', 'manifests', 'helm.sh/chart', 'last-applied', 'ownerReferences', 'v1beta2']) expect(text).not.toContain(bulk);
      // A projection is a few hundred bytes, whatever the object carried.
      expect(text.length).toBeLessThan(1200);
    }
  });

  it('builds every record of a kind with the same fields in the same order, whatever the object carried', () => {
    // One shape per kind is what keeps ten thousand clusters' records cheap: no per-object property tables.
    const shape = (p: CapiObject) => ({ record: Object.keys(p), metadata: Object.keys(p.metadata ?? {}), ...(p.kind === 'Machine' ? { spec: Object.keys(p.spec ?? {}) } : {}) });
    const full = wholeObjects(SCENARIOS[1]![1]);
    const objects = [full.cluster!, full.openstackCluster!, full.controlPlane!, ...full.machineDeployments, ...full.machines, ...full.openstackMachines!, ...full.addons];
    for (const o of objects) {
      const kind = o.kind as KindName;
      const bare: CapiObject = { kind, metadata: { name: 'bare', namespace: NS } };
      expect({ kind, ...shape(PROJECTIONS[kind](bare)) }).toEqual({ kind, ...shape(PROJECTIONS[kind](o)) });
    }
  });

  it('shares what repeats: the ready control planes of two clusters hold one status, and their Machines one condition list', () => {
    const a = PROJECTIONS.KubeadmControlPlane(whole(kcp({ replicas: 3 }), 'KubeadmControlPlane'));
    const b = PROJECTIONS.KubeadmControlPlane(whole({ ...kcp({ replicas: 3 }), metadata: { name: 'other-control-plane' } }, 'KubeadmControlPlane'));
    expect(b.metadata.name).toBe('other-control-plane');
    expect(b.status).toBe(a.status);
    expect(Object.isFrozen(a.status)).toBe(true);
    const m1 = PROJECTIONS.Machine(whole(machine('default-worker', '10.0.0.7', { conditions: [cond('Ready')] }), 'Machine'));
    const m2 = PROJECTIONS.Machine(whole({ ...machine('default-worker', '10.0.0.8', { conditions: [cond('Ready')] }), metadata: { name: 'm2' } }, 'Machine'));
    expect(m2.status.conditions).toBe(m1.status.conditions);
    expect(m2.status).not.toBe(m1.status);
  });

  it('an addon keeps when its status was last written, for the Unknown grace period', () => {
    const a = whole(addon('cni-calico', 'Unknown'), 'HelmRelease');
    expect(PROJECTIONS.HelmRelease(a).statusWrittenAt).toBe('2026-01-01T00:05:00Z');
    expect(statusWrittenAt(a)).toBe('2026-01-01T00:05:00Z');
  });
});
