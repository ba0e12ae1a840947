/**
 * From cached Cluster API objects and Magnum's current statuses to the
 * statuses Magnum should store. Pure: the clock and the "absence confirmed by
 * a fresh read" fact come in as arguments.
 *
 * Semantics are magnum-capi-helm 1.4.0's `update_cluster_status`, with the
 * improvements of DESIGN section 7:
 * - CREATE/UPDATE_IN_PROGRESS and DELETE_IN_PROGRESS clusters move. A
 *   _COMPLETE cluster keeps its status. A _FAILED one recovers to _COMPLETE
 *   once everything is ready (issue 5: our own deadline may call a slow
 *   create failed that Cluster API then finishes); otherwise it stays failed.
 * - Node groups of a polled cluster follow Cluster API from any CREATE_/UPDATE_
 *   status, as the Python driver does: a FAILED group whose deployment turns
 *   Running recovers to _COMPLETE, a COMPLETE one whose deployment reports
 *   Failed becomes _FAILED. A failed group does not fail the cluster (Python
 *   neither); its reason is carried in the cluster's status_reason.
 * - The create/update deadline counts from Magnum's `updated_at` (else
 *   `created_at`). Magnum bumps `updated_at` on every save, and the shim saves
 *   whenever a status_reason or address changes, so the deadline measures
 *   "no visible progress for create_timeout minutes", not total duration.
 *   The groups a timed-out operation was still waiting for fail with it.
 * - An addon `Unknown` fails the cluster only after the grace period; Python
 *   fails at once.
 */
import type { ClusterStatus, NodeGroup, Spec } from '../magnum/spec.js';
import { controlPlaneView, workerView, type GroupView } from './groups.js';
import { addonProblem } from './addons.js';
import { num, str, type ClusterObjects } from './objects.js';
import { teardownWaiting } from './deletion.js';
import { determineProgress, type GroupOutcome, type Progress } from './progress.js';
import { ADDON_KINDS, notObserved, type Unobserved } from './observed.js';
import { HEALABLE_REASON_PREFIX, MAGNUM } from './vocabulary.js';

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
  /** Kinds the cache cannot read now (missing or forbidden CRD, broken watch): the parts that need them are unknown. */
  unobserved?: Unobserved;
}

/** A node group's new statuses, as the shim writes them onto Magnum's row. */
export interface NodeGroupAnswer {
  name: string;
  status: ClusterStatus;
  status_reason: string | null;
  node_count?: number;
  node_addresses?: string[];
}

/** What a status call tells Magnum; the HTTP route maps it onto its response schema. */
export interface StatusAnswer {
  cluster: {
    status: ClusterStatus;
    status_reason: string | null;
    api_address: string | null;
    coe_version: string | null;
    master_addresses: string[];
    node_addresses: string[];
  };
  nodegroups: NodeGroupAnswer[];
  /** Non-default node groups whose resources are gone; the shim destroys their rows. */
  deleted_nodegroups: string[];
}

export interface StatusOutput {
  response: StatusAnswer;
  clusterAbsent: boolean;
  /** This answer fails a create or update because its deadline passed without progress. */
  timedOut: 'CREATE' | 'UPDATE' | null;
}

type Op = 'CREATE' | 'UPDATE';

function opOf(status: string | null | undefined): Op | 'DELETE' | null {
  const m = /^(CREATE|UPDATE|DELETE)_/.exec(status ?? '');
  return (m?.[1] as Op | 'DELETE' | undefined) ?? null;
}

/**
 * A node group's new Magnum status, or 'deleted' when its resources are gone.
 * Gone needs the Cluster in the cache: without it there is no evidence about
 * this release at all (an empty cache must not destroy Magnum's rows), and
 * magnum-capi-helm too reads node groups only once it found the Cluster. A
 * cluster being deleted loses every row at DELETE_COMPLETE anyway.
 */
function nextGroupStatus(current: ClusterStatus | null | undefined, view: GroupView, clusterSeen: boolean): ClusterStatus | 'deleted' | null | undefined {
  const op = opOf(current);
  if (op === 'DELETE') return view.state === 'Absent' && clusterSeen ? 'deleted' : current;
  if (op === null) return current;
  // As the Python driver: from any CREATE_/UPDATE_ status, so a failed group that turns ready recovers.
  if (view.state === 'Ready') return `${op}_COMPLETE`;
  if (view.state === 'Failed') return `${op}_FAILED`;
  return current;
}

