/**
 * Composition of the engine behind the routes: management-cluster clients,
 * the watch cache and cluster index, helm with its queue and chart cache, the
 * planner, and the driver operations over them. The one place that decides
 * what runs; `close()` stops it all.
 */
import { existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from './config.js';
import { createDriver } from './driver/operations.js';
import type { ReadinessCheck, Driver } from './driver/types.js';
import type { SecretStore } from './driver/ports.js';
import { ChartCache } from './helm/chart-cache.js';
import { createHelmClient } from './helm/client.js';
import { UNLOCKED_DESCRIPTION, unlockRevision } from './helm/record.js';
import { createReleaseManager, type ReleaseManager } from './helm/releases.js';
import { IN_CLUSTER, kubeClients } from './kube/client.js';
import { describeError } from './kube/errors.js';
import { watchClusterIndex, type WatchedIndex } from './kube/cluster-index.js';
import { markMachinesForRemoval } from './kube/machines.js';
import { leaseMetrics } from './kube/lease-metrics.js';
import { cacheObserver } from './kube/observer.js';
import { createReleaseLeases } from './kube/release-lease.js';
import { releaseRemnants } from './kube/release-remains.js';
import { applyClusterSecrets, deleteClusterSecrets, ensureNamespace, readApplicationCredentialId, readKubeconfig } from './kube/secrets.js';
import { WatchCache } from './kube/watch-cache.js';
import { watchedKinds } from './kube/watch-kinds.js';
import { PROJECT_ROOT, createPlanner } from './planner.js';
import { instrumentDriver, instrumentObserver, registerEngineMetrics, type EngineMetrics } from './plugins/engine-metrics.js';
import { observedKinds } from './status/observed.js';
import { createRegistry } from './plugins/metrics.js';
import type { Engine } from './server.js';

/** `helm` means: the helm this project extracted at install, else the one on PATH. */
export function resolveHelmBinary(configured: string, root = PROJECT_ROOT): string {
  const bundled = join(root, '.tools/helm3/helm');
  return configured === 'helm' && existsSync(bundled) ? bundled : configured;
}

export interface EngineParts extends Engine {
  driver: Driver;
  cache: WatchCache;
  index: WatchedIndex;
  releases: ReleaseManager;
  chartCache: ChartCache;
}

export async function createEngine(config: Config & { kubeconfig: string }, logger: Logger, registry: Registry = createRegistry()): Promise<EngineParts> {
  const kube = kubeClients(config.kubeconfig);
  // The series read the parts built below when scraped; the recorders are only called once those exist.
  let metrics: EngineMetrics | undefined;
  const cache = new WatchCache(kube.config, {
    namespacePrefix: config.namespacePrefix,
    capiVersion: config.status.capiVersion,
    onError: (kind, err) => {
      metrics?.watchRestarted(kind);
      logger.warn({ kind, err: describeError(err) }, 'watch broken; re-listing');
    },
    onEvent: (kind) => metrics?.watchEvent(kind),
  });
  const index = watchClusterIndex(kube.config, (err) => logger.warn({ err: describeError(err) }, 'cluster index watch broken; re-listing'));
  const binary = resolveHelmBinary(config.helm.binary);
  const onRun = (run: Parameters<EngineMetrics['helmRun']>[0]) => metrics?.helmRun(run);
  const chartCache = new ChartCache(config.helm.cacheDir ?? join(tmpdir(), 'magnum-capi-sidecar-charts'), binary, {
    // plainHttp and registryConfig: how helm reaches an OCI chart registry.
    registry: config.chart,
    onRun,
    onPull: (outcome) => metrics?.chartPull(outcome),
  });
  const helm = createHelmClient({
    binary,
    // In a pod helm finds the service account itself.
    kubeconfig: config.kubeconfig === IN_CLUSTER ? undefined : config.kubeconfig,
    timeoutSeconds: config.helm.timeoutSeconds,
    archiveFor: (req) => chartCache.archive(req.chart),
    registry: config.chart,
    onRun,
  });
  const identity = config.lease.identity ?? `${hostname()}/${process.pid}`;
  const leaseSeries = leaseMetrics(registry);
  const leases = createReleaseLeases(kube.config, {
    identity,
    durationSeconds: config.lease.durationSeconds,
    waitSeconds: config.lease.waitSeconds,
    ensureNamespace: (ns) => ensureNamespace(kube, ns),
    metrics: leaseSeries,
    log: logger,
  });
  const releases = createReleaseManager(helm, config.helm.concurrency, {
    holdsLease: leases.holds,
    unlock: async (ref, revision, from) => {
      await unlockRevision(kube.core, ref, revision, `${UNLOCKED_DESCRIPTION} ${from} state by magnum-capi-sidecar ${identity}: the lease holder was gone`);
      leaseSeries.unlocked(from);
    },
    log: logger,
  });
  const planner = await createPlanner(config);

  const secrets: SecretStore = {
    ensureNamespace: (ns) => ensureNamespace(kube, ns),
    applyClusterSecrets: (input) => applyClusterSecrets(kube, input),
    deleteClusterSecrets: (ns, uuid) => deleteClusterSecrets(kube, ns, uuid),
    readApplicationCredentialId: (ref) => readApplicationCredentialId(kube, ref.namespace, ref.release),
    readKubeconfig: (ref) => readKubeconfig(kube, ref.namespace, ref.release),
  };

  const observer = cacheObserver(cache, config.status);
  metrics = registerEngineMetrics(registry, {
    kinds: watchedKinds(config.status.capiVersion).map((k) => k.kind),
    helmRunning: () => releases.queue.running,
    kubeRequests: () => cache.requests,
    cacheObjects: () => cache.objectCounts(),
    cacheSynced: () => cache.synced().ok,
    clusterStates: () => index.all().map((loc) => observer.state(loc).state),
  });

  const kubeRemnants = releaseRemnants(kube.config, config.status.capiVersion, () => cache.countFreshRead());
  const driver = instrumentDriver(createDriver({
    config,
    planner,
    releases,
    leases,
    secrets,
    observer: instrumentObserver(observer, metrics),
    index,
    remnants: {
      find: async (ref) => ({ ...(await kubeRemnants.list(ref.release)), releasePresent: await releases.present(ref) }),
      remove: (objects) => kubeRemnants.remove(objects),
    },
    prepareChart: async (plan) => {
      await chartCache.archive(plan.chart);
    },
    markNodesForRemoval: (ref, group, nodes) => markMachinesForRemoval(kube, ref, group, nodes, config.status.capiVersion),
  }), metrics);

  // Start the watches without blocking start-up on a management cluster that is down: /readyz says so.
  void cache.start().catch((err) => logger.error({ err: String(err) }, 'watch cache did not start'));
  const startIndex = async (): Promise<void> => {
    try {
      await index.start();
    } catch (err) {
      logger.warn({ err: describeError(err) }, 'cluster index not started; retrying');
      setTimeout(() => void startIndex(), 2000).unref();
    }
  };
  void startIndex();

  let helmVersion: string | null = null;
  const checks: ReadinessCheck[] = [
    {
      name: 'management-cluster',
      check: async () => {
        // A missing or forbidden kind degrades the parts that need it, not the service: ready, naming the kind.
        const sync = observedKinds(cache.kindStates());
        if (!sync.ok) return { ok: false, message: sync.reason };
        return index.synced() ? { ok: true, message: sync.reason } : { ok: false, message: 'cluster index not synced' };
      },
    },
    {
      name: 'helm',
      check: async () => {
        helmVersion ??= (await helm.version()).full;
        return { ok: true, message: `${binary} ${helmVersion}` };
      },
    },
  ];

  return {
    driver,
    checks,
    registry,
    cache,
    index,
    releases,
    chartCache,
    close: async () => {
      await cache.stop();
      await index.stop();
    },
  };
}
