/**
 * What the watch cache keeps of each kind: the fields the status, health and
 * state code (and the cache index) read, nothing else. Each object is reduced
 * as it arrives, so managedFields, Manifests' templates, HelmRelease values,
 * kubeadm configs and every other spec field never stay in memory.
 *
 * One record shape per kind, built by one object literal (so every record of
 * a kind shares one hidden class: no per-object property tables), read by the
 * status code through the paths it reads on whole objects (`metadata.name`,
 * `status.conditions`, ...). What repeats across objects and clusters is
 * shared (`shared-values.ts`): strings, condition lists, label sets, specs and
 * statuses, frozen, so a ready cluster's record is little more than its
 * objects' names.
 *
 * `test/unit/status/projections.test.ts` runs the status code over whole
 * objects while recording every field it reads, and fails if a record lost
 * one. To keep a new field: a spec or status field goes into the field list
 * that kind's `specOf`/`status` call names (it is then shared with the rest
 * of the spec or status); a label into its `keyed` list; another metadata
 * field into the kind's `metadata` literal, with its type in the kind's
 * record interface (every record of a kind keeps every field, undefined when
 * unset, so the kind keeps one shape).
 */
import { LABEL_CAPI_CLUSTER } from '../kube/labels.js';
import type { CapiObject, Condition, ObjectMeta } from './objects.js';
import { EMPTY, intern, shared } from './shared-values.js';
import { ANNOTATION, LABEL } from './vocabulary.js';

export type ProjectedKind = 'Cluster' | 'KubeadmControlPlane' | 'MachineDeployment' | 'Machine' | 'OpenStackCluster' | 'OpenStackMachine' | 'HelmRelease' | 'Manifests';

type Labels = Readonly<Record<string, string>>;

/** Identity every record keeps; a kind adds the few metadata fields it reads. */
interface Identity extends ObjectMeta {
  name: string;
  namespace: string;
  labels: Labels | undefined;
}

type Deprecated = { conditions?: Condition[]; updatedReplicas?: number; readyReplicas?: number; failureReason?: string; failureMessage?: string };

/** A status as kept: the fields read, shared (and frozen) with every object whose status is the same. */
export type ProjectedStatus = { conditions?: Condition[]; deprecated?: { v1beta1?: Deprecated }; [field: string]: unknown };

export interface Projected extends CapiObject {
  apiVersion: string | undefined;
  kind: string | undefined;
  metadata: Identity;
  spec: Readonly<Record<string, unknown>>;
  status: ProjectedStatus;
}

/** Whether its teardown has begun: the status of a delete names what is still being deleted. */
type Deletable = { deletionTimestamp: string | undefined };

export interface ProjectedCluster extends Projected {
  metadata: Identity & Deletable;
}

export interface ProjectedOpenStackCluster extends Projected {
  metadata: Identity & Deletable;
}

export interface ProjectedReplicated extends Projected {
  metadata: Identity & { generation: number | undefined };
}

export interface ProjectedControlPlane extends ProjectedReplicated {
  metadata: Identity & { generation: number | undefined } & Deletable;
}

export interface ProjectedMachineDeployment extends ProjectedReplicated {
  metadata: Identity & { generation: number | undefined; annotations: Labels };
}

export interface ProjectedMachine extends Projected {
  spec: { clusterName: string | undefined; infrastructureRef: { name: string } | undefined };
}

export interface ProjectedAddon extends Projected {
  metadata: Identity & { creationTimestamp: string | undefined };
  /** When the status was last written, from managedFields (which are dropped). */
  statusWrittenAt: string | undefined;
}

type Raw = Record<string, unknown> | undefined;

const record = (v: unknown): Raw => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const sharedText = (v: unknown): string | undefined => (typeof v === 'string' ? intern(v) : undefined);
const time = (v: unknown): string | undefined => sharedText(v instanceof Date ? v.toISOString() : v);
const count = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** The listed fields that are set, strings shared. */
function pick(from: Raw, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!from) return out;
  for (const f of fields) {
    const v = from[f];
    if (v === undefined || v === null) continue;
    out[f] = typeof v === 'string' ? intern(v) : v;
  }
  return out;
}

