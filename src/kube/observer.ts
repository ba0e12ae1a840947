/** The driver's Observer: the watch cache read through the pure status functions. */
import type { Config } from '../config.js';
import type { Observer, ReleaseRef } from '../driver/ports.js';
import { highestVersion } from '../driver/upgrade-rules.js';
import { derivedName, sanitise } from '../magnum/names.js';
import { computeStatus } from '../status/cluster.js';
import { computeHealth } from '../status/health.js';
import { observedKinds } from '../status/observed.js';
import { str } from '../status/objects.js';
import { determineClusterState } from '../status/state.js';
import type { ClusterObjectSource } from './watch-cache.js';

export function cacheObserver(cache: ClusterObjectSource, options: Config['status']): Observer {
  const objects = (ref: ReleaseRef) => cache.objectsFor(ref.namespace, ref.release);
  // A source that cannot tell kinds apart is all or nothing, as before.
  const observed = () => (cache.kindStates ? observedKinds(cache.kindStates()) : { ...cache.synced(), unobserved: new Map<string, string>() });
  return {
    synced: () => observed(),
    status: (spec, ref, now, absenceConfirmed) =>
      computeStatus({ spec, release: ref.release, objects: objects(ref), now, absenceConfirmed, options, unobserved: observed().unobserved }),
    health: (ref, nodegroups) =>
      computeHealth(objects(ref), nodegroups?.map((name) => ({ name, machineDeployment: derivedName(ref.release, sanitise(name)) })), observed().unobserved),
    state: (ref) => determineClusterState(objects(ref)),
    controlPlaneVersion: (ref) => {
      const kcp = objects(ref).controlPlane;
      return highestVersion(str(kcp?.status?.version), str(kcp?.spec?.version));
    },
  };
}
