/**
 * The Cluster API objects the status code reads, as loose typed shapes (the
 * cache holds whatever the API server serves), and readers that treat
 * v1beta1 and v1beta2 alike.
 */
import { ANNOTATION, COND_CAPO, V1BETA2_EQUIVALENT, V1BETA2_NEGATIVE } from './vocabulary.js';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown' | string;
  reason?: string;
  message?: string;
  severity?: string;
  lastTransitionTime?: string;
}

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  deletionTimestamp?: string | Date;
  creationTimestamp?: string | Date;
  /** The API server's record of who wrote which fields, and when. */
  managedFields?: { manager?: string; operation?: string; time?: string | Date; subresource?: string; fieldsV1?: Record<string, unknown> }[];
  /** Bumped by the API server on every spec change; a status whose observedGeneration is lower describes an older spec. */
  generation?: number;
}

export interface CapiObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  /** When the status was last written, as the cache's projection took it from managedFields (which it drops). */
  statusWrittenAt?: string;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown> & {
    conditions?: Condition[];
    deprecated?: {
      v1beta1?: { conditions?: Condition[]; updatedReplicas?: number; readyReplicas?: number; failureReason?: string; failureMessage?: string };
    };
  };
}

/** Every object of one Magnum cluster, as the watch cache holds them. */
export interface ClusterObjects {
  cluster?: CapiObject | undefined;
  openstackCluster?: CapiObject | undefined;
  controlPlane?: CapiObject | undefined;
  /** Lists as the cache shares them: read, never changed. */
  machineDeployments: readonly CapiObject[];
  machines: readonly CapiObject[];
  /** CAPO's servers behind the Machines; optional so a source without them still type-checks. */
  openstackMachines?: readonly CapiObject[];
  addons: readonly CapiObject[];
}

export const NO_OBJECTS: ClusterObjects = { machineDeployments: [], machines: [], addons: [] };

function isV1beta2(obj: CapiObject): boolean {
  return obj.apiVersion?.endsWith('/v1beta2') ?? false;
}

/** A v1beta1 condition by type, from wherever this object's version keeps it. */
export function condition(obj: CapiObject | undefined, type: string): Condition | undefined {
  if (!obj?.status) return undefined;
  if (!isV1beta2(obj)) return obj.status.conditions?.find((c) => c.type === type);
  const legacy = obj.status.deprecated?.v1beta1?.conditions?.find((c) => c.type === type);
  if (legacy) return legacy;
  const equivalent = V1BETA2_EQUIVALENT[type];
  return equivalent ? obj.status.conditions?.find((c) => c.type === equivalent) : undefined;
}

/**
 * The conditions that must all be True for the object to be healthy: the
 * v1beta1 list, from wherever this object's version keeps it; on a v1beta2
 * object without the deprecated block, its own conditions minus those that
 * are normally False (Deleting, Paused, RollingOut, ...).
 */
export function healthConditions(obj: CapiObject | undefined): Condition[] {
  if (!obj?.status) return [];
  if (!isV1beta2(obj)) return obj.status.conditions ?? [];
  const legacy = obj.status.deprecated?.v1beta1?.conditions;
  if (legacy) return legacy;
  return (obj.status.conditions ?? []).filter((c) => !V1BETA2_NEGATIVE.has(c.type));
}

export function isTrue(obj: CapiObject | undefined, type: string): boolean {
  return condition(obj, type)?.status === 'True';
}

/**
 * Conditions that are not True, as `Type (Reason: message)`, for reasons
 * shown to users; named as the object reports them (on a v1beta2 object
 * without its v1beta1 block, `Available` for `Ready`), so the reason matches
 * what `kubectl describe` shows.
 */