/** The listed labels (or annotations) that are set, as one shared set; undefined when none is. */
function keyed(from: unknown, keys: readonly string[]): Labels | undefined {
  const kept = pick(record(from), keys) as Record<string, string>;
  return Object.keys(kept).length ? shared(kept) : undefined;
}

function conditions(raw: unknown, withTime: boolean): Condition[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const out: Condition[] = [];
  for (const c of raw) {
    const r = record(c);
    const type = text(r?.type);
    if (!r || !type) continue;
    const kept: Condition = { type: intern(type), status: intern(text(r.status) ?? 'Unknown') };
    const reason = sharedText(r.reason);
    const message = sharedText(r.message);
    if (reason) kept.reason = reason;
    if (message) kept.message = message;
    const at = time(r.lastTransitionTime);
    if (withTime && at) kept.lastTransitionTime = at;
    out.push(shared(kept));
  }
  return shared(out);
}

/**
 * The status fields read, with conditions, and where v1beta2 keeps the
 * v1beta1 ones: one shared instance per distinct status (a ready control
 * plane's is the same in thousands of clusters).
 */
function status(raw: CapiObject, fields: readonly string[], conditionTimes = false): ProjectedStatus {
  const s = record(raw.status);
  if (!s) return EMPTY;
  const out: Record<string, unknown> = pick(s, fields);
  const conds = conditions(s.conditions, conditionTimes);
  if (conds) out.conditions = conds;
  const legacy = record(record(s.deprecated)?.v1beta1);
  if (legacy) {
    const v1beta1: Deprecated = pick(legacy, ['updatedReplicas', 'readyReplicas', 'failureReason', 'failureMessage']);
    const lc = conditions(legacy.conditions, conditionTimes);
    if (lc) v1beta1.conditions = lc;
    out.deprecated = { v1beta1 };
  }
  return Object.keys(out).length ? shared(out) : EMPTY;
}

function specOf(raw: CapiObject, fields: readonly string[]): Readonly<Record<string, unknown>> {
  const out = pick(raw.spec, fields);
  return Object.keys(out).length ? shared(out) : EMPTY;
}

const nameOf = (raw: CapiObject) => text(raw.metadata?.name) ?? '';
const namespaceOf = (raw: CapiObject) => intern(text(raw.metadata?.namespace) ?? '');
const apiVersionOf = (raw: CapiObject) => sharedText(raw.apiVersion);
const kindOf = (raw: CapiObject) => sharedText(raw.kind);

const RELEASE_LABELS = [LABEL.cluster] as const;
const REPLICA_STATUS = ['phase', 'replicas', 'updatedReplicas', 'upToDateReplicas', 'readyReplicas', 'version', 'observedGeneration'] as const;

export function projectCluster(raw: CapiObject): ProjectedCluster {
  const endpoint = record(raw.spec?.controlPlaneEndpoint);
  return {
    apiVersion: apiVersionOf(raw),
    kind: kindOf(raw),
    metadata: { name: nameOf(raw), namespace: namespaceOf(raw), labels: keyed(raw.metadata?.labels, RELEASE_LABELS), deletionTimestamp: time(raw.metadata?.deletionTimestamp) },
    spec: endpoint ? shared({ controlPlaneEndpoint: pick(endpoint, ['host', 'port']) }) : EMPTY,
    status: status(raw, ['phase']),
  };
}

export function projectControlPlane(raw: CapiObject): ProjectedControlPlane {
  return {
    apiVersion: apiVersionOf(raw),
    kind: kindOf(raw),
    metadata: { name: nameOf(raw), namespace: namespaceOf(raw), labels: keyed(raw.metadata?.labels, RELEASE_LABELS), generation: count(raw.metadata?.generation), deletionTimestamp: time(raw.metadata?.deletionTimestamp) },
    spec: specOf(raw, ['replicas', 'version']),
    status: status(raw, REPLICA_STATUS),
  };
}