/**
 * Step 2: a create/update's Magnum status from its progress. Ready completes
 * it, Failed fails it, and anything still going fails only once the deadline
 * has passed with no progress; otherwise it stays IN_PROGRESS with the reason.
 */
export function toMagnumStatus(
  op: Op,
  progress: Progress,
  deadline: { started: Date; minutes: number } | null,
  now: Date,
  previousReason: string | null,
): { status: ClusterStatus; reason: string | null } {
  const complete = op === 'CREATE' ? MAGNUM.CREATE_COMPLETE : MAGNUM.UPDATE_COMPLETE;
  const failed = op === 'CREATE' ? MAGNUM.CREATE_FAILED : MAGNUM.UPDATE_FAILED;
  const inProgress = op === 'CREATE' ? MAGNUM.CREATE_IN_PROGRESS : MAGNUM.UPDATE_IN_PROGRESS;
  switch (progress.state) {
    case 'Ready':
      return { status: complete, reason: progress.reason };
    case 'Failed':
      return { status: failed, reason: progress.reason };
    case 'Absent':
    case 'Provisioning': {
      if (deadline && now.getTime() - deadline.started.getTime() > deadline.minutes * 60_000) {
        return { status: failed, reason: `${HEALABLE_REASON_PREFIX[0]}${deadline.minutes} minutes without progress; last seen: ${progress.reason ?? 'the cluster was not ready'}` };
      }
      return { status: inProgress, reason: progress.reason ?? previousReason };
    }
    default: {
      // A state added later and not handled here keeps the operation going, never fails it.
      const unhandled: never = progress;
      return { status: inProgress, reason: (unhandled as { reason?: string | null }).reason ?? previousReason };
    }
  }
}

/**
 * The operation failed (timed out, or an addon failed): the groups it was
 * still waiting for fail with it. Magnum polls only clusters in progress, so
 * a group left CREATE_/UPDATE_IN_PROGRESS under a FAILED cluster would stay
 * so; failed, it recovers like any failed group once Cluster API gets it
 * ready. A group being deleted keeps DELETE_IN_PROGRESS: it is removed
 * whenever its resources are gone.
 */
function failPendingGroups(nodegroups: NodeGroupAnswer[], why: (lastSeen: string) => string): void {
  for (const g of nodegroups) {
    const op = opOf(g.status);
    if ((op === 'CREATE' || op === 'UPDATE') && g.status === `${op}_IN_PROGRESS`) {
      g.status = `${op}_FAILED`;
      g.status_reason = why(g.status_reason ?? 'the node group was not ready');
    }
  }
}

/** What a failed operation tells the groups it leaves behind. */
function pendingGroupReason(progress: Progress, minutes: number | undefined): (lastSeen: string) => string {
  if (progress.state === 'Failed') return (lastSeen) => `the cluster failed (${progress.reason}); last seen: ${lastSeen}`;
  return (lastSeen) => `timed out after ${minutes} minutes without progress; last seen: ${lastSeen}`;
}

/**
 * `https://host:port` from the Cluster's spec.controlPlaneEndpoint, or null
 * until CAPI has set a real one (its placeholder is an empty host and port
 * 0). An IPv6 host is bracketed, as a URL needs; Magnum writes api_address
 * into kubeconfig verbatim.
 */
function endpointAddress(raw: unknown): string | null {
  const endpoint = raw as { host?: unknown; port?: unknown } | undefined;
  const host = str(endpoint?.host)?.trim();
  const port = num(endpoint?.port);
  if (!host || port === undefined || !Number.isInteger(port) || port < 1 || port > 65535) return null;
  const urlHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `https://${urlHost}:${port}`;
}

/** Kinds each part needs; the Cluster itself is needed by all (without it status does not answer at all). */
const CONTROL_PLANE_KINDS = ['KubeadmControlPlane', 'Machine'];
const WORKER_KINDS = ['MachineDeployment', 'Machine'];
const CORE_KINDS = ['KubeadmControlPlane', 'MachineDeployment', 'Machine', 'OpenStackCluster'];

/** A group whose kinds cannot be read: pending (never Absent, which would let Magnum destroy its row). */
function unknownView(why: string | null): GroupView | null {
  return why ? { state: 'Pending', reason: why, addresses: [] } : null;
}

/**
 * Progress with the unreadable kinds taken into account: a core kind not
 * observed holds the operation (never completes, never fails it); addon
 * kinds not observed do not hold it, and the reason says addons are not
 * observed.
 */