export function unmet(obj: CapiObject | undefined, types: readonly string[]): string[] {
  return types
    .filter((t) => !isTrue(obj, t))
    .map((t) => {
      const c = condition(obj, t);
      if (!c) return `${t} (not reported yet)`;
      const detail = [c.reason, c.message].filter(Boolean).join(': ');
      return detail ? `${c.type} (${detail})` : c.type;
    });
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Replicas counts of a control plane or deployment, whichever version serves it. */
export function replicas(obj: CapiObject | undefined) {
  const s = obj?.status ?? {};
  return {
    desired: num(obj?.spec?.replicas),
    current: num(s.replicas),
    updated: num(s.updatedReplicas) ?? num(s.upToDateReplicas) ?? num(s.deprecated?.v1beta1?.updatedReplicas),
    ready: num(s.deprecated?.v1beta1?.readyReplicas) ?? num(s.readyReplicas),
  };
}

/**
 * The cluster autoscaler's bounds on a MachineDeployment, from the
 * annotations the chart writes for an autoscaled group (which then has no
 * spec.replicas: the autoscaler owns the count); undefined when the group is
 * not autoscaled or either bound is unreadable.
 */
export function autoscaleBounds(obj: CapiObject | undefined): { min: number; max: number } | undefined {
  const a = obj?.metadata?.annotations ?? {};
  const read = (raw: string | undefined) => (raw !== undefined && /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : undefined);
  const min = read(a[ANNOTATION.autoscalerMin]);
  const max = read(a[ANNOTATION.autoscalerMax]);
  return min !== undefined && max !== undefined ? { min, max } : undefined;
}

/**
 * The generation a status has not caught up with yet: metadata.generation
 * when status.observedGeneration is lower (the controller has not seen the
 * latest spec, so every count and phase describes the old one); undefined
 * when it is current or either field is missing.
 */
export function unobservedGeneration(obj: CapiObject | undefined): number | undefined {
  const generation = num(obj?.metadata?.generation);
  const observed = num(obj?.status?.observedGeneration);
  return generation !== undefined && observed !== undefined && observed < generation ? generation : undefined;
}

export function machineAddresses(machines: readonly CapiObject[]): string[] {
  const out: string[] = [];
  for (const m of machines) {
    const addresses = (m.status?.addresses ?? []) as { type?: string; address?: string }[];
    const pick = addresses.find((a) => a.type === 'ExternalIP') ?? addresses.find((a) => a.type === 'InternalIP');
    if (pick?.address) out.push(pick.address);
  }
  return out.sort();
}

/** A Machine's own failure: v1beta1 status fields, or where v1beta2 keeps them. */
export function machineFailure(m: CapiObject): string | undefined {
  const legacy = m.status?.deprecated?.v1beta1;
  const reason = str(m.status?.failureReason) ?? str(legacy?.failureReason);
  const message = str(m.status?.failureMessage) ?? str(legacy?.failureMessage);
  if (!reason && !message) return undefined;
  return `machine ${m.metadata?.name}: ${[reason, message].filter(Boolean).join(': ')}`;
}

/**
 * Why a Machine's server is not up, in CAPO's words: the OpenStackMachine
 * behind it (spec.infrastructureRef) with its failure or a not-True
 * InstanceReady condition, which carries Nova's error ("No valid host ...").
 */
export function instanceProblem(objects: ClusterObjects, machines: readonly CapiObject[]): string | undefined {
  const servers = objects.openstackMachines ?? [];
  if (servers.length === 0) return undefined;
  for (const m of machines) {
    const ref = m.spec?.infrastructureRef as { name?: unknown } | undefined;
    const osm = servers.find((o) => o.metadata?.name === ref?.name);
    if (!osm) continue;
    const failure = [str(osm.status?.failureReason), str(osm.status?.failureMessage)].filter(Boolean).join(': ');
    if (failure) return `machine ${m.metadata?.name}: ${failure}`;
    const instance = condition(osm, COND_CAPO.InstanceReady);
    if (instance && instance.status !== 'True') {
      const detail = [instance.reason, instance.message].filter(Boolean).join(': ');
      if (detail) return `machine ${m.metadata?.name}: InstanceReady (${detail})`;
    }
  }
  return undefined;
}
