/**
 * From cached Cluster API objects and Magnum's current statuses to the
 * statuses Magnum should store. Pure: the clock and the "absence confirmed by
 * a fresh read" fact come in as arguments.
 *
 * Semantics are magnum-capi-helm 1.4.0's `update_cluster_status`, with the
 * improvements of DESIGN section 7:
 * - Only CREATE/UPDATE_IN_PROGRESS and DELETE_IN_PROGRESS clusters move. A
 *   _FAILED or _COMPLETE cluster keeps its status (Magnum polls only clusters
 *   in progress; a failed operation is ended, the user starts a new one).
 * - Node groups of a polled cluster follow Cluster API from any CREATE_/UPDATE_
 *   status, as the Python driver does: a FAILED group whose deployment turns
 *   Running recovers to _COMPLETE, a COMPLETE one whose deployment reports
 *   Failed becomes _FAILED. A failed group does not fail the cluster (Python
 *   neither); its reason is carried in the cluster's status_reason.
 * - The create/update deadline counts from Magnum's `updated_at` (else
 *   `created_at`). Magnum bumps `updated_at` on every save, and the shim saves
 *   whenever a status_reason or address changes, so the deadline measures
 *   "no visible progress for create_timeout minutes", not total duration.
 * - An addon `Unknown` fails the cluster only after the grace period; Python
 *   fails at once.
 */
import type { StatusResponse } from '../api/schemas.js';
import type { ClusterStatus, NodeGroup, Spec } from '../magnum/spec.js';
import { controlPlaneView, workerView, type GroupView } from './groups.js';
import { condition, isTrue, str, unmet, type CapiObject, type ClusterObjects } from './objects.js';
import { ADDON_PHASE, COND, MAGNUM } from './vocabulary.js';

export interface StatusOptions {
  addonUnknownGraceSeconds: number;
  defaultCreateTimeoutMinutes: number;
}

export interface StatusInput {
  spec: Spec;
  release: string;
  objects: ClusterObjects;
  now: Date;
  /** A fresh read (not the cache) found no Cluster object. Only then may a delete complete. */
  absenceConfirmed: boolean;
  options: StatusOptions;
}

export interface StatusOutput {
  response: StatusResponse;
  clusterAbsent: boolean;
}

type Op = 'CREATE' | 'UPDATE';

function opOf(status: string | null | undefined): Op | 'DELETE' | null {
  const m = /^(CREATE|UPDATE|DELETE)_/.exec(status ?? '');
  return (m?.[1] as Op | 'DELETE' | undefined) ?? null;
}

/** A node group's new Magnum status, or 'deleted' when its resources are gone. */
function nextGroupStatus(current: ClusterStatus | null | undefined, view: GroupView): ClusterStatus | 'deleted' | null | undefined {
  const op = opOf(current);
  if (op === 'DELETE') return view.state === 'Absent' ? 'deleted' : current;
  if (op === null) return current;
  // As the Python driver: from any CREATE_/UPDATE_ status, so a failed group that turns ready recovers.
  if (view.state === 'Ready') return `${op}_COMPLETE`;
  if (view.state === 'Failed') return `${op}_FAILED`;
  return current;
}

function addonName(a: CapiObject): string {
  return a.metadata?.name ?? 'addon';
}

/**
 * The first addon problem: a Failed addon, or an Unknown one past the grace
 * period. How long it has been Unknown comes from its Ready condition's
 * lastTransitionTime; the addon provider may not set one, and its creation
 * time is no measure on an update (the addon is as old as the cluster), so
 * then the clock starts no earlier than the operation's last progress.
 */
function addonProblem(addons: CapiObject[], now: Date, graceSeconds: number, operationSince: Date | null): { failed: string | null; waiting: string | null } {
  let waiting: string | null = null;
  for (const a of addons) {
    const phase = str(a.status?.phase);
    if (phase === ADDON_PHASE.Deployed) continue;
    const message = str(a.status?.failureMessage) ?? condition(a, COND.Ready)?.message;
    if (phase === ADDON_PHASE.Failed) return { failed: `addon ${addonName(a)} failed${message ? `: ${message}` : ''}`, waiting };
    if (phase === ADDON_PHASE.Unknown) {
      const since = unknownSince(a, operationSince);
      const age = since ? (now.getTime() - since.getTime()) / 1000 : 0;
      if (age > graceSeconds) return { failed: `addon ${addonName(a)} has been Unknown for ${Math.round(age)}s${message ? `: ${message}` : ''}`, waiting };
    }
    waiting ??= `addon ${addonName(a)}: ${phase ?? 'pending'}${message ? ` (${message})` : ''}`;
  }
  return { failed: null, waiting };
}

function time(raw: string | Date | undefined): Date | null {
  if (!raw) return null;
  const d = new Date(raw);
  return Number.isNaN(d.getTime()) ? null : d;
}

function unknownSince(addon: CapiObject, operationSince: Date | null): Date | null {
  const transition = time(condition(addon, COND.Ready)?.lastTransitionTime);
  if (transition) return transition;
  const created = time(addon.metadata?.creationTimestamp);
  if (!created || !operationSince) return created ?? operationSince;
  return created > operationSince ? created : operationSince;
}

