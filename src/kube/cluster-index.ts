/**
 * Which namespace and release hold a Magnum cluster, by uuid: learnt from the
 * labels on each cluster's cloud-credentials secret (magnum-capi-helm labels
 * them the same way, so its clusters are found too). Fed by one watch, so the
 * health monitor's per-minute calls cost no API request.
 */
import { CoreV1Api, ListWatch, Watch, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import type { ClusterIndex, ClusterLocation } from '../driver/ports.js';
import { LABEL_CAPI_CLUSTER, LABEL_CLUSTER_UUID, LABEL_PROJECT } from './labels.js';

const CREDENTIALS_SUFFIX = '-cloud-credentials';

/** Pure: the location a secret tells of, or undefined when it is not a cluster's credentials. */
export function locationOf(secret: V1Secret): ClusterLocation | undefined {
  const meta = secret.metadata;
  const labels = meta?.labels ?? {};
  const uuid = labels[LABEL_CLUSTER_UUID];
  const release = labels[LABEL_CAPI_CLUSTER];
  if (!uuid || !release || !meta?.namespace || !meta.name?.endsWith(CREDENTIALS_SUFFIX)) return undefined;
  return { uuid, release, namespace: meta.namespace, projectId: labels[LABEL_PROJECT] ?? null };
}

export class MemoryClusterIndex implements ClusterIndex {
  protected readonly byUuid = new Map<string, ClusterLocation>();

  put(secret: V1Secret): void {
    const loc = locationOf(secret);
    if (loc) this.byUuid.set(loc.uuid, loc);
  }

  drop(secret: V1Secret): void {
    const loc = locationOf(secret);
    if (loc && this.byUuid.get(loc.uuid)?.namespace === loc.namespace) this.byUuid.delete(loc.uuid);
  }

  lookup(uuid: string): ClusterLocation | undefined {
    return this.byUuid.get(uuid);
  }

  all(): ClusterLocation[] {
    return [...this.byUuid.values()].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.release.localeCompare(b.release));
  }
}

export interface WatchedIndex extends ClusterIndex {
  start(): Promise<void>;
  stop(): Promise<void>;
  synced(): boolean;
}

/**
 * The index fed by a watch of labelled secrets in every namespace, restarted
 * after errors. Synced only once a list has succeeded and while no error has
 * broken the watch since: client-node's ListWatch reports a failed list as an
 * `error` event (its start() resolves all the same) and emits `connect`
 * before it lists, so neither start() returning nor `connect` proves anything.
 */
export function watchClusterIndex(config: KubeConfig, onError: (err: unknown) => void, retryMs = 2000): WatchedIndex {
  const index = new MemoryClusterIndex();
  const core = config.makeApiClient(CoreV1Api);
  const selector = LABEL_CLUSTER_UUID;
  let listed = false;
  let stopped = false;
  let healthy = false;
  const watch = new Watch(config);
  const open = watch.watch.bind(watch);
  // Healthy again once a watch is established (a resume after an error does not list).
  watch.watch = async (path, params, callback, done) => {
    let failed = false;
    const controller = await open(path, params, callback, (err: unknown) => {
      if (err) failed = true;
      done(err);
    });
    if (!failed && listed && !stopped) healthy = true;
    return controller;
  };
  const list = async () => {
    const result = await core.listSecretForAllNamespaces({ labelSelector: selector });
    listed = true;
    return result;
  };
  const informer = new ListWatch<V1Secret>('/api/v1/secrets', watch, list, false, selector);
  informer.on('add', (s) => index.put(s));
  informer.on('update', (s) => index.put(s));
  informer.on('delete', (s) => index.drop(s));
  // A pending retry must not outlive stop(): ListWatch.start() would revive a stopped informer.
  let retry: NodeJS.Timeout | undefined;
  informer.on('error', (err) => {
    healthy = false;
    // stop() aborts the watch; that is no error to report.
    if (stopped) return;
    onError(err);
    if (retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      if (!stopped) void informer.start().catch(onError);
    }, retryMs);
    retry.unref();
  });
  return {
    lookup: (uuid) => index.lookup(uuid),
    all: () => index.all(),
    synced: () => listed && healthy,
    async start() {
      stopped = false;
      await informer.start();
    },
    async stop() {
      stopped = true;
      healthy = false;
      clearTimeout(retry);
      retry = undefined;
      await informer.stop();
    },
  };
}
