/**
 * A `ClusterObjectSource` over a fixed map, for unit tests of code that reads
 * the cache (observer, routes) without an API server.
 */
import type { ClusterObjects } from '../status/objects.js';
import type { ClusterObjectSource, SyncState } from './watch-cache.js';

export function staticObjectSource(objects: Record<string, ClusterObjects>, sync: SyncState = { ok: true, reason: 'all watches synced' }): ClusterObjectSource {
  return {
    objectsFor: (namespace, release) => objects[`${namespace}/${release}`] ?? { machineDeployments: [], machines: [], addons: [] },
    synced: () => sync,
  };
}
