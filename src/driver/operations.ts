/**
 * The Magnum driver operations: each checks the request, renders the full
 * values from the spec (so a broken Magnum rule is refused before anything
 * changes), writes the cluster's secrets, then runs helm. Status and health
 * are answered by the observer from the watch cache.
 */
import type { Accepted, ClusterSummary, NodeGroupCreateRequest, RenderResponse, ResizeRequest, UpgradeRequest } from '../api/schemas.js';
import type { HealthReport } from '../status/health.js';
import type { Config } from '../config.js';
import { Conflict, InvalidInput, ManagementClusterUnavailable, NotFound, NotSupported } from '../errors.js';
import { namespaceFor } from '../magnum/names.js';
import { requireResolvedServerGroups, serverGroupNames } from '../magnum/server-groups.js';
import type { NodeGroup, Spec } from '../magnum/spec.js';
import { judgeDeletion } from '../status/deletion.js';
import { awaitingOutcome, decideUnknownOutcome } from '../status/helm-outcome.js';
import type { ClusterIndex, HeldLease, Observer, Planner, ReleaseLeases, ReleasePlan, ReleaseRef, Releases, Remnants, RenderedRelease, SecretStore } from './ports.js';
import { releaseNameFor } from './release-name.js';
import type { Driver, StatusResult } from './types.js';
import { checkKubeVersion, highestVersion, type VersionChange } from './upgrade-rules.js';

export interface DriverDeps {
  config: Config;
  planner: Planner;
  releases: Releases;
  /** One operation per release across every replica. */
  leases: ReleaseLeases;
  secrets: SecretStore;
  observer: Observer;
  index: ClusterIndex;
  remnants: Remnants;
  /** Fetches (and caches) the plan's chart, so an unreachable chart repository fails before any write. */
  prepareChart?: (plan: ReleasePlan) => Promise<void>;
  /** Marks the Machines behind `nodes_to_remove` so a scale-down removes those first. */
  markNodesForRemoval?: (ref: ReleaseRef, nodegroup: string, nodes: string[]) => Promise<number>;
  now?: () => Date;
}

const isDeleting = (status: string | null | undefined) => status?.startsWith('DELETE_') ?? false;

function matches(ng: NodeGroup, key: string): boolean {
  return ng.name === key || ng.uuid === key;
}

/** The node groups the release should hold: those being deleted are already gone from Magnum's point of view. */
function liveSpec(spec: Spec, without?: string): Spec {
  return { ...spec, nodegroups: spec.nodegroups.filter((ng) => !isDeleting(ng.status) && (without === undefined || !matches(ng, without))) };
}

