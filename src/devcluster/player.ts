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
 * It reads through watches (watched.ts): a pass runs as soon as a change
 * arrives, and every few seconds anyway, as a controller's resync. Each step is
 * idempotent and written as a merge patch, so a pass on a watch a moment behind
 * repeats a write at worst, and never fights a controller.
 * A namespace's hold annotation (hold.ts) makes it leave named objects alone,
 * and an OpenStackCluster with a failureReason stays failed, as CAPO's v1beta1
 * failures are terminal.
 */
import { CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions, type V1Node, type V1Secret } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { LABEL_CAPI_CLUSTER as CLUSTER_NAME_LABEL } from '../kube/labels.js';
import { holdsByNamespace, type Held, type HoldableKind } from './hold.js';
import { LOCAL_KINDS, type LocalKind } from './kinds.js';
import type { Log } from './process.js';
import { watchInto } from './watched.js';

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

/** The Cluster API, CAPO and addon kinds a pass reads, each through a watch of its own. */
const PLAYER_KINDS = ['Cluster', 'Machine', 'KubeadmConfig', 'KubeadmControlPlane', 'OpenStackCluster', 'OpenStackMachine', 'HelmRelease', 'Manifests'] as const satisfies readonly Kind[];

const PROVIDER_ID_PREFIX = 'openstack:///';
const MERGE = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
/** From the first change a watch delivers to the pass it starts. */
const SETTLE_MS = 50;
/** After a pass that failed (a conflict, an object deleted meanwhile). */
const RETRY_MS = 500;
/** A pass at least this often with no change at all, as a controller's resync: it reads only the watches' stores. */
const SAFETY_INTERVAL_MS = 10_000;

export interface PlayerOptions {
  kubeconfigPath: string;
  workload: { server: string; kubeconfigPath: string };
  log: Log;
}

export interface Player {
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

  let holds = new Map<string, Held>();
  const invalidHolds = new Set<string>();
  const held = (kind: HoldableKind, o: Obj) => holds.get(o.metadata.namespace!)?.(kind, o.metadata.name) ?? false;
  const patch = (kind: Kind, o: Obj, body: object) =>
    // Gone since the watch delivered it: nothing left to play.
    custom.patchNamespacedCustomObject({ ...KINDS[kind], namespace: o.metadata.namespace!, name: o.metadata.name, body }, MERGE).catch(ignoreNotFound);
  const patchStatus = (kind: Kind, o: Obj, status: object) =>
    custom.patchNamespacedCustomObjectStatus({ ...KINDS[kind], namespace: o.metadata.namespace!, name: o.metadata.name, body: { status } }, MERGE).catch(ignoreNotFound);

  async function ensureKubeconfigSecret(cluster: Obj, secrets: Set<string>): Promise<void> {
    const namespace = cluster.metadata.namespace!;
    const name = `${cluster.metadata.name}-kubeconfig`;
    if (secrets.has(`${namespace}/${name}`)) return;
    await core.createNamespacedSecret({
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
      // One written without Cluster API's label (which the watch selects on), or one the watch has not delivered yet, is left as it is.
    }).catch(ignoreConflict);
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
    // A watch a moment behind may not show a Node this player just registered.
    await nodes.createNode({ body: node }).catch(ignoreConflict);
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
      await core.deleteNamespacedSecret({ namespace: s.metadata!.namespace!, name: s.metadata!.name! }).catch(ignoreNotFound);
    }
    const servers = new Set(infra.map((o) => `${PROVIDER_ID_PREFIX}${o.metadata.uid}`));
    for (const n of nodeList) {
      if (n.spec?.providerID?.startsWith(PROVIDER_ID_PREFIX) && !servers.has(n.spec.providerID)) {
        await nodes.deleteNode({ name: n.metadata!.name! }).catch(ignoreNotFound);
      }
    }
  }

  /** One pass over what the watches hold; it reads nothing from the API server. */
  async function reconcile(): Promise<void> {
    const of = (kind: (typeof PLAYER_KINDS)[number]) => objects.get(kind)!.store.items() as Obj[];
    const clusters = of('Cluster');
    const infraMachines = of('OpenStackMachine');
    const nodeList = watchedNodes.store.items() as V1Node[];
    const capiSecrets = watchedSecrets.store.items() as V1Secret[];
    holds = holdsByNamespace(watchedNamespaces.store.items().map((n) => ({ name: n.metadata!.name!, annotations: n.metadata?.annotations })), (ns, reason) => {
      if (!invalidHolds.has(ns)) opts.log(`cluster-api player: namespace ${ns} holds everything: ${reason}`);
      invalidHolds.add(ns);
    });
    await playInfrastructure(clusters, of('OpenStackCluster'), new Set(capiSecrets.map((x) => `${x.metadata!.namespace}/${x.metadata!.name}`)));
    await playControlPlanes(clusters, of('KubeadmControlPlane'));
    await playMachines(of('Machine'), infraMachines, new Set(nodeList.map((n) => n.metadata!.name!)));
    await playAddons(clusters, 'HelmRelease', of('HelmRelease'));
    await playAddons(clusters, 'Manifests', of('Manifests'));
    const live = new Set([...clusters, ...of('KubeadmConfig')].map((o) => o.metadata.uid));
    await collectGarbage(live, infraMachines, nodeList, capiSecrets);
  }

  let stopped = false;
  let lastError = '';
  const report = (err: unknown) => {
    // Conflicts and objects deleted mid-pass are normal: the next pass sees the new state.
    const msg = describe(err);
    if (msg !== lastError) opts.log(`cluster-api player: ${msg} (retrying)`);
    lastError = msg;
  };
  /** Set by every change a watch delivers; a pass starts once it is. */
  let dirty = true;
  let wake: (() => void) | undefined;
  const changed = () => {
    dirty = true;
    wake?.();
  };
  const pause = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      wake = undefined;
      resolve();
    }
    wake = done;
  });
  const objects = new Map(PLAYER_KINDS.map((kind) => {
    const { group, version, plural } = KINDS[kind];
    return [kind, watchInto({ config: mgmt, path: `/apis/${group}/${version}/${plural}` }, changed, report)] as const;
  }));
  const watchedNodes = watchInto({ config: workloadConfig, path: '/api/v1/nodes' }, changed, report);
  const watchedNamespaces = watchInto({ config: mgmt, path: '/api/v1/namespaces' }, changed, report);
  // Only Cluster API's secrets, as metadata: helm's release records are large and never the player's business.
  const watchedSecrets = watchInto({ config: mgmt, path: '/api/v1/secrets', labelSelector: CLUSTER_NAME_LABEL, metadataOnly: true }, changed, report);
  const watches = [...objects.values(), watchedNodes, watchedNamespaces, watchedSecrets].map((w) => w.watcher);
  let pass: Promise<void> = Promise.resolve();
  const loop = async () => {
    await Promise.all(watches.map((w) => w.start()));
    while (!stopped) {
      if (!dirty) await pause(SAFETY_INTERVAL_MS);
      // A write brings several events at once (the object, then the controllers' answers): one pass for the burst.
      await pause(SETTLE_MS);
      if (stopped) break;
      dirty = false;
      pass = reconcile().then(() => {
        lastError = '';
      }, (err: unknown) => {
        report(err);
        dirty = true;
      });
      await pass;
      if (lastError) await pause(RETRY_MS);
    }
  };
  void loop();
  return {
    stop: async () => {
      stopped = true;
      wake?.();
      await pass;
      await Promise.all(watches.map((w) => w.stop()));
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