/** Why the cluster is not ready yet: the first unmet thing, with CAPI's and CAPO's own words. */
function clusterWaiting(objects: ClusterObjects): string | null {
  const osc = objects.openstackCluster;
  const failure = [str(osc?.status?.failureReason), str(osc?.status?.failureMessage)].filter(Boolean).join(': ');
  if (failure) return `OpenStackCluster: ${failure}`;
  const infra = unmet(objects.cluster, [COND.InfrastructureReady]);
  if (infra.length) {
    const oscReady = unmet(osc, [COND.Ready]);
    return `waiting for infrastructure: ${oscReady.length ? `OpenStackCluster ${oscReady.join(', ')}` : infra.join(', ')}`;
  }
  const rest = unmet(objects.cluster, [COND.ControlPlaneReady, COND.Ready]);
  return rest.length ? `waiting on ${rest.join(', ')}` : null;
}

function startedAt(spec: Spec): Date | null {
  const raw = spec.cluster.updated_at ?? spec.cluster.created_at;
  if (!raw) return null;
  const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(raw) ? raw : `${raw}Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function computeStatus(input: StatusInput): StatusOutput {
  const { spec, objects, now, options, release } = input;
  const cluster = spec.cluster;
  const capi = objects.cluster;

  const cp = controlPlaneView(objects);
  const views = new Map<NodeGroup, GroupView>();
  for (const g of spec.nodegroups) views.set(g, g.role === 'master' ? cp : workerView(objects, release, g));

  const nodegroups: StatusResponse['nodegroups'] = [];
  const deleted: string[] = [];
  for (const [g, view] of views) {
    const next = nextGroupStatus(g.status, view);
    if (next === 'deleted') {
      // Magnum removes default groups with the cluster; we destroy only the others.
      if (!g.is_default) deleted.push(g.name);
      continue;
    }
    const entry: StatusResponse['nodegroups'][number] = {
      name: g.name,
      status: next ?? g.status ?? 'CREATE_IN_PROGRESS',
      status_reason: view.reason,
      node_addresses: view.addresses,
    };
    if (view.desired !== undefined) entry.node_count = view.desired;
    nodegroups.push(entry);
  }
  const groupsInProgress = nodegroups.some((n) => n.status.endsWith('_IN_PROGRESS'));

  const endpoint = capi?.spec?.controlPlaneEndpoint as { host?: string; port?: number } | undefined;
  const apiAddress = endpoint?.host && endpoint.port ? `https://${endpoint.host}:${endpoint.port}` : cluster.api_address ?? null;
  const kcpVersion = str(objects.controlPlane?.status?.version) ?? str(objects.controlPlane?.spec?.version);
  const workerAddresses = [...views].filter(([g]) => g.role !== 'master').flatMap(([, v]) => v.addresses);

  let status: ClusterStatus | null = cluster.status;
  let reason: string | null = cluster.status_reason ?? null;
  const op = opOf(status);
  const allReady = () => isTrue(capi, COND.InfrastructureReady) && isTrue(capi, COND.ControlPlaneReady) && isTrue(capi, COND.Ready);

  if (op === 'DELETE' && status === 'DELETE_IN_PROGRESS') {
    if (!capi && input.absenceConfirmed) {
      status = 'DELETE_COMPLETE';
      reason = null;
    } else {
      reason = capi ? `deleting: ${clusterWaiting(objects) ?? 'Cluster API is removing the cluster'}` : 'deleting: confirming the Cluster is gone';
    }
  } else if ((op === 'CREATE' || op === 'UPDATE') && status === `${op}_IN_PROGRESS`) {
    const started = startedAt(spec);
    const addons = addonProblem(objects.addons, now, options.addonUnknownGraceSeconds, started);
    const failedGroup = nodegroups.find((n) => n.status.endsWith('_FAILED'));
    if (capi && allReady() && !groupsInProgress && addons.failed === null && addons.waiting === null) {
      status = op === 'CREATE' ? MAGNUM.CREATE_COMPLETE : MAGNUM.UPDATE_COMPLETE;
      reason = failedGroup?.status_reason ?? null;
    } else {
      const waitingFor =
        (!capi ? 'waiting for the Cluster object to be created' : null) ??
        clusterWaiting(objects) ??
        nodegroups.find((n) => n.status.endsWith('_IN_PROGRESS'))?.status_reason ??
        addons.waiting;
      const timeoutMin = cluster.create_timeout || options.defaultCreateTimeoutMinutes;
      if (addons.failed) {
        status = op === 'CREATE' ? MAGNUM.CREATE_FAILED : MAGNUM.UPDATE_FAILED;
        reason = addons.failed;
      } else if (started && now.getTime() - started.getTime() > timeoutMin * 60_000) {
        status = op === 'CREATE' ? MAGNUM.CREATE_FAILED : MAGNUM.UPDATE_FAILED;
        reason = `timed out after ${timeoutMin} minutes without progress; last seen: ${waitingFor ?? failedGroup?.status_reason ?? 'the cluster was not ready'}`;
      } else {
        reason = waitingFor ?? failedGroup?.status_reason ?? reason;
      }
    }
  }

  return {
    clusterAbsent: !capi,
    response: {
      cluster: {
        status: status ?? 'CREATE_IN_PROGRESS',
        status_reason: reason,
        api_address: apiAddress,
        coe_version: kcpVersion ?? cluster.coe_version ?? null,
        master_addresses: cp.addresses,
        node_addresses: workerAddresses,
      },
      nodegroups,
      deleted_nodegroups: deleted,
    },
  };
}