/** The autoscaler's bounds: an autoscaled group has no spec.replicas, and its counts read "n/min..max". */
const AUTOSCALER_BOUNDS = [ANNOTATION.autoscalerMin, ANNOTATION.autoscalerMax] as const;

export function projectMachineDeployment(raw: CapiObject): ProjectedMachineDeployment {
  const m = raw.metadata;
  return {
    apiVersion: apiVersionOf(raw),
    kind: kindOf(raw),
    metadata: {
      name: nameOf(raw),
      namespace: namespaceOf(raw),
      labels: keyed(m?.labels, [LABEL.cluster, LABEL.nodeGroup]),
      generation: count(m?.generation),
      // In an object even when none is set: the readers expect one.
      annotations: keyed(m?.annotations, AUTOSCALER_BOUNDS) ?? EMPTY,
    },
    spec: specOf(raw, ['replicas', 'clusterName']),
    status: status(raw, REPLICA_STATUS),
  };
}

/** Only the node's IPs are read (ExternalIP, else InternalIP); other addresses keep their type alone. */
const IP_TYPES = new Set(['ExternalIP', 'InternalIP']);

function addresses(raw: unknown): readonly { type?: string; address?: string }[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  return raw.map((a) => {
    const r = record(a);
    const type = sharedText(r?.type);
    const address = type === undefined || IP_TYPES.has(type) ? sharedText(r?.address) : undefined;
    return shared(address === undefined ? (type === undefined ? {} : { type }) : type === undefined ? { address } : { type, address });
  });
}

export function projectMachine(raw: CapiObject): ProjectedMachine {
  const name = nameOf(raw);
  const ref = text(record(raw.spec?.infrastructureRef)?.name);
  const s = status(raw, ['failureReason', 'failureMessage']);
  const ips = addresses(raw.status?.addresses);
  return {
    apiVersion: apiVersionOf(raw),
    kind: kindOf(raw),
    metadata: { name, namespace: namespaceOf(raw), labels: keyed(raw.metadata?.labels, [LABEL.cluster, LABEL.component, LABEL.nodeGroup, LABEL.controlPlane]) },
    // CAPI names the infrastructure machine after the Machine: one string for both.
    spec: { clusterName: sharedText(raw.spec?.clusterName), infrastructureRef: ref === undefined ? undefined : { name: ref === name ? name : ref } },
    // A node's addresses repeat across clusters (every tenant network has the same ranges): shared with the rest of its status.
    status: ips ? shared({ ...s, addresses: shared(ips) }) : s,
  };
}

export function projectOpenStackCluster(raw: CapiObject): ProjectedOpenStackCluster {
  return {
    apiVersion: apiVersionOf(raw),
    kind: kindOf(raw),
    metadata: { name: nameOf(raw), namespace: namespaceOf(raw), labels: keyed(raw.metadata?.labels, RELEASE_LABELS), deletionTimestamp: time(raw.metadata?.deletionTimestamp) },
    spec: EMPTY,
    status: status(raw, ['ready', 'failureReason', 'failureMessage']),
  };
}

export function projectOpenStackMachine(raw: CapiObject): Projected {
  return {
    apiVersion: apiVersionOf(raw),
    kind: kindOf(raw),
    metadata: { name: nameOf(raw), namespace: namespaceOf(raw), labels: keyed(raw.metadata?.labels, [LABEL_CAPI_CLUSTER, LABEL.cluster]) },
    spec: EMPTY,
    status: status(raw, ['failureReason', 'failureMessage']),
  };
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
  return {
    apiVersion: apiVersionOf(raw),
    kind: kindOf(raw),
    metadata: { name: nameOf(raw), namespace: namespaceOf(raw), labels: keyed(raw.metadata?.labels, RELEASE_LABELS), creationTimestamp: time(raw.metadata?.creationTimestamp) },
    spec: specOf(raw, ['clusterName']),
    status: status(raw, ['phase', 'failureMessage'], true),
    statusWrittenAt: time(raw.statusWrittenAt ?? statusWrittenAt(raw)),
  };
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
