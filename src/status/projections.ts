/**
 * What the watch cache keeps of each kind: the fields the status, health and
 * state code (and the cache index) read, nothing else. Each object is reduced
 * as it arrives, so managedFields, Manifests' templates, HelmRelease values,
 * kubeadm configs and every other spec field never stay in memory: the real
 * chart's ~250 KB of JSON per cluster become a few KB.
 *
 * One typed projection per kind. `test/unit/status/projections.test.ts`
 * runs the status code over whole objects while recording every field it
 * reads, and fails if a projection lost one: a field the status code starts
 * to read cannot be forgotten here.
 *
 * Strings that repeat across objects (condition types, reasons, phases,
 * namespaces, release names) are shared through one intern table, so 10,000
 * clusters do not hold 10,000 copies of "ControlPlaneComponentsHealthy".
 */
import type { CapiObject, Condition, ObjectMeta } from './objects.js';
import { ANNOTATION, LABEL } from './vocabulary.js';

export type ProjectedKind = 'Cluster' | 'KubeadmControlPlane' | 'MachineDeployment' | 'Machine' | 'OpenStackCluster' | 'OpenStackMachine' | 'HelmRelease' | 'Manifests';

/** CAPI's own cluster label, on Machines and infrastructure machines. */
export const LABEL_CAPI_CLUSTER_NAME = 'cluster.x-k8s.io/cluster-name';

/** The metadata kept: identity, the labels read, generation and the timestamps read. */
export interface ProjectedMeta extends ObjectMeta {
  name: string;
  namespace: string;
}

type Deprecated = { conditions?: Condition[]; updatedReplicas?: number; readyReplicas?: number; failureReason?: string; failureMessage?: string };

interface ProjectedStatus {
  conditions?: Condition[];
  deprecated?: { v1beta1?: Deprecated };
  [field: string]: unknown;
}

export interface Projected extends CapiObject {
  apiVersion?: string;
  metadata: ProjectedMeta;
  spec: Record<string, unknown>;
  status: ProjectedStatus;
}

export interface ProjectedCluster extends Projected {
  spec: { controlPlaneEndpoint?: { host?: string; port?: number } };
  status: ProjectedStatus & { phase?: string };
}

export interface ProjectedReplicated extends Projected {
  spec: { replicas?: number; version?: string; clusterName?: string };
  status: ProjectedStatus & { phase?: string; replicas?: number; updatedReplicas?: number; upToDateReplicas?: number; readyReplicas?: number; version?: string; observedGeneration?: number };
}

export interface ProjectedMachine extends Projected {
  spec: { clusterName?: string; infrastructureRef?: { name?: string } };
  status: ProjectedStatus & { addresses?: { type?: string; address?: string }[]; failureReason?: string; failureMessage?: string };
}

export interface ProjectedInfrastructure extends Projected {
  status: ProjectedStatus & { ready?: boolean; failureReason?: string; failureMessage?: string };
}

export interface ProjectedAddon extends Projected {
  spec: { clusterName?: string };
  status: ProjectedStatus & { phase?: string; failureMessage?: string };
}

/**
 * A bounded table of shared values by key: past its size it starts afresh,
 * which costs sharing, never correctness. Shared objects are frozen: the
 * status code only reads what the cache holds.
 */
class Interner<T> {
  private table = new Map<string, T>();
  constructor(private readonly max = 200_000) {}
  of(key: string, make: () => T): T {
    const seen = this.table.get(key);
    if (seen !== undefined) return seen;
    if (this.table.size >= this.max) this.table = new Map();
    const value = make();
    this.table.set(key, value);
    return value;
  }
}

const strings = new Interner<string>();
const objects = new Interner<object>(200_000);
const shared = { of: (s: string) => strings.of(s, () => s) };

/** One frozen instance per distinct value: most conditions ("Ready", "True") and label sets repeat across thousands of objects. */
function sharedObject<T extends object>(value: T): T {
  return objects.of(JSON.stringify(value), () => Object.freeze(value)) as T;
}

const EMPTY: Record<string, never> = Object.freeze({});

type Raw = Record<string, unknown> | undefined;

const record = (v: unknown): Raw => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const count = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** Copies the listed fields that are set, strings interned when `intern` says so. */
function pick(from: Raw, fields: readonly string[], intern = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!from) return out;
  for (const f of fields) {
    const v = from[f];
    if (v === undefined || v === null) continue;
    out[f] = intern && typeof v === 'string' ? shared.of(v) : v;
  }
  return out;
}