export function createDriver(deps: DriverDeps): Driver {
  const { config, planner, releases, leases, secrets, observer, index, remnants } = deps;
  const now = deps.now ?? (() => new Date());

  const refOf = (spec: Spec): ReleaseRef => ({
    release: releaseNameFor(spec.cluster),
    namespace: namespaceFor(spec.cluster.project_id, config.namespacePrefix),
  });

  const identity = (spec: Spec, release: string) => ({
    uuid: spec.cluster.uuid,
    projectId: spec.cluster.project_id,
    userId: spec.cluster.user_id,
    release,
  });

  const withRelease = (spec: Spec): Spec => ({ ...spec, cluster: { ...spec.cluster, stack_id: releaseNameFor(spec.cluster) } });

  function requireRelease(spec: Spec, operation: string): void {
    if (!spec.cluster.stack_id) {
      throw new Conflict(`cannot ${operation}: the cluster has no release yet (stack_id is empty); create it first`, 'cluster.stack_id');
    }
    if (isDeleting(spec.cluster.status)) {
      throw new Conflict(`cannot ${operation}: the cluster is being deleted`, 'cluster.status');
    }
  }

  /** Render first (pure, may refuse), then secrets, then helm: a refusal changes nothing. */
  async function converge(spec: Spec, opts: { secrets: boolean }): Promise<Accepted> {
    const plan = planner.plan(spec);
    requireResolvedServerGroups(plan.serverGroups);
    await deps.prepareChart?.(plan);
    if (opts.secrets) {
      await secrets.ensureNamespace(plan.namespace);
      await secrets.applyClusterSecrets({
        namespace: plan.namespace,
        identity: identity(spec, plan.release),
        credentials: spec.credentials,
        certificates: spec.certificates,
      });
    }
    const { revision } = await releases.apply(plan);
    return { stack_id: plan.release, namespace: plan.namespace, revision };
  }

  /** A write that would install the release again refuses a cluster whose delete already reached it. */
  const refuseDeleted = (spec: Spec, lease: HeldLease) => {
    if (lease.deletedUuid === spec.cluster.uuid) {
      throw new Conflict(`cluster ${spec.cluster.uuid} was deleted: its delete reached the release first, so this call would resurrect it`, 'cluster.uuid');
    }
  };
  /** Every mutating call runs under the release's lease, from before its first write to its answer. */
  const serial = <T>(spec: Spec, op: () => Promise<T>) =>
    leases.hold(refOf(spec), async (lease) => {
      refuseDeleted(spec, lease);
      return op();
    });
  /** The tombstone goes down before anything is removed: a create queued behind a half-done delete stays refused. */
  const serialDelete = <T>(spec: Spec, op: () => Promise<T>) =>
    leases.hold(refOf(spec), async (lease) => {
      await lease.markDeleted(spec.cluster.uuid);
      return op();
    });

  /** Refuses, before anything changes, a render that would move the control plane's Kubernetes back or skip a minor. */
  const guardVersion = (spec: Spec, change: VersionChange) =>
    checkKubeVersion(change, highestVersion(observer.controlPlaneVersion(refOf(spec)), spec.cluster.coe_version), spec.resolved.image.kube_version);

  async function statusOf(spec: Spec): Promise<StatusResult> {
    const sync = observer.synced();
    if (!sync.ok) throw new ManagementClusterUnavailable(`status not known yet: ${sync.reason}`);
    const ref = refOf(spec);
    const first = observer.status(spec, ref, now(), false);
    const awaited = awaitingOutcome(spec.cluster.status, spec.cluster.status_reason);
    if (awaited) return decideUnknownOutcome(first.response, awaited, await releases.latest(ref));
    if (!(spec.cluster.status === 'DELETE_IN_PROGRESS' && first.clusterAbsent)) return first.response;
    // The cache says the Cluster is gone; only fresh reads of everything the release had may say DELETE_COMPLETE.
    const verdict = judgeDeletion(await remnants.find(ref));
    if (!verdict.gone) {
      await remnants.remove(verdict.orphans);
      return { ...first.response, cluster: { ...first.response.cluster, status_reason: verdict.reason } };
    }
    const confirmed = observer.status(spec, ref, now(), true);
    if (confirmed.response.cluster.status !== 'DELETE_COMPLETE') return confirmed.response;
    const appCredId = await secrets.readApplicationCredentialId(ref);
    await secrets.deleteClusterSecrets(ref.namespace, spec.cluster.uuid);
    return { ...confirmed.response, application_credential_id: appCredId };
  }

  return {
    createCluster: (spec) =>
      serial(spec, async () => {
        if (!spec.credentials) throw new InvalidInput('create needs the application credential (credentials.clouds_yaml)', 'credentials');
        if (!spec.certificates) throw new InvalidInput('create needs the cluster CA key pairs', 'certificates');
        if (isDeleting(spec.cluster.status)) throw new Conflict('cannot create: the cluster is being deleted', 'cluster.status');
        guardVersion(spec, 'same-minor');
        return converge(liveSpec(withRelease(spec)), { secrets: true });
      }),

    updateCluster: (spec) =>
      serial(spec, async () => {
        requireRelease(spec, 'update');
        guardVersion(spec, 'same-minor');
        return converge(liveSpec(spec), { secrets: spec.credentials !== undefined || spec.certificates !== undefined });
      }),

    resizeCluster: (request: ResizeRequest) =>
      serial(request.spec, async () => {
        const { spec } = request;
        requireRelease(spec, 'resize');
        guardVersion(spec, 'same-minor');
        const group = spec.nodegroups.find((ng) => matches(ng, request.nodegroup))!;
        const resized: Spec =
          group.role === 'master'
            ? { ...spec, cluster: { ...spec.cluster, master_count: request.node_count } }
            : { ...spec, nodegroups: spec.nodegroups.map((ng) => (ng === group ? { ...ng, node_count: request.node_count } : ng)) };
        const plan = planner.plan(liveSpec(resized));
        requireResolvedServerGroups(plan.serverGroups);
        if (request.nodes_to_remove.length > 0 && deps.markNodesForRemoval && group.role !== 'master') {
          await deps.markNodesForRemoval(plan, group.name, request.nodes_to_remove);
        }
        const { revision } = await releases.apply(plan);
        return { stack_id: plan.release, namespace: plan.namespace, revision };
      }),

    upgradeCluster: (request: UpgradeRequest) =>
      serial(request.spec, async () => {
        const { spec } = request;
        requireRelease(spec, 'upgrade');
        guardVersion(spec, 'upgrade');
        return converge(liveSpec(spec), { secrets: false });
      }),

    deleteCluster: (spec) =>
      serialDelete(spec, async () => {
        const ref = refOf(spec);
        // A create that failed before the shim saved stack_id may still have
        // installed the release: its name is derived from the uuid, so look there too.
        await releases.remove(ref);
        return { stack_id: ref.release, namespace: ref.namespace, revision: null };
      }),

    createNodeGroup: (request: NodeGroupCreateRequest) =>
      serial(request.spec, async () => {
        requireRelease(request.spec, 'create a node group');
        guardVersion(request.spec, 'same-minor');
        return converge(liveSpec(request.spec), { secrets: false });
      }),

    updateNodeGroup: (spec) =>
      serial(spec, async () => {
        requireRelease(spec, 'update a node group');
        guardVersion(spec, 'same-minor');
        return converge(liveSpec(spec), { secrets: false });
      }),

    deleteNodeGroup: (spec, nodegroup) =>
      serial(spec, async () => {
        requireRelease(spec, 'delete a node group');
        guardVersion(spec, 'same-minor');
        const group = spec.nodegroups.find((ng) => matches(ng, nodegroup));
        if (group?.is_default) throw new NotSupported(`node group ${group.name} is a default node group and cannot be deleted`, 'params.name');
        return converge(liveSpec(spec, nodegroup), { secrets: false });
      }),

    rotateCredential: (spec) =>
      serial(spec, async () => {
        requireRelease(spec, 'rotate the credential');
        if (!spec.credentials) throw new InvalidInput('rotate_credential needs the new credentials', 'credentials');
        guardVersion(spec, 'same-minor');
        const replaced = await secrets.readApplicationCredentialId(refOf(spec));
        const accepted = await converge(liveSpec(spec), { secrets: true });
        const isNew = replaced === spec.credentials.application_credential_id;
        return { ...accepted, replaced_application_credential_id: isNew ? null : replaced };
      }),

    clusterStatus: async (spec): Promise<StatusResult> => withServerGroupsToDelete(spec, refOf(spec).release, await statusOf(spec)),

    clusterHealth: async (uuid, nodegroups): Promise<HealthReport> => {
      const sync = observer.synced();
      if (!sync.ok) throw new ManagementClusterUnavailable(`health not known yet: ${sync.reason}`);
      return observer.health(locate(index, uuid), nodegroups);
    },

    listClusters: async (): Promise<ClusterSummary[]> => index.all().map((loc) => summary(observer, loc)),

    getCluster: async (uuid) => summary(observer, locate(index, uuid)),

    kubeconfig: async (uuid) => {
      const kubeconfig = await secrets.readKubeconfig(locate(index, uuid));
      if (kubeconfig === null) throw new NotFound(`cluster ${uuid} has no kubeconfig yet: Cluster API writes it once the control plane is up`);
      return kubeconfig;
    },

    render: async (spec): Promise<RenderResponse> => {
      const plan = planner.plan(liveSpec(withRelease(spec)));
      return renderResponse(plan, planner.helmArgs(plan));
    },
  };
}

