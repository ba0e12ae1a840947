/** Small builders for Cluster API objects, so each table row states only what differs. */
import type { CapiObject, ClusterObjects, Condition } from '../../../src/status/objects.js';

export const RELEASE = 'demo-abcdefghij23';

export function cond(type: string, status: 'True' | 'False' | 'Unknown' = 'True', extra: Partial<Condition> = {}): Condition {
  return { type, status, ...extra };
}

const CLUSTER_READY = ['InfrastructureReady', 'ControlPlaneReady', 'Ready'];
const KCP_READY = ['MachinesReady', 'Ready', 'EtcdClusterHealthy', 'ControlPlaneComponentsHealthy'];

export function cluster(conditions: Condition[] = CLUSTER_READY.map((t) => cond(t)), extra: Partial<CapiObject> = {}): CapiObject {
  return {
    apiVersion: 'cluster.x-k8s.io/v1beta1',
    kind: 'Cluster',
    metadata: { name: RELEASE },
    spec: { controlPlaneEndpoint: { host: '203.0.113.10', port: 6443 } },
    status: { phase: 'Provisioned', conditions },
    ...extra,
  };
}

export function kcp(opts: { replicas?: number; ready?: number; updated?: number; version?: string; conditions?: Condition[] } = {}): CapiObject {
  const n = opts.replicas ?? 1;
  return {
    apiVersion: 'controlplane.cluster.x-k8s.io/v1beta1',
    kind: 'KubeadmControlPlane',
    metadata: { name: `${RELEASE}-control-plane` },
    spec: { replicas: n, version: 'v1.31.4' },
    status: {
      replicas: n,
      updatedReplicas: opts.updated ?? n,
      readyReplicas: opts.ready ?? n,
      version: opts.version ?? 'v1.31.4',
      conditions: opts.conditions ?? KCP_READY.map((t) => cond(t)),
    },
  };
}

export function md(group: string, phase = 'Running', replicas = 2, conditions: Condition[] = [cond('Ready')]): CapiObject {
  return {
    apiVersion: 'cluster.x-k8s.io/v1beta1',
    kind: 'MachineDeployment',
    metadata: { name: `${RELEASE}-${group}`, labels: { 'capi.stackhpc.com/node-group': group } },
    spec: { replicas },
    status: { phase, replicas, readyReplicas: phase === 'Running' ? replicas : 0, conditions },
  };
}

/**
 * A MachineDeployment with exactly the status given (no defaults), for rows
 * about replica counts and observedGeneration; `generation` is metadata.generation.
 */
export function mdAs(group: string, replicas: number, status: Record<string, unknown>, opts: { generation?: number; apiVersion?: string } = {}): CapiObject {
  return {
    apiVersion: opts.apiVersion ?? 'cluster.x-k8s.io/v1beta1',
    kind: 'MachineDeployment',
    metadata: { name: `${RELEASE}-${group}`, labels: { 'capi.stackhpc.com/node-group': group }, ...(opts.generation !== undefined ? { generation: opts.generation } : {}) },
    spec: { replicas },
    status,
  };
}

export function machine(group: string | 'control-plane', ip: string, extra: Record<string, unknown> = {}): CapiObject {
  const labels: Record<string, string> =
    group === 'control-plane'
      ? { 'cluster.x-k8s.io/control-plane': '' }
      : { 'capi.stackhpc.com/component': 'worker', 'capi.stackhpc.com/node-group': group };
  return {
    apiVersion: 'cluster.x-k8s.io/v1beta1',
    kind: 'Machine',
    metadata: { name: `${RELEASE}-${group}-${ip.split('.').at(-1)}`, labels },
    spec: { clusterName: RELEASE, infrastructureRef: { kind: 'OpenStackMachine', name: `${RELEASE}-${group}-${ip.split('.').at(-1)}` } },
    status: { addresses: [{ type: 'InternalIP', address: ip }], ...extra },
  };
}

export function addon(name: string, phase: string, extra: Record<string, unknown> = {}): CapiObject {
  return {
    apiVersion: 'addons.stackhpc.com/v1alpha1',
    kind: 'HelmRelease',
    metadata: { name: `${RELEASE}-${name}`, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { clusterName: RELEASE },
    status: { phase, ...extra },
  };
}

export function osc(ready = true, extra: Record<string, unknown> = {}): CapiObject {
  return {
    apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1',
    kind: 'OpenStackCluster',
    metadata: { name: RELEASE },
    status: { ready, conditions: [cond('Ready', ready ? 'True' : 'False')], ...extra },
  };
}

/** A fully ready cluster with one worker group `default-worker`. */
export function readyObjects(overrides: Partial<ClusterObjects> = {}): ClusterObjects {
  return {
    cluster: cluster(),
    openstackCluster: osc(),
    controlPlane: kcp(),
    machineDeployments: [md('default-worker')],
    machines: [machine('control-plane', '10.0.0.5'), machine('default-worker', '10.0.0.7'), machine('default-worker', '10.0.0.6')],
    addons: [addon('cni-calico', 'Deployed'), addon('csi-cinder', 'Deployed')],
    ...overrides,
  };
}

/** The same object as CAPI 1.11+ serves it (apiVersion v1beta2); conditions as given. */
export function v1beta2(obj: CapiObject): CapiObject {
  return { ...obj, apiVersion: obj.apiVersion?.replace(/\/v1beta1$/, '/v1beta2') };
}

/** The OpenStackMachine behind `machine(group, ip)`, with CAPO's InstanceReady condition. */
export function osm(group: string, ip: string, instanceReady: Condition): CapiObject {
  return {
    apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1',
    kind: 'OpenStackMachine',
    metadata: { name: `${RELEASE}-${group}-${ip.split('.').at(-1)}`, labels: { 'cluster.x-k8s.io/cluster-name': RELEASE } },
    status: { ready: instanceReady.status === 'True', conditions: [instanceReady] },
  };
}
