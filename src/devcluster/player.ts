/**
 * Plays the providers that cannot run on a laptop beside the real Cluster API
 * managers: CAPO (OpenStackCluster ready with an endpoint, each
 * OpenStackMachine a "server" once its bootstrap data exists), the
 * KubeadmControlPlane's status (initialized and at its spec's version and
 * replicas), the addon provider (every HelmRelease and Manifests Deployed once
 * its cluster's control plane is ready), and the workload cluster's Nodes (one Ready Node per
 * OpenStackMachine, whose providerID matches, so the real Machine controller
 * finds it). It also writes the `<cluster>-kubeconfig` Secret a control plane
 * would, and collects what a garbage collector would (no kube-controller-manager
 * runs): Secrets whose owners are gone, Nodes whose machine is gone.
 *
 * One reconcile pass every few hundred milliseconds while there is work, every
 * second or so while there is none, each step idempotent and written as a merge
 * patch, so it needs no state and never fights a controller.
 * A namespace's hold annotation (hold.ts) makes it leave named objects alone,
 * and an OpenStackCluster with a failureReason stays failed, as CAPO's v1beta1
 * failures are terminal.
 */
import { CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions, type V1Node, type V1Secret } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { LABEL_CAPI_CLUSTER as CLUSTER_NAME_LABEL } from '../kube/labels.js';
import { METADATA_LIST } from '../kube/list-watch.js';
import { holdsByNamespace, type Held, type HoldableKind } from './hold.js';
import { LOCAL_KINDS, type LocalKind } from './kinds.js';
import type { Log } from './process.js';

interface Obj {
  metadata: {
    name: string;
    namespace?: string;
    uid: string;
    generation?: number;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    ownerReferences?: { kind: string; name: string; uid: string }[];
  };
  spec?: Record<string, any>;
  status?: Record<string, any>;
}

const KINDS = LOCAL_KINDS;
type Kind = LocalKind;

const PROVIDER_ID_PREFIX = 'openstack:///';
const MERGE = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
/** Between passes while the last one wrote something (a cluster is coming up or going). */
const BUSY_INTERVAL_MS = 300;
/** Between passes while nothing was left to play: the polling is most of what a quiet cluster costs its API server. */
const IDLE_INTERVAL_MS = 1_000;

export interface PlayerOptions {
  kubeconfigPath: string;
  workload: { server: string; kubeconfigPath: string };
  log: Log;
}

export interface Player {
  /** One pass now (tests need not wait for the next tick). */
  reconcile(): Promise<void>;
  stop(): Promise<void>;
}

const condition = (type: string, now: string) => ({ type, status: 'True', lastTransitionTime: now });

