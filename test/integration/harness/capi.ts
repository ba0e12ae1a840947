/**
 * What a test may still play while the real Cluster API controllers run: the
 * providers that cannot run here (CAPO, the control plane's status, the
 * addons), through the player's hold (src/devcluster/hold.ts), and CAPO's own
 * failure report. Core Cluster API statuses are never written by a test.
 */
import { PLAYER_HOLD_ANNOTATION } from '../../../src/devcluster/hold.js';
import { kube, MERGE } from './kube.js';

export function playedProviders(kubeconfig: string) {
  const k = kube(kubeconfig);
  const annotate = async (namespace: string, value: string | null) => {
    const body = { metadata: { annotations: { [PLAYER_HOLD_ANNOTATION]: value } } };
    try {
      await k.core.patchNamespace({ name: namespace, body }, MERGE);
    } catch (err) {
      if ((err as { code?: number }).code !== 404 || value === null) throw err;
      // Before the sidecar's first create in the project: the namespace starts held.
      await k.core.createNamespace({ body: { metadata: { name: namespace, annotations: { [PLAYER_HOLD_ANNOTATION]: value } } } });
    }
  };
  return {
    /** The player leaves these alone in the namespace (`Kind` or `Kind/name`) until `release`. */
    hold: (namespace: string, entries: string[]) => annotate(namespace, entries.join(',')),
    release: (namespace: string) => annotate(namespace, null),
    /** CAPO's report of a failure it will not retry (v1beta1: terminal); the player leaves such an OpenStackCluster failed. */
    async infrastructureFailed(namespace: string, name: string, reason: string, message: string) {
      await k.setStatus('OpenStackCluster', namespace, name, {
        ready: false, failureReason: reason, failureMessage: message,
        conditions: [{ type: 'Ready', status: 'False', reason, message, lastTransitionTime: new Date().toISOString() }],
      });
    },
  };
}