function conditions(raw: unknown, withTime: boolean): Condition[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  return raw.flatMap((c) => {
    const r = record(c);
    const type = text(r?.type);
    if (!r || !type) return [];
    const out: Condition = { type: shared.of(type), status: shared.of(text(r.status) ?? 'Unknown') };
    const reason = text(r.reason);
    const message = text(r.message);
    if (reason) out.reason = shared.of(reason);
    if (message) out.message = shared.of(message);
    const time = text(r.lastTransitionTime);
    if (withTime && time) out.lastTransitionTime = time;
    return [sharedObject(out)];
  });
}

function meta(
  raw: CapiObject,
  labels: readonly string[],
  extra: readonly ('generation' | 'deletionTimestamp' | 'creationTimestamp')[] = [],
  annotations?: readonly string[],
): ProjectedMeta {
  const m = raw.metadata ?? {};
  const out: ProjectedMeta = { name: m.name ?? '', namespace: shared.of(m.namespace ?? '') };
  const kept = pick(record(m.labels), labels, true) as Record<string, string>;
  if (Object.keys(kept).length) out.labels = sharedObject(kept);
  // Kinds whose annotations are read keep those few, in an object even when none is set (the readers expect one).
  if (annotations) {
    const read = pick(record(m.annotations), annotations, true) as Record<string, string>;
    out.annotations = Object.keys(read).length ? sharedObject(read) : EMPTY;
  }
  for (const f of extra) {
    const v = m[f];
    if (v !== undefined && v !== null) (out as unknown as Record<string, unknown>)[f] = v instanceof Date ? v.toISOString() : v;
  }
  return out;
}

/**
 * The status fields read on every kind: conditions, and where v1beta2 keeps
 * the v1beta1 ones. Shared when `share`: a ready control plane's status is
 * the same in thousands of clusters (a Machine's, with its addresses, never).
 */
function status(raw: CapiObject, fields: readonly string[], opts: { conditionTimes?: boolean; share?: boolean } = {}): ProjectedStatus {
  const out = statusFields(raw, fields, opts.conditionTimes ?? false);
  return opts.share === false || out === EMPTY ? out : sharedObject(out);
}

function statusFields(raw: CapiObject, fields: readonly string[], conditionTimes: boolean): ProjectedStatus {
  const s = record(raw.status);
  if (!s) return EMPTY;
  const out: ProjectedStatus = pick(s, fields, true);
  const conds = conditions(s?.conditions, conditionTimes);
  if (conds) out.conditions = conds;
  const legacy = record(record(s?.deprecated)?.v1beta1);
  if (legacy) {
    const v1beta1: Deprecated = pick(legacy, ['updatedReplicas', 'readyReplicas', 'failureReason', 'failureMessage'], true);
    const lc = conditions(legacy.conditions, conditionTimes);
    if (lc) v1beta1.conditions = lc;
    out.deprecated = { v1beta1 };
  }
  return Object.keys(out).length ? out : EMPTY;
}

function base(raw: CapiObject): { apiVersion?: string; kind?: string } {
  const out: { apiVersion?: string; kind?: string } = {};
  if (raw.apiVersion) out.apiVersion = shared.of(raw.apiVersion);
  if (raw.kind) out.kind = shared.of(raw.kind);
  return out;
}

const RELEASE_LABELS = [LABEL.cluster] as const;
const REPLICA_STATUS = ['phase', 'replicas', 'updatedReplicas', 'upToDateReplicas', 'readyReplicas', 'version', 'observedGeneration'] as const;

export function projectCluster(raw: CapiObject): ProjectedCluster {
  const endpoint = record(raw.spec?.controlPlaneEndpoint);
  const spec: ProjectedCluster['spec'] = endpoint ? { controlPlaneEndpoint: pick(endpoint, ['host', 'port']) as { host?: string; port?: number } } : EMPTY;
  return { ...base(raw), metadata: meta(raw, RELEASE_LABELS, ['deletionTimestamp']), spec, status: status(raw, ['phase']) };
}

export function projectControlPlane(raw: CapiObject): ProjectedReplicated {
  return {
    ...base(raw),
    metadata: meta(raw, RELEASE_LABELS, ['generation']),
    spec: sharedObject(pick(raw.spec, ['replicas', 'version'], true)),
    status: status(raw, REPLICA_STATUS),
  };
}