function withUnobserved(progress: Progress, unobserved: Unobserved): Progress {
  const core = notObserved(unobserved, CORE_KINDS);
  if (core && progress.state !== 'Failed') return { state: 'Provisioning', reason: `cannot see: ${core}` };
  const addons = notObserved(unobserved, ADDON_KINDS);
  if (addons && progress.state === 'Ready') return { state: 'Ready', reason: [progress.reason, `addons are not observed: ${addons}`].filter(Boolean).join('; ') };
  return progress;
}

/** A failure of our own making (our deadline, an unknown outcome), which Cluster API may still turn into success. */
function healable(reason: string | null): boolean {
  return reason !== null && HEALABLE_REASON_PREFIX.some((p) => reason.startsWith(p));
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

  const unobserved = input.unobserved ?? new Map<string, string>();
  const cp = unknownView(notObserved(unobserved, CONTROL_PLANE_KINDS)) ?? controlPlaneView(objects);
  const workersUnknown = notObserved(unobserved, WORKER_KINDS);
  const views = new Map<NodeGroup, GroupView>();
  for (const g of spec.nodegroups) {
    views.set(g, g.role === 'master' ? cp : unknownView(workersUnknown && `node group ${g.name}: ${workersUnknown}`) ?? workerView(objects, release, g));
  }

  const nodegroups: NodeGroupAnswer[] = [];
  const outcomes: GroupOutcome[] = [];
  const deleted: string[] = [];
  for (const [g, view] of views) {
    const next = nextGroupStatus(g.status, view, capi !== undefined);
    if (next === 'deleted') {
      // Magnum removes default groups with the cluster; we destroy only the others.
      if (!g.is_default) deleted.push(g.name);
      continue;
    }
    const entry: NodeGroupAnswer = {
      name: g.name,
      status: next ?? g.status ?? 'CREATE_IN_PROGRESS',
      status_reason: view.reason,
      node_addresses: view.addresses,
    };
    if (view.desired !== undefined) entry.node_count = view.desired;
    nodegroups.push(entry);
    outcomes.push({ status: entry.status, status_reason: entry.status_reason, state: view.state });
  }

  const apiAddress = endpointAddress(capi?.spec?.controlPlaneEndpoint) ?? cluster.api_address ?? null;
  const kcpVersion = str(objects.controlPlane?.status?.version) ?? str(objects.controlPlane?.spec?.version);
  const workerAddresses = [...views].filter(([g]) => g.role !== 'master').flatMap(([, v]) => v.addresses);

  let status: ClusterStatus | null = cluster.status;
  let reason: string | null = cluster.status_reason ?? null;
  let timedOut: StatusOutput['timedOut'] = null;
  const op = opOf(status);

  if (op === 'DELETE' && status === 'DELETE_IN_PROGRESS') {
    if (!capi && input.absenceConfirmed) {
      status = 'DELETE_COMPLETE';
      reason = null;
    } else {
      reason = capi ? `deleting: ${teardownWaiting(objects)}` : 'deleting: confirming the Cluster is gone';
    }
  } else if ((op === 'CREATE' || op === 'UPDATE') && status === `${op}_IN_PROGRESS`) {
    const started = startedAt(spec);
    const progress = withUnobserved(determineProgress(objects, outcomes, addonProblem(objects.addons, now, options.addonUnknownGraceSeconds, started)), unobserved);
    // What cannot be read is no evidence of failure: no deadline runs out on it.
    const deadline = started && !notObserved(unobserved, CORE_KINDS) ? { started, minutes: cluster.create_timeout || options.defaultCreateTimeoutMinutes } : null;
    ({ status, reason } = toMagnumStatus(op, progress, deadline, now, reason));
    if (status === `${op}_FAILED`) {
      failPendingGroups(nodegroups, pendingGroupReason(progress, deadline?.minutes));
      // Only a progress still going fails on the deadline; Failed failed on its own.
      if (progress.state !== 'Failed') timedOut = op;
    }
  } else if ((op === 'CREATE' || op === 'UPDATE') && status === `${op}_FAILED` && healable(reason)) {
    const progress = withUnobserved(determineProgress(objects, outcomes, addonProblem(objects.addons, now, options.addonUnknownGraceSeconds, startedAt(spec))), unobserved);
    if (progress.state === 'Ready') {
      status = `${op}_COMPLETE`;
      reason = `recovered: everything is ready now, after the operation was failed (${reason})${progress.reason ? `; ${progress.reason}` : ''}`;
    }
  }

  return {
    clusterAbsent: !capi,
    timedOut,
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
