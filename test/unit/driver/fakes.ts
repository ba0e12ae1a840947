/** In-memory stand-ins for the driver's ports, recording the order of side effects. */
import type { StatusResponse } from '../../../src/api/schemas.js';
import type { ClusterIndex, ClusterLocation, ClusterSecretsInput, Observer, Planner, ReleaseLeases, ReleasePlan, ReleaseRef, Releases, Remnants, SecretStore } from '../../../src/driver/ports.js';
import { ReleaseBusy } from '../../../src/errors.js';
import { SerialByKey } from '../../../src/serial-by-key.js';
import type { ReleaseRemains } from '../../../src/status/deletion.js';
import type { RecordedRevision } from '../../../src/status/helm-outcome.js';
import type { Spec } from '../../../src/magnum/spec.js';
import type { ServerGroupPlan } from '../../../src/magnum/server-groups.js';
import { namespaceFor } from '../../../src/magnum/names.js';

export type Event = string;

export function fakePorts() {
  const events: Event[] = [];
  const planned: Spec[] = [];
  const state = {
    synced: { ok: true, reason: '' },
    clusterAbsent: false,
    /** What the fresh reads of a deleted release find: nothing by default. */
    remains: (async () => ({ releasePresent: false, objects: [], unreadable: [] })) as (ref: ReleaseRef) => Promise<ReleaseRemains>,
    status: 'CREATE_IN_PROGRESS' as StatusResponse['cluster']['status'],
    version: null as string | null,
    gate: undefined as Promise<void> | undefined,
    planError: undefined as Error | undefined,
    appCredId: 'ac-123' as string | null,
    /** Every lease is held elsewhere: each mutating call answers ReleaseBusy. */
    leaseBusy: false,
    /** helm's latest revision, as its record says (null: no release). */
    latest: null as RecordedRevision | null,
    /** The server groups every plan asks for (an id of null: not resolved by the shim). */
    serverGroups: [] as ServerGroupPlan[],
    /** Non-default node groups the status call reports gone. */
    deletedNodegroups: [] as string[],
  };
  const planner: Planner = {
    plan(spec) {
      planned.push(spec);
      if (state.planError) throw state.planError;
      events.push(`plan ${spec.nodegroups.map((n) => `${n.name}=${n.node_count}`).join(',')} masters=${spec.cluster.master_count}`);
      return {
        release: spec.cluster.stack_id!,
        namespace: namespaceFor(spec.cluster.project_id, 'magnum'),
        chart: { repo: 'r', name: 'openstack-cluster', version: '0.27.0' },
        values: {},
        serverGroups: state.serverGroups,
      };
    },
    helmArgs: (plan: ReleasePlan) => ['upgrade', plan.release],
  };
  const releases: Releases = {
    async apply(plan) {
      events.push(`helm apply ${plan.release}`);
      if (state.gate) await state.gate;
      events.push(`helm applied ${plan.release}`);
      return { revision: 1 };
    },
    async remove(ref) {
      events.push(`helm remove ${ref.release}`);
      return { existed: true };
    },
    async present() {
      return false;
    },
    async latest(ref) {
      events.push(`helm history ${ref.release}`);
      return state.latest;
    },
  };
  const secrets: SecretStore = {
    async ensureNamespace(ns) {
      events.push(`namespace ${ns}`);
    },
    async applyClusterSecrets(input: ClusterSecretsInput) {
      events.push(`secrets ${input.identity.release}${input.credentials ? ' +credentials' : ''}${input.certificates ? ' +certificates' : ''}`);
    },
    async deleteClusterSecrets(ns, uuid) {
      events.push(`delete secrets ${ns} ${uuid}`);
    },
    async readApplicationCredentialId() {
      events.push('read app cred');
      return state.appCredId;
    },
    async readKubeconfig() {
      return null;
    },
  };
  const observer: Observer = {
    synced: () => state.synced,
    status(_spec, _ref, _now, confirmed) {
      const absentAndDeleting = state.clusterAbsent && _spec.cluster.status === 'DELETE_IN_PROGRESS';
      return {
        clusterAbsent: state.clusterAbsent,
        response: {
          cluster: { status: absentAndDeleting && confirmed ? 'DELETE_COMPLETE' : state.status, status_reason: null, api_address: null, coe_version: null, master_addresses: [], node_addresses: [] },
          nodegroups: [],
          deleted_nodegroups: [...state.deletedNodegroups],
        },
      };
    },
    health: () => ({ health_status: 'HEALTHY', health_status_reason: {} }),
    state: () => ({ state: 'Ready', reason: null }),
    controlPlaneVersion: () => state.version,
  };
  /**
   * Leases in memory: `take`/`release` entries carry how many side effects
   * had been recorded then, so a test can check every write ran inside the lease.
   */
  const leaseLog: string[] = [];
  const tombstones = new Map<string, string>();
  const heldNow = new Set<string>();
  const queue = new SerialByKey();
  const leases: ReleaseLeases = {
    hold: (ref, op) => queue.run(`${ref.namespace}/${ref.release}`, async () => {
      const key = `${ref.namespace}/${ref.release}`;
      if (state.leaseBusy) throw new ReleaseBusy(`release ${key} is busy`, 5);
      heldNow.add(key);
      leaseLog.push(`take ${ref.release} @${events.length}`);
      try {
        return await op({
          deletedUuid: tombstones.get(key) ?? null,
          markDeleted: async (uuid) => {
            tombstones.set(key, uuid);
            leaseLog.push(`tombstone ${ref.release} ${uuid} @${events.length}`);
          },
        });
      } finally {
        heldNow.delete(key);
        leaseLog.push(`release ${ref.release} @${events.length}`);
      }
    }),
    holds: (ref) => heldNow.has(`${ref.namespace}/${ref.release}`),
  };
  const remnants: Remnants = {
    find: (ref) => {
      events.push(`fresh reads ${ref.release}`);
      return state.remains(ref);
    },
    async remove(objects) {
      if (objects.length) events.push(`delete ${objects.map((o) => `${o.kind} ${o.name}`).join(', ')}`);
    },
  };
  const locations: ClusterLocation[] = [];
  const index: ClusterIndex = {
    lookup: (uuid) => locations.find((l) => l.uuid === uuid),
    all: () => locations,
  };
  return { events, planned, state, planner, releases, leases, leaseLog, secrets, observer, index, remnants, locations };
}