export function projectMachineDeployment(raw: CapiObject): ProjectedReplicated {
  return {
    ...base(raw),
    // The autoscaler's bounds: an autoscaled group has no spec.replicas, and its counts read "n/min..max".
    metadata: meta(raw, [LABEL.cluster, LABEL.nodeGroup], ['generation'], [ANNOTATION.autoscalerMin, ANNOTATION.autoscalerMax]),
    spec: pick(raw.spec, ['replicas', 'clusterName'], true),
    status: status(raw, REPLICA_STATUS),
  };
}

/** Only the node's IPs are read (ExternalIP, else InternalIP); other addresses keep their type alone, shared. */
const IP_TYPES = new Set(['ExternalIP', 'InternalIP']);

export function projectMachine(raw: CapiObject): ProjectedMachine {
  const metadata = meta(raw, [LABEL.cluster, LABEL.component, LABEL.nodeGroup, LABEL.controlPlane]);
  const ref = text(record(raw.spec?.infrastructureRef)?.name);
  const spec: ProjectedMachine['spec'] = pick(raw.spec, ['clusterName'], true);
  // CAPI names the infrastructure machine after the Machine: one string for both.
  if (ref) spec.infrastructureRef = { name: ref === metadata.name ? metadata.name : ref };
  const out = { ...status(raw, ['failureReason', 'failureMessage'], { share: false }) };
  const addresses = raw.status?.addresses;
  if (Array.isArray(addresses)) {
    out.addresses = addresses.map((a) => {
      const r = record(a);
      const type = text(r?.type);
      const address = text(r?.address);
      if (type && !IP_TYPES.has(type)) return sharedObject({ type });
      const kept: { type?: string; address?: string } = {};
      if (type) kept.type = shared.of(type);
      if (address) kept.address = address;
      return kept;
    });
  }
  return { ...base(raw), metadata, spec, status: out };
}

export function projectOpenStackCluster(raw: CapiObject): ProjectedInfrastructure {
  return { ...base(raw), metadata: meta(raw, RELEASE_LABELS), spec: EMPTY, status: status(raw, ['ready', 'failureReason', 'failureMessage']) };
}

export function projectOpenStackMachine(raw: CapiObject): ProjectedInfrastructure {
  return { ...base(raw), metadata: meta(raw, [LABEL_CAPI_CLUSTER_NAME, LABEL.cluster]), spec: EMPTY, status: status(raw, ['failureReason', 'failureMessage']) };
}

/**
 * When the addon's status was last written, from the API server's
 * managedFields (the addon provider sets no conditions, so this is how long
 * an Unknown phase has lasted); kept as one timestamp instead of the list.
 */
export function statusWrittenAt(obj: CapiObject): string | undefined {
  let latest: string | undefined;
  let latestMs = -Infinity;
  for (const f of obj.metadata?.managedFields ?? []) {
    if (f.subresource !== 'status' && !(f.fieldsV1 && 'f:status' in f.fieldsV1)) continue;
    const t = f.time instanceof Date ? f.time.toISOString() : f.time;
    const ms = t ? Date.parse(t) : NaN;
    if (t && !Number.isNaN(ms) && ms > latestMs) {
      latest = t;
      latestMs = ms;
    }
  }
  return latest;
}

export function projectAddon(raw: CapiObject): ProjectedAddon {
  const out: ProjectedAddon = {
    ...base(raw),
    metadata: meta(raw, RELEASE_LABELS, ['creationTimestamp']),
    spec: sharedObject(pick(raw.spec, ['clusterName'], true)),
    status: status(raw, ['phase', 'failureMessage'], { conditionTimes: true }),
  };
  const written = raw.statusWrittenAt ?? statusWrittenAt(raw);
  if (written) out.statusWrittenAt = written;
  return out;
}

export const PROJECTIONS: Record<ProjectedKind, (raw: CapiObject) => Projected> = {
  Cluster: projectCluster,
  KubeadmControlPlane: projectControlPlane,
  MachineDeployment: projectMachineDeployment,
  Machine: projectMachine,
  OpenStackCluster: projectOpenStackCluster,
  OpenStackMachine: projectOpenStackMachine,
  HelmRelease: projectAddon,
  Manifests: projectAddon,
};