/** A stable private address per machine, as a cloud would hand out. */
export function addressOf(uid: string): string {
  const n = parseInt(uid.replace(/-/g, '').slice(0, 6), 16);
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${(n & 255) || 1}`;
}

/**
 * The Node status a kubelet posts: Ready, and the pressure conditions, which it
 * reports False while the node is fine. Cluster API v1.11+ sums all four into
 * the Machine's NodeHealthy (a pressure not reported leaves it Unknown, so the
 * Machine is never Available and a MachineDeployment rollout, which waits for
 * its new Machines to be available, never finishes); v1.10 reads only Ready.
 */
export function kubeletNodeStatus(name: string, address: string, version: string | undefined, now: string) {
  const pressure = (type: string, reason: string, message: string) => ({ type, status: 'False', reason, message, lastHeartbeatTime: now, lastTransitionTime: now });
  return {
    addresses: [{ type: 'InternalIP', address }, { type: 'Hostname', address: name }],
    conditions: [
      pressure('MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
      pressure('DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      pressure('PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
      { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now },
    ],
    nodeInfo: { kubeletVersion: version ?? '', kubeProxyVersion: '', machineID: '', systemUUID: '', bootID: '', kernelVersion: '', osImage: '', containerRuntimeVersion: '', operatingSystem: 'linux', architecture: 'amd64' },
  };
}

export function startPlayer(opts: PlayerOptions): Player {
  const mgmt = new KubeConfig();
  mgmt.loadFromFile(opts.kubeconfigPath);
  const custom = mgmt.makeApiClient(CustomObjectsApi);
  const core = mgmt.makeApiClient(CoreV1Api);
  const workloadConfig = new KubeConfig();
  workloadConfig.loadFromFile(opts.workload.kubeconfigPath);
  const nodes = workloadConfig.makeApiClient(CoreV1Api);
  const workloadKubeconfig = readFileSync(opts.workload.kubeconfigPath);

  const list = async (kind: Kind): Promise<Obj[]> => ((await custom.listClusterCustomObject(KINDS[kind])) as { items: Obj[] }).items;
  let holds = new Map<string, Held>();
  const invalidHolds = new Set<string>();
  const held = (kind: HoldableKind, o: Obj) => holds.get(o.metadata.namespace!)?.(kind, o.metadata.name) ?? false;
  /** Writes of the current pass: a pass that wrote is followed soon by the next, whose reads see what it started. */
  let writes = 0;
  const wrote = <T>(request: Promise<T>): Promise<T> => {
    writes++;
    return request;
  };
  const patch = (kind: Kind, o: Obj, body: object) =>
    wrote(custom.patchNamespacedCustomObject({ ...KINDS[kind], namespace: o.metadata.namespace!, name: o.metadata.name, body }, MERGE));
  const patchStatus = (kind: Kind, o: Obj, status: object) =>
    wrote(custom.patchNamespacedCustomObjectStatus({ ...KINDS[kind], namespace: o.metadata.namespace!, name: o.metadata.name, body: { status } }, MERGE));

  async function ensureKubeconfigSecret(cluster: Obj, secrets: Set<string>): Promise<void> {
    const namespace = cluster.metadata.namespace!;
    const name = `${cluster.metadata.name}-kubeconfig`;
    if (secrets.has(`${namespace}/${name}`)) return;
    await wrote(core.createNamespacedSecret({
      namespace,
      body: {
        metadata: {
          name,
          labels: { [CLUSTER_NAME_LABEL]: cluster.metadata.name },
          ownerReferences: [{ apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'Cluster', name: cluster.metadata.name, uid: cluster.metadata.uid }],
        },
        type: 'cluster.x-k8s.io/secret',
        data: { value: workloadKubeconfig.toString('base64') },
      },
      // One written without Cluster API's label (which the list selects on) is left as it is.
    })).catch(ignoreConflict);
  }

  /** CAPO: the network, router and load balancer exist; the API server answers at the workload server. */
  async function playInfrastructure(clusters: Obj[], infra: Obj[], secrets: Set<string>): Promise<void> {
    const endpoint = new URL(opts.workload.server);
    for (const o of infra) {
      if (o.metadata.deletionTimestamp || held('OpenStackCluster', o) || o.status?.failureReason) continue;
      const cluster = clusters.find((c) => c.metadata.namespace === o.metadata.namespace && c.spec?.infrastructureRef?.name === o.metadata.name);
      if (!cluster || cluster.metadata.deletionTimestamp) continue;
      // Before ready: the Cluster controller reads the kubeconfig as soon as the infrastructure is.
      await ensureKubeconfigSecret(cluster, secrets);
      if (!o.spec?.controlPlaneEndpoint?.host) {
        await patch('OpenStackCluster', o, { spec: { controlPlaneEndpoint: { host: endpoint.hostname, port: Number(endpoint.port) } } });
      }
      if (o.status?.ready !== true) {
        await patchStatus('OpenStackCluster', o, { ready: true, conditions: [condition('Ready', new Date().toISOString())] });
      }
    }
  }

  /** The control plane is up at its spec's version and size once the infrastructure is ready. */
  async function playControlPlanes(clusters: Obj[], planes: Obj[]): Promise<void> {
    for (const o of planes) {
      if (o.metadata.deletionTimestamp || held('KubeadmControlPlane', o)) continue;
      const cluster = clusters.find((c) => c.metadata.namespace === o.metadata.namespace && c.spec?.controlPlaneRef?.name === o.metadata.name);
      if (cluster?.status?.infrastructureReady !== true) continue;
      const s = o.status ?? {};
      const replicas = o.spec?.replicas ?? 1;
      if (s.ready === true && s.version === o.spec?.version && s.replicas === replicas && s.observedGeneration === o.metadata.generation) continue;
      const now = new Date().toISOString();
      await patchStatus('KubeadmControlPlane', o, {
        initialized: true,
        ready: true,
        version: o.spec?.version,
        replicas,
        readyReplicas: replicas,
        updatedReplicas: replicas,
        unavailableReplicas: 0,
        observedGeneration: o.metadata.generation,
        selector: `${CLUSTER_NAME_LABEL}=${cluster.metadata.name},cluster.x-k8s.io/control-plane`,
        conditions: ['Ready', 'Available', 'CertificatesAvailable', 'ControlPlaneComponentsHealthy', 'EtcdClusterHealthy', 'MachinesCreated', 'MachinesReady', 'MachinesSpecUpToDate', 'Resized'].map((t) => condition(t, now)),
        // What the real manager writes for the v1beta2 contract (Cluster API v1.11+ reads these).
        v1beta2: {
          availableReplicas: replicas,
          readyReplicas: replicas,
          upToDateReplicas: replicas,
          conditions: ['Available', 'Initialized', 'EtcdClusterHealthy', 'ControlPlaneComponentsHealthy', 'MachinesReady', 'MachinesUpToDate'].map((t) => ({ ...condition(t, now), reason: t, message: '', observedGeneration: o.metadata.generation })),
        },
      });
    }
  }

  /** CAPO makes a server once the machine's bootstrap data exists; its kubelet registers a Ready Node. */
  async function playMachines(machines: Obj[], infra: Obj[], existing: Set<string>): Promise<void> {
    for (const o of infra) {
      if (o.metadata.deletionTimestamp || held('OpenStackMachine', o)) continue;
      const owner = o.metadata.ownerReferences?.find((r) => r.kind === 'Machine');
      const machine = machines.find((m) => m.metadata.uid === owner?.uid);
      if (!machine || machine.metadata.deletionTimestamp || !machine.spec?.bootstrap?.dataSecretName) continue;
      const providerID = `${PROVIDER_ID_PREFIX}${o.metadata.uid}`;
      const address = addressOf(o.metadata.uid);
      if (o.spec?.providerID !== providerID) await patch('OpenStackMachine', o, { spec: { providerID, instanceID: o.metadata.uid } });
      if (o.status?.ready !== true) {
        await patchStatus('OpenStackMachine', o, { ready: true, instanceState: 'ACTIVE', addresses: [{ type: 'InternalIP', address }], conditions: [condition('Ready', new Date().toISOString())] });
      }
      if (!existing.has(o.metadata.name) && !machine.status?.nodeRef) await registerNode(o.metadata.name, providerID, address, machine.spec?.version);
    }
  }

  async function registerNode(name: string, providerID: string, address: string, version: string | undefined): Promise<void> {
    const node: V1Node = { metadata: { name }, spec: { providerID } };
    await wrote(nodes.createNode({ body: node }));
    await nodes.patchNodeStatus({ name, body: { status: kubeletNodeStatus(name, address, version, new Date().toISOString()) } }, MERGE);
  }

  /** The addon provider installs each addon once the cluster's API server answers. */
  async function playAddons(clusters: Obj[], kind: 'HelmRelease' | 'Manifests', addons: Obj[]): Promise<void> {
    for (const o of addons) {
      if (o.metadata.deletionTimestamp || o.status?.phase === 'Deployed' || held(kind, o)) continue;
      const cluster = clusters.find((c) => c.metadata.namespace === o.metadata.namespace && c.metadata.name === o.spec?.clusterName);
      if (cluster?.status?.controlPlaneReady !== true) continue;
      await patchStatus(kind, o, { phase: 'Deployed' });
    }
  }

  /** What the garbage collector would delete: Secrets whose Cluster or KubeadmConfig owners are gone, Nodes whose server is gone. */
  async function collectGarbage(live: Set<string>, infra: Obj[], nodeList: V1Node[], secrets: V1Secret[]): Promise<void> {
    for (const s of secrets) {
      const owners = (s.metadata?.ownerReferences ?? []).filter((r) => r.kind === 'Cluster' || r.kind === 'KubeadmConfig');
      if (owners.length === 0 || owners.length !== (s.metadata?.ownerReferences ?? []).length) continue;
      if (owners.some((r) => live.has(r.uid))) continue;
      await wrote(core.deleteNamespacedSecret({ namespace: s.metadata!.namespace!, name: s.metadata!.name! })).catch(ignoreNotFound);
    }
    const servers = new Set(infra.map((o) => `${PROVIDER_ID_PREFIX}${o.metadata.uid}`));
    for (const n of nodeList) {
      if (n.spec?.providerID?.startsWith(PROVIDER_ID_PREFIX) && !servers.has(n.spec.providerID)) {
        await wrote(nodes.deleteNode({ name: n.metadata!.name! })).catch(ignoreNotFound);
      }
    }
  }

  async function reconcile(): Promise<void> {
    const [clusters, machines, configs, planes, infraClusters, infraMachines, helmReleases, manifests, nodeList, namespaces, capiSecrets] = await Promise.all([
      list('Cluster'), list('Machine'), list('KubeadmConfig'), list('KubeadmControlPlane'), list('OpenStackCluster'), list('OpenStackMachine'),
      list('HelmRelease'), list('Manifests'), nodes.listNode().then((r) => r.items), core.listNamespace().then((r) => r.items),
      // Only Cluster API's secrets, as metadata: helm's release records are large and never the player's business.
      // (A metadata list with no item comes without `items`.)
      core.listSecretForAllNamespaces({ labelSelector: CLUSTER_NAME_LABEL }, setHeaderOptions('Accept', METADATA_LIST)).then((r) => r.items ?? []),
    ]);
    holds = holdsByNamespace(namespaces.map((n) => ({ name: n.metadata!.name!, annotations: n.metadata?.annotations })), (ns, reason) => {
      if (!invalidHolds.has(ns)) opts.log(`cluster-api player: namespace ${ns} holds everything: ${reason}`);
      invalidHolds.add(ns);
    });
    await playInfrastructure(clusters, infraClusters, new Set(capiSecrets.map((x) => `${x.metadata!.namespace}/${x.metadata!.name}`)));
    await playControlPlanes(clusters, planes);
    await playMachines(machines, infraMachines, new Set(nodeList.map((n) => n.metadata!.name!)));
    await playAddons(clusters, 'HelmRelease', helmReleases);
    await playAddons(clusters, 'Manifests', manifests);
    const live = new Set([...clusters, ...configs].map((o) => o.metadata.uid));
    await collectGarbage(live, infraMachines, nodeList, capiSecrets);
  }

  let stopped = false;
  let lastError = '';
  let pass: Promise<void> = Promise.resolve();
  const loop = async () => {
    while (!stopped) {
      writes = 0;
      pass = reconcile().then(
        () => {
          lastError = '';
        },
        (err: unknown) => {
          // Conflicts and objects deleted mid-pass are normal: the next pass sees the new state.
          const msg = describe(err);
          if (msg !== lastError) opts.log(`cluster-api player: ${msg} (retrying)`);
          lastError = msg;
        },
      );
      await pass;
      const interval = writes > 0 || lastError ? BUSY_INTERVAL_MS : IDLE_INTERVAL_MS;
      if (!stopped) await new Promise((r) => setTimeout(r, interval));
    }
  };
  void loop();
  return {
    reconcile,
    stop: async () => {
      stopped = true;
      await pass;
    },
  };
}

function ignoreNotFound(err: unknown): void {
  if ((err as { code?: number }).code !== 404) throw err;
}

function ignoreConflict(err: unknown): void {
  if ((err as { code?: number }).code !== 409) throw err;
}

function describe(err: unknown): string {
  const e = err as { code?: number; body?: unknown; message?: string };
  // A body may be absent (a connection reset mid-request): never throw while reporting.
  if (e.code) return `HTTP ${e.code}: ${String(typeof e.body === 'string' ? e.body : JSON.stringify(e.body) ?? e.message ?? '').slice(0, 600)}`;
  return e.message ?? String(err);
}