function locate(index: ClusterIndex, uuid: string) {
  const loc = index.lookup(uuid);
  if (!loc) throw new NotFound(`no cluster ${uuid} is managed here`);
  return loc;
}

function summary(observer: Observer, loc: ReturnType<ClusterIndex['all']>[number]): ClusterSummary {
  const { state, reason } = observer.state(loc);
  return { uuid: loc.uuid, stack_id: loc.release, namespace: loc.namespace, project_id: loc.projectId, state, reason };
}

/** The dry run's answer: the plan, the helm argv, and the server groups the shim must provide. */
export function renderResponse(plan: RenderedRelease, helmArgs: string[]): RenderResponse {
  const { serverGroups, ...release } = plan;
  return { ...release, helm_args: helmArgs, server_groups: serverGroups.map((g) => ({ ...g })) };
}

/**
 * The server groups the shim deletes once what they held is gone: those of
 * node groups reported deleted, and at DELETE_COMPLETE every name the
 * cluster's groups could have had.
 */
function withServerGroupsToDelete(spec: Spec, release: string, answer: StatusResult): StatusResult {
  const complete = answer.cluster.status === 'DELETE_COMPLETE';
  const groups = complete ? spec.nodegroups.filter((ng) => ng.role !== 'master').map((ng) => ng.name) : answer.deleted_nodegroups;
  const names = serverGroupNames(release, groups, complete);
  return names.length === 0 ? answer : { ...answer, server_groups_to_delete: names };
}
