/**
 * What the player reads, kept current by watches on the shared list-and-watch
 * loop (kube/list-watch.ts) rather than listed on every pass: a pass then
 * costs the API server nothing, however many clusters the management cluster
 * holds, and the player hears of a change as soon as it is written.
 */
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { ListWatcher } from '../kube/list-watch.js';
import type { BackoffPolicy } from '../kube/watch-backoff.js';

/** Objects of one collection by uid, as the watch last delivered them. */
export class WatchedStore<T extends KubernetesObject> {
  private readonly objects = new Map<string, T>();

  constructor(private readonly changed: () => void) {}

  items(): T[] {
    return [...this.objects.values()];
  }

  replace(items: T[]): void {
    this.objects.clear();
    for (const o of items) this.objects.set(o.metadata!.uid!, o);
    this.changed();
  }

  upsert(o: T): void {
    this.objects.set(o.metadata!.uid!, o);
    this.changed();
  }

  remove(o: T): void {
    this.objects.delete(o.metadata!.uid!);
    this.changed();
  }
}

export interface Collection {
  config: KubeConfig;
  path: string;
  labelSelector?: string;
  metadataOnly?: boolean;
}

/** A local API server restarts in seconds (the outage tests stop one): retry soon, never wait long. */
const PLAYER_BACKOFF: BackoffPolicy = { baseMs: 250, maxMs: 3_000 };

/** Watches one collection into a store; every change calls `changed`. */
export function watchInto<T extends KubernetesObject>(c: Collection, changed: () => void, onError: (err: unknown) => void) {
  const store = new WatchedStore<T>(changed);
  const watcher = new ListWatcher<T>(c.config, {
    path: c.path,
    labelSelector: c.labelSelector,
    metadataOnly: c.metadataOnly,
    project: (raw) => raw as T,
    sink: store,
    backoff: PLAYER_BACKOFF,
    onError,
  });
  return { store, watcher };
}
