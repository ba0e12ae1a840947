/**
 * Which namespace and release hold a Magnum cluster, by uuid: learnt from the
 * labels on each cluster's cloud-credentials secret (magnum-capi-helm labels
 * them the same way, so its clusters are found too). Fed by one watch, so the
 * health monitor's per-minute calls cost no API request.
 */
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { ClusterIndex, ClusterLocation } from '../driver/ports.js';
import { LABEL_CAPI_CLUSTER, LABEL_CLUSTER_UUID, LABEL_PROJECT } from './labels.js';
import { ListWatcher } from './list-watch.js';
import { DEFAULT_BACKOFF } from './watch-backoff.js';

const CREDENTIALS_SUFFIX = '-cloud-credentials';

/** Pure: the location a secret's metadata tells of, or undefined when it is not a cluster's credentials. */
export function locationOf(secret: KubernetesObject): ClusterLocation | undefined {
  const meta = secret.metadata;
  const labels = meta?.labels ?? {};
  const uuid = labels[LABEL_CLUSTER_UUID];
  const release = labels[LABEL_CAPI_CLUSTER];
  if (!uuid || !release || !meta?.namespace || !meta.name?.endsWith(CREDENTIALS_SUFFIX)) return undefined;
  return { uuid, release, namespace: meta.namespace, projectId: labels[LABEL_PROJECT] ?? null };
}

export class MemoryClusterIndex implements ClusterIndex {
  protected readonly byUuid = new Map<string, ClusterLocation>();

  put(secret: KubernetesObject): void {
    const loc = locationOf(secret);
    if (loc) this.set(loc);
  }

  drop(secret: KubernetesObject): void {
    const loc = locationOf(secret);
    if (loc) this.unset(loc);
  }

  set(loc: ClusterLocation): void {
    this.byUuid.set(loc.uuid, loc);
  }

  unset(loc: ClusterLocation): void {
    if (this.byUuid.get(loc.uuid)?.namespace === loc.namespace) this.byUuid.delete(loc.uuid);
  }

  /** A fresh list: these are all the clusters there are. */
  replaceAll(locations: ClusterLocation[]): void {
    this.byUuid.clear();
    for (const loc of locations) this.set(loc);
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
  /** Every location held, for tests that prove what the index keeps. */
  contents(): ClusterLocation[];
}

/**
 * The index fed by one watch of the labelled secrets of every namespace, on
 * the shared list-and-watch loop. Secrets are watched as metadata only
 * (`PartialObjectMetadata`) and reduced at once to a location, so no
 * clouds.yaml, CA key or kubeconfig is ever in this process's memory (the
 * few values read are fetched when asked, by `secrets.ts`), and no
 * annotation either: `last-applied-configuration` would carry the data.
 * Synced once a list has succeeded and while no error has broken the watch
 * since.
 */
export function watchClusterIndex(config: KubeConfig, onError: (err: unknown) => void, retryMs = 2000): WatchedIndex {
  const index = new MemoryClusterIndex();
  const watcher = new ListWatcher<ClusterLocation>(config, {
    path: '/api/v1/secrets',
    labelSelector: LABEL_CLUSTER_UUID,
    metadataOnly: true,
    project: (raw) => locationOf(raw),
    sink: {
      replace: (items) => index.replaceAll(items),
      upsert: (loc) => index.set(loc),
      remove: (loc) => index.unset(loc),
    },
    backoff: { baseMs: retryMs, maxMs: Math.max(retryMs, DEFAULT_BACKOFF.maxMs) },
    onError,
  });
  return {
    lookup: (uuid) => index.lookup(uuid),
    all: () => index.all(),
    contents: () => index.all(),
    synced: () => {
      const s = watcher.state();
      return s.listed && s.phase === 'watching';
    },
    start: () => watcher.start(),
    stop: () => watcher.stop(),
  };
}
