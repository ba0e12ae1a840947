/**
 * Composition of the engine behind the routes: management-cluster clients,
 * the watch cache and cluster index, helm with its queue and chart cache, the
 * planner, and the driver operations over them. The one place that decides
 * what runs; `close()` stops it all.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { Gauge, Registry } from 'prom-client';
import type { Config } from './config.js';
import { createDriver } from './driver/operations.js';
import type { ReadinessCheck, Driver } from './driver/types.js';
import type { SecretStore } from './driver/ports.js';
import { ChartCache } from './helm/chart-cache.js';
import { createHelmClient } from './helm/client.js';
import { createReleaseManager, type ReleaseManager } from './helm/releases.js';
import { IN_CLUSTER, kubeClients } from './kube/client.js';
import { describeError } from './kube/errors.js';
import { watchClusterIndex, type WatchedIndex } from './kube/cluster-index.js';
import { markMachinesForRemoval } from './kube/machines.js';
import { cacheObserver } from './kube/observer.js';
import { applyClusterSecrets, deleteClusterSecrets, ensureNamespace, readApplicationCredentialId, readKubeconfig } from './kube/secrets.js';
import { WatchCache } from './kube/watch-cache.js';
import { PROJECT_ROOT, createPlanner } from './planner.js';
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
  const cache = new WatchCache(kube.config, {
    namespacePrefix: config.namespacePrefix,
    capiVersion: config.status.capiVersion,
    onError: (kind, err) => logger.warn({ kind, err: describeError(err) }, 'watch broken; re-listing'),
  });
  const index = watchClusterIndex(kube.config, (err) => logger.warn({ err: describeError(err) }, 'cluster index watch broken; re-listing'));
  const binary = resolveHelmBinary(config.helm.binary);
  const chartCache = new ChartCache(config.helm.cacheDir ?? join(tmpdir(), 'magnum-capi-sidecar-charts'), binary);
  const helm = createHelmClient({
    binary,
    // In a pod helm finds the service account itself.
    kubeconfig: config.kubeconfig === IN_CLUSTER ? undefined : config.kubeconfig,
    timeoutSeconds: config.helm.timeoutSeconds,
    archiveFor: (req) => chartCache.archive(req.chart),
  });
  const releases = createReleaseManager(helm, config.helm.concurrency, logger);
  const planner = await createPlanner(config);

  const secrets: SecretStore = {
    ensureNamespace: (ns) => ensureNamespace(kube, ns),
    applyClusterSecrets: (input) => applyClusterSecrets(kube, input),
    deleteClusterSecrets: (ns, uuid) => deleteClusterSecrets(kube, ns, uuid),
    readApplicationCredentialId: (ref) => readApplicationCredentialId(kube, ref.namespace, ref.release),
    readKubeconfig: (ref) => readKubeconfig(kube, ref.namespace, ref.release),
  };

  const driver = createDriver({
    config,
    planner,
    releases,
    secrets,
    observer: cacheObserver(cache, config.status),
    index,
    prepareChart: async (plan) => {
      await chartCache.archive(plan.chart);
    },
    markNodesForRemoval: (ref, group, nodes) => markMachinesForRemoval(kube, ref, group, nodes, config.status.capiVersion),
  });

  new Gauge({
    name: 'mcs_helm_operations_running',
    help: 'helm processes running now',
    registers: [registry],
    collect() {
      this.set(releases.queue.running);
    },
  });
  new Gauge({
    name: 'mcs_kube_requests',
    help: 'requests made to the management API by the watch cache, by kind of request',
    labelNames: ['request'] as const,
    registers: [registry],
    collect() {
      for (const [request, n] of Object.entries(cache.requests)) this.set({ request }, n);
    },
  });

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
        const sync = cache.synced();
        if (!sync.ok) return { ok: false, message: sync.reason };
        return index.synced() ? { ok: true, message: 'all watches synced' } : { ok: false, message: 'cluster index not synced' };
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
